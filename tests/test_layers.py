"""Imports flow one way: the command line on top, the models at the bottom.

Each module of the package has a layer; a module may import only from lower
layers. A new module must be given its layer here (docs/architecture.md says
which is which), so that the rule cannot be broken by accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

import claimcmp

PACKAGE = Path(claimcmp.__file__).parent

LAYERS: dict[str, int] = {
    # 0: leaves, no import of the package
    "problems": 0,
    "visible": 0,
    "vocabulary": 0,
    "suggest": 0,
    "quotes": 0,
    "yamlread": 0,
    # 1: the typed models, and where a store is
    "models": 1,
    "schema": 1,  # the input schema pydantic validates (imports pydantic: never from models)
    "storepath": 1,
    # 2: the contract's rules (agreement, consensus, dates); the schema's messages
    "rules": 2,
    "schema_messages": 2,  # beside schema: its errors in words (imports schema only lazily)
    # 3: checks across items, as rules (checks/), run on the merged store
    "checks": 3,
    # 4: reading and checking a store (runs the rules); the old name of checks.similarity
    "loading": 4,
    "checks_similarity": 4,
    # 5: the cache; what the commands compute
    "cache": 5,
    "analysis": 5,
    "diff": 5,
    "checkreport": 5,
    "quote_spans": 5,
    # 6: the library's front door; loading two sides; the shared renderers
    "views": 6,
    "workbench": 6,  # built on analysis's name checks and claim JSON
    "api": 6,
    "diffsides": 6,
    "rendering": 6,
    "markdown": 6,
    "output": 6,
    # 7: renderers of one view or format, built on the shared ones
    "render_diff": 7,
    "render_views": 7,
    "workbench_render": 7,
    "render_html": 7,
    "github": 7,
    "render_csv": 7,
    "export_sqlite": 7,
    "annotations": 7,
    "jsonschema_export": 7,
    # 8: the command line
    "cli": 8,
    # 9: the entry point, and the package's lazy facade (which may name anything)
    "__main__": 9,
    "__init__": 9,
}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def _imports(path: Path, depth: int | None = None) -> set[str]:
    """The package modules ``path`` imports (relative or absolute); ``depth`` is
    how deep the module lies in the package (1 at the top, 2 in checks/)."""
    if depth is None:
        depth = len(path.relative_to(PACKAGE).parts) if PACKAGE in path.parents else 1
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            # In a subpackage (checks/), ``..`` is the package: level 2 there is
            # level 1 at the top. A level-1 import inside a subpackage names
            # its own siblings, which share the subpackage's layer.
            if node.level == depth and node.module:
                names.add(node.module.split(".")[0])
            elif node.level == depth:
                names.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("claimcmp."):
                names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[1] for a in node.names if a.name.startswith("claimcmp."))
    return names


def test_every_module_has_a_layer() -> None:
    modules = {_module_name(p).split(".")[0] for p in PACKAGE.rglob("*.py")}
    assert modules - set(LAYERS) == set(), "give each new module its layer in LAYERS"


def test_imports_flow_one_way() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path).split(".")[0]
        for imported in sorted(_imports(path) - {module, "__init__"}):
            if imported in LAYERS and LAYERS[imported] >= LAYERS[module]:
                wrong.append(
                    f"{module} (layer {LAYERS[module]}) imports {imported} (layer {LAYERS[imported]})"
                )
    assert wrong == []


def test_the_rule_catches_an_import_back_up(tmp_path: Path) -> None:
    # The checker itself must be able to fail: models importing cli is caught.
    bad = tmp_path / "models.py"
    bad.write_text("from .cli import app\nfrom claimcmp.rendering import x\n", encoding="utf-8")
    assert _imports(bad) == {"cli", "rendering"}


def test_the_rule_sees_through_a_subpackage(tmp_path: Path) -> None:
    # In checks/, "..cli" is the package's cli and ".base" a sibling of the subpackage.
    bad = tmp_path / "rule.py"
    bad.write_text("from ..cli import app\nfrom .base import CheckInput\nfrom .. import models\n")
    assert _imports(bad, depth=2) == {"cli", "models"}
