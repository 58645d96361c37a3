"""The library API: claimcmp.load / check / find and the names it exports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import claimcmp
from conftest import STORE


def test_load_gives_the_checked_store(store: Path) -> None:
    loaded = claimcmp.load(store)
    assert list(loaded.sources) == ["alpha", "beta", "gamma"]
    assert list(loaded.topics) == ["incidents", "mandate"]
    assert list(loaded.claims) == ["parukh", "corridor-open", "five-year-term"]
    assert loaded.claims["parukh"].positions[1] == claimcmp.Position(
        "alpha",
        "refutes",
        "The peacekeepers did not prevent the capture of Parukh village",
        "hyphen at a line end in the text",
        False,
    )
    # the quote of alpha on parukh starts on line 8 of seeds/alpha.txt
    assert loaded.anchors[("parukh", "alpha")] == 8


def test_load_finds_the_store_from_the_working_folder(store: Path) -> None:
    # the autouse fixture runs each test in tmp_path, which holds data/claims.yaml
    assert claimcmp.find() == store
    assert list(claimcmp.load(cache=False).claims) == ["parukh", "corridor-open", "five-year-term"]


def test_a_store_with_errors_raises_unless_check_is_off(make_store) -> None:
    path = make_store(STORE.replace("stance: qualifies", "stance: qualify"))
    with pytest.raises(claimcmp.StoreError) as raised:
        claimcmp.load(path)
    [problem] = raised.value.problems
    # conftest.py line 88 is line 48 of STORE (which starts on line 41); 'qualify' at column 17
    assert (problem.line, problem.column, problem.severity) == (48, 17, "error")
    assert "unknown stance 'qualify'" in problem.message
    partial = claimcmp.load(path, check=False)
    assert "corridor-open" not in partial.claims and "parukh" in partial.claims


def test_check_returns_problems_and_never_raises_for_them(make_store) -> None:
    path = make_store(STORE.replace('"they kept the road open"', '"they kept the road shut"'))
    result = claimcmp.check(path, cache=False)
    assert (result.errors, result.warnings) == (1, 0)
    assert result.problems[0].message.startswith("quote not found in source 'beta'")


def test_the_cache_gives_the_same_store(store: Path, tmp_path: Path) -> None:
    first = claimcmp.load(store)
    assert list((tmp_path / "cache").glob("*")), "the first load writes a cache entry"
    assert claimcmp.load(store) == first
    assert claimcmp.load(store, cache=False) == first


def test_contradictions_and_agreement_are_library_functions(store: Path) -> None:
    loaded = claimcmp.load(store)
    assert [c.id for c in claimcmp.contradictions(loaded)] == ["parukh", "five-year-term"]
    pairs = {
        (p.a, p.b): (p.shared, p.agree, p.partial, p.contradict)
        for p in claimcmp.agreement(loaded.sources, loaded.claims.values())
    }
    # by hand: alpha/beta share parukh (refutes vs supports); alpha/gamma share
    # five-year-term (supports vs refutes); beta/gamma share corridor-open (supports vs qualifies)
    assert pairs == {
        ("alpha", "beta"): (1, 0, 0, 1),
        ("alpha", "gamma"): (1, 0, 0, 1),
        ("beta", "gamma"): (1, 0, 1, 0),
    }


def test_every_exported_name_resolves() -> None:
    assert set(claimcmp.__all__) == {"__version__", *claimcmp._EXPORTS}
    for name in claimcmp.__all__:
        assert getattr(claimcmp, name) is not None
    with pytest.raises(AttributeError):
        claimcmp.no_such_name  # noqa: B018


def test_import_claimcmp_is_cheap() -> None:
    # The command line imports the package for every run: the API's names load lazily.
    code = "import sys, claimcmp; print(sorted(m for m in ('pydantic', 'rich', 'yaml') if m in sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_the_check_imports_no_reader_until_a_file_is_read() -> None:
    # A check whose files all come from the cache reads no YAML: the readers
    # (yaml_rs, PyYAML) and the schema load only where a file is read.
    code = (
        "import sys, claimcmp.loading; "
        "print(sorted(m for m in ('pydantic', 'yaml', 'yaml_rs') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_without_yaml_rs_every_file_is_read_by_the_reference_reader(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimcmp import loading, yamlread

    read: list[str] = []
    monkeypatch.setattr(loading, "read_events", lambda text: read.append(text) or yamlread.read_events(text))
    fast = loading.check_store(store, cwd=store.parent)
    assert read == []  # a valid file: yaml_rs read it
    monkeypatch.setattr(yamlread, "_yaml_rs", None)  # as if it could not be imported
    reference = loading.check_store(store, cwd=store.parent)
    assert len(read) == 1
    assert reference.problems == fast.problems
    assert reference.store.claims == fast.store.claims


def test_views_and_diff_are_library_functions(store: Path, make_store) -> None:
    loaded = claimcmp.load(store)
    # by hand from conftest.STORE: parukh (beta supports, alpha refutes) and
    # five-year-term (alpha supports, gamma refutes) are contested; corridor-open
    # (beta supports, gamma qualifies) is mixed
    coverage = claimcmp.coverage(loaded)
    assert [(c.claim.id, c.consensus) for c in coverage.claims] == [
        ("parukh", "contested"),
        ("five-year-term", "contested"),
        ("corridor-open", "mixed"),
    ]
    assert [c.silent for c in coverage.claims] == [["gamma"], ["beta"], ["alpha"]]
    # only parukh has a date (2022-03); the other two are undated
    timeline = claimcmp.timeline(loaded)
    assert [c.id for c in timeline.claims] == ["parukh"] and timeline.undated == 2
    # rewording one claim: one changed claim, nothing added or removed
    other = make_store(
        STORE.replace("Peacekeepers prevented the capture of Parukh.", "Reworded."), name="b.yaml"
    )
    change = claimcmp.compare(loaded, claimcmp.load(other))
    assert change.differs and [c.new.id for c in change.changed] == ["parukh"]
    assert not change.added and not change.removed


def test_exported_names_survive_their_modules_being_imported() -> None:
    # Importing a submodule binds its name on the package: no export may share
    # a submodule's name, or it would turn into the module (claimcmp.diff did).
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(claimcmp.__path__):
        importlib.import_module(f"claimcmp.{info.name}")
    for name in claimcmp.__all__:
        assert not isinstance(getattr(claimcmp, name), type(claimcmp)), name


_RICH_AFTER = """
import sys
from claimcmp.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
sys.stderr.write("rich imported: %s" % any(m == "rich" or m.startswith("rich.") for m in sys.modules))
"""


@pytest.mark.parametrize(
    ("command", "imports_rich"),
    [
        (["contradictions", "--format", "json"], False),
        (["show", "parukh", "--format", "json"], False),
        (["list", "--format", "csv"], False),
        (["sources", "--format", "json"], False),
        (["topics", "--format", "csv"], False),
        (["tags", "--format", "json"], False),
        (["agreement", "--format", "csv"], False),
        (["coverage", "--format", "json"], False),
        (["timeline", "--format", "json"], False),
        (["export", "--format", "json"], False),
        (["check", "--format", "json"], False),
        (["sources"], True),  # a table: rich lays it out
        (["check"], True),  # rich tells whether its output is a terminal
    ],
)
def test_a_command_that_prints_no_table_imports_no_rich(
    store: Path, command: list[str], imports_rich: bool
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _RICH_AFTER, "--store", str(store), *command],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout
    assert run.stderr.endswith(f"rich imported: {imports_rich}")
