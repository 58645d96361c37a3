"""The curator's workbench: init, locate and suggest, driven as a curator would."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimcmp.loading import check_store
from claimcmp.workbench import position_yaml, sentences, slug_of, suggest_all, yaml_string
from conftest import BETA, GAMMA, STORE, invoke

ROOT = Path(__file__).resolve().parent.parent

FIELD_NOTES = """\
Field Notes

The convoy left the capital at dawn. Its drivers said the road
was quiet until the second checkpoint, where soldiers searched
every truck for two hours.
Nobody was arrested.
"""


def _texts(folder: Path, texts: dict[str, bytes | str]) -> Path:
    (folder / "texts").mkdir(parents=True, exist_ok=True)
    for name, content in texts.items():
        path = folder / "texts" / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return folder


# -- init ---------------------------------------------------------------------------------


def test_init_makes_a_store_that_checks_clean(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    folder = _texts(
        tmp_path / "mine",
        {
            "Field Notes 2021.txt": FIELD_NOTES,
            "b.txt": '\n\n  - Title: with "quotes", a colon # and a hash \\ too\nbody\n',
            "c.txt": "x" * 250 + "\n",
        },
    )
    code, output = invoke(runner, "init", str(folder))
    assert code == 0, output
    assert "wrote" in output and "3 sources" in output
    data = yaml.safe_load((folder / "data" / "claims.yaml").read_text(encoding="utf-8"))
    assert data == {
        "version": 1,
        "sources": [
            {
                "id": "b",
                "title": '- Title: with "quotes", a colon # and a hash \\ too',
                "file": "../texts/b.txt",
            },
            {"id": "c", "title": "x" * 200, "file": "../texts/c.txt"},
            {"id": "field-notes-2021", "title": "Field Notes", "file": "../texts/Field Notes 2021.txt"},
        ],
        "topics": [],
        "claims": [],
    }
    monkeypatch.chdir(folder)
    code, output = invoke(runner, "check")
    assert code == 0, output
    assert "0 errors, 0 warnings" in output
    assert "3 sources, 0 topics, 0 claims" in output


def test_init_never_overwrites(runner: CliRunner, tmp_path: Path) -> None:
    folder = _texts(tmp_path / "mine", {"a.txt": "A\n"})
    (folder / "data").mkdir()
    (folder / "data" / "claims.yaml").write_text("precious: true\n", encoding="utf-8")
    code, output = invoke(runner, "init", str(folder))
    assert code == 1
    assert "already exists" in output and "never overwrites" in output
    assert (folder / "data" / "claims.yaml").read_text(encoding="utf-8") == "precious: true\n"


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ({}, "no texts in"),
        ({"notes.md": "A\n"}, "no texts in"),
        ({"a.txt": b"Caf\xe9\n"}, "a.txt:1:4: not UTF-8: byte 0xe9"),
        ({"A B.txt": "A\n", "a-b.txt": "B\n"}, "'a-b'; rename one of them"),
        ({"???.txt": "A\n"}, "gives no usable id"),
        ({"empty.txt": " \n\n"}, "the text is empty"),
    ],
)
def test_init_refuses_bad_folders(runner: CliRunner, tmp_path: Path, texts: dict, message: str) -> None:
    folder = _texts(tmp_path / "mine", texts)
    code, output = invoke(runner, "init", str(folder))
    assert code == 1, output
    assert message in output
    assert "Traceback" not in output
    assert not (folder / "data").exists()  # nothing changed


def test_init_of_a_missing_folder(runner: CliRunner, tmp_path: Path) -> None:
    code, output = invoke(runner, "init", str(tmp_path / "nowhere"))
    assert code == 1
    assert "no such folder" in output


def test_slugs_of_file_names() -> None:
    assert slug_of("Krivosheev 2022") == "krivosheev-2022"
    assert slug_of("Café_Notes.v2") == "cafe_notes.v2"
    assert slug_of("--Hello!!World--") == "hello-world"
    assert slug_of("Жыццё") == ""


# -- locate -------------------------------------------------------------------------------


@pytest.fixture
def notes_store(make_store: Callable[..., Path]) -> Path:
    minimal = "version: 1\nsources:\n  - {id: alpha, title: Field Notes, file: ../seeds/alpha.txt}\n"
    return make_store(minimal, {"alpha.txt": FIELD_NOTES})


def test_locate_finds_a_paraphrase_at_rank_one(runner: CliRunner, notes_store: Path) -> None:
    code, output = invoke(
        runner,
        "locate",
        "alpha",
        "Soldiers spent two hours searching all the trucks at a checkpoint.",
        "--format",
        "json",
    )
    assert code == 0, output
    hits = json.loads(output)
    best = hits[0]
    # "The convoy left the capital at dawn. " is 37 characters: "Its" is at column 38.
    assert (best["source"], best["line"], best["column"]) == ("alpha", 3, 38)
    assert best["passage"] == (
        "Its drivers said the road\nwas quiet until the second checkpoint, where soldiers searched\n"
        "every truck for two hours."
    )
    assert 0 < best["score"] < 100
    assert best["yaml"] == (
        "- source: alpha\n  stance: supports\n"
        '  quote: "Its drivers said the road was quiet until the second checkpoint, '
        'where soldiers searched every truck for two hours."\n'
    )
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_locate_exact_words_score_100_in_table(runner: CliRunner, notes_store: Path) -> None:
    code, output = invoke(runner, "locate", "alpha", "Nobody was arrested.", "--limit", "1")
    assert code == 0, output
    assert "seeds/alpha.txt:6:1  score 100" in output
    assert '  quote: "Nobody was arrested."' in output


def test_locate_errors(runner: CliRunner, notes_store: Path) -> None:
    code, output = invoke(runner, "locate", "alpah", "x")
    assert code == 1 and "no source named 'alpah'" in output and "'alpha'" in output
    code, output = invoke(runner, "locate", "alpha", "   ")
    assert code == 1 and "empty" in output
    code, output = invoke(runner, "locate", "alpha", "x", "--limit", "0")
    assert code == 2


TRICKY = """\

