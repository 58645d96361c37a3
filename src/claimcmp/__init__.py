"""claimcmp: compare what several sources say, claim by claim, with verbatim quotes."""

__version__ = "0.1.0"
