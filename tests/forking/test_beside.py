"""A search beside the check: ``forked.Beside``, and a check whose quotes a
forked child searched gives what a check in one process gives.

Run in a process of their own, by tests/test_forked.py: a process with other
threads never forks (the browser tests leave some behind)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcmp import forked, loading
from claimcmp.loading import check_store
from claimcmp.models import CheckResult
from conftest import ALPHA, BETA, GAMMA, STORE

BUNDLED = Path(__file__).resolve().parents[2] / "data"

needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="no fork here (not Linux, or threads running)")


@needs_fork
def test_the_value_is_the_childs() -> None:
    with forked.Beside(os.getpid) as child:
        assert child.forked
        assert child.result() != os.getpid()


@needs_fork
def test_a_child_that_fails_is_replaced_by_this_process() -> None:
    parent = os.getpid()

    def compute() -> str:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return "computed here"

    with forked.Beside(compute) as child:
        assert child.forked
        assert child.result() == "computed here"


@needs_fork
def test_a_value_marshal_cannot_send_is_computed_here() -> None:
    value = object()
    with forked.Beside(lambda: value) as child:
        assert child.result() is value


@needs_fork
def test_a_child_no_longer_wanted_is_stopped_and_reaped() -> None:
    child = forked.Beside(lambda: threading.Event().wait(60))
    pid = child._pid
    assert pid
    child.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@needs_fork
def test_work_given_meanwhile_is_done_while_this_process_waits() -> None:
    done: list[str] = []
    forked.meanwhile(lambda: done.append("meanwhile"))
    # The child has none of it to do: the list it inherits is cleared.
    with forked.Beside(lambda: (len(forked._MEANWHILE), done)) as child:
        assert done == []  # not before the wait
        assert child.result() == (0, [])
    assert done == ["meanwhile"]
    forked.done_meanwhile()
    with forked.Beside(os.getpid) as child:
        child.result()
    assert done == ["meanwhile"]  # once


@needs_fork
def test_work_that_fails_meanwhile_fails_when_asked() -> None:
    tries: list[int] = []

    def work() -> None:
        tries.append(1)
        raise OSError("no terminal")

    forked.meanwhile(work)
    with forked.Beside(lambda: 7) as child:
        assert child.result() == 7  # the wait is not the work's caller
    with pytest.raises(OSError, match="no terminal"):
        forked.done_meanwhile()
    assert tries == [1, 1]
    forked.done_meanwhile()  # nothing left


def test_work_given_meanwhile_without_a_wait_is_done_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    done: list[int] = []
    forked.meanwhile(lambda: done.append(1))
    forked.meanwhile(lambda: done.append(2))
    assert forked.Beside(lambda: 3).result() == 3  # computed here: no wait
    assert done == []
    forked.done_meanwhile()
    forked.done_meanwhile()
    assert done == [1, 2]


def test_without_fork_the_value_is_computed_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    calls: list[int] = []
    child = forked.Beside(lambda: calls.append(1) or len(calls))
    assert not child.forked and calls == []
    assert child.result() == 1


def _recorded(forks: list[bool]) -> type[forked.Beside]:
    """``forked.Beside``, noting in ``forks`` whether each one forked."""

    class Recorded(forked.Beside):
        def __init__(self, compute: Callable[[], Any]) -> None:
            super().__init__(compute)
            forks.append(self.forked)

    return Recorded


def _checked(
    store: Path, monkeypatch: pytest.MonkeyPatch, *, beside: bool, threshold: str = "PARALLEL_QUOTES"
) -> tuple[CheckResult, list[bool]]:
    """The check of ``store`` with what ``threshold`` governs done beside it
    (the threshold at 1) or in this process (out of reach); and whether each
    child forked."""
    forks: list[bool] = []
    with monkeypatch.context() as patch:
        patch.setattr(loading, threshold, 1 if beside else 10**12)
        patch.setattr(loading, "Beside", _recorded(forks))
        return check_store(store, cwd=store.parent), forks


def _same(one: CheckResult, other: CheckResult) -> None:
    assert one.problems == other.problems
    assert list(one.store.anchors.items()) == list(other.store.anchors.items())
    assert one.store.claims == other.store.claims


@needs_fork
def test_the_bundled_store_checked_beside_is_checked_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    beside, forks = _checked(BUNDLED, monkeypatch, beside=True)
    alone, no_forks = _checked(BUNDLED, monkeypatch, beside=False)
    assert forks == [True] and no_forks == []
    assert len(beside.store.anchors) == 208  # every position of the bundled store, anchored
    _same(beside, alone)


# Quotes to put in the small store's claims: found, changed, elided, empty,
# and a claim that fails validation (its quote is still checked).
QUOTES = [
    "Peacekeepers prevented the capture of Parukh village",
    "Peacekeepers prevented the capture of Parukh town",
    "The peace- keepers did not prevent",
    "The peacekeepers did not prevent ... Parukh village",
    "Parukh village ... The peacekeepers",
    "they kept the road open",
    "a five-year term that renews automatically",
    "nowhere in any text",
]


@needs_fork
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.sampled_from(QUOTES), min_size=1, max_size=6),
    broken=st.booleans(),
    unreadable=st.booleans(),
)
def test_any_store_checked_beside_is_checked_alike(
    make_store,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    picks: list[str],
    broken: bool,
    unreadable: bool,
) -> None:
    claims = "".join(
        f"""  - id: extra-{index}
    topic: incidents
    text: Extra claim number {index}.
    positions:
      - source: {("alpha", "beta")[index % 2]}
        stance: {"supports" if not (broken and index == 0) else "agrees"}
        quote: "{quote}"
