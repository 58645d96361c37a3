#!/usr/bin/env python3
"""Small experiments on YAML parser semantics and safety (for bench/parsers.md).

Usage:  python bench/yaml_semantics.py [--with-ryml-bomb]

Prints a Markdown table: for each input, what PyYAML (CSafeLoader), yaml_rs and
rapidyaml (ryml, raw tree: all scalars are strings) give back. Error messages are
shortened to their first and last line. The expensive cases (alias bomb, deep
nesting) run in child processes with a time limit and, for ryml's alias
resolution, an address-space limit.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import ryml
import yaml
import yaml_rs


def bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


CASES: list[tuple[str, str | bytes]] = [
    ("duplicate key", "a: 1\na: 2\n"),
    ("duplicate key, nested (like two `id:` in one claim)", "c:\n  - id: x\n    id: y\n"),
    ("`!!python/object/apply:os.system [echo hi]`", "a: !!python/object/apply:os.system [echo hi]\n"),
    ("unknown tag `!foo bar`", "a: !foo bar\n"),
    ("`2022`", "a: 2022\n"),
    ("`2022-12`", "a: 2022-12\n"),
    ("`2022-12-01`", "a: 2022-12-01\n"),
    ("`'2022-12-01'` (quoted)", "a: '2022-12-01'\n"),
    ('`"2022"` (quoted)', 'a: "2022"\n'),
    ("`2022-12-01T10:00:00Z`", "a: 2022-12-01T10:00:00Z\n"),
    ("`2022-13-45` (invalid date)", "a: 2022-13-45\n"),
    ("`yes / no / on / off`", "a: [yes, no, on, off]\n"),
    ("`true / True / TRUE / y`", "a: [true, True, TRUE, y]\n"),
    ("`~ / null / Null`", "a: [~, null, Null]\n"),
    ("`1e3 / 1.0e3`", "a: [1e3, 1.0e3]\n"),
    ("`0x10 / 0o10 / 010 / 1_000`", "a: [0x10, 0o10, 010, 1_000]\n"),
    ("`1:30` (sexagesimal in 1.1)", "a: 1:30\n"),
    ("int key `1: a`", "1: a\n"),
    ("keys `1` and `true` in one map", "1: a\ntrue: b\n"),
    ("date key", "2022-12-01: a\n"),
    ("flow-seq key `? [a, b]`", "? [a, b]\n: c\n"),
    ("merge key `<<: *b`", "b: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n"),
    ("two documents", "a: 1\n---\nb: 2\n"),
    ("empty file", ""),
    ("undefined alias", "a: *nope\n"),
    ("recursive alias `&x [*x]`", "a: &x [*x]\n"),
    ("BOM at start (bytes)", "\ufeffa: 1\n".encode()),
    ("invalid UTF-8 bytes", b"a: caf\xe9 ok\nb: 2\n"),
    ("NUL byte mid-file", "a: 1\n\x00\nb: 2\n"),
    ("tab indentation", "a:\n\tb: 1\n"),
    ("unclosed flow seq", "a: [1, 2\nb: 3\n"),
    ("bad indent in claims list", "claims:\n  - id: x\n    text: y\n   - id: z\n"),
    ("unterminated quote", 'a: "abc\nb: 2\n'),
    ("`%YAML 1.1` directive + `yes`", "%YAML 1.1\n---\na: yes\n"),
]


def short(e: BaseException) -> str:
    lines = [ln for ln in str(e).splitlines() if ln.strip()]
    if not lines:
        return type(e).__name__ + " (empty message)"
    msg = lines[0] if len(lines) == 1 else f"{lines[0]} … {lines[-1]}"
    if len(msg) > 160:
        msg = msg[:157] + "…"
    return f"{type(e).__name__}: {msg}"


def fmt(v: object) -> str:
    r = repr(v)
    if len(r) > 90:
        r = r[:87] + "…"
    return r.replace("|", "\\|")


def do_pyyaml(src: str | bytes) -> str:
    try:
        docs = list(yaml.load_all(src, Loader=yaml.CSafeLoader))
        return fmt(docs[0] if len(docs) == 1 else docs)
    except Exception as e:
        return short(e)


def do_yaml_rs(src: str | bytes) -> str:
    try:
        return fmt(yaml_rs.load(src) if isinstance(src, bytes) else yaml_rs.loads(src))
    except Exception as e:
        return short(e)


def ryml_conv(t, n):
    if t.is_map(n):
        out = {}
        c = t.first_child(n)
        while c != ryml.NONE:
            k = bytes(t.key(c)).decode("utf-8", "backslashreplace")
            if t.has_key_tag(c):
                k = f"{bytes(t.key_tag(c)).decode()} {k}"
            out[k] = ryml_conv(t, c)
            c = t.next_sibling(c)
        return out
    if t.is_seq(n) or t.is_stream(n):
        out = []
        c = t.first_child(n)
        while c != ryml.NONE:
            out.append(ryml_conv(t, c))
            c = t.next_sibling(c)
        return out
    if t.has_val(n):
        v = bytes(t.val(n)).decode("utf-8", "backslashreplace")
        if t.has_val_tag(n):
            v = f"<{bytes(t.val_tag(n)).decode()}> {v}"
        if t.is_val_ref(n):
            v = f"<ref> {v}"
        return v
    return None


def do_ryml(src: str | bytes) -> str:
    data = src.encode() if isinstance(src, str) else src
    try:
        t = ryml.parse_in_arena(data)
    except Exception as e:
        ed = getattr(e, "errdata_parse", None)
        loc = f" at line {ed.ymlloc.line}, col {ed.ymlloc.col}" if ed is not None else ""
        return f"{type(e).__name__}{loc} (message printed to stderr, `str(e)` empty)"
    r = t.root_id()
    if t.is_stream(r) and t.num_children(r) == 1:
        r = t.first_child(r)
    try:
        return fmt(ryml_conv(t, r))
    except Exception as e:
        return short(e)


DEEP = "'[' * 10000 + ']' * 10000"

# experiment -> code run in a child process; it sets r to a description of the result
EXPERIMENTS: dict[str, str] = {
    "rs-bomb": "import yaml_rs; yaml_rs.loads(bomb()); r = 'loaded'",
    "rs-bomb-6x9": "import yaml_rs; yaml_rs.loads(bomb(6, 9)); r = 'loaded'",
    "rs-bomb-5x9": "import yaml_rs; yaml_rs.loads(bomb(5, 9)); r = 'loaded'",
    "rs-deep-255": "import yaml_rs; yaml_rs.loads('[' * 255 + ']' * 255); r = 'loaded'",
    "rs-deep-256": "import yaml_rs; yaml_rs.loads('[' * 256 + ']' * 256); r = 'loaded'",
    "rs-deep-10000": f"import yaml_rs; yaml_rs.loads({DEEP}); r = 'loaded'",
    "py-bomb": "import yaml; yaml.load(bomb(), Loader=yaml.CSafeLoader)\n"
    "r = 'loaded (shared references, not expanded)'",
    "py-bomb-json": "import yaml, json; json.dumps(yaml.load(bomb(), Loader=yaml.CSafeLoader)); r = 'dumped'",
    "py-deep-10000": f"import yaml; yaml.load({DEEP}, Loader=yaml.CSafeLoader); r = 'loaded'",
    "ryml-bomb-parse": "import ryml; t = ryml.parse_in_arena(bomb().encode())\n"
    "r = f'parsed, {t.size()} nodes (aliases unresolved)'",
    "ryml-deep-10000": f"import ryml; t = ryml.parse_in_arena(({DEEP}).encode())\n"
    "r = f'parsed, {t.size()} nodes'",
    # opt-in (--with-ryml-bomb): slow or memory-hungry
    "ryml-bomb-resolve": "resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))\n"
    "import ryml; t = ryml.parse_in_arena(bomb().encode()); t.resolve(); r = f'resolved, {t.size()} nodes'",
    "rs-bomb-limit-raised": "import yaml_rs\n"
    "yaml_rs.loads(bomb(), alias_limits=yaml_rs.AliasLimits(max_total_replayed_events=10**12))\n"
    "r = 'loaded'",
}

CHILD = """
import sys, time, resource
sys.path.insert(0, sys.argv[2])
from yaml_semantics import bomb
t0 = time.perf_counter()
try:
    exec(sys.argv[1])
