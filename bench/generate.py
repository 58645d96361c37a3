#!/usr/bin/env python3
"""Generate a synthetic claimcmp store for benchmarking.

Usage:
    python bench/generate.py OUT_DIR --claims N [--sources S] [--quotes-per-claim Q]
                             [--topics T] [--text-chars C] [--seed X] [--check]

Writes ``OUT_DIR/data/claims.yaml`` and ``OUT_DIR/seeds/src-NNNN.txt`` (the store
names them as ``file: ../seeds/src-NNNN.txt``) plus ``OUT_DIR/meta.json``, a small
summary (counts, a few topic ids) that the benchmark runner reads so that it never
has to parse the big YAML itself.

Defaults scale with ``--claims``: 20,000 claims -> 200 sources of ~27,500 chars of
text each (5.7 MB), 5 quotes per claim on average (~100,000 quotes), 100 topics,
22.4 MB of YAML (quotes average ~18 words; 100k quotes of 10-40 words do not fit
in 17 MB). Fewer claims -> proportionally fewer sources (minimum 5) and topics
(claims/200, minimum 3).

``--quotes-per-claim Q`` is the *mean* number of positions per claim: each claim
gets between 1 and 2Q-1 positions (uniformly, capped by the number of sources),
each from a distinct source, so the total number of quotes is about N*Q.

The store is valid per format version 1 (shared store-format page):
  * slugs are lowercase ``a-z0-9-_.``, ids unique;
  * every quote is really cut from its source's text: 10-40 words, often spanning a
    line break; ~10% join two in-order passages with ``...``; some use straight
    quote marks / hyphens where the text has typographic ones (’ “ ” –), and a
    non-breaking space in the text is written as a plain space in the quote;
  * dates are a mix of ``2022``, ``2022-03`` and ``2022-03-15`` (written unquoted,
    as curators do, so YAML yields int / str / date); claims are dated 2013-2017,
    before every source's publication (2018-2024), so no position is an anachronism;
  * a good fraction (~45% of the claims with 2+ positions) is contested.

Output is deterministic for given arguments (``--seed``, default 1). The YAML is
written by hand (double-quoted scalars, escaped) because yaml.dump is far too
slow for 20+ MB; ``--check`` loads the result back with yaml.safe_load and checks
every quote against its text, which is meant for small stores.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

GENERATOR_VERSION = 3  # 2: claims dated 2013-2017 (were 2020-2024), no anachronisms;
# 3: no source backs two claims with the same quote

WRAP = 90


def _words(text: str) -> list[str]:
    return text.split()


# Common English words give the text a prose-like rhythm; the rest of the vocabulary
# is made of syllables.
FUNCTION_WORDS = _words(
    """
    the the the of of of and and and to to in in a a that is was for on with as by it
    its at from be have has had not but or which this were are an their they his her
    after before since while during between against under over into about would could
    should may might will also only still even more most less than
    """
)

CONTENT_WORDS = _words(
    """
    agreement ceasefire corridor mission peacekeepers government ministry border region
    village road convoy checkpoint president statement report observers troops forces
    mandate negotiations talks treaty council parliament army police civilians refugees
    supplies access traffic blockade protest activists media officials envoy delegation
    summit declaration position territory settlement withdrawal deployment patrol
    incident shelling attack clash casualties hostage exchange prisoners mediation
    sanctions pressure influence security stability monitoring presence capital province
    district station airport bridge valley hill river winter spring summer autumn week
    month year decade period moment announced denied confirmed claimed reported
    suggested warned insisted argued accused blocked opened closed crossed guarded
    controlled captured returned signed violated extended rejected accepted demanded
    offered promised failed new old local foreign regional national international
    military civilian political economic strategic temporary permanent official
    unofficial direct indirect limited broad formal informal public private early late
    several
    """
)

SYLLABLES = _words(
    """
    ka ra ti mo lan ver sto pe ri na de gol mar in vek tas bor zan li ush ak el or um ba
    ne si to pa lu ve ga ho di fer
    """
)

TAG_POOL = _words(
    """
    ceasefire blockade humanitarian diplomacy casualties logistics energy media protest
    border mandate withdrawal negotiation sanctions refugees infrastructure elections
    security economy law
    """
)

STANCES_NONCONTESTED = ("supports", "supports", "supports", "qualifies")
STANCES_ANY = ("supports", "refutes", "qualifies")


def make_vocab(rng: random.Random, n: int = 2500) -> list[str]:
    words: set[str] = set(CONTENT_WORDS)
    while len(words) < n:
        k = rng.choice((1, 2, 2, 2, 3))
        words.add("".join(rng.choice(SYLLABLES) for _ in range(k)))
    return sorted(words)


class TextGen:
    """Pseudo-prose built as a token list, rendered with line wrapping."""

    def __init__(self, rng: random.Random, vocab: list[str]):
        self.rng = rng
        self.vocab = vocab

    def word(self) -> str:
        rng = self.rng
        if rng.random() < 0.45:
            return rng.choice(FUNCTION_WORDS)
        return rng.choice(self.vocab)

    def sentence(self) -> list[str]:
        rng = self.rng
        n = rng.randint(8, 26)
        toks = [self.word() for _ in range(n)]
        toks[0] = toks[0].capitalize()
        for i in range(1, n - 1):
            r = rng.random()
            if r < 0.035 and toks[i] not in FUNCTION_WORDS:
                toks[i] = toks[i] + "’s"  # possessive with typographic apostrophe
            elif r < 0.045:
                toks[i] = toks[i].capitalize()
            elif r < 0.05:
                toks[i] = f"{rng.randint(2, 31)}\u00a0{rng.choice(MONTHS)}"  # nbsp
            elif r < 0.07:
                toks[i] = toks[i] + ","
        if n > 12 and rng.random() < 0.25:  # an inline typographic quotation
            i = rng.randint(2, n - 6)
            j = i + rng.randint(1, 3)
            toks[i] = "“" + toks[i]
            toks[j] = toks[j].rstrip(",") + "”"
        if n > 10 and rng.random() < 0.15:  # a dash aside
            i = rng.randint(3, n - 4)
            toks.insert(i, rng.choice(("–", "–", "—")))
        toks[-1] = toks[-1].rstrip(",") + rng.choice((".", ".", ".", ".", ";", "?"))
        return toks

    def document(self, target_chars: int, wrapped: bool) -> tuple[str, list[list[str]]]:
        """Return (text, paragraphs as token lists)."""
        rng = self.rng
        paragraphs: list[list[str]] = []
        size = 0
        while size < target_chars:
            para: list[str] = []
            for _ in range(rng.randint(3, 8)):
                para.extend(self.sentence())
            paragraphs.append(para)
            size += sum(len(t) + 1 for t in para)
        out: list[str] = []
        for para in paragraphs:
            if not wrapped:
                out.append(" ".join(para))
                continue
            line: list[str] = []
            width = 0
            for t in para:
                if line and width + 1 + len(t) > WRAP:
                    out.append(" ".join(line))
                    line, width = [t], len(t)
                else:
                    width += len(t) + (1 if line else 0)
                    line.append(t)
            if line:
                out.append(" ".join(line))
            out.append("")  # blank line between paragraphs
        return "\n".join(out).rstrip("\n") + "\n", paragraphs


MONTHS = _words(
    """
    January February March April May June July August September October November
    December
    """
)


def quote_from(rng: random.Random, paras: list[list[str]]) -> str:
    """Cut a 10-40 word quote (sometimes with an elision) out of a document."""
    while True:
        para = rng.choice(paras)
        if len(para) >= 45:
            break
    if rng.random() < 0.10:  # two in-order passages joined by an ellipsis
        a = rng.randint(5, 15)
        b = rng.randint(5, 15)
        gap = rng.randint(1, 20)
        if a + gap + b <= len(para):
            i = rng.randint(0, len(para) - (a + gap + b))
            ell = rng.choice((" ... ", " ... ", "...", " … "))
            left = " ".join(para[i : i + a])
            right = " ".join(para[i + a + gap : i + a + gap + b])
            if ell == "..." and not (left[-1].isalnum() and right[0].isalnum()):
                ell = " ... "  # "end. ...Next" must not read as "end" + "...." + "Next"
            q = left + ell + right
            return _degrade(rng, q)
    n = 10 + int(31 * rng.random() ** 2.5)  # 10-40 words, mostly short (mean ~18.5)
    n = min(n, len(para))
    i = rng.randint(0, len(para) - n)
    return _degrade(rng, " ".join(para[i : i + n]))


def _degrade(rng: random.Random, q: str) -> str:
    """What a curator's copy-paste does: nbsp lost, sometimes straight marks."""
    q = q.replace("\u00a0", " ")
    r = rng.random()
    if r < 0.15:
        q = q.replace("’", "'")
    elif r < 0.20:
        q = q.replace("“", '"').replace("”", '"')
    elif r < 0.25:
        q = q.replace("–", "-").replace("—", "-")
    return q


