#!/usr/bin/env python3
"""claimcmp benchmark runner.

Usage:
    python bench/run.py [--sizes 1000,5000,20000] [--runs 3] [--quick]
                        [--claimcmp PATH] [--out bench/results.md] [--floors-only]

For each size a synthetic store is generated with bench/generate.py (cached under
bench/out/, which git ignores) and these are measured, each one as a fresh
subprocess, median of --runs runs (wall time and the child's peak RSS from
os.wait4):

  check (cold)       claimcmp --store S check, with CLAIMCMP_CACHE_DIR set to a new,
                     empty directory for every run
  contradictions     claimcmp --store S contradictions --format json, warm: after one
    (warm)           unmeasured run that fills the cache dir; stdout to /dev/null
  show TOPIC (warm)  claimcmp --store S show TOPIC, the store's largest topic
  agreement, coverage, timeline (warm)
                     each view as a table (COLUMNS=120) and as JSON, warm
  floor: yaml load   python -c "yaml.load(open(S,'rb'), Loader=yaml.CSafeLoader)"
  floor: yaml_rs     python -c "yaml_rs.load(open(S,'rb').read())"
  floor: imports     python -c "import typer, rich, pydantic, yaml, rapidfuzz"

plus, if the repository has data/claims.yaml (the bundled store), its `show TOPIC`
(warm) and cold `check` against the import floor.

Peak RSS is taken with os.wait4 in a tiny launcher process that forks the
command (see LAUNCHER), so the runner's own memory does not leak into it.

Results are printed and written as Markdown (default bench/results.md; with
--quick, bench/out/results-quick.md) with a machine description and the targets:
at 20k claims cold check <= 1.0 s, warm contradictions <= 0.3 s, each view
(table) warm <= 0.5 s, peak RSS <= 300 MB, cost linear from 1k to 20k, bundled
show <= 1.3x the import line.

Exit status: 0 when every command ran and exited 0 (missed targets do not fail
the run), 1 when a claimcmp command (or a floor) failed or claimcmp was not found
(unless --floors-only), 2 for a bad command line.

--quick = --sizes 200 --runs 1, for a CI smoke test.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import itertools
import json
import math
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import generate as gen  # noqa: E402

TARGETS = {
    "check_cold_s": 1.0,
    "contradictions_warm_s": 0.3,
    "recheck_s": 0.3,
    "peak_rss_mb": 250.0,
    "peak_rss_50k_mb": 600.0,
    "bundled_show_ratio": 1.3,
    "views_warm_s": 0.5,
}

# The views of issue 10, each measured warm (table: what a reader runs; json: the
# same data for programs). Labels as in the report; arguments after --store S.
VIEWS: tuple[tuple[str, list[str]], ...] = (
    ("claimcmp agreement (warm)", ["agreement"]),
    ("claimcmp coverage (warm)", ["coverage"]),
    ("claimcmp timeline (warm)", ["timeline"]),
    ("claimcmp agreement json (warm)", ["agreement", "--format", "json"]),
    ("claimcmp coverage json (warm)", ["coverage", "--format", "json"]),
    ("claimcmp timeline json (warm)", ["timeline", "--format", "json"]),
)
# The exports, warm, each written to a file in the bench's temporary folder.
EXPORTS: tuple[tuple[str, list[str], str], ...] = (
    ("claimcmp export --html (warm)", ["export", "--html", "-o"], "report.html"),
    ("claimcmp export --sqlite (warm)", ["export", "--sqlite", "-o"], "store.db"),
)
# suggest --all is claims x silent sources x candidate passages (docs/workbench.md):
# measured up to this size, and on the bundled store.
SUGGEST_ALL_MAX = 1_000
TARGET_SIZE = 20_000
LARGE_SIZE = 50_000
SPLIT_FILES = 100  # the multi-file layout of the TARGET_SIZE store
WATCH_POLL_S = 0.1  # commands/checking.py WATCH_INTERVAL: how often check --watch looks
BEFORE = " [before]"  # label suffix of the rows measured with --baseline
LINEAR_GROWTH = 2.0

IMPORT_LINE = "import typer, rich, pydantic, yaml, rapidfuzz"


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    wall: float
    rss_kb: int
    rc: int
    stderr: str = ""
    cpu: float = float("nan")  # user + system CPU seconds: what a busy machine inflates least


@dataclass
class Row:
    group: str  # "20000" or "bundled"
    label: str
    cmd: list[str]
    samples: list[Sample] = field(default_factory=list)
    failed: bool = False
    claims: int | None = None

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples) if self.samples else float("nan")

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples) if self.samples else float("nan")

    @property
    def rss_mb(self) -> float:
        # median of the runs' peaks (they hardly vary); the max is kept too
        return statistics.median(s.rss_kb for s in self.samples) / 1024 if self.samples else float("nan")

    @property
    def rss_max_mb(self) -> float:
        return max(s.rss_kb for s in self.samples) / 1024 if self.samples else float("nan")


# The measured command is forked by a tiny launcher process, not by this runner:
# on Linux a child's ru_maxrss starts from the peak RSS of the process it was
# forked (or vforked) from, so a runner that has just generated a 20k-claim store
# would inflate every number. The launcher (python -S, ~8 MB) forks, execs the
# command, times it and reports wall time, peak RSS (os.wait4) and exit status.
LAUNCHER = """
import os, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as fh:
    fh.write(f"{wall!r} {ru.ru_maxrss} {os.waitstatus_to_exitcode(status)} {ru.ru_utime + ru.ru_stime!r}")
