#!/usr/bin/env python3
"""Measure YAML parsers on a generated claims.yaml (numbers for bench/parsers.md).

Usage:
    python bench/parser_study.py [--claims 20000] [--runs 3] [--file PATH]

Each measurement runs in a fresh process (so imports and caches are cold as for a
CLI); the time of the parse call itself is taken inside the process, the process's
wall time and peak RSS outside (os.wait4). Medians of --runs runs. Prints a
Markdown table.

The semantics/safety experiments behind parsers.md are in bench/yaml_semantics.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

PRELUDE = "import sys, time\nF = sys.argv[1]\n"

# name -> (setup code run before the clock starts, code measured)
CASES: dict[str, tuple[str, str]] = {
    "python (bare interpreter)": ("", "pass"),
    "import yaml": ("", "import yaml"),
    "import yaml_rs": ("", "import yaml_rs"),
    "import ryml": ("", "import ryml"),
    "PyYAML load, CSafeLoader": (
        "import yaml\nfh = open(F, 'rb')",
        "doc = yaml.load(fh, Loader=yaml.CSafeLoader)",
    ),
    "PyYAML load, CSafeLoader, gc disabled": (
        "import yaml, gc\ngc.disable()\nfh = open(F, 'rb')",
        "doc = yaml.load(fh, Loader=yaml.CSafeLoader)",
    ),
    "PyYAML compose, CSafeLoader (nodes + marks)": (
        "import yaml\nfh = open(F, 'rb')",
        "node = yaml.compose(fh, Loader=yaml.CSafeLoader)",
    ),
    "PyYAML compose, CSafeLoader, gc disabled": (
        "import yaml, gc\ngc.disable()\nfh = open(F, 'rb')",
        "node = yaml.compose(fh, Loader=yaml.CSafeLoader)",
    ),
    "yaml_rs.loads(text)": (
        "import yaml_rs\ntext = open(F, encoding='utf-8').read()",
        "doc = yaml_rs.loads(text)",
    ),
    "yaml_rs.loads(text), gc disabled": (
        "import yaml_rs, gc\ngc.disable()\ntext = open(F, encoding='utf-8').read()",
        "doc = yaml_rs.loads(text)",
    ),
    "yaml_rs.loads(text, parse_datetime=False)": (
        "import yaml_rs\ntext = open(F, encoding='utf-8').read()",
        "doc = yaml_rs.loads(text, parse_datetime=False)",
    ),
    "yaml_rs.load(bytes)": (
        "import yaml_rs\ndata = open(F, 'rb').read()",
        "doc = yaml_rs.load(data)",
    ),
    "ryml.parse_in_arena(bytes) (tree only)": (
        "import ryml\ndata = open(F, 'rb').read()",
        "tree = ryml.parse_in_arena(data)",
    ),
    "ryml parse + Python walk to dicts/lists of str": (
        "import ryml\ndata = open(F, 'rb').read()\n"
        "def conv(t, n):\n"
        "    if t.is_map(n):\n"
        "        d = {}\n"
        "        c = t.first_child(n)\n"
        "        while c != ryml.NONE:\n"
        "            d[bytes(t.key(c)).decode()] = conv(t, c)\n"
        "            c = t.next_sibling(c)\n"
        "        return d\n"
        "    if t.is_seq(n):\n"
        "        out = []\n"
        "        c = t.first_child(n)\n"
        "        while c != ryml.NONE:\n"
        "            out.append(conv(t, c))\n"
        "            c = t.next_sibling(c)\n"
        "        return out\n"
        "    return bytes(t.val(n)).decode()\n",
        "tree = ryml.parse_in_arena(data)\nr = tree.root_id()\n"
        "doc = conv(tree, tree.first_child(r) if tree.is_stream(r) else r)",
    ),
}


def measure(python: str, src: str, path: Path) -> tuple[float, float, int]:
    """(time of the call, process wall, peak RSS KB): via bench/run.py's launcher, so
    this script's own memory does not leak into the child's ru_maxrss."""
    import run

    with tempfile.NamedTemporaryFile("r", suffix=".op") as op:
        s = run.run_once([python, "-c", src, str(path), op.name], dict(os.environ), Path.cwd())
        if s.rc != 0:
            raise RuntimeError(f"exit {s.rc}: {s.stderr[-2000:]}")
        return float(open(op.name).read()), s.wall, s.rss_kb


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--file", type=Path, default=None)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--only", default=None, help="substring filter on case names")
    args = ap.parse_args()
    if args.file:
        path = args.file
    else:
        import run  # bench/run.py: shares the cached generated stores

        root, meta = run.generated_store(args.claims, 1, False)
        path = root / meta["store"]
    size = path.stat().st_size
    print(f"file: {size / 1e6:.1f} MB", file=sys.stderr)
    rows = []
    for name, (setup, code) in CASES.items():
        if args.only and args.only not in name:
            continue
        src = (
            PRELUDE
            + setup
            + "\nt0 = time.perf_counter()\n"
            + code
            + "\nt1 = time.perf_counter()\nopen(sys.argv[2], 'w').write(repr(t1 - t0))\n"
        )
        ops, walls, rss = [], [], []
        for _ in range(args.runs):
            op, wall, kb = measure(args.python, src, path)
            ops.append(op)
            walls.append(wall)
            rss.append(kb)
        row = {
            "case": name,
            "op_s": statistics.median(ops),
            "wall_s": statistics.median(walls),
            "rss_mb": statistics.median(rss) / 1024,
        }
        rows.append(row)
        print(
            f"  {name:<48} op {row['op_s']:7.3f}s  process {row['wall_s']:7.3f}s  {row['rss_mb']:7.0f} MB",
            file=sys.stderr,
            flush=True,
        )
    print("\n| case | call s | process wall s | peak RSS MB |\n|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['case']} | {r['op_s']:.3f} | {r['wall_s']:.3f} | {r['rss_mb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
