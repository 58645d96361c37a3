"""The store's fields: the input schema (what pydantic validates and the JSON
Schema is generated from) and the typed models (what every command reads) name
the same fields, in the same order, so a field added to one and not the other
fails here (docs/architecture.md says why there are two declarations)."""

from __future__ import annotations

import pytest

from claimcmp import models, schema


@pytest.mark.parametrize(
    ("model", "schema_type"),
    [
        (models.Source, schema.SourceInput),
        (models.Topic, schema.TopicInput),
        (models.Claim, schema.ClaimInput),
        (models.Position, schema.PositionInput),
    ],
)
def test_the_schema_and_the_models_name_the_same_fields(model: type, schema_type: type) -> None:
    assert list(model._fields) == list(schema_type.__annotations__)  # type: ignore[attr-defined]


def test_the_json_schema_names_the_same_fields() -> None:
    from claimcmp.jsonschema_export import store_schema

    generated = store_schema()
    definitions = generated["$defs"]
    for model, name in ((models.Source, "source"), (models.Claim, "claim"), (models.Position, "position")):
        [found] = [d for key, d in definitions.items() if key.lower().startswith(name)]
        assert list(found["properties"]) == list(model._fields)