except BaseException as e:
    lines = [ln for ln in str(e).splitlines() if ln.strip()]
    r = f"{type(e).__name__}: " + (lines[-1][:150] if lines else "(empty message)")
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{r} | {dt:.3f} | {rss:.0f}")
"""


def child(which: str, timeout: float = 60) -> str:
    try:
        p = subprocess.run(
            [sys.executable, "-c", CHILD, EXPERIMENTS[which], str(Path(__file__).resolve().parent)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"still running after {timeout:.0f} s (killed) | > {timeout:.0f} | ?"
    if p.returncode != 0:
        return f"process died, exit {p.returncode}: {p.stderr.strip().splitlines()[-1:]} | ? | ?"
    return p.stdout.strip().splitlines()[-1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--with-ryml-bomb", action="store_true", help="also resolve the alias bomb in ryml (4 GiB cap)"
    )
    ap.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()
    print(
        f"PyYAML {yaml.__version__} (libyaml {yaml._yaml.get_version_string()}), "
        f"yaml_rs {yaml_rs.__version__}, rapidyaml {ryml.version}\n"
    )
    print("| input | PyYAML CSafeLoader | yaml_rs.loads (defaults) | ryml tree (raw) |")
    print("|---|---|---|---|")
    for label, src in CASES:
        print(f"| {label} | {do_pyyaml(src)} | {do_yaml_rs(src)} | {do_ryml(src)} |")
    print()
    print("Expensive inputs, each in a fresh process:\n")
    print("| experiment | result | seconds | peak RSS MB |")
    print("|---|---|---:|---:|")
    exps = [
        "rs-bomb",
        "rs-bomb-6x9",
        "rs-bomb-5x9",
        "rs-deep-255",
        "rs-deep-256",
        "rs-deep-10000",
        "py-bomb",
        "py-bomb-json",
        "py-deep-10000",
        "ryml-bomb-parse",
        "ryml-deep-10000",
    ]
    if args.with_ryml_bomb:
        exps += ["ryml-bomb-resolve", "rs-bomb-limit-raised"]
    for w in exps:
        print(f"| {w} | {child(w, args.timeout)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