"""
        for index, quote in enumerate(picks)
    )
    store = make_store(STORE + claims)
    if unreadable:
        (tmp_path / "seeds" / "gamma.txt").write_bytes(b"\xff not UTF-8\n")
    beside, forks = _checked(store, monkeypatch, beside=True)
    alone, _ = _checked(store, monkeypatch, beside=False)
    assert forks == [True]
    _same(beside, alone)


NEAR_DUPLICATES = """\
  - id: corridor-open-again
    topic: incidents
    text: The peacekeepers kept the Lachin corridor open!
    positions:
      - source: beta
        stance: supports
        quote: "they kept the road open"
  - id: elsewhere
    topic: no-such-topic
    text: A claim under a topic the store does not have.
    positions:
      - source: gamma
        stance: supports
        quote: "Some say the corridor was open"
"""


@needs_fork
def test_the_rules_run_beside_give_their_problems_in_order(
    make_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store(STORE + NEAR_DUPLICATES)
    beside, forks = _checked(store, monkeypatch, beside=True, threshold="RULES_BESIDE_CLAIMS")
    alone, no_forks = _checked(store, monkeypatch, beside=False, threshold="RULES_BESIDE_CLAIMS")
    assert forks == [True] and no_forks == []
    codes = [problem.code for problem in beside.problems]
    assert {"near-duplicate", "reused-quote", "unknown-topic"} <= set(codes), codes
    _same(beside, alone)


SOURCES = STORE[: STORE.index("claims:")]
CLAIMS = "version: 1\n" + STORE[STORE.index("claims:") :]
MORE = "version: 1\nclaims:\n" + NEAR_DUPLICATES.replace("no-such-topic", "mandate")

EDITS = {
    "reworded": lambda text: text.replace("Lachin corridor open!", "Lachin road open, they say."),
    "bad stance": lambda text: text.replace("stance: supports", "stance: suports", 1),
    "not YAML": lambda text: text + "  - id: [unclosed\n",
    "an id twice": lambda text: text.replace("id: elsewhere", "id: parukh"),
    "new quote": lambda text: text.replace("they kept the road open", "kept the\n          road open"),
    "as it was": lambda text: MORE,
}


def _three_files(tmp_path: Path) -> Path:
    """The small store in three files, with its texts; gives the data folder."""
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    data.mkdir()
    for name, text in {"alpha.txt": ALPHA, "beta.txt": BETA, "gamma.txt": GAMMA}.items():
        (seeds / name).write_text(text, encoding="utf-8")
    for name, text in {"a-sources.yaml": SOURCES, "b-claims.yaml": CLAIMS, "c-more.yaml": MORE}.items():
        (data / name).write_text(text, encoding="utf-8")
    return data


@needs_fork
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=4))
def test_a_file_checked_beside_after_an_edit_gives_the_check_without_cache(
    make_store, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, edits: list[str]
) -> None:
    from claimcmp import cache

    tmp_path = tmp_path_factory.mktemp("edits")
    monkeypatch.chdir(tmp_path)
    data = _three_files(tmp_path)
    env = {"CLAIMCMP_CACHE_DIR": str(tmp_path / "cache")}
    forks: list[bool] = []

    with monkeypatch.context() as patch:
        # No file counts as "racy" (too recent to trust): only the edited one
        # is unknown to the cache, and it alone is checked beside. Each edit
        # changes the file's size and ctime, so none goes unseen.
        patch.setattr(cache, "RACY_NS", 0)
        patch.setattr(loading, "FILES_BESIDE_BYTES", 0)  # a small store, checked beside all the same
        patch.setattr(loading, "Beside", _recorded(forks))
        # A first check: the child checks the last files, this process the first.
        first = cache.cached_check(data, cwd=tmp_path, env=env)
        assert forks[:1] == [True]
        _same(first, check_store(data, cwd=tmp_path))
        more = data / "c-more.yaml"
        for edit in edits:
            text = EDITS[edit](more.read_text(encoding="utf-8"))
            more.write_text(text + "# " + edit + "\n", encoding="utf-8")
            forks.clear()
            cached = cache.cached_check(data, cwd=tmp_path, env=env)
            assert forks[:1] == [True], (edits, edit)
            _same(cached, check_store(data, cwd=tmp_path))


def _checked_after_an_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, between: Callable[[], None] = lambda: None
) -> tuple[CheckResult, Path]:
    """The three-file store checked with the cache, then (after ``between``)
    its c-more.yaml edited and the store checked again: that check, and the
    data folder."""
    from claimcmp import cache

    monkeypatch.chdir(tmp_path)
    data = _three_files(tmp_path)
    env = {"CLAIMCMP_CACHE_DIR": str(tmp_path / "cache")}
    monkeypatch.setattr(cache, "RACY_NS", 0)  # only the edited file is unknown to the cache
    monkeypatch.setattr(loading, "FILES_BESIDE_BYTES", 0)  # a small store, checked beside all the same
    cache.cached_check(data, cwd=tmp_path, env=env)
    between()
    more = data / "c-more.yaml"
    more.write_text(more.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    return cache.cached_check(data, cwd=tmp_path, env=env), data


def _with_the_near_duplicate(cached: CheckResult, data: Path) -> None:
    """``cached`` warns of MORE's claim that repeats one of CLAIMS, and is the check without cache."""
    assert "near-duplicate" in [problem.code for problem in cached.problems]
    _same(cached, check_store(data, cwd=data.parent))


