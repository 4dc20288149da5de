"""Speed of feedbackml's sentiment scorers against plain per-row VADER, in one run.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_sentiment.py [--rows 100000] [--seed 1]

Comments come from the sample generator (``data/make_sample.py``: survey answers with
repeats, typos, emoji, negations, contrast…) and are cleaned once with ``TextCleaner``,
as the pipeline does before scoring. Timed on the same cleaned comments:

* plain VADER: ``vaderSentiment``'s analyzer called once per row (the naive way);
* VADER cached by unique text (how feedbackml scored before the clause-level scorer);
* ``LexiconSentiment`` (clause-level, CX lexicon): vectorised with Arrow/NumPy over the
  unique clauses of the unique comments — the target is ≥ 20,000 comments/s;
* ``TrainedSentiment`` (weakly trained on the sample's scores), for reference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedbackml.sentiment.labels import weak_labels
from feedbackml.sentiment.lexicon import load_lexicon
from feedbackml.sentiment.lexicon_model import LexiconSentiment
from feedbackml.sentiment.trained import TrainedSentiment, vader_scores
from feedbackml.text.cleaning import TextCleaner  # noqa: E402

from _common import load_generator  # noqa: E402


def timed(func, *args):
    start = time.perf_counter()
    out = func(*args)
    return out, time.perf_counter() - start


def plain_vader(texts: pd.Series) -> list[float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return [analyzer.polarity_scores(t)["compound"] for t in texts]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="comments to score (default 100,000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample generator")
    args = parser.parse_args(argv)

    rows = pd.DataFrame(load_generator().generate(args.rows, args.seed))
    comments = rows["comment"].fillna("")
    clean, clean_s = timed(lambda s: TextCleaner().transform(s)["clean_text"], comments)
    n = len(clean)
    print(f"{n:,} generated comments, {clean.nunique():,} distinct after cleaning "
          f"(TextCleaner {n / clean_s:,.0f} comments/s, done once before every scorer)")
    _, load_s = timed(load_lexicon, "en")
    print(f"loading the lexicon (once per process): {load_s:.2f} s\n")

    results = []
    _, s = timed(plain_vader, clean)
    results.append(("plain VADER, per row (vaderSentiment)", s))
    _, s = timed(vader_scores, clean)
    results.append(("VADER cached by unique text (feedbackml before)", s))
    lexicon = LexiconSentiment()
    _, s = timed(lexicon.transform, clean)
    results.append(("LexiconSentiment (clause-level, vectorised)", s))
    lexicon_s = s
    labels = weak_labels(rows["nps"], "nps")
    train = labels.notna().to_numpy()
    model, fit_s = timed(TrainedSentiment().fit, clean[train], labels[train])
    _, s = timed(model.transform, clean)
    results.append((f"TrainedSentiment (weak, fitted in {fit_s:.1f} s)", s))

    base = results[0][1]
    print(f"{'scorer':52s} {'seconds':>8s} {'comments/s':>11s} {'vs plain VADER':>15s}")
    for name, seconds in results:
        print(f"{name:52s} {seconds:8.2f} {n / seconds:11,.0f} {base / seconds:14.1f}x")
    rate = n / lexicon_s
    print(f"\nLexicon path: {rate:,.0f} comments/s ({'meets' if rate >= 20_000 else 'MISSES'} the 20,000/s target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
