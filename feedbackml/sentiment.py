"""Sentiment scorers. ``LexiconSentiment``: VADER's lexicon, offline, cached by unique text."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

OUTPUT_COLUMNS = ["sentiment", "sentiment_label"]
LABELS = np.array(["negative", "neutral", "positive"], dtype=object)


@lru_cache(maxsize=1)
def vader_analyzer():
    """NLTK's VADER with the lexicon shipped in the ``vaderSentiment`` package (no download)."""
    import nltk
    import vaderSentiment
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    folder = str(Path(vaderSentiment.__file__).parent)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return SentimentIntensityAnalyzer(lexicon_file=f"file:{folder}/vader_lexicon.txt")


def label_scores(scores: np.ndarray, threshold: float = 0.05) -> np.ndarray:
    """negative / neutral / positive by VADER's usual ±0.05 cut-offs."""
    scores = np.asarray(scores, dtype=float)
    return LABELS[np.where(scores <= -threshold, 0, np.where(scores >= threshold, 2, 1))]


class LexiconSentiment(TransformerMixin, BaseEstimator):
    """VADER compound score (−1…1) and label for each text, computed once per unique text.

    Parameters
    ----------
    threshold : absolute compound score from which a text is positive or negative.
    """

    def __init__(self, threshold: float = 0.05):
        self.threshold = threshold

    def fit(self, X=None, y=None):
        self.n_features_in_ = 1
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def scores(self, X) -> np.ndarray:
        """Compound scores as a float array aligned with ``X``."""
        texts = pd.Series(list(X) if not isinstance(X, pd.Series) else X, dtype=object).fillna("")
        codes, uniques = pd.factorize(texts.astype(str), use_na_sentinel=False)
        polarity = vader_analyzer().polarity_scores
        unique_scores = np.fromiter((polarity(t)["compound"] if t else 0.0 for t in uniques),
                                    dtype=float, count=len(uniques))
        return unique_scores[codes]

    def transform(self, X) -> pd.DataFrame:
        scores = self.scores(X)
        index = X.index if isinstance(X, pd.Series) else None
        return pd.DataFrame({"sentiment": scores, "sentiment_label": label_scores(scores, self.threshold)},
                            index=index)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(OUTPUT_COLUMNS, dtype=object)