@needs_fork
def test_after_an_edit_the_child_finds_the_near_duplicates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ran_in = tmp_path / "ran-in"  # the pid of each process that ran the rule
    rule = loading.near_duplicate_problems

    def noted(*args: Any) -> Any:
        with ran_in.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return rule(*args)

    monkeypatch.setattr(loading, "near_duplicate_problems", noted)
    monkeypatch.setattr("claimcmp.checks.similarity.near_duplicate_problems", noted)
    cached, data = _checked_after_an_edit(tmp_path, monkeypatch, between=ran_in.unlink)
    pids = ran_in.read_text().split()
    assert len(pids) == 1 and pids != [str(os.getpid())]  # once, in the child
    _with_the_near_duplicate(cached, data)


@needs_fork
def test_the_child_leaves_out_a_claim_whose_id_an_earlier_file_took(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The edited file gets a claim whose id b-claims.yaml took first, with the
    # text of another claim: merged, the first claim of the id wins, so that
    # text is no near-duplicate, in the child as in a check without cache.
    ran_in = tmp_path / "ran-in"
    rule = loading.near_duplicate_problems

    def noted(*args: Any) -> Any:
        with ran_in.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return rule(*args)

    def id_taken() -> None:
        ran_in.unlink(missing_ok=True)
        more = tmp_path / "data" / "c-more.yaml"
        taken = (
            "  - id: parukh\n    topic: mandate\n"
            "    text: The mandate runs for five years and renews automatically.\n"
            "    positions:\n      - source: alpha\n        stance: supports\n"
            '        quote: "The peacekeepers arrived on 10 November 2020"\n'
        )
        more.write_text(more.read_text(encoding="utf-8") + taken, encoding="utf-8")

    monkeypatch.setattr(loading, "near_duplicate_problems", noted)
    cached, data = _checked_after_an_edit(tmp_path, monkeypatch, between=id_taken)
    pids = ran_in.read_text().split()
    assert len(pids) == 1 and pids != [str(os.getpid())]  # once, in the child
    near = [p.message for p in cached.problems if p.code == "near-duplicate"]
    assert len(near) == 1 and "'corridor-open-again'" in near[0]  # not the taken id's text
    assert "duplicate-id" in [p.code for p in cached.problems]
    _same(cached, check_store(data, cwd=data.parent))


@needs_fork
def test_near_duplicates_without_the_other_files_entries_are_found_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The cache dropped the other files' entries (it keeps 4,096): the child
    # cannot read their claims, so this process runs the rule itself.
    sent: list[Any] = []
    result = forked.Beside.result

    def entries_dropped() -> None:
        for entry in (tmp_path / "cache").glob("*.unit"):
            entry.unlink()
        monkeypatch.setattr(forked.Beside, "result", lambda self: sent.append(result(self)) or sent[-1])

    cached, data = _checked_after_an_edit(tmp_path, monkeypatch, between=entries_dropped)
    assert sent == [None]  # the child asked, and had nothing to send
    _with_the_near_duplicate(cached, data)


@needs_fork
@pytest.mark.parametrize(
    ("text", "child_read_it"),
    [("12", False), ('"A claim with no positions."', True)],
    ids=["number", "no positions"],
)
def test_near_duplicates_of_claims_read_otherwise_than_they_validate_are_not_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str, child_read_it: bool
) -> None:
    # The child reads the edited file's claims without validating them: if
    # they are not the claims this process validated (a claim that fails
    # validation), its problems are not used, and the rule runs here. A claim
    # whose text is not a string, the child does not even try.
    sent: list[Any] = []
    result = forked.Beside.result
    ran: list[int] = []
    rule = loading.near_duplicate_problems
    monkeypatch.setattr(
        loading, "near_duplicate_problems", lambda *args: ran.append(os.getpid()) or rule(*args)
    )
    monkeypatch.setattr("claimcmp.checks.similarity.near_duplicate_problems", loading.near_duplicate_problems)

    def broken_claim_added() -> None:
        ran.clear()
        monkeypatch.setattr(forked.Beside, "result", lambda self: sent.append(result(self)) or sent[-1])
        more = tmp_path / "data" / "c-more.yaml"
        bad = f"  - id: broken\n    topic: mandate\n    text: {text}\n    positions: []\n"
        more.write_text(more.read_text(encoding="utf-8") + bad, encoding="utf-8")

    cached, data = _checked_after_an_edit(tmp_path, monkeypatch, between=broken_claim_added)
    assert len(sent) == 1 and (sent[0] is not None) == child_read_it
    assert ran == [os.getpid()]  # the rule ran here, once
    assert cached.errors
    _with_the_near_duplicate(cached, data)


