"""Terminal renderings of the agreement, coverage and timeline views.

These views may list every claim of a store, tens of thousands of lines. rich
lays out such a text in seconds (measured: 2 s for the timeline of the
20,000-claim bench store, 3 s for its coverage), so they are laid out here as
lines of (text, style) pieces, wrapped here, and turned into terminal text by
``to_text`` with the styles' escape codes from rich: 20 times faster. Ids are
slugs (plain ASCII, one column a character), so the grids' widths are exact;
a matrix too wide for the terminal is split into blocks of columns.

Everything reads without colour: colour only repeats what the characters say.
Text from the store is cleaned of control characters, so it is shown, never
interpreted by the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.color import ColorSystem
from rich.style import Style

from .models import STANCES, Claim, Source
from .rendering import INFERRED_NOTE, STANCE_STYLES
from .rules import PairAgreement
from .views import AgreementView, CoverageView, Marker, TimelineView
from .visible import plural, visible_line
from .vocabulary import STANCE_MARKS

Piece = tuple[str, str]  # (text, rich style; "" for none)
Line = list[Piece]

INFERRED = "*"
NOT_INDEPENDENT = "†"
NOTHING_SHARED = "—"
SILENT = "·"
PUBLISHED = "◆"
GAP = 2  # spaces between the columns of a grid
MIN_LABEL = 12
MANY_SILENT = 8  # past this many, silent sources are counted, not named
PROSE = 100  # sentences wrap at most this wide: longer lines are hard to read

STANCE_LEGEND = "  ".join(f"{STANCE_MARKS[s]} {s}" for s in STANCES)
# One wording of the inferred note in every view (list, show, the reports).
INFERRED_LEGEND = INFERRED_NOTE

# Background colours of the agreement heatmap, by rate (agree / shared).
_HEAT: tuple[tuple[float, str], ...] = (
    (0.2, "bold white on red3"),
    (0.4, "black on dark_orange"),
    (0.6, "black on yellow3"),
    (0.8, "black on chartreuse3"),
    (1.01, "black on green3"),
)

# C0 and C1 control characters (and DEL) would be interpreted by a terminal.
# -- turning lines into terminal text ----------------------------------------------------

_SYSTEMS = {
    "standard": ColorSystem.STANDARD,
    "256": ColorSystem.EIGHT_BIT,
    "truecolor": ColorSystem.TRUECOLOR,
    "windows": ColorSystem.STANDARD,
}


def to_text(lines: Iterable[Line], color_system: str | None = None, no_color: bool = False) -> str:
    """The lines as terminal text: plain without a colour system (piped output),
    else with the styles' escape codes (only bold, dim and the like with ``no_color``)."""
    # Only a line whose last piece ends in a blank needs trimming: test inline.
    lines = [_trimmed(line) if line and line[-1][0][-1:] in (" ", "") else line for line in lines]
    if color_system is None:
        return "".join(["".join([text for text, _style in line]) + "\n" for line in lines])
    system = _SYSTEMS.get(color_system, ColorSystem.STANDARD)
    # A template per style, "<escape codes>%s<reset>": the text is its argument.
    templates = {"": "%s"}
    for style in {style for line in lines for _text, style in line}:
        if style:
            parsed = Style.parse(style)
            rendered = (parsed.without_color if no_color else parsed).render("\0", color_system=system)
            templates[style] = rendered.replace("%", "%%").replace("\0", "%s")
    return "".join(["".join([templates[style] % text for text, style in line]) + "\n" for line in lines])


def _trimmed(line: Line) -> Line:
    """The line without trailing white space (an empty last cell of a grid)."""
    line = list(line)
    while line and not line[-1][0].strip():
        line.pop()
    if line and not line[-1][1]:
        line[-1] = (line[-1][0].rstrip(), "")
    return line


# -- shared pieces -----------------------------------------------------------------------


def _wrap(text: str, room: int) -> list[str]:
    """Words of ``text`` in lines of at most ``room`` characters (a longer word
    gets a line of its own)."""
    if len(text) <= room:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split():
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= room:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _wrap_items(prefix: str, items: Sequence[str], room: int) -> list[str]:
    """``prefix`` and the ``items`` joined by commas, in lines of at most ``room``
    characters, broken only between items (an item longer than that gets a line)."""
    lines: list[str] = []
    current = prefix.rstrip()
    for number, item in enumerate(items):
        piece = item + ("," if number < len(items) - 1 else "")
        if current and len(current) + 1 + len(piece) > room:
            lines.append(current)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    lines.append(current)
    return lines


def _indented(text: str, indent: int, width: int, style: str = "") -> list[Line]:
    pad = " " * indent
    return [[(pad + part, style)] for part in _wrap(text, max(20, width - indent))]