"""


def _vm_hwm_kb(pid: int) -> int:
    """A running process's peak resident set so far (Linux), in KiB; 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux ``/proc``)."""
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split():
                found += _process_tree(int(child))
    except OSError:
        pass
    return found


def _smaps_rollup(pid: int) -> dict[str, int]:
    """A process's memory totals in KiB (Rss, Pss, ...); empty once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return {}
    totals = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            totals[key] = int(value.split()[0])
    return totals


def run_once(cmd: list[str], env: dict[str, str], cwd: Path) -> Sample:
    """Run cmd as a fresh process; its wall time and peak RSS (via LAUNCHER)."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r", suffix=".res") as res:
        subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, res.name, *cmd],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            cwd=cwd,
            check=True,
        )
        wall_s, rss_s, rc_s, cpu_s = Path(res.name).read_text().split()
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Sample(wall=float(wall_s), rss_kb=int(rss_s), rc=int(rc_s), stderr=text, cpu=float(cpu_s))


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    for k in (
        "CLAIMCMP_STORE",
        "CLAIMCMP_CACHE_DIR",
        "PYTHONSTARTUP",
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONDONTWRITEBYTECODE",
    ):
        env.pop(k, None)
    env.setdefault("COLUMNS", "120")
    return env


def scrub(text: str, tmp: Path | None = None) -> str:
    """Keep this machine's absolute paths out of the report."""
    if tmp is not None:
        text = text.replace(str(tmp), "$TMP")
    text = text.replace(str(REPO), ".")
    home = os.path.expanduser("~")
    if home not in ("", "/"):
        text = text.replace(home, "~")
    return text


