"""A fuzz campaign against the store reader: many mutated stores, none may crash or hang.

Run it outside CI, for as long as you like::

    python tools/fuzz_campaign.py --cases 20000 --seed 1
    python tools/fuzz_campaign.py --cases 2000 --seed 7 --workers 1 --save crashes/

Each case takes a valid store (``SEED_STORE`` below, or ``SEED_PLAIN``, which the
fast YAML reader reads), applies one to four random edits to its YAML text
(delete, insert or replace characters or lines, duplicate or swap lines, change indentation,
insert YAML-significant characters, write random bytes) and, in one case in
ten, to one of its source texts too. Then it:

* calls ``claimcmp.loading.check_store`` in-process, under a per-case timeout;
  any exception there is a crash (``check_store`` reports every problem of a
  store as a ``Problem``, it never raises for bad input), and the timeout a hang;
* checks each problem: a message in the curator's terms (no pydantic dump),
  line and column either absent or 1-based numbers within the file;
* compares the two YAML readers: whenever the fast one (yaml_rs) gives data
  that validates (the only data the loader takes from it: anything else is
  read again by the event reader), the reference event reader must give the
  same data (a difference is a store read two ways: a divergence);
* every ``--cli-every``-th case, runs the real command (``python -m claimcmp
  check``) in a subprocess: exit 0 or 1, no traceback, within the timeout.

The mutators are plain functions of a ``random.Random`` and the text, so that
``tests/test_fuzz.py`` reuses them under hypothesis.
"""

from __future__ import annotations

import argparse
import collections
import math
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SEED_TEXTS = {
    "alpha.txt": (
        "The Mission Report\nBy A. Author\n\n"
        "The peacekeepers arrived on 10 November 2020 and took control of the\n"
        "“Lachin corridor” at once. Their mandate is a five-year term that\n"
        "renews automatically — unless one side objects.\n\n"
        "The peace-\nkeepers did not prevent the capture of Parukh village in March 2022.\n"
    ),
    "beta.txt": (
        "Another View\n\nPeacekeepers prevented the capture of Parukh village, and they kept the\n"
        "road open. The mission’s size was 1,960 troops.\n"
    ),
    "gamma.txt": (
        "A Third Voice\n\nThe mission's mandate was never written down. Some say the corridor\n"
        "was open; others disagree.\n"
    ),
}

# A valid store that uses most of what the format allows: every key, flow and
# block lists, quoted and block scalars, a comment, an anchor and an alias.
SEED_STORE = """\
version: 1
# the sources
sources:
  - id: alpha
    title: The Mission Report
    author: A. Author
    publisher: Alpha Press
    published: 2022-12
    url: https://example.org/alpha
    file: ../seeds/alpha.txt
    perspective: an observer
    note: >
      folded text
      on two lines
  - id: beta
    title: "Another View"
    publisher: Beta Weekly
    published: 2023
    file: ../seeds/beta.txt
  - {id: gamma, title: 'A Third Voice', published: 2021-05-04, file: ../seeds/gamma.txt}
topics:
  - id: incidents
    title: Incidents
    description: |
      What the peacekeepers did
      or did not prevent.
  - id: mandate
    title: The mandate
claims:
  - id: parukh
    topic: incidents
    text: Peacekeepers prevented the capture of Parukh.
    date: 2022-03
    tags: &tags [ceasefire]
    positions:
      - source: beta
        stance: supports
        quote: "Peacekeepers prevented the capture of Parukh village"
      - source: alpha
        stance: refutes
        quote: "The peacekeepers did not prevent the capture of Parukh village"
        note: hyphen at a line end in the text
  - id: corridor-open
    topic: incidents
    text: The peacekeepers kept the Lachin corridor open.
    tags: *tags
    positions:
      - source: beta
        stance: supports
        quote: "they kept the road open"
      - source: gamma
        stance: qualifies
        quote: "Some say the corridor was open; others disagree."
  - id: five-year-term
    topic: mandate
    text: The mandate runs for five years and renews automatically.
    tags:
      - mandate
      - term
    positions:
      - source: alpha
        stance: supports
        quote: 'a five-year term that renews automatically ... unless one side objects'
      - source: gamma
        stance: refutes
        quote: "The mission's mandate was never written down."
"""

# The same without the anchor and alias, so that the fast reader (yaml_rs) reads it.
SEED_PLAIN = SEED_STORE.replace("tags: &tags [ceasefire]", "tags: [ceasefire]").replace(
    "tags: *tags", "tags: [ceasefire]"
)