def _fit(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


_MARK_PIECES = {stance: (STANCE_MARKS[stance], STANCE_STYLES[stance]) for stance in STANCES}


def stance_lines(claim: Claim, indent: int, width: int) -> list[Line]:
    """A claim's positions as ``✔ a  ✘* b``, by stance, then as listed (the inferred
    star after the mark, as ``list`` and ``show`` put it); after ``indent`` spaces, on
    as many lines as ``width`` needs."""
    pad: Line = [(" " * indent, "")] if indent else []
    lines: list[Line] = []
    line, used = list(pad), indent
    positions = claim.positions
    for stance in STANCES:
        mark = _MARK_PIECES[stance]
        for position in [p for p in positions if p.stance == stance]:
            star = INFERRED if position.inferred else ""
            label = f" {position.source}  "
            if used > indent and used + len(star) + len(label) - 1 > width:
                line[-1] = (line[-1][0][:-2], "")
                lines.append(line)
                line, used = list(pad), indent
            line += ((mark[0] + star, mark[1]), (label, ""))
            used += 1 + len(star) + len(label)
    if used > indent:
        line[-1] = (line[-1][0][:-2], "")
    lines.append(line)
    return lines


def _legend(inferred: bool, width: int) -> list[Line]:
    lines: list[Line] = [[(STANCE_LEGEND, "dim")]]
    if inferred:
        lines.extend(_indented(INFERRED_LEGEND, 0, width, "dim"))
    return lines


def grid(
    corner: str, rows: Sequence[str], columns: Sequence[str], cells: Sequence[Line], width: int
) -> list[Line]:
    """Lines of a labelled matrix (``cells[r][c]`` is a piece), cells right-aligned;
    when the columns do not fit ``width``, in blocks of as many as fit."""
    cell_width = max([len(c) for c in columns] + [len(text) for row in cells for text, _ in row] + [1])
    # Row labels are ids: whole, as long as one column still fits beside them.
    label_width = min(max(len(corner), *(len(r) for r in rows), 1), max(MIN_LABEL, width - GAP - cell_width))
    per_block = max(1, (width - label_width) // (cell_width + GAP))
    lines: list[Line] = []
    for start in range(0, len(columns), per_block):
        stop = min(start + per_block, len(columns))
        if start:
            lines.append([])
        if len(columns) > per_block:
            lines.append([(f"columns {start + 1}-{stop} of {len(columns)}", "dim")])
        header: Line = [(_fit(corner, label_width).ljust(label_width), "bold")]
        header.extend((" " * GAP + name.rjust(cell_width), "bold") for name in columns[start:stop])
        lines.append(header)
        for label, row in zip(rows, cells, strict=True):
            line: Line = [(_fit(label, label_width).ljust(label_width), "bold")]
            for text, style in row[start:stop]:
                line.append((" " * (GAP + cell_width - len(text)), ""))
                line.append((text, style))
            lines.append(line)
    return lines


def _source_labels(
    ids: Sequence[str], cell_width: int, width: int, labels: Sequence[str], extra: int = 0
) -> tuple[list[str], list[str]]:
    """Names for the sources of a matrix with a column per source (and ``extra``
    more columns, rows labelled ``labels``): the ids themselves when all columns
    fit the width side by side, else numbers (and the ids with their numbers)."""
    label_width = min(max([len(i) for i in labels] + [MIN_LABEL]), max(MIN_LABEL, width - GAP - cell_width))
    column = max([len(i) for i in ids] + [cell_width])
    if label_width + (len(ids) + extra) * (column + GAP) <= width:
        return list(ids), list(ids)
    digits = len(str(len(ids)))
    return [f"{n:>{digits}} {i}" for n, i in enumerate(ids, 1)], [str(n) for n in range(1, len(ids) + 1)]


# -- agreement ---------------------------------------------------------------------------


def _heat(rate: float | None) -> str:
    if rate is None:
        return "dim"
    return next(style for limit, style in _HEAT if rate < limit)


def _pair_cell(pair: PairAgreement) -> Piece:
    if not pair.shared:
        return NOTHING_SHARED, "dim"
    label = f"{pair.agree}/{pair.shared} ✘{pair.contradict}"
    if not pair.independent:
        label += NOT_INDEPENDENT
    return label, _heat(pair.rate)


def _pair_cells(view: AgreementView) -> list[Line]:
    """The symmetric matrix of cells, blank on the diagonal. Cells repeat a
    lot (a few dozen counts over thousands of pairs): each is made once."""
    index = {s.id: i for i, s in enumerate(view.sources)}
    cells: list[Line] = [[("", "")] * len(index) for _ in index]
    made: dict[tuple[int, int, int, bool], Piece] = {}
    for pair in view.pairs:
        key = (pair.agree, pair.shared, pair.contradict, pair.independent)
        cell = made.get(key)
        if cell is None:
            cell = made[key] = _pair_cell(pair)
        i, j = index[pair.a], index[pair.b]
        cells[i][j] = cells[j][i] = cell
    return cells


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%"


def agreement_sentences(view: AgreementView) -> list[str]:
    """One sentence on the pair that agrees most, one on the pair that contradicts most."""
    best, worst = view.most_agreeing(), view.most_contradicting()
    caveat = " They are not independent: one draws on the other, or both on a common source."
    if best is None:
        first = "No two sources take the same stance on any claim."
    else:
        first = (
            f"Most agreement: {best.a} and {best.b} take the same stance on {best.agree} of the "
            f"{plural(best.shared, 'claim')} both address ({_percent(best.agree, best.shared)})."
        )
        first += "" if best.independent else caveat
    if worst is None:
        second = (
            "No two sources contradict each other: no claim is supported by one and refuted by the other."
        )
    else:
        second = (
            f"Most contradiction: {worst.a} and {worst.b}, one supporting what the other refutes, "
            f"on {worst.contradict} of the {plural(worst.shared, 'claim')} both address "
            f"({_percent(worst.contradict, worst.shared)})."
        )
        second += "" if worst.independent else caveat
    return [first, second]


def agreement_lines(
    view: AgreementView, width: int, topics: Sequence[str] = (), *, colour: bool = True
) -> list[Line]:
    """The source x source heatmap, its legend and the two summary sentences; the
    legend speaks of colour only when there is colour (not in a pipe or a file)."""
    ids = [s.id for s in view.sources]
    scope = f" on {', '.join(topics)}" if topics else ""
    lines: list[Line] = [[(f"Agreement between sources{scope}: {plural(view.claims, 'claim')}", "bold")], []]
    if len(ids) < 2:
        return [*lines, [(f"Agreement needs two sources; the store has {len(ids)}.", "")]]
    cells = _pair_cells(view)
    cell_width = max(len(text) for row in cells for text, _ in row)
    rows, columns = _source_labels(ids, cell_width, width, ids)
    lines.extend(grid("source", rows, columns, cells, width))
    lines.append([])
    legend = (
        "a cell: agree/shared ✘contradict, over the claims both sources address: how many "
        "with the same stance, and how many one supports and the other refutes. "
        f"{NOT_INDEPENDENT} not independent (based_on); {NOTHING_SHARED} no claim in common"
        + ("; colour: the share of agreement, from red (0%) to green (100%)." if colour else ".")
    )
    lines.extend(_indented(legend, 0, min(width, PROSE), "dim"))
    lines.append([])
    for sentence in agreement_sentences(view):
        lines.extend(_indented(sentence, 0, min(width, PROSE)))
    return lines


# -- coverage ----------------------------------------------------------------------------


def _silent_lines(silent: Sequence[str], width: int) -> list[Line]:
    """The sources silent on a claim, by name."""
    return _indented(f"silent: {', '.join(silent)}", 6, width, "dim") if silent else []


# What each consensus group means (the contract's words), beside its heading.
CONSENSUS_GLOSS = {
    "contested": "one source supports the claim, another refutes it",
    "mixed": "stances differ, none refuting what another supports",
    "agreed": "two or more positions, all the same stance",
    "single": "one position only",
}


def _id_and_topic(lead: Line, claim_id: str, topic: str, width: int, indent: int) -> list[Line]:
    """A claim's id line: ``lead``, the id, then ``[topic]``; the topic on a line of
    its own, ``indent`` deep, when both do not fit ``width`` (an id is never cut)."""
    line: Line = [*lead, (claim_id, "bold cyan")]
    used = sum(len(text) for text, _ in lead) + len(claim_id)
    if used + 3 + len(topic) <= width:
        return [[*line, (f" [{topic}]", "dim")]]
    return [line, [(" " * indent + f"[{topic}]", "dim")]]


def coverage_lines(view: CoverageView, width: int) -> list[Line]:
    """Position counts by topic and source, then the claims by consensus."""
    ids = [s.id for s in view.sources]
    lines: list[Line] = [[("Positions by topic and source", "bold")], []]
    cells: list[Line] = [
        [(str(t.claims), "")]
        + [(str(t.positions[s]), "") if t.positions[s] else (SILENT, "dim") for s in ids]
        for t in view.topics
    ]
    cell_width = max([len(text) for row in cells for text, _ in row] + [1])
    topic_ids = [t.topic.id for t in view.topics]
    rows, columns = _source_labels(ids, cell_width, width, topic_ids, extra=1)
    lines.extend(grid("topic", topic_ids, ["claims", *columns], cells, width))
    if rows != ids:
        # A number and its id stay on one line: wrapped between items, never inside one.
        items = [" ".join(row.split()) for row in rows]
        lines.extend([(line, "dim")] for line in _wrap_items("sources: ", items, max(20, width)))
    lines.extend(
        _indented(f"a cell: the source's positions on the topic's claims; {SILENT} silent", 0, width, "dim")
    )
    lines.append([])
    if view.silent_source is not None:
        lines.append([(f"Claims {view.silent_source} says nothing about: {len(view.claims)}", "bold")])
    else:
        lines.append([(f"Claims by consensus: {len(view.claims)}", "bold")])
    counts: dict[str, int] = {}
    for row in view.claims:
        counts[row.consensus] = counts.get(row.consensus, 0) + 1
    current = None
    total = len(ids)
    append, extend = lines.append, lines.extend  # a line or more per claim: keep the loop lean
    for row in view.claims:
        claim = row.claim
        if row.consensus != current:
            current = row.consensus
            style = "bold magenta" if current == "contested" else "bold"
            heading = f"{current} ({counts[current]})"
            gloss = CONSENSUS_GLOSS.get(current, "")
            if len(heading) + 2 + len(gloss) <= width:
                extend(([], [(heading, style), (f"  {gloss}" if gloss else "", "dim")]))
            else:  # a narrow terminal: the gloss beneath, wrapped
                extend(([], [(heading, style)], *_indented(gloss, 2, width, "dim")))
        extend(_id_and_topic([("  ", "")], claim.id, claim.topic, width, 6))
        text = visible_line(claim.text)
        if len(text) <= width - 6:
            append([("      " + text, "")])
        else:
            extend(_indented(text, 6, width))
        extend(stance_lines(claim, 6, width))
        quiet = total - len(claim.positions)
        if quiet > MANY_SILENT:
            append([(f"      silent: the {quiet} other sources", "dim")])
        elif quiet:
            extend(_silent_lines(row.silent, width))
    inferred = any(p.inferred for row in view.claims for p in row.claim.positions)
    if not view.claims:
        lines.append([("none", "")])
    lines.append([])
    return lines + _legend(inferred, width)


# -- timeline ----------------------------------------------------------------------------


def _group(value: str) -> tuple[str, str]:
    """(year, month heading) of a partial date."""
    year = value[:4]
    return year, (value[:7] if len(value) >= 7 else f"{year}, month not given")


def _marker_lines(source: Source, width: int) -> list[Line]:
    """A source's publication marker, with its author and publisher."""
    head = f"  {PUBLISHED} published: {source.id} ({source.published})"
    byline = ", ".join(visible_line(p) for p in (source.author, source.publisher) if p)
    if not byline:
        return [[(head, "bold blue")]]
    if len(head) + 2 + len(byline) <= width:
        return [[(head, "bold blue"), (f"  {byline}", "blue")]]
    return [[(head, "bold blue")], *_indented(byline, 4, width, "blue")]


def timeline_lines(view: TimelineView, width: int) -> list[Line]:
    """The dated claims by year and month, the sources' publications among them."""
    if not view.claims:
        message = (
            f"No dated claims to show ({plural(view.undated, 'claim')} without a date); "
            "give a claim a 'date' to place it in time."
        )
        return _indented(message, 0, min(width, PROSE))
    # A title, as the other views have, so the output does not open on a blank line.
    lines: list[Line] = [[(f"Timeline: {plural(len(view.claims), 'dated claim')}", "bold")]]
    year = month = None
    inferred = False
    for entry in view.entries:
        when = entry.published if isinstance(entry, Marker) else entry.date
        assert when is not None
        entry_year, entry_month = _group(when)
        if entry_year != year:
            year, month = entry_year, None
            lines.extend(([], [(year, "bold underline")]))
        if isinstance(entry, Marker):
            lines.extend(_marker_lines(entry.source, width))
            continue
        if entry_month != month:
            month = entry_month
            lines.append([(f" {month}", "bold")])
        lines.extend(_id_and_topic([(f"  {when:<10}  ", "dim")], entry.id, entry.topic, width, 14))
        lines.extend(_indented(visible_line(entry.text), 14, width))
        lines.extend(stance_lines(entry, 14, width))
        inferred = inferred or any(p.inferred for p in entry.positions)
    lines.append([])
    summary = (
        f"{plural(len(view.claims), 'dated claim')}; {view.undated} without a date, not shown. "
        f"{PUBLISHED} a source's publication, placed at the last day its date covers: a claim "
        "below the marker of a source that takes a position on it is an anachronism."
    )
    return lines + _indented(summary, 0, min(width, PROSE), "dim") + _legend(inferred, width)