The officer said: "Checkpoint #4 is closed \\ for now" and walked away.
Then it rained.
"""


def test_the_yaml_snippet_pastes_clean(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    texts = {"alpha.txt": ALPHA_TEXT + TRICKY, "beta.txt": BETA, "gamma.txt": GAMMA}
    store = make_store(STORE, texts)
    code, output = invoke(runner, "locate", "alpha", "The officer said checkpoint 4 is closed", "-f", "json")
    assert code == 0, output
    snippet = json.loads(output)[0]["yaml"]
    assert snippet == (
        "- source: alpha\n  stance: supports\n"
        '  quote: "The officer said: \\"Checkpoint #4 is closed \\\\ for now\\" and walked away."\n'
    )
    # Paste it under a new claim, indented as the store's positions are.
    pasted = textwrap.indent(snippet, "      ")
    claim = (
        "  - id: checkpoint-closed\n    topic: incidents\n    text: Checkpoint 4 was closed.\n"
        "    positions:\n" + pasted
    )
    store.write_text(textwrap.dedent(STORE) + claim, encoding="utf-8")
    code, output = invoke(runner, "check")
    assert code == 0, output
    assert "0 errors, 0 warnings" in output
    result = check_store(store)
    assert result.store.claims["checkpoint-closed"].positions[0].quote == (
        'The officer said: "Checkpoint #4 is closed \\ for now" and walked away.'
    )
    assert result.store.anchors[("checkpoint-closed", "alpha")] == 11


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('say "no"', '"say \\"no\\""'),
        ("a: b # c", '"a: b # c"'),
        ("back\\slash", '"back\\\\slash"'),
        ("line\u2028sep\x85nel", '"line\\u2028sep\\u0085nel"'),
        ("tab\there", '"tab\\u0009here"'),
    ],
)
def test_yaml_strings_read_back_exactly(value: str, written: str) -> None:
    assert yaml_string(value) == written
    assert yaml.safe_load(f"q: {written}") == {"q": value}
    pasted = yaml.safe_load(position_yaml("a", value))
    assert pasted == [{"source": "a", "stance": "supports", "quote": value}]


def test_sentences_of_a_wrapped_text() -> None:
    text = FIELD_NOTES
    found = [text[s.start : s.end] for s in sentences(text)]
    assert found == [
        "Field Notes",
        "The convoy left the capital at dawn.",
        "Its drivers said the road\nwas quiet until the second checkpoint, where soldiers searched\n"
        "every truck for two hours.",
        "Nobody was arrested.",
    ]
    other = "Dr. Smith met A. Jones. They talked. The U.S. envoy came, e.g. on Dec. 5. Мы ушли."
    assert [other[s.start : s.end] for s in sentences(other)] == [
        "Dr. Smith met A. Jones.",
        "They talked.",
        "The U.S. envoy came, e.g. on Dec. 5.",
        "Мы ушли.",
    ]


# Every sentence of the bundled texts, given to locate, comes back first at its own place.
_BUNDLED = check_store(ROOT / "data" / "claims.yaml", cwd=ROOT).store


def _bundled_sentences() -> list[tuple[str, str, int, int]]:
    cases = []
    for source_id, path in _BUNDLED.source_paths.items():
        assert path is not None
        raw = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        flat = " ".join(raw.split())
        for sentence in sentences(raw):
            words = raw[sentence.start : sentence.end].split()
            query = " ".join(words)
            if len(words) < 4 or flat.count(query) != 1 or "-\n" in raw[sentence.start : sentence.end]:
                continue
            line = raw.count("\n", 0, sentence.start) + 1
            column = sentence.start - (raw.rfind("\n", 0, sentence.start) + 1) + 1
            cases.append((source_id, query, line, column))
    return cases


BUNDLED_SENTENCES = _bundled_sentences()


def test_the_bundled_texts_have_many_sentences() -> None:
    assert len(BUNDLED_SENTENCES) > 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(BUNDLED_SENTENCES))
def test_any_bundled_sentence_is_located_at_its_own_place(
    runner: CliRunner, case: tuple[str, str, int, int]
) -> None:
    source_id, query, line, column = case
    code, output = invoke(
        runner,
        "--store",
        str(ROOT / "data" / "claims.yaml"),
        "locate",
        source_id,
        query,
        "--format",
        "json",
        "--limit",
        "1",
    )
    assert code == 0, output
    best = json.loads(output)[0]
    assert (best["line"], best["column"], best["score"]) == (line, column, 100)
    assert " ".join(best["passage"].split()) == query


# -- suggest ------------------------------------------------------------------------------

PLANTED_BETA = """\
Another View

