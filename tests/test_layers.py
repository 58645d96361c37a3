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
    "csvtext": 0,
    "suggest": 0,
    "quotes": 0,
    "yamlread": 0,
    # 1: the typed models, and where a store is
    "models": 1,
    "schema": 1,  # the input schema pydantic validates (imports pydantic: never from models)
    "storepath": 1,
    # 2: the contract's rules (agreement, consensus, dates)
    "rules": 2,
    "checks_similarity": 2,
    # 3: reading and checking a store
    "loading": 3,
    # 4: the cache; what the commands compute
    "cache": 4,
    "analysis": 4,
    "diff": 4,
    "checkreport": 4,
    "quote_spans": 4,
    # 5: the library's front door; loading two sides; the shared renderers
    "views": 5,
    "workbench": 5,  # built on analysis's name checks and claim JSON
    "api": 5,
    "diffsides": 5,
    "rendering": 5,
    "markdown": 5,
    "output": 5,
    # 6: renderers of one view or format, built on the shared ones
    "render_diff": 6,
    "render_views": 6,
    "workbench_render": 6,
    "render_html": 6,
    "github": 6,
    "render_csv": 6,
    "export_sqlite": 6,
    "annotations": 6,
    "jsonschema_export": 6,
    # 7: the command line
    "cli": 7,
    # 8: the entry point, and the package's lazy facade (which may name anything)
    "__main__": 8,
    "__init__": 8,
}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def _imports(path: Path) -> set[str]:
    """The package modules ``path`` imports (relative or absolute)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                names.add(node.module.split(".")[0])
            elif node.level == 1:
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