YAML_SPECIAL = ":-&*!|>{}[]#'\"%@`,?~\\\t\n "
JUNK = [
    "&a",
    "*a",
    "&a [*a, *a]",
    "!!python/object/apply:os.system ['true']",
    "!!binary aGk=",
    "!!int x",
    "!!float 1",
    "!custom x",
    "<<: *a",
    "? ",
    "---",
    "...",
    "%YAML 1.1",
    "%TAG ! tag:example.org,2002:",
    "[" * 80,
    "{" * 80,
    "- " * 40,
    "9" * 5000,
    "0x" + "f" * 100,
    ".inf",
    ".nan",
    "~",
    "null",
    "yes",
    "2022-02-30",
    "2022-13",
    "12:30:00",
    "'unterminated",
    '"unterminated',
    '"\\x00\\u202e\\ud800"',
    '"\\ud83d\\ude00"',  # a pair of surrogate escapes
    "\r\t",  # a tab after a CR-only line break
    "-\t",  # a tab after a block indicator
    "0o" + "7" * 5000,
    "0x" + "f" * 5000,
    "\t",
    "\u00a0",
    "\u202e",
    "\ufeff",
    "\x00",
    "\x1b[31m",
    "😀",
    "../../outside.txt",
    "/etc/passwd",
    "stnace: supports",
    "id: alpha",
    "id: BAD ID",
    "source: nobody",
    "topic: nowhere",
]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_chars(rng: random.Random, text: str) -> str:
    if not text:
        return text
    start = rng.randrange(len(text))
    return text[:start] + text[start + rng.randint(1, 8) :]


def insert_chars(rng: random.Random, text: str) -> str:
    at = rng.randint(0, len(text))
    pool = rng.choice([YAML_SPECIAL, "abcxyz019_.", YAML_SPECIAL + "\x00\x7f\x85\u2028\ufeff"])
    return text[:at] + "".join(rng.choice(pool) for _ in range(rng.randint(1, 4))) + text[at:]


def replace_char(rng: random.Random, text: str) -> str:
    if not text:
        return text
    at = rng.randrange(len(text))
    return text[:at] + rng.choice(YAML_SPECIAL + "aZ9") + text[at + 1 :]


def insert_junk(rng: random.Random, text: str) -> str:
    at = rng.randint(0, len(text))
    return text[:at] + rng.choice(JUNK) + text[at:]


def delete_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def duplicate_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    at = rng.randrange(len(lines))
    lines.insert(at, lines[at])
    return "\n".join(lines)


