"""Size of the HTML report on a 20,000-comment export of real text, and what its explorer embeds.

The export is built from the human-written texts in ``../shared/data`` (airline tweets,
Alexa reviews, Skytrax lounge and seat reviews, CFPB complaint narratives, UCI and
SemEval review sentences): 20,000 of them drawn with a fixed seed, the source as the
segment, a date spread over twelve months, and an NPS-style 0–10 score derived from each
source's own rating or human label (so the drivers have something to find). Run:

    .venv/bin/python benchmarks/bench_report.py [--n 20000] [--out /tmp/report20k]

(``SHARED_DATA=/path/to/shared/data`` when ``../shared/data`` is not beside the checkout).

It prints the export's size, the analysis time, the report's size in bytes and MB, how
many comments the explorer embeds and how many it shortened.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feedbackml.cli import run  # noqa: E402

from _common import SHARED_DATA as _DEFAULT  # noqa: E402

SHARED_DATA = Path(os.environ.get("SHARED_DATA", _DEFAULT))  # set it when running from a worktree


def _score_from_rating(rating: pd.Series, low: float, high: float, rng: np.random.Generator) -> np.ndarray:
    """A 0–10 score from a rating on low…high: its position on the scale plus a little noise."""
    r = pd.to_numeric(rating, errors="coerce").to_numpy(float)
    pos = (r - low) / (high - low)
    return np.clip(np.round(pos * 10 + rng.normal(0, 1.0, len(r))), 0, 10)


def _score_from_label(positive: np.ndarray, negative: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(positive)
    return np.where(positive, rng.integers(8, 11, n), np.where(negative, rng.integers(0, 7, n), rng.integers(5, 9, n)))


def build(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` real comments with text, score, source and date (see the module docstring)."""
    rng = np.random.default_rng(seed)
    parts = []

    def add(source: str, text: pd.Series, score: np.ndarray):
        parts.append(pd.DataFrame({"comment": text.astype(str).to_numpy(), "score": score, "source": source}))

    tw = pd.read_csv(SHARED_DATA / "twitter_us_airline_sentiment" / "tweets.csv")
    add("tweets", tw["text"], _score_from_label((tw["airline_sentiment"] == "positive").to_numpy(),
                                                (tw["airline_sentiment"] == "negative").to_numpy(), rng))
    al = pd.read_csv(SHARED_DATA / "amazon_alexa_reviews" / "amazon_alexa_reviews.csv")
    add("alexa", al["verified_reviews"], _score_from_rating(al["rating"], 1, 5, rng))
    for name in ("lounge_reviews", "seat_reviews"):
        sk = pd.read_csv(SHARED_DATA / "skytrax_lounge_seat_reviews" / f"{name}.csv")
        sk = sk[sk["overall_rating"].notna()]
        add(name.split("_")[0], sk["content"], _score_from_rating(sk["overall_rating"], 1, 10, rng))
    cf = pd.read_csv(SHARED_DATA / "cfpb_consumer_complaints_sample" / "complaints_with_narrative.csv")
    add("complaints", cf["Consumer complaint narrative"], rng.integers(0, 5, len(cf)))
    uci = pd.read_csv(SHARED_DATA / "uci_sentiment_labelled_sentences" / "sentences.csv")
    add("sentences", uci["sentence"], _score_from_label(uci["label"].to_numpy() == 1, uci["label"].to_numpy() == 0, rng))
    for name in ("restaurants", "laptops"):
        se = pd.read_csv(SHARED_DATA / f"semeval2014_absa_{name}" / f"{name}_sentences.csv")
        pol = se["polarities"].fillna("") + ";" + se["term_polarities"].fillna("")
        add(name, se["text"], _score_from_label(pol.str.contains("positive").to_numpy() & ~pol.str.contains("negative").to_numpy(),
                                                pol.str.contains("negative").to_numpy(), rng))
    df = pd.concat(parts, ignore_index=True)
    df = df[df["comment"].str.strip().str.len() > 0]
    if len(df) < n:
        raise SystemExit(f"only {len(df)} texts in {SHARED_DATA}; ask for --n {len(df)} or fewer")
    df = df.iloc[np.sort(rng.choice(len(df), n, replace=False))].reset_index(drop=True)
    df["score"] = df["score"].astype(int)
    df["submitted_at"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    df = df.sort_values("submitted_at", kind="stable").reset_index(drop=True)
    df["submitted_at"] = df["submitted_at"].dt.strftime("%Y-%m-%d")
    return df


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--out", type=Path, default=Path("/tmp/feedbackml-report-bench"))
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    csv = args.out / f"export_{args.n}.csv"
    build(args.n).to_csv(csv, index=False)
    t = time.perf_counter()
    code = run(["analyze", str(csv), "--text", "comment", "--score", "score", "--segment", "source",
                "--date", "submitted_at", "--out", str(args.out / "out"), "--quiet"])
    seconds = time.perf_counter() - t
    if code:
        return code
    html = (args.out / "out" / "report.html").read_text("utf-8")
    block = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', html, re.S)
    rows = json.loads(block.group(1))["rows"] if block else []
    shortened = sum(r[1].endswith("…") for r in rows)
    size = len(html.encode("utf-8"))
    print(f"export: {args.n:,} comments, {csv.stat().st_size / 1e6:.1f} MB CSV ({csv})")
    print(f"analyze + report: {seconds:.1f} s")
    print(f"report.html: {size:,} bytes = {size / 2**20:.2f} MiB; explorer data {len(block.group(1)) if block else 0:,} bytes")
    print(f"explorer: {len(rows):,} comments embedded, {shortened:,} shortened")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