@needs_fork
def test_near_duplicates_found_in_other_claims_are_not_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # What the child sends is used only for the very files this process
    # merged: with other digests (a file changed again meanwhile), the rule
    # runs here.
    from claimcmp.problems import Problem, problem_plain

    bogus = Problem(Path("x.yaml"), 1, 1, "not a problem of this store", "warning", "near-duplicate")
    monkeypatch.setattr(loading, "_near_duplicates_of", lambda *_: ([b"other"] * 3, [problem_plain(bogus)]))
    cached, data = _checked_after_an_edit(tmp_path, monkeypatch)
    assert bogus not in cached.problems
    _with_the_near_duplicate(cached, data)


@needs_fork
@pytest.mark.parametrize(
    "extra",
    ["", "  - &again {id: spare, title: Spare}\n", "  - {id: tabbed, title: 'Tab\there'}\n"],
)
def test_the_guard_run_beside_sends_a_file_to_the_reader_it_would_alone(
    make_store, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    # An anchor is a construct the guard keeps from yaml_rs: the file is read
    # by the reference reader, and the check is the same, beside or not.
    store = make_store(STORE.replace("topics:\n", "topics:\n" + extra))
    beside, forks = _checked(store, monkeypatch, beside=True, threshold="GUARD_BESIDE_BYTES")
    assert forks == [True]
    _same(beside, _checked(store, monkeypatch, beside=False, threshold="GUARD_BESIDE_BYTES")[0])
    assert ("spare" in beside.store.topics) == ("spare" in extra)


@needs_fork
def test_the_guard_beside_holds_no_copy_of_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    # The caller validates the file inside the guard's block and drops its
    # own references first: a reference kept by the block (its generator's
    # frame) held the file through the validation of 20,000 claims.
    import sys

    monkeypatch.setattr(loading, "GUARD_BESIDE_BYTES", 0)
    raw = b"\xef\xbb\xbf" + b"claims: []\n" * 3
    count = sys.getrefcount(raw)
    with loading._guard_beside(raw) as guard:
        assert guard is not None
        assert sys.getrefcount(raw) == count
        assert guard.result() is True
    # The child decodes the bytes itself; bytes that are not UTF-8 are never trusted.
    with loading._guard_beside(b"claims: []\n\x80" * 3) as guard:
        assert guard is not None
        assert guard.result() is False


# Edits to the small store's claims, for a file read in pieces of one claim
# each: the first piece (with the first claim) read by this process, the
# second too, the third by a child. A claim made invalid or a YAML error in
# each piece, an id in two pieces, a key after the claims, claims written
# over several lines.
PIECE_EDITS = {
    "as it is": lambda text: text,
    "first piece: invalid claim": lambda text: text.replace("topic: incidents", "topic: Incidents!", 1),
    "first piece: YAML error": lambda text: text.replace(
        "text: Peacekeepers prevented", "text: [Peacekeepers prevented"
    ),
    "second piece: invalid claim": lambda text: text.replace("stance: qualifies", "stance: qualified"),
    "second piece: YAML error": lambda text: text.replace(
        "text: The peacekeepers kept", "text: {The peacekeepers kept"
    ),
    "third piece: invalid claim": lambda text: text.replace(
        'stance: refutes\n        quote: "The mission', 'stance: denies\n        quote: "The mission'
    ),
    "third piece: YAML error": lambda text: text + "  - id: [unclosed\n",
    "an id in two pieces": lambda text: text.replace("id: five-year-term", "id: parukh"),
    "a key after the claims": lambda text: text + "version: 1\n",
    "an unknown key after the claims": lambda text: text + "extra: 1\n",
    "scalars over lines": lambda text: text.replace(
        "text: The mandate runs for five years and renews automatically.",
        'text: "The mandate runs for five years\n      and renews automatically."',
    ).replace(
        "text: The peacekeepers kept the Lachin corridor open.",
        "text: >\n      The peacekeepers kept\n      the corridor open.",
    ),
}


@needs_fork
@pytest.mark.parametrize("edit", sorted(PIECE_EDITS))
def test_a_file_read_in_pieces_is_checked_alike(
    make_store, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    store = make_store(PIECE_EDITS[edit](STORE))
    added: list[bool] = []  # whether the pieces past the first were used
    add_to = loading._Pieces.add_to
    monkeypatch.setattr(
        loading._Pieces, "add_to", lambda self, items: added.append(add_to(self, items)) or added[-1]
    )
    monkeypatch.setattr(loading, "PIECE_BYTES", 150)  # a piece a claim
    pieces, forks = _checked(store, monkeypatch, beside=True, threshold="PIECES_FROM_BYTES")
    whole, no_forks = _checked(store, monkeypatch, beside=False, threshold="PIECES_FROM_BYTES")
    monkeypatch.setattr(loading, "can_fork", lambda: False)
    alone, none = _checked(store, monkeypatch, beside=True, threshold="PIECES_FROM_BYTES")
    assert no_forks == [] and none == []
    assert forks == [True]  # the third piece read by a child
    _same(pieces, whole)
    _same(alone, whole)
    assert (pieces.problems == []) == (edit in ("as it is", "scalars over lines"))
    # The pieces are used where all read and validate (an id in two is found
    # later, as the files are merged); not asked for where the first piece
    # does not read or validate.
    used = {"as it is": [True], "scalars over lines": [True], "an id in two pieces": [True]}
    unasked = edit.startswith("first piece")
    assert added == used.get(edit, [] if unasked else [False]) * 2
