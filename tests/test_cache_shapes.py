"""The cache's decoding builds claims without their constructors, so it checks
the shape of what it reads in bulk: a wrong shape is a miss, never a claim."""

from __future__ import annotations

import pytest

from claimcmp.cache import _claims
from claimcmp.models import Claim, Position


def _plain(position: tuple[object, ...]) -> list[tuple[object, ...]]:
    return [("c1", "t1", "A claim.", "2021", ["x"], None, [position])]


def test_claims_are_read_back_as_the_models() -> None:
    (claim,) = _claims(_plain(("s1", "supports", "a quote", None, False)))
    assert claim == Claim(
        "c1", "t1", "A claim.", "2021", ("x",), None, (Position("s1", "supports", "a quote"),)
    )
    assert type(claim) is Claim and type(claim.positions[0]) is Position
    assert claim.positions[0].inferred is False


@pytest.mark.parametrize(
    "position",
    [
        ("s1", "supports", "a quote", None),  # a field short
        ("s1", "supports", "a quote", None, False, "extra"),  # a field too many
        ("s1", "agrees", "a quote", None, False),  # not a stance
    ],
)
def test_a_position_of_the_wrong_shape_is_refused(position: tuple[object, ...]) -> None:
    with pytest.raises(ValueError):
        _claims(_plain(position))
