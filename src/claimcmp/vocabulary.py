"""The stance vocabulary: defined once, here, for the schema, the models and every renderer."""

from __future__ import annotations

from typing import Literal, get_args

Stance = Literal["supports", "refutes", "qualifies"]

# In the order every view lists them.
STANCES: tuple[str, ...] = get_args(Stance)

# The mark each view shows for a stance (never colour alone).
STANCE_MARKS: dict[str, str] = {"supports": "✔", "refutes": "✘", "qualifies": "◐"}
