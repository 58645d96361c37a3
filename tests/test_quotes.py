"""Quote matching: the rules of the format page, and properties over random texts."""

from __future__ import annotations

import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from claimcmp.quotes import SourceText, normalize, quote_segments

TEXT = (
    "The peacekeepers arrived on 10 November 2020 and took control of the\n"
    "“Lachin corridor” at once. Their mandate is a five\u2011year term that\n"
    "renews automatically \u2014 unless one side objects.\n"
    "\n"
    "The peace-\n"
    "keepers did not prevent the capture of Parukh. Nagorno-\n"
    "Karabakh’s   future\u00a0is open.\n"
)


def test_whitespace_quotes_and_dashes_are_ignored() -> None:
    text = SourceText(TEXT)
    assert text.find('took control of the "Lachin corridor" at once') == 1
    assert text.find("a five-year term that renews automatically - unless") == 2
    assert text.find("a five–year term") == 2
    assert text.find("Karabakh's future is open.") == 7


def test_line_break_after_a_hyphen() -> None:
    text = SourceText(TEXT)
    assert text.find("The peacekeepers did not prevent") == 5
    assert text.find("The peace-keepers did not prevent") == 5
    assert text.find("Nagorno-Karabakh’s future") == 6
    assert text.find("NagornoKarabakh’s future") == 6
    # One quote over two breaks, one written with its hyphen and one without.
    assert text.find("peacekeepers did not prevent the capture of Parukh. Nagorno-Karabakh’s") == 5


def test_case_and_other_characters_are_not_ignored() -> None:
    text = SourceText(TEXT)
    assert text.find("the peacekeepers arrived") is None
    assert text.find("took control of the Lachin corridor") is None
    assert text.find("The peacekeepers arrived on 10 November 2021") is None
    assert text.find("Thepeacekeepers arrived") is None
    assert text.find("The peace keepers did not") is None


def test_ellipsis_segments_in_order() -> None:
    text = SourceText(TEXT)
    assert text.find("The peacekeepers arrived ... unless one side objects.") == 1
    assert text.find("The peacekeepers arrived … Parukh") == 1
    assert text.find("unless one side objects ... The peacekeepers arrived") is None
    assert text.find("...") is None
    assert quote_segments("a ... b…c ...") == ["a", "b", "c"]


def test_closest_passage_points_at_the_line() -> None:
    passage = SourceText(TEXT).closest("did not prevent the capture of Paruk village")
    assert passage is not None
    # The alignment starts at "peace-" (end of line 5); the passage is shown from
    # the quote's own first word, "did", on line 6.
    assert passage.line == 6
    assert passage.text.startswith("did not prevent the capture of Parukh.")
    assert 70 <= passage.similarity < 100


GREEK = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
words = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=8)
prose = st.lists(words, min_size=12, max_size=60)
spaces = st.sampled_from([" ", "  ", "\n", " \n  ", "\u00a0", "\t"])


@st.composite
def text_and_quote(draw: st.DrawFn) -> tuple[str, list[str], int, int]:
    tokens = draw(prose)
    start = draw(st.integers(0, len(tokens) - 3))
    end = draw(st.integers(start + 2, min(len(tokens), start + 12)))
    return " ".join(tokens), tokens, start, end


@settings(max_examples=300, deadline=None)
@given(text_and_quote(), st.data())
def test_rewrapped_and_requoted_quote_is_found(
    case: tuple[str, list[str], int, int], data: st.DataObject
) -> None:
    _text, tokens, start, end = case
    quoted = data.draw(st.integers(start, end - 1))
    # The text wraps its words at random places with random white space, and puts
    # typographic quotation marks around one word; the quote uses straight ones.
    rendered = ""
    for i, token in enumerate(tokens):
        rendered += f"“{token}”" if i == quoted else token
        if i < len(tokens) - 1:
            rendered += data.draw(spaces)
    quote = " ".join(f'"{t}"' if i == quoted else t for i, t in enumerate(tokens) if start <= i < end)
    assert SourceText(rendered).find(quote) is not None


@settings(max_examples=300, deadline=None)
@example(
    case=(
        GREEK,
        GREEK.split(),
        2,
        6,
    ),
    index=1,
)
@given(text_and_quote(), st.integers(min_value=0))
def test_a_changed_word_is_not_found(case: tuple[str, list[str], int, int], index: int) -> None:
    text, tokens, start, end = case
    changed = list(tokens[start:end])
    position = index % len(changed)
    changed[position] = changed[position] + "x"
    quote = " ".join(changed)
    assume(normalize(quote) not in normalize(text))
    assert SourceText(text).find(quote) is None


