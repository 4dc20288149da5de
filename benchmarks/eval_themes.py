"""Evaluate themes against human labels: airline complaint tweets and restaurant review sentences.

For each data set the comments are cleaned as ``feedbackml analyze`` cleans them, themes
are fitted with :class:`feedbackml.themes.ThemeModel` (automatic k, and k = the number of
human labels), and each comment's primary theme is compared with its label: NMI and ARI
(−1 counts as a cluster of its own), the share of comments with theme −1, fit seconds, and
whether two fits with the same seed give byte-identical assignments. The previous engine
(TF-IDF + k-means on the same lemmas) runs on the same data as the baseline. The bundled
sample is scored against its planted topics, including how many two-topic comments get
both themes.

Usage (from the repository root)::

    python benchmarks/eval_themes.py                 # data from ../shared/data
    python benchmarks/eval_themes.py --data DIR      # another folder with the same layout
    python benchmarks/eval_themes.py --scale 100000  # also: fit time on 100,000 generated comments
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedbackml.text.cleaning import TextCleaner  # noqa: E402
from feedbackml.text.nlp import lemmatize  # noqa: E402
from feedbackml.themes.model import NO_THEME, ThemeModel, stop_words  # noqa: E402

AIRLINES = (r"united|us ?airways|usair|american ?air(?:lines)?|american|southwest(?: ?air)?|"
            r"delta(?: ?assist)?|virgin ?america|virgin|jet ?blue")
TWEETS = "twitter_us_airline_sentiment/tweets.csv"
RESTAURANTS = "semeval2014_absa_restaurants/restaurants_sentences.csv"


def airline_complaints(data: Path) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Negative tweets with a reason other than "Can't Tell"; @mentions, URLs and airline names removed.

    Returns (complaint texts, their reasons, all 10k tweets for the speed measurement).
    """
    df = pd.read_csv(data / TWEETS, dtype=str, keep_default_na=False)
    text = (df["text"].str.replace(r"@\w+", " ", regex=True)
            .str.replace(r"https?://\S+", " ", regex=True)
            .str.replace(rf"(?i)#?\b(?:{AIRLINES})\b", " ", regex=True)
            .str.replace(r"\s+", " ", regex=True).str.strip())
    keep = (df["negativereason"] != "") & (df["negativereason"] != "Can't Tell")
    return text[keep].reset_index(drop=True), df.loc[keep, "negativereason"].reset_index(drop=True), text


def restaurant_sentences(data: Path) -> tuple[pd.Series, pd.Series]:
    """Review sentences annotated with exactly one aspect category."""
    df = pd.read_csv(data / RESTAURANTS, dtype=str, keep_default_na=False)
    single = ~df["categories"].str.contains(";")
    return df.loc[single, "text"].reset_index(drop=True), df.loc[single, "categories"].reset_index(drop=True)


def usable_text(texts: pd.Series) -> pd.Series:
    """Cleaned text, empty for non-answers: exactly what the pipeline gives ThemeModel."""
    cleaned = TextCleaner().transform(texts)
    return cleaned["clean_text"].where(~cleaned["is_nonanswer"], "")


def fit_and_score(texts: pd.Series, labels: pd.Series, n_themes, seed: int = 0) -> dict:
    """Fit ThemeModel twice (same seed), score primary themes against ``labels``."""
    usable = usable_text(texts)
    start = time.perf_counter()
    model = ThemeModel(n_themes=n_themes, random_state=seed).fit(usable)
    seconds = time.perf_counter() - start
    out = model.transform(usable)
    twin = ThemeModel(n_themes=n_themes, random_state=seed).fit(usable)
    digest = lambda m, o: hashlib.sha256((m.themes_.to_csv() + o.to_csv()).encode()).hexdigest()  # noqa: E731
    theme = out["theme_id"].to_numpy()
    return {"k": model.themes_.shape[0], "nmi": normalized_mutual_info_score(labels, theme),
            "ari": adjusted_rand_score(labels, theme), "no_theme": float((theme == NO_THEME).mean()),
            "fit_s": seconds, "identical": digest(model, out) == digest(twin, twin.transform(usable)),
            "model": model, "out": out}


def tfidf_kmeans(texts: pd.Series, labels: pd.Series, k: int, seed: int = 0) -> dict:
    """The previous engine: TF-IDF of lemma 1–2-grams → k-means (empty comments get −1)."""
    lemmas = lemmatize(usable_text(texts))
    start = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, stop_words=stop_words(),
                          token_pattern=r"(?u)\b[^\W\d_][\w']+\b", sublinear_tf=True)
    matrix = vec.fit_transform(lemmas)
    has = matrix.getnnz(axis=1) > 0
    theme = np.full(len(lemmas), NO_THEME)
    theme[has] = KMeans(k, n_init=4, random_state=seed).fit_predict(matrix[has])
    return {"k": k, "nmi": normalized_mutual_info_score(labels, theme),
            "ari": adjusted_rand_score(labels, theme), "no_theme": float((theme == NO_THEME).mean()),
            "fit_s": time.perf_counter() - start, "identical": None}


