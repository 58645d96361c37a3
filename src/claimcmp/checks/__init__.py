"""Checks across items, as rules (after yamllint): each module is one kind of
check, and its docstring is its documentation (what it checks, its codes, why).

``RULES`` is the registry: the rules ``loading.check_store`` runs, in order, on
the store merged from every file once each file has been read and validated.
A rule takes a ``CheckInput`` and yields ``Problem``s; a new check is a new
module here and a line in ``RULES`` (and its codes in docs/checks.md, which a
test holds to the modules' docstrings).

Reading and validating one file (YAML, the schema) is not a rule: it is
``loading``'s, with its wording in ``schema_messages``. Quotes are anchored by
``loading`` too, file by file for the cache; ``checks.quotes`` documents them
and words their problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import ModuleType

from ..problems import Problem
from . import based_on, dates, quotes, references, similarity
from .base import CheckInput, Place, Rule

RULES: tuple[Rule, ...] = (
    references.claim_references,
    references.empty_topics,
    based_on.unknown_based_on,
    based_on.based_on_cycle,
    dates.anachronism,
    similarity.near_duplicates,
    similarity.reused_quotes,
)

# The rules worth a process of their own on a large store (``loading`` runs them
# in a forked child there, beside the others): at 20,000 claims the
# near-duplicates take 0.08 s, the other rules together 0.05 s.
SLOW_RULES: tuple[Rule, ...] = (similarity.near_duplicates,)

# The modules whose docstrings document codes, in the order of docs/checks.md.
RULE_MODULES = (references, based_on, dates, similarity, quotes)


def run_rules(check: CheckInput, rules: tuple[Rule, ...] = RULES) -> Iterator[Problem]:
    """Every problem the rules find, rule by rule."""
    for rule in rules:
        yield from rule(check)


# A code in a rule module's docstring: "- `code` (level): meaning", the meaning
# running on over indented lines.
_CODE_ITEM = re.compile(r"^- `([a-z0-9-]+)` \((error|warning)\): (.*(?:\n  .*)*)", re.M)


def documented_codes(module: ModuleType) -> list[tuple[str, str, str]]:
    """(code, level, meaning) of each code a rule module's docstring lists."""
    return [
        (code, level, " ".join(meaning.split()))
        for code, level, meaning in _CODE_ITEM.findall(module.__doc__ or "")
    ]


def rules_markdown() -> str:
    """The section of docs/checks.md that lists each rule module's codes,
    generated from the modules' docstrings (a test holds the two together)."""
    lines = ["| rule module | what it checks | codes |", "|---|---|---|"]
    for module in RULE_MODULES:
        name = module.__name__.rsplit(".", 1)[-1]
        summary = (module.__doc__ or "").strip().split("\n", 1)[0]
        codes = ", ".join(f"`{code}`" for code, _, _ in documented_codes(module))
        lines.append(f"| `checks/{name}.py` | {summary} | {codes} |")
    return "\n".join(lines) + "\n"


__all__ = [
    "RULES",
    "RULE_MODULES",
    "CheckInput",
    "Place",
    "Rule",
    "documented_codes",
    "rules_markdown",
    "run_rules",
]