def yq(s: str) -> str:
    """A YAML double-quoted scalar."""
    if '"' in s or "\\" in s:
        s = s.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + s + '"'


def partial_date(rng: random.Random, lo: int = 2018, hi: int = 2024) -> str:
    y = rng.randint(lo, hi)
    r = rng.random()
    if r < 0.3:
        return str(y)
    if r < 0.6:
        return f"{y}-{rng.randint(1, 12):02d}"
    return f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(
    out_dir: Path,
    claims: int,
    sources: int | None = None,
    quotes_per_claim: int = 5,
    topics: int | None = None,
    text_chars: int = 27_500,
    seed: int = 1,
    files: int = 1,
) -> dict:
    if sources is None:
        sources = max(5, round(claims / 100))
    if topics is None:
        topics = max(3, round(claims / 200))
    rng = random.Random(seed)
    vocab = make_vocab(random.Random(seed * 7919 + 1))
    tg = TextGen(rng, vocab)

    data_dir = out_dir / "data"
    seeds_dir = out_dir / "seeds"
    data_dir.mkdir(parents=True, exist_ok=True)
    seeds_dir.mkdir(parents=True, exist_ok=True)

    def cap_words(k: int) -> str:
        return " ".join(w.capitalize() for w in (rng.choice(vocab) for _ in range(k)))

    # --- sources and their texts
    src_ids: list[str] = []
    src_paras: list[list[list[str]]] = []
    lines: list[str] = ["# Synthetic claimcmp store generated by bench/generate.py", "version: 1", "sources:"]
    text_bytes = 0
    for s in range(1, sources + 1):
        sid = f"src-{s:04d}"
        src_ids.append(sid)
        title = cap_words(rng.randint(3, 8))
        text, paras = tg.document(text_chars, wrapped=rng.random() < 0.8)
        text = title + "\n\n" + text
        fname = f"{sid}.txt"
        data = text.encode("utf-8")
        text_bytes += len(data)
        (seeds_dir / fname).write_bytes(data)
        src_paras.append(paras)
        lines.append(f"  - id: {sid}")
        lines.append(f"    title: {yq(title)}")
        if rng.random() < 0.8:
            lines.append(f"    author: {cap_words(2)}")
        if rng.random() < 0.7:
            lines.append(f"    publisher: {cap_words(rng.randint(1, 4))}")
        lines.append(f"    published: {partial_date(rng)}")
        if rng.random() < 0.7:
            lines.append(f"    url: https://example.org/{rng.choice(vocab)}/{s}")
        lines.append(f"    file: ../seeds/{fname}")
        if rng.random() < 0.5:
            lines.append(f"    perspective: {yq(tg_sentence_text(tg, 6, 14))}")
        if rng.random() < 0.1:
            lines.append(f"    note: {yq(tg_sentence_text(tg, 5, 20))}")

    # --- topics
    topic_ids: list[str] = []
    lines.append("topics:")
    for t in range(1, topics + 1):
        tid = f"topic-{t:03d}-{rng.choice(vocab)}"
        topic_ids.append(tid)
        lines.append(f"  - id: {tid}")
        lines.append(f"    title: {yq(cap_words(rng.randint(2, 6)))}")
        if rng.random() < 0.6:
            lines.append(f"    description: {yq(tg_sentence_text(tg, 10, 30))}")

    # --- claims
    lines.append("claims:")
    n_quotes = 0
    n_contested = 0
    n_elided = 0
    topic_counts = [0] * topics
    max_pos = max(1, min(2 * quotes_per_claim - 1, sources))
    # A curated store does not back two claims with one source's same quote
    # (check warns of it: reused-quote); draw again on such a collision.
    used_quotes: list[set[str]] = [set() for _ in range(sources)]
    plain = str.maketrans("’‘“”–—", "''\"\"--")
    for c in range(1, claims + 1):
        cid = f"c{c:06d}-{rng.choice(vocab)}-{rng.choice(vocab)}"
        ti = rng.randrange(topics)
        topic_counts[ti] += 1
        lines.append(f"  - id: {cid}")
        lines.append(f"    topic: {topic_ids[ti]}")
        lines.append(f"    text: {yq(tg_sentence_text(tg, 8, 20))}")
        if rng.random() < 0.7:
            # Before every source's publication (2018-2024), so that no position is an
            # anachronism (a check warning); a span of five years, as in version 1,
            # keeps the random stream and so the rest of the store the same.
            lines.append(f"    date: {partial_date(rng, 2013, 2017)}")
        ntags = rng.choice((0, 1, 1, 2, 2, 3))
        if ntags:
            lines.append("    tags: [" + ", ".join(rng.sample(TAG_POOL, ntags)) + "]")
        if rng.random() < 0.05:
            lines.append(f"    note: {yq(tg_sentence_text(tg, 5, 15))}")
        npos = rng.randint(1, max_pos)
        chosen = rng.sample(range(sources), npos)
        if npos >= 2 and rng.random() < 0.45:
            stances = ["supports", "refutes"] + [rng.choice(STANCES_ANY) for _ in range(npos - 2)]
            rng.shuffle(stances)
            n_contested += 1
        else:
            pool = STANCES_NONCONTESTED if rng.random() < 0.75 else ("refutes", "refutes", "qualifies")
            stances = [rng.choice(pool) for _ in range(npos)]
        lines.append("    positions:")
        for si, stance in zip(chosen, stances, strict=True):
            q = quote_from(rng, src_paras[si])
            for _ in range(50):
                key = " ".join(q.translate(plain).split())
                if key not in used_quotes[si]:
                    break
                q = quote_from(rng, src_paras[si])
            used_quotes[si].add(key)
            if "..." in q or "…" in q:
                n_elided += 1
            lines.append(f"      - source: {src_ids[si]}")
            lines.append(f"        stance: {stance}")
            lines.append(f"        quote: {yq(q)}")
            if rng.random() < 0.03:
                lines.append(f"        note: {yq(tg_sentence_text(tg, 4, 12))}")
        n_quotes += npos

    yaml_text = "\n".join(lines) + "\n"
    yaml_bytes = yaml_text.encode("utf-8")
    if files > 1:
        for name, part in split_store(yaml_text, files):
            (data_dir / name).write_text(part, encoding="utf-8")
    else:
        (data_dir / "claims.yaml").write_bytes(yaml_bytes)

    biggest = max(range(topics), key=lambda i: topic_counts[i])
    meta = {
        "generator_version": GENERATOR_VERSION,
        "params": {
            "claims": claims,
            "sources": sources,
            "quotes_per_claim": quotes_per_claim,
            "topics": topics,
            "text_chars": text_chars,
            "seed": seed,
        },
        "store": "data" if files > 1 else "data/claims.yaml",
        "files": files,
        "yaml_bytes": len(yaml_bytes),
        "text_bytes": text_bytes,
        "quotes": n_quotes,
        "elided_quotes": n_elided,
        "contested_claims": n_contested,
        "topic_ids": topic_ids[:5],
        "largest_topic": {"id": topic_ids[biggest], "claims": topic_counts[biggest]},
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def split_store(yaml_text: str, files: int) -> list[tuple[str, str]]:
    """The generated store cut into ``files`` YAML files (a folder store): the
    claims in consecutive runs, the sources and topics dealt out in turn. Relies
    on the generator's own layout (sections at column 0, items at '  - ')."""
    sections: dict[str, list[list[str]]] = {"sources": [], "topics": [], "claims": []}
    current: list[list[str]] | None = None
    for line in yaml_text.splitlines():
        if line.endswith(":") and line[:-1] in sections:
            current = sections[line[:-1]]
        elif current is not None and line.startswith("  - "):
            current.append([line])
        elif current is not None and line.startswith("    "):
            current[-1].append(line)
    claims = sections["claims"]
    per_file = -(-len(claims) // files)
    out = []
    for k in range(files):
        parts = {
            "sources": sections["sources"][k::files],
            "topics": sections["topics"][k::files],
            "claims": claims[k * per_file : (k + 1) * per_file],
        }
        lines = [f"# part {k + 1} of {files} of a synthetic store (bench/generate.py)", "version: 1"]
        for name, items in parts.items():
            if items:
                lines.append(f"{name}:")
                lines.extend(line for item in items for line in item)
        out.append((f"part-{k + 1:03d}.yaml", "\n".join(lines) + "\n"))
    return out


def tg_sentence_text(tg: TextGen, lo: int, hi: int) -> str:
    rng = tg.rng
    n = rng.randint(lo, hi)
    words = [tg.word() for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


# --------------------------------------------------------------------------- checking

_TRANS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def _norm(s: str) -> str:
    s = s.translate(_TRANS)
    return " ".join(s.split())


def check(out_dir: Path) -> None:
    """Load the store with yaml.safe_load and verify it (for small stores)."""
    import datetime
    import re

    import yaml

    store_path = out_dir / "data" / "claims.yaml"
    with open(store_path, "rb") as fh:
        doc = yaml.safe_load(fh)
    slug = re.compile(r"^[a-z0-9_.-]+$")
    assert set(doc) == {"version", "sources", "topics", "claims"}, set(doc)
    texts = {}
    for s in doc["sources"]:
        assert slug.match(s["id"]), s["id"]
        p = (store_path.parent / s["file"]).resolve()
        texts[s["id"]] = _norm(p.read_text(encoding="utf-8"))
        assert isinstance(s["title"], str)
    topics = {t["id"] for t in doc["topics"]}
    assert all(slug.match(t) for t in topics)
    ids = set()
    kinds = {int: 0, str: 0, datetime.date: 0}
    for c in doc["claims"]:
        assert slug.match(c["id"]) and c["id"] not in ids, c["id"]
        ids.add(c["id"])
        assert c["topic"] in topics
        if "date" in c:
            kinds[type(c["date"])] += 1
        srcs = [p["source"] for p in c["positions"]]
        assert len(srcs) == len(set(srcs)) >= 1
        for p in c["positions"]:
            assert p["stance"] in STANCES_ANY
            q = p["quote"].replace("…", "...")
            text = texts[p["source"]]
            pos = 0
            for seg in q.split("..."):
                seg = _norm(seg)
                if not seg:
                    continue
                k = text.find(seg, pos)
                assert k >= 0, (c["id"], p["source"], seg)
                pos = k + len(seg)
    print(
        f"check ok: {len(doc['sources'])} sources, {len(topics)} topics, {len(ids)} claims; "
        f"date types: " + ", ".join(f"{k.__name__}={v}" for k, v in kinds.items()),
        file=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--claims", type=int, required=True)
    ap.add_argument("--sources", type=int, default=None, help="default: claims/100, min 5")
    ap.add_argument("--quotes-per-claim", type=int, default=5, help="mean positions per claim")
    ap.add_argument("--topics", type=int, default=None, help="default: claims/200, min 3")
    ap.add_argument("--text-chars", type=int, default=27_500, help="text per source")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", type=int, default=1, help="write a folder of this many YAML files")
    ap.add_argument("--check", action="store_true", help="load back and verify (small stores)")
    args = ap.parse_args(argv)
    if args.claims < 1 or (args.sources is not None and args.sources < 1) or args.quotes_per_claim < 1:
        ap.error("--claims, --sources and --quotes-per-claim must be >= 1")
    t0 = time.perf_counter()
    meta = generate(
        args.out_dir,
        claims=args.claims,
        sources=args.sources,
        quotes_per_claim=args.quotes_per_claim,
        topics=args.topics,
        text_chars=args.text_chars,
        seed=args.seed,
        files=args.files,
    )
    dt = time.perf_counter() - t0
    print(
        f"{args.out_dir}: {meta['params']['claims']} claims, {meta['params']['sources']} sources, "
        f"{meta['quotes']} quotes ({meta['elided_quotes']} elided), "
        f"{meta['contested_claims']} contested, YAML {meta['yaml_bytes'] / 1e6:.1f} MB, "
        f"text {meta['text_bytes'] / 1e6:.1f} MB in {dt:.1f}s",
        file=sys.stderr,
    )
    if args.check and args.files == 1:
        check(args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