@settings(max_examples=200, deadline=None)
@given(text_and_quote(), st.integers(1, 10))
def test_elided_quote_is_found_and_reversed_is_not(case: tuple[str, list[str], int, int], gap: int) -> None:
    text, tokens, start, end = case
    assume(end + gap + 2 <= len(tokens))
    first = " ".join(tokens[start:end])
    second = " ".join(tokens[end + gap : end + gap + 2])
    found = SourceText(text)
    assert found.find(f"{first} ... {second}") is not None
    assume(re.search(re.escape(second) + ".*" + re.escape(first), text) is None)
    assert found.find(f"{second} … {first}") is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=60))
def test_find_never_fails_and_reports_a_real_line(text: str, quote: str) -> None:
    line = SourceText(text).find(quote)
    if line is not None:
        assert 1 <= line <= text.count("\n") + 1


# -- many quotes at once (SourceText.find_all) ----------------------------------

_MARKY = st.lists(
    st.sampled_from([*"ab .\n\t\u00a0\u2028\x00\x1c…-—’“”'\"", "...", "peace-\nkeepers"]), max_size=20
).map("".join)


@given(st.lists(_MARKY, max_size=12))
@example(["a\x00b", " c "])  # a NUL of the quote's own: normalized one at a time
@example(["x\n", "\n y", "   ", "... a ... ", "a....b"])
@example([" a b ", "", " ", "c", " … d "])  # single spaces only: nothing to collapse
def test_segments_of_many_quotes_are_each_quotes_own(quotes: list[str]) -> None:
    from claimcmp.quotes import normalize_all, segments_all

    assert normalize_all(quotes) == [normalize(quote) for quote in quotes]
    assert segments_all(quotes) == [quote_segments(quote) for quote in quotes]


# Printable text with single spaces, the usual quote, where nothing is collapsed
# (and now and then a break or a double space, where everything is).
_ONE_LINE = st.lists(st.sampled_from([*"ab .’“-…", " ", " ", "...", "\u00ad", "\u200b"]), max_size=20).map(
    "".join
)


@given(st.lists(_ONE_LINE, max_size=12), st.sampled_from(["", "  ", "\n", "\u00a0"]))
def test_quotes_on_one_line_are_normalized_alike(quotes: list[str], odd: str) -> None:
    from claimcmp.quotes import normalize_all

    for batch in (quotes, [*quotes, f"x{odd}y"]):
        assert normalize_all(batch) == [normalize(quote) for quote in batch]


@given(st.lists(_MARKY, max_size=40), st.text(alphabet="ab .\n-’'", max_size=200))
@settings(max_examples=200)
def test_find_all_is_find_of_each(quotes: list[str], text: str) -> None:
    assert SourceText(text).find_all(quotes) == [SourceText(text).find(quote) for quote in quotes]


def test_a_quote_is_found_at_the_same_line_whatever_was_looked_for_before() -> None:
    # "The peace" stands mid-word on line 1 ("...the peaceful...") and at a word
    # on line 3. Before, the first 23 quotes of a text were found by a scan
    # (line 1) and later ones by the word index (line 3): a cached run and a
    # fresh one could disagree. Now it is line 3 either way.
    text = "It was not the peaceful kind: xThe peacekeepers left.\nMore words here.\n"
    text += "The peacekeepers came back.\n"
    fresh = SourceText(text)
    assert fresh.find("The peacekeepers came") == 3
    assert fresh.find("The peacekeepers") == 3
    busy = SourceText(text)
    for _ in range(30):
        busy.find("More words here")
    assert busy.find("The peacekeepers") == 3
    assert SourceText(text).find_all(["More words here"] * 30 + ["The peacekeepers"])[-1] == 3


def test_the_closest_passage_starts_and_ends_with_the_quotes_own_words() -> None:
    # The bundled Tatikyan text, around a quote whose first words were changed:
    # the alignment took in the end of the sentence before ("kindergartens.").
    text = SourceText(
        "schools and kindergartens. There are eyewitness reports about peacekeepers\n"
        "selling food and fuel for multiplied prices. The blockade went on.\n"
    )
    passage = text.closest(
        "There were eyewitness reports about peacekeepers selling food and fuel for multiplied prices."
    )
    assert passage is not None and passage.line == 1
    assert passage.text == (
        "There are eyewitness reports about peacekeepers selling food and fuel for multiplied prices."
    )
    # A last word that only begins a word of the text ("price" in "prices.") is not cut.
    passage = text.closest("eyewitness reports about peacekeepers selling fod and fuel for multiplied price")
    assert passage is not None and passage.text.endswith("multiplied prices.")