def duplicate_block(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    start = rng.randrange(len(lines))
    block = lines[start : start + rng.randint(2, 12)]
    at = rng.randint(0, len(lines))
    return "\n".join(lines[:at] + block + lines[at:])


def swap_lines(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


def insert_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    indent = " " * rng.choice([0, 2, 4, 6, 8, 1, 3])
    lines.insert(rng.randint(0, len(lines)), indent + rng.choice(JUNK))
    return "\n".join(lines)


def change_indent(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    at = rng.randrange(len(lines))
    line = lines[at]
    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    new = max(0, indent + rng.choice([-4, -2, -1, 1, 2, 4]))
    lines[at] = rng.choice([" ", " ", "\t"]) * new + stripped
    return "\n".join(lines)


def truncate(rng: random.Random, text: str) -> str:
    return text[: rng.randint(0, len(text))]


MUTATORS: list[Callable[[random.Random, str], str]] = [
    delete_chars,
    insert_chars,
    replace_char,
    insert_junk,
    delete_line,
    duplicate_line,
    duplicate_block,
    swap_lines,
    insert_line,
    change_indent,
    truncate,
]


def random_bytes(rng: random.Random, data: bytes) -> bytes:
    """Overwrite or insert a few random bytes (makes invalid UTF-8 likely)."""
    raw = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        at = rng.randint(0, len(raw))
        chunk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.5 and at < len(raw):
            raw[at : at + len(chunk)] = chunk
        else:
            raw[at:at] = chunk
    return bytes(raw)


def mutate(rng: random.Random, text: str) -> bytes:
    """One to four random edits of ``text``; one time in six, random bytes too."""
    for _ in range(rng.randint(1, 4)):
        text = rng.choice(MUTATORS)(rng, text)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 1 / 6:
        data = random_bytes(rng, data)
    return data


def write_seed(
    folder: Path, store_text: str | bytes = SEED_STORE, texts: dict[str, str] | None = None
) -> Path:
    """A store in ``folder``: ``data/claims.yaml`` and ``seeds/*.txt``; returns the YAML file."""
    seeds = folder / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for name, content in (texts or SEED_TEXTS).items():
        (seeds / name).write_text(content, encoding="utf-8")
    data = folder / "data"
    data.mkdir(exist_ok=True)
    path = data / "claims.yaml"
    path.write_bytes(store_text if isinstance(store_text, bytes) else store_text.encode("utf-8"))
    return path


# -- the campaign -----------------------------------------------------------------------------

_PYDANTIC_WORDS = ("Input should", "validation error", "pydantic", "Field required", "Traceback")


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise _Timeout


@dataclass
class Outcome:
    index: int
    kind: str  # ok | invalid | crash | hang | bad-problem | divergence | cli
    detail: str = ""
    seconds: float = 0.0
    data: bytes = b""
    extra: dict[str, int] = field(default_factory=dict)


def same_data(a: object, b: object) -> bool:
    """Equal data, NaN equal to itself and the type of numbers kept."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_data(a[k], b[k]) for k in a)  # type: ignore[index]
    if isinstance(a, list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return a == b


def _check_problems(result: object, text_lines: int) -> str | None:
    for problem in result.problems:  # type: ignore[attr-defined]
        if not problem.message or any(word in problem.message for word in _PYDANTIC_WORDS):
            return f"message: {problem.format()[:300]}"
        if problem.line is None and problem.column is not None:
            return f"a column without a line: {problem.format()[:300]}"
        if problem.line is not None and not (1 <= problem.line <= text_lines and (problem.column or 1) >= 1):
            return f"position not 1-based or past the end: {problem.format()[:300]}"
    return None


def run_case(index: int, seed: int, timeout: float, workdir: Path) -> Outcome:
    from claimcmp.loading import check_store
    from claimcmp.schema import is_valid_store_file
    from claimcmp.yamlread import YamlProblem, read_events, read_fast

    rng = random.Random(f"{seed}:{index}")
    folder = workdir / f"case-{index % 4}"
    shutil.rmtree(folder, ignore_errors=True)
    texts = dict(SEED_TEXTS)
    store_bytes = mutate(rng, rng.choice([SEED_STORE, SEED_PLAIN]))
    if rng.random() < 0.1:
        name = rng.choice(list(texts))
        texts[name] = mutate(rng, texts[name]).decode("utf-8", "replace")
    path = write_seed(folder, store_bytes, texts)
    if rng.random() < 0.05:  # a raw byte in a source text too
        text_file = folder / "seeds" / rng.choice(list(texts))
        text_file.write_bytes(random_bytes(rng, text_file.read_bytes()))
    started = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        result = check_store(path, cwd=folder)
        signal.setitimer(signal.ITIMER_REAL, 0)
    except _Timeout:
        return Outcome(index, "hang", f"check_store took over {timeout}s", timeout, store_bytes)
    except Exception as error:
        signal.setitimer(signal.ITIMER_REAL, 0)
        frames = traceback.extract_tb(error.__traceback__)
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        return Outcome(
            index,
            "crash",
            f"{type(error).__name__} at {where}: {str(error)[:200]}",
            time.perf_counter() - started,
            store_bytes,
        )
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    seconds = time.perf_counter() - started
    text = store_bytes.decode("utf-8", "replace")
    # Lines as YAML counts them (NEL and the Unicode separators end lines too).
    bad = _check_problems(result, len(re.split("\r\n|[\n\r\x85\u2028\u2029]", text)))
    if bad:
        return Outcome(index, "bad-problem", bad, seconds, store_bytes)
    # Differential: whatever the fast reader accepts, the reference reader must read alike.
    try:
        decoded = store_bytes.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None:
        fast = read_fast(decoded)
        if fast is not None and is_valid_store_file(fast):
            try:
                reference = read_events(decoded)
            except YamlProblem as problem:
                return Outcome(
                    index,
                    "divergence",
                    f"yaml_rs read it, the event reader refused: {problem.message}",
                    seconds,
                    store_bytes,
                )
            if reference.duplicates or not same_data(fast, reference.data):
                return Outcome(
                    index, "divergence", "the two readers give different data", seconds, store_bytes
                )
    return Outcome(index, "invalid" if result.errors else "ok", "", seconds, store_bytes)


def run_cli(index: int, data: bytes, timeout: float, workdir: Path) -> Outcome:
    folder = workdir / f"cli-{index % 4}"
    shutil.rmtree(folder, ignore_errors=True)
    path = write_seed(folder, data)
    env = {**os.environ, "NO_COLOR": "1", "CLAIMCMP_CACHE_DIR": str(folder / "cache")}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "claimcmp", "--store", str(path), "check"],
            cwd=folder,
            env=env,
            capture_output=True,
            timeout=timeout + 5,
        )
    except subprocess.TimeoutExpired:
        return Outcome(index, "cli", "the command hung", timeout, data)
    seconds = time.perf_counter() - started
    stderr = done.stderr.decode("utf-8", "replace")
    if (
        done.returncode not in (0, 1)
        or "Traceback" in stderr
        or "Traceback" in done.stdout.decode("utf-8", "replace")
    ):
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        return Outcome(index, "cli", f"exit {done.returncode}: {last[:200]} | {stderr[-600:]}", seconds, data)
    return Outcome(index, f"cli-exit-{done.returncode}", "", seconds)


def _worker(job: tuple[int, int, float, int, str]) -> list[Outcome]:
    first, count, timeout, cli_every, seed_and_dir = job
    seed_text, workdir_text = seed_and_dir.split("\0")
    seed, workdir = int(seed_text), Path(workdir_text)
    signal.signal(signal.SIGALRM, _alarm)
    own = workdir / f"w{os.getpid()}"
    own.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for index in range(first, first + count):
        outcome = run_case(index, seed, timeout, own)
        outcomes.append(
            Outcome(
                outcome.index,
                outcome.kind,
                outcome.detail,
                outcome.seconds,
                outcome.data if outcome.kind not in ("ok", "invalid") else b"",
            )
        )
        if cli_every and index % cli_every == 0:
            outcomes.append(
                run_cli(
                    index, outcome.data or mutate(random.Random(f"{seed}:{index}"), SEED_STORE), timeout, own
                )
            )
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="how many mutated stores")
    parser.add_argument("--seed", type=int, default=0, help="the campaign's seed (cases are reproducible)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds allowed per case")
    parser.add_argument(
        "--cli-every", type=int, default=50, help="run the real command every Nth case (0: never)"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--save", type=Path, default=None, help="folder to save failing inputs in")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="claimcmp-fuzz-") as tmp:
        chunk = 100
        jobs = [
            (first, min(chunk, args.cases - first), args.timeout, args.cli_every, f"{args.seed}\0{tmp}")
            for first in range(0, args.cases, chunk)
        ]
        outcomes: list[Outcome] = []
        if args.workers > 1:
            with multiprocessing.Pool(args.workers) as pool:
                for part in pool.imap_unordered(_worker, jobs):
                    outcomes.extend(part)
                    _progress(outcomes, started)
        else:
            for job in jobs:
                outcomes.extend(_worker(job))
                _progress(outcomes, started)
    return _summary(outcomes, args, time.perf_counter() - started)


def _progress(outcomes: list[Outcome], started: float) -> None:
    done = sum(1 for o in outcomes if not o.kind.startswith("cli"))
    failed = sum(1 for o in outcomes if o.kind in ("crash", "hang", "bad-problem", "divergence", "cli"))
    print(f"\r{done} cases, {failed} failures, {time.perf_counter() - started:.0f}s", end="", file=sys.stderr)


def _summary(outcomes: list[Outcome], args: argparse.Namespace, seconds: float) -> int:
    print(file=sys.stderr)
    kinds = collections.Counter(o.kind for o in outcomes)
    cases = [o for o in outcomes if not o.kind.startswith("cli")]
    slowest = max(cases, key=lambda o: o.seconds, default=None)
    print(f"claimcmp fuzz campaign: {len(cases)} cases, seed {args.seed}, {seconds:.0f}s")
    for kind, count in sorted(kinds.items()):
        print(f"  {kind:12} {count}")
    if slowest is not None:
        print(f"  slowest case: #{slowest.index}, {slowest.seconds:.3f}s")
    failures = [o for o in outcomes if o.kind in ("crash", "hang", "bad-problem", "divergence", "cli")]
    groups: dict[str, list[Outcome]] = collections.defaultdict(list)
    for outcome in failures:
        what = outcome.detail[:120] if outcome.kind == "bad-problem" else outcome.detail.split(":")[0]
        groups[f"{outcome.kind}: {what}"].append(outcome)
    for key, members in sorted(groups.items()):
        print(f"FAIL {key} ({len(members)} cases, e.g. #{members[0].index}: {members[0].detail[:240]!r})")
        if args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            for member in members[:5]:
                (args.save / f"{member.kind}-{member.index}.yaml").write_bytes(member.data)
    print("no crash, no hang, no bad message, no divergence" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
