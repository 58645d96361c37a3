"""The commands of the command line, grouped by what they are for.

Each module holds plain functions, one a command: load the store, compute,
render, pick the exit code (a handful of lines; the logic lives in the library
modules). ``common`` holds what they share: the consoles, the global options,
loading, printing and error handling. ``claimcmp.cli`` names every command on
the typer app, in the order ``claimcmp --help`` lists them.

The command modules (and ``claimcmp.cli``) evaluate their annotations as they
are imported: no ``from __future__ import annotations``. typer reads every
command's signature on each run, and evaluating string annotations cost it
0.007-0.011 s of every command's start (measured); names imported only for
type checking are quoted (``tests/test_cli_split.py`` holds the commands to it).
"""
