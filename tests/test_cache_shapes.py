"""The cache's decoding builds claims without their constructors, so it checks
the shape of what it reads in bulk: a wrong shape is a miss, never a claim."""

from __future__ import annotations

import pytest

from claimcmp.columns import claim_columns, claims_of
from claimcmp.models import Claim, Position


def _columns(position: tuple[object, ...]) -> list[list[object]]:
    """One claim with one position, as the cache's columns (written out by hand)."""
    return [["c1"], ["t1"], ["A claim."], ["2021"], [("x",)], [None], [1], *([value] for value in position)]


def test_claims_are_read_back_as_the_models() -> None:
    (claim,) = claims_of(_columns(("s1", "supports", "a quote", None, False)))
    assert claim == Claim(
        "c1", "t1", "A claim.", "2021", ("x",), None, (Position("s1", "supports", "a quote"),)
    )
    assert type(claim) is Claim and type(claim.positions[0]) is Position
    assert claim.positions[0].inferred is False


def test_columns_round_trip() -> None:
    claims = [
        Claim("c1", "t1", "One.", None, (), None, (Position("s1", "refutes", "q", "n", True),)),
        Claim(
            "c2",
            "t1",
            "Two.",
            "2020",
            ("a", "b"),
            "note",
            (Position("s1", "supports", "q1"), Position("s2", "qualifies", "q2")),
        ),
    ]
    assert claims_of(claim_columns(claims)) == claims


@pytest.mark.parametrize(
    "position",
    [
        ("s1", "supports", "a quote", None),  # a field short
        ("s1", "supports", "a quote", None, False, "extra"),  # a field too many
        ("s1", "agrees", "a quote", None, False),  # not a stance
        ("s1", "supports", "a quote", None, 0),  # not a boolean
    ],
)
def test_a_position_of_the_wrong_shape_is_refused(position: tuple[object, ...]) -> None:
    with pytest.raises(ValueError):
        claims_of(_columns(position))


def test_a_claim_without_positions_or_miscounted_is_refused() -> None:
    columns = _columns(("s1", "supports", "a quote", None, False))
    columns[6] = [0]
    with pytest.raises(ValueError):
        claims_of(columns)
    columns[6] = [2]
    with pytest.raises(ValueError):
        claims_of(columns)


def test_a_files_claim_texts_are_read_alone_and_checked() -> None:
    # The near-duplicates after an edit read only the first two parts of each
    # file's entry: the claims' indices and ids, then their texts.
    from claimcmp.cache import _framed, unit_claim_texts

    payload = _framed(([0, 2], ["c1", "c2"])) + _framed(["One.", "Two."]) + b"the rest, never decoded"
    assert unit_claim_texts(payload) == ([0, 2], ["c1", "c2"], ["One.", "Two."])
    for wrong in [
        ([0], ["c1", "c2"], ["One.", "Two."]),  # lists of different lengths
        ([0, 1], ["c1", 2], ["One.", "Two."]),  # an id not text
        (["0"], ["c1"], ["One."]),  # an index not a number
        ((0,), ("c1",), ("One.",)),  # not lists
    ]:
        with pytest.raises(ValueError):
            unit_claim_texts(_framed(wrong[:2]) + _framed(wrong[2]))
    with pytest.raises(ValueError):
        unit_claim_texts(_framed(([0, 2], ["c1", "c2"])))  # the texts missing


def _result_with_anchors(anchors: dict[tuple[str, str], int]):  # type: ignore[no-untyped-def]
    from pathlib import Path

    from claimcmp.models import CheckResult, Store

    claims = {
        "c1": Claim("c1", "t1", "One.", None, (), None, (Position("s1", "supports", "q1"),)),
        # Two positions of one source (an error the check reports): one key for both.
        "c2": Claim(
            "c2",
            "t1",
            "Two.",
            None,
            (),
            None,
            (Position("s1", "refutes", "q2"), Position("s1", "supports", "q3")),
        ),
        "c3": Claim("c3", "t1", "Three.", None, (), None, (Position("s2", "qualifies", "q4"),)),
    }
    store = Store(root=Path("store"), files=[Path("store/claims.yaml")], claims=claims, anchors=anchors)
    return CheckResult(store, [])


