"""claimcmp: compare what several sources say, claim by claim, with verbatim quotes.

The library API (see docs/api.md)::

    import claimcmp
    store = claimcmp.load("data/claims.yaml")
    for claim in claimcmp.contradictions(store):
        print(claim.id, claim.sources_with("supports"), claim.sources_with("refutes"))

Names are imported on first use, so that ``import claimcmp`` stays cheap for the
command line.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> (module, attribute)
_EXPORTS: dict[str, tuple[str, str]] = {
    "find": ("api", "find"),
    "check": ("api", "check"),
    "report": ("api", "report"),
    "load": ("api", "load"),
    "Watch": ("api", "Watch"),
    "Store": ("models", "Store"),
    "Source": ("models", "Source"),
    "Topic": ("models", "Topic"),
    "Claim": ("models", "Claim"),
    "Position": ("models", "Position"),
    "CheckResult": ("models", "CheckResult"),
    "CheckReport": ("models", "CheckReport"),
    "Summary": ("models", "Summary"),
    "STANCES": ("models", "STANCES"),
    "Problem": ("problems", "Problem"),
    "ClaimcmpError": ("problems", "ClaimcmpError"),
    "StoreError": ("problems", "StoreError"),
    "contradictions": ("analysis", "find_contradictions"),
    "agreement": ("rules", "agreement"),
    "consensus": ("rules", "consensus"),
    "independent": ("rules", "independent"),
    "is_anachronistic": ("rules", "is_anachronistic"),
    "agreement_view": ("views", "agreement_view"),
    "coverage": ("views", "coverage_view"),
    "timeline": ("views", "timeline_view"),
    # not "diff": that name is the module claimcmp.diff, which Python binds on import
    "compare": ("diff", "compare"),
}

# Spelled out (not built from _EXPORTS) so that linters and type checkers see it.
__all__ = [
    "STANCES",
    "CheckReport",
    "CheckResult",
    "Claim",
    "ClaimcmpError",
    "Position",
    "Problem",
    "Source",
    "Store",
    "StoreError",
    "Summary",
    "Topic",
    "Watch",
    "__version__",
    "agreement",
    "agreement_view",
    "check",
    "compare",
    "consensus",
    "contradictions",
    "coverage",
    "find",
    "independent",
    "is_anachronistic",
    "load",
    "report",
    "timeline",
]

if TYPE_CHECKING:
    from .analysis import find_contradictions as contradictions
    from .api import Watch, check, find, load, report
    from .diff import compare
    from .models import STANCES, CheckReport, CheckResult, Claim, Position, Source, Store, Summary, Topic
    from .problems import ClaimcmpError, Problem, StoreError
    from .rules import agreement, consensus, independent, is_anachronistic
    from .views import agreement_view
    from .views import coverage_view as coverage
    from .views import timeline_view as timeline


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'claimcmp' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