def sample_planted(seed: int = 0) -> tuple[list[dict], pd.DataFrame]:
    """The bundled sample vs its planted topics, and how often a two-topic comment gets both."""
    sys.path.insert(0, str(ROOT / "data"))
    import make_sample

    rows = pd.DataFrame(make_sample.generate(with_truth=True))
    themed = rows["topics"] != ""
    result = fit_and_score(rows["comment"], rows["topics"].str.split(";").str[0], "auto", seed)
    out, model = result["out"], result["model"]
    first = rows["topics"].str.split(";").str[0]
    # each theme stands for the planted topic most of its comments have
    topic_of = (pd.crosstab(out["theme_id"][themed], first[themed]).idxmax(axis=1)).to_dict()
    found = out["themes"].map(lambda ids: {topic_of.get(t) for t in ids})
    truth = rows["topics"].map(lambda t: set(t.split(";")) if t else set())
    two = rows["topics"].str.contains(";")
    one = themed & ~two
    extra = [len(f - t) > 0 for f, t in zip(found[one], truth[one])]
    result.update(both=float(np.mean([t <= f for f, t in zip(found[two], truth[two])])),
                  extra=float(np.mean(extra)),
                  nmi=normalized_mutual_info_score(first[themed], out["theme_id"][themed]),
                  ari=adjusted_rand_score(first[themed], out["theme_id"][themed]))
    return result, model.themes_.assign(n=model.train_sizes_.to_numpy())


def default_data() -> Path:
    """``../shared/data`` next to the clone (or next to the folder holding a git worktree)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data(),
                        help="folder with the labelled data sets (default ../shared/data)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=int, default=0, metavar="N",
                        help="also time fit and transform on N comments generated by data/make_sample.py")
    args = parser.parse_args(argv)
    if not (args.data / TWEETS).is_file() or not (args.data / RESTAURANTS).is_file():
        print(f"eval_themes: the labelled data sets are not in {args.data} (need {TWEETS} and "
              f"{RESTAURANTS}); pass --data DIR", file=sys.stderr)
        return 2

    rows = []
    tweets, reasons, all_tweets = airline_complaints(args.data)
    sentences, categories = restaurant_sentences(args.data)
    for name, texts, labels in (("airline complaints", tweets, reasons),
                                ("restaurant sentences", sentences, categories)):
        n_labels = labels.nunique()
        rows += [(name, len(texts), "TF-IDF + k-means (previous engine)",
                  tfidf_kmeans(texts, labels, n_labels, args.seed)),
                 (name, len(texts), "ThemeModel, k = number of labels",
                  fit_and_score(texts, labels, n_labels, args.seed)),
                 (name, len(texts), "ThemeModel, automatic k",
                  fit_and_score(texts, labels, "auto", args.seed))]
    sample, sample_themes = sample_planted(args.seed)

    print("| data | comments | engine | k | NMI | ARI | −1 share | fit s | identical runs |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, n, engine, r in rows:
        same = "—" if r["identical"] is None else ("yes" if r["identical"] else "NO")
        print(f"| {name} | {n:,} | {engine} | {r['k']} | {r['nmi']:.3f} | {r['ari']:.3f} | "
              f"{r['no_theme']:.1%} | {r['fit_s']:.1f} | {same} |")
    print(f"| bundled sample (planted topics) | {len(sample['out']):,} | ThemeModel, automatic k | "
          f"{sample['k']} | {sample['nmi']:.3f} | {sample['ari']:.3f} | {sample['no_theme']:.1%} | "
          f"{sample['fit_s']:.1f} | {'yes' if sample['identical'] else 'NO'} |")

    start = time.perf_counter()
    ThemeModel(random_state=args.seed).fit(usable_text(all_tweets))
    print(f"\nfit on all {len(all_tweets):,} tweets (automatic k, cleaning excluded): "
          f"{time.perf_counter() - start:.1f} s")
    print(f"bundled sample: two-topic comments with both topics found {sample['both']:.0%}; "
          f"one-topic comments given an extra theme {sample['extra']:.1%}")
    print("\nbundled sample themes:")
    print(sample_themes[["theme_id", "label", "n", "keywords"]].to_string(index=False))
    if args.scale:
        scale(args.scale, args.seed)
    return 0


def scale(n_rows: int, seed: int) -> None:
    """Fit and transform seconds on ``n_rows`` generated survey comments (cleaning excluded)."""
    sys.path.insert(0, str(ROOT / "data"))
    import make_sample

    texts = usable_text(pd.DataFrame(make_sample.generate(n_rows, seed=11))["comment"])
    start = time.perf_counter()
    model = ThemeModel(random_state=seed).fit(texts)
    fitted = time.perf_counter() - start
    start = time.perf_counter()
    model.transform(texts)
    print(f"\n{n_rows:,} generated comments ({texts.nunique():,} distinct): fit {fitted:.1f} s "
          f"(k = {len(model.themes_)}), transform {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