class Bench:
    def __init__(self, runs: int, tmp: Path, verbose: bool = True):
        self.runs = runs
        self.tmp = tmp
        self.rows: list[Row] = []
        self.failures: list[str] = []
        self.verbose = verbose
        self._n = 0
        # (group, label, peak RSS of the largest process, peak PSS of all together, processes)
        self.trees: list[tuple[str, str, float, float, int]] = []

    def new_cache_dir(self) -> Path:
        self._n += 1
        d = self.tmp / f"cache-{self._n}"
        d.mkdir()
        return d

    def measure(
        self,
        group: str,
        label: str,
        cmd: list[str],
        cwd: Path,
        *,
        cache: str = "none",  # "none" | "cold" (new empty dir each run) | "warm"
        claims: int | None = None,
        warm_dir: Path | None = None,
        before_each: Callable[[], None] | None = None,
        before_cmd: list[str] | None = None,
    ) -> Row:
        """Measure ``cmd`` --runs times; ``before_each`` runs (untimed) before each
        measured run, after the warm-up. With ``before_cmd`` (the same command of
        the --baseline executable), the two alternate run by run, each with its
        own cache, so that a shared machine's load drifts over both alike; its
        row is labelled ``label + BEFORE``."""
        versions = [(label, cmd)] + ([(label + BEFORE, before_cmd)] if before_cmd else [])
        rows, envs = [], []
        for name, command in versions:
            rows.append(Row(group=group, label=name, cmd=command, claims=claims))
            env = base_env()
            if cache == "warm":
                assert warm_dir is not None
                env["CLAIMCMP_CACHE_DIR"] = str(warm_dir if command is cmd else self.new_cache_dir())
                for _ in range(2):  # unmeasured: fill the cache (a first run after a change
                    # keeps only what it rebuilt, the next one the whole result)
                    s = run_once(command, env, cwd)
                    if s.rc != 0:
                        self._fail(rows[-1], s)
                        return rows[0]
            envs.append(env)
        for _ in range(self.runs):
            for row, env in zip(rows, envs, strict=True):
                if cache == "cold":
                    env["CLAIMCMP_CACHE_DIR"] = str(self.new_cache_dir())
                if before_each is not None:
                    before_each()
                s = run_once(row.cmd, env, cwd)
                if s.rc != 0:
                    self._fail(row, s)
                    return rows[0]
                row.samples.append(s)
        for row in rows:
            self._keep(row)
        return rows[0]

    def measure_tree(
        self,
        group: str,
        label: str,
        cmd: list[str],
        cwd: Path,
        *,
        warm_dir: Path | None = None,
        before_each: Callable[[], None] | None = None,
    ) -> None:
        """Peak memory of ``cmd`` and every process it forks, together: the sum
        of their PSS (each shared page counted once, split between the
        processes that share it), sampled every 2 ms while it runs; and the
        peak RSS of its largest process. Not timed (the sampling loads the
        machine): the largest of --runs runs, cold (a new cache folder) unless
        ``warm_dir``."""
        peak_pss = peak_rss = 0.0
        most = 0
        for _ in range(self.runs):
            env = base_env()
            env["CLAIMCMP_CACHE_DIR"] = str(warm_dir or self.new_cache_dir())
            if before_each is not None:
                before_each()
            process = subprocess.Popen(
                cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            while process.poll() is None:
                pss = rss = 0
                tree = _process_tree(process.pid)
                for pid in tree:
                    got = _smaps_rollup(pid)
                    pss += got.get("Pss", 0)
                    rss = max(rss, got.get("Rss", 0))
                if pss / 1024 > peak_pss:
                    peak_pss, most = pss / 1024, max(most, len(tree))
                peak_rss = max(peak_rss, rss / 1024)
                time.sleep(0.002)
        self.trees.append((group, label, peak_rss, peak_pss, most))
        if self.verbose:
            print(
                f"  {group:>8}  {label:<28} all processes {peak_pss:7.1f} MB (PSS)",
                file=sys.stderr,
                flush=True,
            )

    def _keep(self, row: Row) -> None:
        self.rows.append(row)
        if self.verbose:
            print(
                f"  {row.group:>8}  {row.label:<28} {row.wall:8.3f} s  {row.rss_mb:7.1f} MB",
                file=sys.stderr,
                flush=True,
            )

    def measure_watch(
        self, group: str, label: str, cmd: list[str], cwd: Path, warm_dir: Path, edit: Callable[[], None]
    ) -> Row:
        """``cmd`` is ``check --watch``: one process, started with a warm cache;
        each sample is the time from an edit (the file written) to the end of
        the line the watcher prints after its check (its poll interval
        included), read from its stdout. Peak RSS: the process's VmHWM."""
        row = Row(group=group, label=label, cmd=cmd)
        env = {**base_env(), "CLAIMCMP_CACHE_DIR": str(warm_dir)}
        process = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # A bench started in the background of a script (``run.py &``)
            # inherits SIGINT ignored, and so would the watcher: it could then
            # never be stopped as a curator stops it (Ctrl-C, below).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        assert process.stdout is not None

        def next_check() -> None:
            while b"watching" not in process.stdout.readline():  # type: ignore[union-attr]
                if process.poll() is not None:
                    raise RuntimeError("the watcher stopped")

        try:
            next_check()  # the first check, from the warm cache
            for _ in range(self.runs):
                # A random moment of the watcher's poll cycle, as a curator's save is.
                time.sleep(0.5 + random.random() * WATCH_POLL_S)
                start = time.perf_counter()
                edit()
                next_check()
                row.samples.append(
                    Sample(wall=time.perf_counter() - start, rss_kb=_vm_hwm_kb(process.pid), rc=0)
                )
        except (RuntimeError, OSError) as error:
            process.kill()
            _, errors = process.communicate()
            self._fail(
                row, Sample(wall=0.0, rss_kb=0, rc=-1, stderr=f"{error}\n{errors.decode(errors='replace')}")
            )
            return row
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            self._fail(row, Sample(wall=0.0, rss_kb=0, rc=-1, stderr="the watcher did not stop on SIGINT"))
            return row
        self._keep(row)
        return row

    def _fail(self, row: Row, s: Sample) -> None:
        row.failed = True
        row.samples.append(s)
        self.rows.append(row)
        msg = f"{row.group} {row.label}: exit {s.rc}: {' '.join(row.cmd)}\n{s.stderr[-2000:]}"
        msg = scrub(msg, self.tmp)
        self.failures.append(msg)
        print(f"  FAILED {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- stores


def generated_store(size: int, seed: int, regen: bool, files: int = 1) -> tuple[Path, dict]:
    layout = f"-files{files}" if files > 1 else ""
    out = BENCH / "out" / f"store-{size}-seed{seed}-v{gen.GENERATOR_VERSION}{layout}"
    meta_p = out / "meta.json"
    if not regen and meta_p.exists():
        meta = json.loads(meta_p.read_text(encoding="utf-8"))
        if (out / meta["store"]).exists():
            return out, meta
    if out.exists():
        shutil.rmtree(out)
    t0 = time.perf_counter()
    meta = gen.generate(out, claims=size, seed=seed, files=files)
    print(
        f"  generated {size} claims in {time.perf_counter() - t0:.1f}s -> {out.relative_to(REPO)}",
        file=sys.stderr,
    )
    return out, meta


def bundled_topic(store: Path) -> str | None:
    """The bundled store's topic with the most claims (small file: plain yaml)."""
    import yaml

    try:
        docs = []
        files = [store] if store.is_file() else sorted(p for p in store.rglob("*.y*ml"))
        for f in files:
            with open(f, "rb") as fh:
                docs.append(yaml.safe_load(fh) or {})
    except Exception as e:
        print(f"  cannot read bundled store: {e}", file=sys.stderr)
        return None
    counts: dict[str, int] = {}
    for d in docs:
        for t in d.get("topics") or []:
            counts.setdefault(t["id"], 0)
        for c in d.get("claims") or []:
            if c.get("topic") in counts or c.get("topic"):
                counts[c["topic"]] = counts.get(c["topic"], 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda k: counts[k])


# --------------------------------------------------------------------------- machine


def machine_info(python: str, claimcmp: str | None) -> list[tuple[str, str]]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    probe = (
        "import sys, json, importlib.metadata as m\n"
        "out = {'python': sys.version.split()[0], 'impl': sys.implementation.name}\n"
        "for p in ('claimcmp','typer','rich','pydantic','pydantic-core','rapidfuzz','PyYAML'):\n"
        "    try: out[p] = m.version(p)\n"
        "    except Exception: out[p] = '-'\n"
        "try:\n"
        "    import yaml\n"
        "    out['libyaml'] = yaml._yaml.get_version_string() if yaml.__with_libyaml__ else 'no'\n"
        "except Exception: out['libyaml'] = '?'\n"
        "print(json.dumps(out))\n"
    )
    try:
        v = json.loads(
            subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True).stdout
        )
    except Exception:
        v = {}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        if commit and dirty:
            commit += " + uncommitted changes in src/"
    except OSError:
        commit = ""
    pkgs = ", ".join(
        f"{k} {v.get(k, '?')}"
        for k in ("claimcmp", "typer", "rich", "pydantic", "pydantic-core", "rapidfuzz", "PyYAML")
    )
    return [
        ("date", _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("CPU", cpu),
        ("cores", str(os.cpu_count())),
        ("memory", mem),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{v.get('python', '?')} ({v.get('impl', '?')})"),
        ("packages", pkgs + f", libyaml {v.get('libyaml', '?')}"),
        ("claimcmp", "found" if claimcmp else "not found (floor rows only)"),
        ("repo commit", commit or "?"),
    ]


# --------------------------------------------------------------------------- report


def fmt_s(x: float) -> str:
    return f"{x:.3f}" if x == x else "-"


def fmt_mb(x: float) -> str:
    return f"{x:.0f}" if x == x else "-"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def build_report(
    bench: Bench,
    info: list[tuple[str, str]],
    metas: dict[int, dict],
    runs: int,
    args: argparse.Namespace,
) -> str:
    L: list[str] = []
    L.append("# claimcmp benchmark results")
    L.append("")
    L.append(
        "Generated by `python bench/run.py"
        + (" --quick" if args.quick else "")
        + "`"
        + f" (median of {runs} run{'s' if runs != 1 else ''}, each a fresh process;"
        " peak RSS of the process from `os.wait4` in a small launcher)."
    )
    L.append("")
    L.append("| machine | |")
    L.append("|---|---|")
    for k, v in info:
        L.append(f"| {k} | {v} |")
    L.append("")
    if metas:
        L.append("## Stores")
        L.append("")
        L.append(f"Synthetic stores from `bench/generate.py` (seed {args.seed}).")
        L.append("")
        L.append(
            "| claims | sources | topics | quotes | contested | YAML MB | text MB | topic shown (claims) |"
        )
        L.append("|---:|---:|---:|---:|---:|---:|---:|---|")
        for size, m in sorted(metas.items()):
            p = m["params"]
            L.append(
                f"| {size:,} | {p['sources']} | {p['topics']} | {m['quotes']:,} | {m['contested_claims']:,} "
                f"| {m['yaml_bytes'] / 1e6:.1f} | {m['text_bytes'] / 1e6:.1f} "
                f"| `{m['largest_topic']['id']}` ({m['largest_topic']['claims']}) |"
            )
        L.append("")
    L.append("## Timings")
    L.append("")
    L.append(
        "| store | command | wall s (median) | min–max s | CPU s (median) | peak RSS MB | ms per 1k claims |"
    )
    L.append("|---|---|---:|---:|---:|---:|---:|")
    for r in bench.rows:
        if r.failed:
            L.append(f"| {r.group} | {r.label} | FAILED (exit {r.samples[-1].rc}) | | | | |")
            continue
        walls = [s.wall for s in r.samples]
        per1k = f"{r.wall / r.claims * 1000 * 1000:.1f}" if r.claims else ""
        L.append(
            f"| {r.group} | {r.label} | {fmt_s(r.wall)} | {min(walls):.3f}–{max(walls):.3f} "
            f"| {fmt_s(r.cpu)} | {fmt_mb(r.rss_max_mb)} | {per1k} |"
        )
    L.append("")

    # linearity: marginal cost per 1k claims between consecutive sizes, and the
    # exponent k of (t - imports floor) ~ N^k from the smallest to the largest size
    by: dict[str, dict[int, float]] = {}
    floor_imp = [
        r.wall for r in bench.rows if r.label == "floor: imports" and not r.failed and r.group != "bundled"
    ]
    t0 = statistics.median(floor_imp) if floor_imp else 0.0
    for r in bench.rows:
        if not r.failed and r.claims:
            by.setdefault(r.label, {})[r.claims] = r.wall
    lin_lines = []
    lin_ok: bool | None = None
    sizes = sorted(metas)
    if len(sizes) >= 2:
        lin_lines.append("## Scaling")
        lin_lines.append("")
        lin_lines.append(
            "Marginal cost per 1k claims between consecutive sizes (fixed start-up costs cancel out), "
            "and the "
            f"exponent k in t − t₀ ∝ N^k from {sizes[0]:,} to {sizes[-1]:,} claims (t₀ = the import floor, "
            f"{t0:.3f} s). Verdict: linear when the marginal cost grows less than "
            f"{LINEAR_GROWTH}× from the first to the last interval (for 1k/5k/20k an N log N cost grows it "
            "~1.2×, a quadratic one ~4×)."
        )
        lin_lines.append("")
        hdr = " | ".join(f"{a:,}→{b:,}" for a, b in itertools.pairwise(sizes))
        lin_lines.append(f"| command | {hdr} | k | verdict |")
        lin_lines.append("|---|" + "---:|" * (len(sizes) - 1) + "---:|---|")
        for label, d in by.items():
            if not all(s in d for s in sizes):
                continue
            marg = [(d[b] - d[a]) / ((b - a) / 1000) * 1000 for a, b in itertools.pairwise(sizes)]
            ok = marg[-1] <= LINEAR_GROWTH * max(marg[0], 1.0)  # ms; floor of 1 ms/1k for tiny costs
            lo, hi = d[sizes[0]] - t0, d[sizes[-1]] - t0
            k = math.log(hi / lo) / math.log(sizes[-1] / sizes[0]) if lo > 0 and hi > 0 else float("nan")
            fixed_topic = "show" in label  # the largest topic has ~200 claims at every size
            if label.startswith("claimcmp") and not fixed_topic:
                lin_ok = ok if lin_ok is None else (lin_ok and ok)
            verdict_txt = "linear" if ok else "super-linear"
            if fixed_topic:
                verdict_txt = "n/a: shows one topic of ~200 claims at every size"
            lin_lines.append(
                f"| {label} | "
                + " | ".join(f"{m:.1f} ms" for m in marg)
                + f" | {'–' if k != k else f'{k:.2f}'} | {verdict_txt} |"
            )
        lin_lines.append("")
    L.extend(lin_lines)

    # targets
    def get(group: str, label: str) -> Row | None:
        for r in bench.rows:
            if r.group == group and r.label == label and not r.failed:
                return r
        return None

    tgt = f"{TARGET_SIZE:,}"
    split = f"{tgt} in {SPLIT_FILES} files"

    def figure(r: Row | None) -> str:
        if r is None:
            return "-"
        walls = [x.wall for x in r.samples]
        return f"{fmt_s(r.wall)} s ({min(walls):.3f}–{max(walls):.3f})"

    def timed(text: str, group: str, label: str, limit: float) -> None:
        r, before = get(group, label), get(group, label + BEFORE)
        L.append(
            f"| {text} | {figure(before)} | {figure(r)} | {verdict(None if r is None else r.wall <= limit)} |"
        )

    def peak(groups: tuple[str, ...], before: bool) -> float:
        rows = [
            x.rss_max_mb
            for x in bench.rows
            if x.group in groups
            and x.label.startswith("claimcmp")
            and not x.failed
            and x.label.endswith(BEFORE) == before
        ]
        return max(rows) if rows else float("nan")

    L.append("## Targets")
    L.append("")
    L.append(
        "Median wall time of the runs with (min–max). *before*: the `--baseline` executable, "
        "measured in the same run where given."
    )
    L.append("")
    L.append("| target | before | now | verdict |")
    L.append("|---|---:|---:|---|")
    timed(
        f"{tgt} claims: cold `check` ≤ {TARGETS['check_cold_s']} s",
        tgt,
        "claimcmp check (cold)",
        TARGETS["check_cold_s"],
    )
    timed(
        f"{tgt} claims: warm `contradictions --format json` ≤ {TARGETS['contradictions_warm_s']} s",
        tgt,
        "claimcmp contradictions (warm)",
        TARGETS["contradictions_warm_s"],
    )
    timed(
        f"{tgt} claims in {SPLIT_FILES} files: `check` after one file is edited ≤ {TARGETS['recheck_s']} s",
        split,
        "claimcmp check, one file edited",
        TARGETS["recheck_s"],
    )
    watched = get(split, "claimcmp check --watch, one edit")
    if watched is not None and not watched.failed:
        L.append(
            f"| the same, with `check --watch` running: an edit to its result printed "
            f"(its {WATCH_POLL_S} s poll included) | | {figure(watched)} | (no target: see below) |"
        )
    now, before = peak((tgt, split), False), peak((tgt, split), True)
    L.append(
        f"| {tgt} claims: peak RSS of any claimcmp command ≤ {TARGETS['peak_rss_mb']:.0f} MB "
        f"| {fmt_mb(before)} MB | {fmt_mb(now)} MB "
        f"| {verdict(None if now != now else now <= TARGETS['peak_rss_mb'])} |"
    )
    for label, view_args in VIEWS:
        if "json" in view_args:
            continue
        timed(
            f"{tgt} claims: warm `{' '.join(view_args)}` ≤ {TARGETS['views_warm_s']} s",
            tgt,
            label,
            TARGETS["views_warm_s"],
        )
    large = f"{LARGE_SIZE:,}"
    now = peak((large,), False)
    L.append(
        f"| {large} claims: peak RSS of any claimcmp command ≤ {TARGETS['peak_rss_50k_mb']:.0f} MB "
        f"| | {fmt_mb(now)} MB | {verdict(None if now != now else now <= TARGETS['peak_rss_50k_mb'])} |"
    )
    for group, limit in ((tgt, TARGETS["peak_rss_mb"]), (large, TARGETS["peak_rss_50k_mb"])):
        together = [pss for g, label, _, pss, _ in bench.trees if g == group and not label.endswith(BEFORE)]
        if together:
            L.append(
                f"| {group} claims: a cold `check`, all its processes together (PSS) ≤ {limit:.0f} MB "
                f"| | {fmt_mb(max(together))} MB | {verdict(max(together) <= limit)} |"
            )
    L.append(f"| cost linear from smallest to largest size | | see Scaling | {verdict(lin_ok)} |")
    rs = get("bundled", "claimcmp show TOPIC (warm)")
    ri = get("bundled", "floor: imports")
    ratio = rs.wall / ri.wall if rs and ri else float("nan")
    L.append(
        f"| bundled store: `show TOPIC` ≤ {TARGETS['bundled_show_ratio']}× the import line "
        f"| | {'-' if ratio != ratio else f'{ratio:.2f}'}× "
        f"({fmt_s(rs.wall) if rs else '-'} s vs {fmt_s(ri.wall) if ri else '-'} s) "
        f"| {verdict(None if ratio != ratio else ratio <= TARGETS['bundled_show_ratio'])} |"
    )
    L.append("")
    if TARGET_SIZE not in metas:
        L.append(f"(The {tgt}-claim targets are n/a: that size was not run.)")
        L.append("")
    if bench.trees:
        L.append("## Memory of all the processes")
        L.append("")
        L.append(
            "On a large store `check` forks children that work beside it on the second core "
            "(docs/architecture.md). Peak RSS above is of the largest process; here, sampled every "
            "2 ms, also the peak of the PSS of all the processes together (each shared page counted "
            "once): what the machine gives the command. Largest of the runs, not timed."
        )
        L.append("")
        L.append(
            "| store | command | largest process, peak RSS MB | all processes, peak PSS MB | processes |"
        )
        L.append("|---|---|---:|---:|---:|")
        for group, label, rss, pss, most in bench.trees:
            L.append(f"| {group} | {label} | {fmt_mb(rss)} | {fmt_mb(pss)} | {most} |")
        L.append("")
    if bench.failures:
        L.append("## Failures")
        L.append("")
        for f in bench.failures:
            L.append("```")
            L.append(f.rstrip())
            L.append("```")
        L.append("")
    L.append("## Commands")
    L.append("")
    L.append(
        f"This machine's 2 cores were shared with other jobs while it ran: every figure is the median of "
        f"{runs} fresh processes with the min–max next to it, and each store's import floor was measured "
        "in the same run; compare a row with the floor and the before rows beside it, not with another "
        "day's figures."
    )
    L.append("")
    L.append(
        "- `... [before]`: the same command with the `--baseline` executable (the code before this "
        "change), measured in the same run"
    )
    L.append(
        f"- `claimcmp check, one file edited`: the {TARGET_SIZE:,}-claim store cut into {SPLIT_FILES} files "
        "(`generate.py --files`), warm cache; before each run one letter of a claim's text in one file "
        "becomes a letter it has not been yet (same size, often within the same second as the last check)"
    )
    L.append("- `claimcmp check (warm)`: the same, nothing edited")
    L.append(
        "- `claimcmp check --watch, one edit`: one `check --watch` process on the same store (warm cache); "
        "the same edit, then the time until the watcher has printed its next result, read from its "
        "stdout: what a curator waits for after saving"
    )
    L.append(
        "- `claimcmp check (cold)`: `claimcmp --store STORE check`, "
        "`CLAIMCMP_CACHE_DIR` a new empty dir per run"
    )
    L.append(
        "- `claimcmp contradictions (warm)`: "
        "`claimcmp --store STORE contradictions --format json > /dev/null`"
        " after two unmeasured runs with the same `CLAIMCMP_CACHE_DIR`"
    )
    L.append(
        "- `claimcmp show TOPIC (warm)`: `claimcmp --store STORE show TOPIC > /dev/null`, "
        "warm cache, the largest topic"
    )
    L.append(
        "- `claimcmp agreement|coverage|timeline (warm)`: `claimcmp --store STORE VIEW > /dev/null` "
        "(a table, `COLUMNS=120`), warm cache; `... json`: the same with `--format json`"
    )
    L.append(
        "- `claimcmp export --html|--sqlite (warm)`: `claimcmp --store STORE export --html -o FILE` "
        "(and `--sqlite`), warm cache, FILE in the bench's temporary folder (replaced each run)"
    )
    L.append(
        f"- `claimcmp suggest --all (warm)`: every claim's silent sources' likeliest passages; "
        f"claims x silent sources x passages, so measured on the bundled store and up to "
        f"{SUGGEST_ALL_MAX:,} claims only"
    )
    L.append(
        "- `floor: yaml load`: "
        "`python -c \"import yaml; yaml.load(open(STORE,'rb'), Loader=yaml.CSafeLoader)\"`"
    )
    L.append(
        "- `floor: yaml_rs load`: `python -c \"import yaml_rs; yaml_rs.load(open(STORE,'rb').read())\"` "
        "(the parser claimcmp uses for valid files)"
    )
    L.append(f'- `floor: imports`: `python -c "{IMPORT_LINE}"`')
    L.append(
        '- `floor: import claimcmp.cli`: `python -c "import claimcmp.cli"` (what claimcmp itself imports)'
    )
    L.append("")
    L.append(
        "Note: the CSafeLoader floor is dominated by CPython's cyclic GC (about 3.5x at 20k claims; "
        "see bench/parsers.md), so it is a floor for PyYAML with default settings, not for libyaml."
    )
    L.append("")
    return "\n".join(L)


# --------------------------------------------------------------------------- main


def find_claimcmp(explicit: str | None) -> str | None:
    if explicit:
        p = shutil.which(explicit) or (explicit if Path(explicit).exists() else None)
        return str(Path(p).resolve()) if p else None
    cand = Path(sys.executable).parent / "claimcmp"
    if cand.exists():
        return str(cand)
    cand = REPO / ".venv" / "bin" / "claimcmp"
    if cand.exists():
        return str(cand)
    return shutil.which("claimcmp")


def _also(baseline: str | None, exe: str, cmd: list[str]) -> list[str] | None:
    """``cmd`` with the baseline executable in place of ``exe``, if there is one."""
    return [baseline if part == exe else part for part in cmd] if baseline else None


def measure_commands(
    bench: Bench,
    exe: str,
    group: str,
    store: Path,
    root: Path,
    size: int,
    topic: str,
    baseline: str | None = None,
) -> None:
    """Cold check, warm contradictions, warm show TOPIC and the warm views of one store."""
    check = [exe, "--store", str(store), "check"]
    if size >= TARGET_SIZE:
        bench.measure_tree(group, "claimcmp check (cold)", check, root)
        if baseline:
            bench.measure_tree(group, "claimcmp check (cold)" + BEFORE, [baseline, *check[1:]], root)
    bench.measure(
        group,
        "claimcmp check (cold)",
        check,
        root,
        cache="cold",
        claims=size,
        before_cmd=_also(baseline, exe, check),
    )
    warm = bench.new_cache_dir()
    contradictions = [exe, "--store", str(store), "contradictions", "--format", "json"]
    bench.measure(
        group,
        "claimcmp contradictions (warm)",
        contradictions,
        root,
        cache="warm",
        warm_dir=warm,
        claims=size,
        before_cmd=_also(baseline, exe, contradictions),
    )
    show = [exe, "--store", str(store), "show", topic]
    bench.measure(
        group,
        "claimcmp show TOPIC (warm)",
        show,
        root,
        cache="warm",
        warm_dir=warm,
        claims=size,
        before_cmd=_also(baseline, exe, show),
    )
    for label, view_args in VIEWS:
        bench.measure(
            group,
            label,
            [exe, "--store", str(store), *view_args],
            root,
            cache="warm",
            warm_dir=warm,
            claims=size,
        )
    for label, export_args, name in EXPORTS:
        output = bench.tmp / f"{size}-{name}"
        command = [exe, "--store", str(store), *export_args, str(output)]
        bench.measure(group, label, command, root, cache="warm", warm_dir=warm, claims=size)
    if size <= SUGGEST_ALL_MAX:
        command = [exe, "--store", str(store), "suggest", "--all"]
        bench.measure(group, "claimcmp suggest --all (warm)", command, root, cache="warm", warm_dir=warm)


def edit_one_file(folder: Path) -> Callable[[], None]:
    """An edit of one file of a folder store, as a curator makes it: one letter
    of a claim's text changes (the same size, often within the same second), to
    a letter it has not been yet, so that no content recurs (a cache keyed by
    content would find an earlier state)."""
    victim = sorted(folder.glob("*.yaml"))[len(list(folder.glob("*.yaml"))) // 2]
    text = victim.read_text(encoding="utf-8")
    at = text.index('text: "') + len('text: "')
    letters = iter([c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != text[at]])

    def edit() -> None:
        current = victim.read_text(encoding="utf-8")
        victim.write_text(current[:at] + next(letters) + current[at + 1 :], encoding="utf-8")

    return edit


def measure_split(
    bench: Bench, exe: str, group: str, store: Path, root: Path, baseline: str | None = None
) -> None:
    """The store in many files: cold and warm check, check after one file is
    edited, warm contradictions."""
    check = [exe, "--store", str(store), "check"]
    before = _also(baseline, exe, check)
    bench.measure(group, "claimcmp check (cold)", check, root, cache="cold", before_cmd=before)
    warm = bench.new_cache_dir()
    bench.measure(group, "claimcmp check (warm)", check, root, cache="warm", warm_dir=warm, before_cmd=before)
    bench.measure(
        group,
        "claimcmp check, one file edited",
        check,
        root,
        cache="warm",
        warm_dir=warm,
        before_each=edit_one_file(store),
        before_cmd=before,
    )
    bench.measure_watch(
        group,
        "claimcmp check --watch, one edit",
        [exe, "--store", str(store), "check", "--watch"],
        root,
        warm,
        edit_one_file(store),
    )
    bench.measure_tree(group, "claimcmp check (cold)", check, root)
    bench.measure_tree(
        group, "claimcmp check, one file edited", check, root, warm_dir=warm, before_each=edit_one_file(store)
    )
    contradictions = [exe, "--store", str(store), "contradictions", "--format", "json"]
    bench.measure(
        group,
        "claimcmp contradictions (warm)",
        contradictions,
        root,
        cache="warm",
        warm_dir=warm,
        before_cmd=_also(baseline, exe, contradictions),
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="claimcmp benchmark runner")
    ap.add_argument("--sizes", default="1000,5000,20000,50000", help="comma-separated claim counts")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--quick", action="store_true", help="CI smoke test: --sizes 200 --runs 1")
    ap.add_argument("--claimcmp", default=None, help="claimcmp executable (default: next to this python)")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the floor rows")
    ap.add_argument("--out", default=None, help="Markdown report (default bench/results.md)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--regen", action="store_true", help="regenerate the cached stores")
    ap.add_argument("--floors-only", action="store_true", help="measure only the floor rows")
    ap.add_argument("--no-bundled", action="store_true", help="skip the bundled data/claims.yaml rows")
    ap.add_argument(
        "--baseline",
        default=None,
        metavar="PATH",
        help="another claimcmp executable (e.g. of the previous commit) measured in the same run at "
        f"{TARGET_SIZE:,} claims, in rows marked '{BEFORE.strip()}'",
    )
    args = ap.parse_args(argv)

    if args.quick:
        sizes = [200]
        runs = 1
    else:
        try:
            sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
        except ValueError:
            ap.error("--sizes must be comma-separated integers")
        runs = args.runs
    if runs < 1 or not sizes or min(sizes) < 1:
        ap.error("--runs and sizes must be >= 1")
    out_path = (
        Path(args.out)
        if args.out
        else (BENCH / "out" / "results-quick.md" if args.quick else BENCH / "results.md")
    )

    exe = None if args.floors_only else find_claimcmp(args.claimcmp)
    missing = not args.floors_only and exe is None
    if missing:
        print(
            "claimcmp executable not found (give --claimcmp PATH); measuring the floors only", file=sys.stderr
        )
    py = args.python

    metas: dict[int, dict] = {}
    baseline = find_claimcmp(args.baseline) if args.baseline and exe else None
    with tempfile.TemporaryDirectory(prefix="claimcmp-bench-") as tmp:
        bench = Bench(runs, Path(tmp))
        for size in sizes:
            print(f"size {size:,}", file=sys.stderr, flush=True)
            root, meta = generated_store(size, args.seed, args.regen)
            metas[size] = meta
            store = root / meta["store"]
            group = f"{size:,}"
            topic = meta["largest_topic"]["id"]
            bench.measure(group, "floor: imports", [py, "-c", IMPORT_LINE], root)
            if exe:
                before = baseline if size == TARGET_SIZE else None
                measure_commands(bench, exe, group, store, root, size, topic, before)
            if size <= TARGET_SIZE:  # PyYAML takes 20 s and 1.2 GB at 50k: a known floor by then
                bench.measure(
                    group,
                    "floor: yaml load",
                    [
                        py,
                        "-c",
                        "import sys, yaml; yaml.load(open(sys.argv[1],'rb'), Loader=yaml.CSafeLoader)",
                        str(store),
                    ],
                    root,
                    claims=size,
                )
            bench.measure(
                group,
                "floor: yaml_rs load",
                [py, "-c", "import sys, yaml_rs; yaml_rs.load(open(sys.argv[1], 'rb').read())", str(store)],
                root,
                claims=size,
            )
            if size == TARGET_SIZE and exe:
                root, meta = generated_store(size, args.seed, args.regen, files=SPLIT_FILES)
                group = f"{size:,} in {SPLIT_FILES} files"
                print(group, file=sys.stderr, flush=True)
                bench.measure(group, "floor: imports", [py, "-c", IMPORT_LINE], root)
                measure_split(bench, exe, group, root / meta["store"], root, baseline)

        bundled = REPO / "data" / "claims.yaml"
        if not args.no_bundled and bundled.exists():
            print("bundled store", file=sys.stderr, flush=True)
            topic = bundled_topic(bundled)
            if exe and topic:
                warm = bench.new_cache_dir()
                bench.measure(
                    "bundled",
                    "claimcmp show TOPIC (warm)",
                    [exe, "--store", str(bundled), "show", topic],
                    REPO,
                    cache="warm",
                    warm_dir=warm,
                )
                bench.measure(
                    "bundled",
                    "claimcmp check (cold)",
                    [exe, "--store", str(bundled), "check"],
                    REPO,
                    cache="cold",
                )
                bench.measure(
                    "bundled",
                    "claimcmp suggest --all (warm)",
                    [exe, "--store", str(bundled), "suggest", "--all"],
                    REPO,
                    cache="warm",
                    warm_dir=warm,
                )
                for label, export_args, name in EXPORTS:
                    command = [exe, "--store", str(bundled), *export_args, str(bench.tmp / f"bundled-{name}")]
                    bench.measure("bundled", label, command, REPO, cache="warm", warm_dir=warm)
            bench.measure("bundled", "floor: imports", [py, "-c", IMPORT_LINE], REPO)
            if exe:
                bench.measure(
                    "bundled", "floor: import claimcmp.cli", [py, "-c", "import claimcmp.cli"], REPO
                )

        info = machine_info(py, exe)
        report = build_report(bench, info, metas, runs, args)

    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(report + "\n", encoding="utf-8")
    print(report)
    print(f"\nwritten to {out_path}", file=sys.stderr)
    if bench.failures or missing:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
