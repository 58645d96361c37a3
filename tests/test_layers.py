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
    "thresholds": 0,
    "forked": 0,
    "input_values": 0,
    # 1: the typed models; the input schema pydantic validates (never imported by models); where a store is
    "models": 1,
    "schema": 1,
    "storepath": 1,
    # 2: the contract's rules (agreement, consensus, dates); the schema's errors in words;
    # claims as plain columns
    "rules": 2,
    "schema_messages": 2,
    "columns": 2,
    "validators": 2,
    # 3: what every check rule shares; a file's claims in summary, for the rules
    "checks.base": 3,
    "checks.summary": 3,
    # 4: the check rules, one module each (checks/), run on the merged store
    "checks.references": 4,
    "checks.based_on": 4,
    "checks.dates": 4,
    "checks.similarity": 4,
    "checks.quotes": 4,
    # 5: the registry of rules, in the order they run
    "checks": 5,
    # 6: reading and checking a store (runs the rules)
    "loading": 6,
    # 7: the cache; what the commands compute
    "cache": 7,
    "analysis": 7,
    "diff": 7,
    "checkreport": 7,
    "quote_spans": 7,
    # 8: the library's front door; views built on analysis; loading two sides; the shared renderers
    "views": 8,
    "workbench": 8,
    "api": 8,
    "diffsides": 8,
    "rendering": 8,
    "markdown": 8,
    "output": 8,
    # 9: renderers of one view or format, built on the shared ones
    "render_diff": 9,
    "render_views": 9,
    "workbench_render": 9,
    "render_html": 9,
    "github": 9,
    "render_csv": 9,
    "export_sqlite": 9,
    "annotations": 9,
    "jsonschema_export": 9,
    "jsonview": 9,
    # 10: what the commands share (consoles, global options, loading, printing, errors)
    "commands": 10,
    "commands.common": 10,
    # 11: the commands, grouped by purpose; each loads, computes, renders, exits
    "commands.checking": 11,
    "commands.reading": 11,
    "commands.views": 11,
    "commands.export": 11,
    "commands.curation": 11,
    "commands.diff": 11,
    # 12: the command line: the typer app, its global options, the list of commands
    "cli": 12,
    # 13: the entry point, and the package's lazy facade (which may name anything)
    "__main__": 13,
    "__init__": 13,
}


def _module_name(path: Path) -> str:
    """``commands.reading`` for commands/reading.py, ``commands`` for commands/__init__.py;
    the package's own __init__.py stays ``__init__``."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if len(parts) > 1 and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _known(name: str) -> str:
    """The module of LAYERS that ``name`` is or lies in (``a.b.c`` -> ``a.b`` or ``a``);
    ``__init__`` for the package itself."""
    parts = name.split(".") if name else []
    while parts:
        if ".".join(parts) in LAYERS:
            return ".".join(parts)
        parts.pop()
    return name or "__init__"


def _imports(path: Path, module: str | None = None) -> set[str]:
    """The package modules ``path`` imports (relative or absolute); ``module`` is its
    own name (by default worked out from where it is in the package)."""
    if module is None:
        module = _module_name(path) if path.is_relative_to(PACKAGE) else path.stem
    is_package = path.name == "__init__.py"
    package = module.split(".") if is_package and module != "__init__" else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                if node.level - 1 > len(package):
                    continue  # above the package: not one of its modules
                full = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and node.module.startswith("claimcmp."):
                full = node.module.removeprefix("claimcmp.")
            elif node.module == "claimcmp":
                full = ""
            else:
                continue
            for alias in node.names:  # `from .commands import reading` imports commands.reading
                child = f"{full}.{alias.name}" if full else alias.name
                names.add(child if child in LAYERS else _known(full))
        elif isinstance(node, ast.Import):
            names.update(
                _known(a.name.removeprefix("claimcmp.")) for a in node.names if a.name.startswith("claimcmp.")
            )
    return names


def test_every_module_has_a_layer() -> None:
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    assert modules - set(LAYERS) == set(), "give each new module its layer in LAYERS"


def test_imports_flow_one_way() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
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


def test_imports_inside_the_commands_package_are_resolved(tmp_path: Path) -> None:
    # A command module's `..` is the package root and `.` the commands package: a
    # renderer importing a command module, or a command module importing cli, is caught.
    command = tmp_path / "reading.py"
    command.write_text(
        "from ..cli import app\nfrom .common import out\nfrom ..rendering import x\n"
        "from .. import __version__\nimport claimcmp.commands.diff\n",
        encoding="utf-8",
    )
    assert _imports(command, "commands.reading") == {
        "cli",
        "commands.common",
        "rendering",
        "__init__",
        "commands.diff",
    }
    front = tmp_path / "cli.py"
    front.write_text(
        "from .commands import checking, views\nfrom .commands.common import out\n", encoding="utf-8"
    )
    assert _imports(front, "cli") == {"commands.checking", "commands.views", "commands.common"}
