"""The curator's workbench: ``init`` a store, ``locate`` a passage, ``suggest`` positions."""

# No ``from __future__ import annotations``: see ``claimcmp.commands``.

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from .common import Format, FormatOption, err, handles_errors, load, out, print_json, print_trimmed


@handles_errors
def init(
    folder: Annotated[
        Path, typer.Argument(metavar="FOLDER", help="A folder with the texts in FOLDER/texts/*.txt.")
    ],
) -> None:
    """Make a new store from a folder of texts. FOLDER/data/claims.yaml, with one source per
    FOLDER/texts/*.txt.

    \b
    Example:  claimcmp init my-comparison   (with the texts in my-comparison/texts/)
    """
    from ..workbench import init_store
    from ..workbench_render import init_view

    store_file, new_sources = init_store(folder)
    out.print(init_view(store_file, new_sources), soft_wrap=True)


@handles_errors
def locate(
    source: Annotated[
        str, typer.Argument(metavar="SOURCE", help="The id of the source whose text to search.")
    ],
    text: Annotated[
        str, typer.Argument(metavar="TEXT", help="The words to find: a quote, a claim, a paraphrase.")
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, metavar="N", help="At most this many passages.")
    ] = 5,
    format: FormatOption = Format.table,
) -> None:
    """Passages of a source's text that match TEXT. The best first, each with a position ready to
    paste.

    \b
    Example:  claimcmp locate krivosheev-2022 "peacekeepers sidelined" -n 3
    """
    from ..storepath import display
    from ..workbench import locate as find_passages
    from ..workbench_render import locate_view

    store = load()
    hits = find_passages(store, source, text, limit=limit)
    if format is Format.json:
        print_json([hit.as_json(with_yaml=True) for hit in hits])
    else:
        path = store.source_paths.get(source)
        out.print(locate_view(hits, display(path, Path.cwd()) if path else None), soft_wrap=True)


@handles_errors
def suggest(
    claim: Annotated[str | None, typer.Argument(metavar="[CLAIM]", help="A claim id.")] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every claim: the store's coverage gaps, strongest first.")
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            min=1,
            metavar="N",
            help="Per silent source (default 3); with --all, rows (default all).",
        ),
    ] = None,
    format: FormatOption = Format.table,
) -> None:
    """Passages that may address a claim. From the texts of the sources silent on it, the likeliest
    first.

    \b
    Example:  claimcmp suggest pk-controlled-lachin-access
    """
    from ..workbench import suggest as suggest_one
    from ..workbench import suggest_all
    from ..workbench_render import suggest_table

    if every == (claim is not None):
        raise typer.BadParameter("give a claim id or --all, not both", param_hint="CLAIM/--all")
    store = load()
    if every:
        with _progress("reading the sources") as progress:
            hits = suggest_all(store, limit=limit, progress=progress)
    else:
        hits = suggest_one(store, claim or "", limit=limit or 3)
    if format is Format.json:
        print_json([hit.as_json() for hit in hits])
    else:
        title = None if every else f"Passages that may address {claim} (sources silent on it)"
        print_trimmed(suggest_table(hits, with_claim=every, title=title, width=out.width))


@contextlib.contextmanager
def _progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback that shows a bar on stderr (a terminal) once a second has passed."""
    import time

    from rich.progress import Progress

    started = time.monotonic()
    bar: list[Progress] = []

    def update(done: int, total: int) -> None:
        if not bar and err.is_terminal and time.monotonic() - started > 1.0 and done < total:
            bar.append(Progress(console=err, transient=True))
            bar[0].start()
            bar[0].add_task(description, total=total)
        if bar:
            bar[0].update(bar[0].task_ids[0], completed=done)

    try:
        yield update
    finally:
        if bar:
            bar[0].stop()