def test_the_anchors_travel_beside_the_positions() -> None:
    # c3's quote has no line (not found); ("gone", "s1") is held by no position
    # (written out by hand: each key and line as the store has it).
    from claimcmp.cache import decode, encode

    anchors = {("c1", "s1"): 4, ("c2", "s1"): 9, ("gone", "s1"): 2}
    back = decode(b"".join(encode(_result_with_anchors(anchors))))
    assert back.store.anchors == anchors
    assert back.store.claims == _result_with_anchors(anchors).store.claims


def test_lines_that_do_not_match_the_positions_are_refused() -> None:
    import marshal

    from claimcmp.cache import _framed, _parts, decode, encode

    parts = [bytes(part) for part in _parts(b"".join(encode(_result_with_anchors({("c1", "s1"): 4}))))]
    columns, lines = marshal.loads(parts[-1])
    as_written = b"".join(_framed(marshal.loads(part)) for part in parts[:-1]) + _framed((columns, lines))
    assert decode(as_written).store.anchors == {("c1", "s1"): 4}  # the frames rebuilt as written: read back
    for wrong in ([4, None], [4, None, None, None, None], (4, None, None, None), [4, "9", None, None]):
        with pytest.raises(ValueError):
            decode(b"".join(_framed(marshal.loads(part)) for part in parts[:-1]) + _framed((columns, wrong)))


def test_an_entrys_prefix_is_read_alone_and_checked_alone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from claimcmp.cache import _HEAD, _read_entry, _write_entry

    entry = tmp_path / "one.unit"
    _write_entry(tmp_path, entry, [b"first", b"second", b"third"], 4, ".unit", prefix_parts=2)
    assert bytes(_read_entry(entry, prefix=True) or b"?") == b"firstsecond"
    assert bytes(_read_entry(entry) or b"?") == b"firstsecondthird"
    whole = entry.read_bytes()
    assert len(whole) == _HEAD + len("firstsecondthird")
    # A byte of the third part changed: the prefix is still good, the whole is not.
    entry.write_bytes(whole[:-1] + b"D")
    assert bytes(_read_entry(entry, prefix=True) or b"?") == b"firstsecond"
    assert _read_entry(entry) is None
    # Cut after the prefix: the same.
    entry.write_bytes(whole[: _HEAD + len("firstsecond")])
    assert bytes(_read_entry(entry, prefix=True) or b"?") == b"firstsecond"
    assert _read_entry(entry) is None
    # A byte of the prefix changed, or the prefix cut short: neither is read.
    for damaged in (whole.replace(b"second", b"secoNd"), whole[: _HEAD + 4]):
        entry.write_bytes(damaged)
        assert _read_entry(entry, prefix=True) is None
        assert _read_entry(entry) is None
    # A prefix's size past the end of the file is refused before anything is
    # allocated for it (read(size) would allocate it first).
    from claimcmp.cache import _HEAD_FIELDS, _MAGIC

    crc, _, prefix_crc = _HEAD_FIELDS.unpack_from(whole, len(_MAGIC))
    entry.write_bytes(_MAGIC + _HEAD_FIELDS.pack(crc, 2**62, prefix_crc) + whole[_HEAD:])
    assert _read_entry(entry, prefix=True) is None
    assert bytes(_read_entry(entry) or b"?") == b"firstsecondthird"


def test_an_entry_without_a_prefix_or_all_of_it_in_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from claimcmp.cache import _read_entry, _write_entry

    entry = tmp_path / "one.store"
    _write_entry(tmp_path, entry, [b"first", b"second"], 4, ".store")
    prefix = _read_entry(entry, prefix=True)
    assert prefix is not None and bytes(prefix) == b""
    _write_entry(tmp_path, entry, [b"first", b"second"], 4, ".store", prefix_parts=5)
    assert bytes(_read_entry(entry, prefix=True) or b"?") == b"firstsecond"