Peacekeepers prevented the capture of Parukh village, and they kept the
road open. The mission’s size was 1,960 troops.
Officials in Moscow repeat that the mandate lasts five years and
renews automatically, whatever Baku says.
"""


def test_suggest_finds_a_planted_passage(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(STORE, {"alpha.txt": ALPHA_TEXT, "beta.txt": PLANTED_BETA, "gamma.txt": GAMMA})
    code, output = invoke(runner, "suggest", "five-year-term", "--format", "json")
    assert code == 0, output
    hits = json.loads(output)
    assert {h["source"] for h in hits} == {"beta"}  # alpha and gamma take positions on it
    assert (hits[0]["line"], hits[0]["column"]) == (5, 1)
    assert hits[0]["passage"].startswith("Officials in Moscow repeat that the mandate lasts five years")
    assert hits[0]["claim"] == "five-year-term"
    code, output = invoke(runner, "suggest", "five-year-term")
    assert code == 0 and "Officials in Moscow" in output


def test_suggest_all_lists_gaps_strongest_first(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(STORE, {"alpha.txt": ALPHA_TEXT, "beta.txt": PLANTED_BETA, "gamma.txt": GAMMA})
    code, output = invoke(runner, "suggest", "--all", "--format", "json")
    assert code == 0, output
    hits = json.loads(output)
    # Silent pairs: parukh-gamma, corridor-open-alpha, five-year-term-beta; but
    # gamma's text shares no word with parukh's text or quotes: nothing to offer.
    assert sorted((h["claim"], h["source"]) for h in hits) == [
        ("corridor-open", "alpha"),
        ("five-year-term", "beta"),
    ]
    assert hits[0]["claim"] == "five-year-term" and hits[0]["line"] == 5
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    code, output = invoke(runner, "suggest", "--all", "--limit", "1")
    assert code == 0 and "1 passage," in output


def test_suggest_command_line_errors(runner: CliRunner, store: Path) -> None:
    assert invoke(runner, "suggest")[0] == 2
    assert invoke(runner, "suggest", "parukh", "--all")[0] == 2
    code, output = invoke(runner, "suggest", "paruk")
    assert code == 1 and "did you mean 'parukh'" in output


ALPHA_TEXT = """\
The Mission Report
By A. Author

The peacekeepers arrived on 10 November 2020 and took control of the
“Lachin corridor” at once. Their mandate is a five-year term that
renews automatically — unless one side objects.

The peace-
keepers did not prevent the capture of Parukh village in March 2022.
"""


def test_suggest_all_reports_progress_source_by_source(store: Path) -> None:
    calls: list[tuple[int, int]] = []
    result = check_store(store)
    hits = suggest_all(result.store, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    # parukh-gamma, corridor-open-alpha, five-year-term-beta are silent pairs;
    # gamma shares no word with parukh: two hits.
    pairs = sorted((h.claim, h.source) for h in hits)
    assert pairs == [("corridor-open", "alpha"), ("five-year-term", "beta")]


def test_locate_in_a_source_without_a_file(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store("version: 1\nsources:\n  - {id: alpha, title: No text}\n")
    code, output = invoke(runner, "locate", "alpha", "anything")
    assert code == 1
    assert "source 'alpha' has no 'file'" in output


# -- tables against golden files (UPDATE_GOLDEN=1 rewrites them; read the diff) -----------

GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str, actual: str) -> str:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def test_workbench_tables_match_golden_files(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(STORE, {"alpha.txt": ALPHA_TEXT, "beta.txt": PLANTED_BETA, "gamma.txt": GAMMA})
    outputs = []
    for args in (
        ("locate", "beta", "the mandate is renewed automatically every five years", "--limit", "2"),
        ("suggest", "five-year-term"),
        ("suggest", "--all"),
    ):
        code, output = invoke(runner, *args)
        assert code == 0, output
        outputs.append("$ claimcmp " + " ".join(args) + "\n" + output)
    text = "\n".join(outputs)
    assert text == _golden("workbench.txt", text)


def test_init_refuses_a_text_linked_from_outside(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.txt").write_text("Secret\n", encoding="utf-8")
    folder = _texts(tmp_path / "mine", {"a.txt": "A\n"})
    (folder / "texts" / "b.txt").symlink_to(tmp_path / "elsewhere.txt")
    (folder / "texts" / "c.txt").mkdir()
    code, output = invoke(runner, "init", str(folder))
    assert code == 1
    assert "b.txt links to a file outside" in output
    (folder / "texts" / "b.txt").unlink()
    code, output = invoke(runner, "init", str(folder))
    assert code == 1
    assert "c.txt: not a regular file" in output
    assert not (folder / "data").exists()
