"""feedbackml analyze vs a naive per-row pipeline on the same realistic comments.

Usage: python benchmarks/bench_analyze.py [--rows 200000] [--naive-rows N]

Both start from the same CSV file. The naive pipeline is how such analyses are often
written: pandas ``.apply`` per row to tokenize, spaCy per document, VADER per document,
then TF-IDF + KMeans and a groupby for NPS. When ``--naive-rows`` is smaller than
``--rows`` the naive time is measured on that many rows and extrapolated linearly
(said so in the output). Prints comments/s for each and the ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from _common import Timer, make_csv  # noqa: E402


def naive_pipeline(path: Path, n_themes: int, seed: int = 0) -> pd.DataFrame:
    """The per-row baseline: every step one Python call per comment."""
    import spacy
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    from feedbackml.sentiment.lexicon import vader_analyzer

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    sia = vader_analyzer()
    df["clean"] = df["comment"].apply(lambda t: " ".join(t.lower().split()))
    df["lemmas"] = df["clean"].apply(lambda t: " ".join(tok.lemma_ for tok in nlp(t) if tok.is_alpha))
    df["sentiment"] = df["clean"].apply(lambda t: sia.polarity_scores(t)["compound"])
    X = TfidfVectorizer(ngram_range=(1, 2), min_df=2, stop_words="english").fit_transform(df["lemmas"])
    df["theme"] = KMeans(n_themes, random_state=seed, n_init=4).fit_predict(X)
    score = pd.to_numeric(df["nps"], errors="coerce")
    df["cat"] = score.apply(lambda s: None if pd.isna(s) else "p" if s >= 9 else "d" if s <= 6 else "n")
    return df.groupby("theme")["cat"].apply(lambda c: 100 * ((c == "p").mean() - (c == "d").mean()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--naive-rows", type=int, default=None,
                        help="rows for the naive run (default: same as --rows)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)

    from feedbackml.config import Config
    from feedbackml.run.jobs import analyze_file

    work = args.workdir or Path(tempfile.mkdtemp(prefix="fml-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = make_csv(work / f"comments_{args.rows}.csv", args.rows)
    naive_rows = args.naive_rows or args.rows
    naive_data = data if naive_rows == args.rows else make_csv(work / f"comments_{naive_rows}.csv", naive_rows)

    with Timer() as ours:
        res = analyze_file(data, work / "out", Config())
    k = int(res.summary["themes"]["n"])
    with Timer() as naive:
        naive_pipeline(naive_data, n_themes=k)
    naive_seconds = naive.seconds * args.rows / naive_rows

    ours_rate, naive_rate = args.rows / ours.seconds, args.rows / naive_seconds
    note = "" if naive_rows == args.rows else f" (measured on {naive_rows:,} rows, extrapolated)"
    print(f"rows: {args.rows:,}  themes: {k}")
    print(f"feedbackml analyze (read + all outputs): {ours.seconds:8.1f} s  {ours_rate:10,.0f} comments/s")
    print(f"naive per-row pipeline{note}: {naive_seconds:8.1f} s  {naive_rate:10,.0f} comments/s")
    print(f"ratio: {ours_rate / naive_rate:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
