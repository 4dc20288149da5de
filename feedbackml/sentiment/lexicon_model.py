"""LexiconSentiment: clause-level, negation-aware lexicon sentiment for survey comments; no training."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from ..text.inputs import as_texts
from ..validation import Interval, Language, validate_params
from .labels import label_scores
from .lexicon import load_lexicon
from .scorer import CLAUSE_COLUMNS, clause_table

OUTPUT_COLUMNS = ["sentiment", "sentiment_label", "mixed"]


#: Columns of :meth:`LexiconSentiment.features`, the lexicon block of the trained model.
FEATURE_COLUMNS = ["sentiment", "positive", "negative", "clause_max", "clause_min", "mixed",
                   "question", "exclamation"]


class LexiconSentiment(TransformerMixin, BaseEstimator):
    """Clause-level, negation-aware lexicon sentiment for survey comments; no training.

    Each comment is split into clauses (sentences, then before contrast markers such as
    "but"); each clause is scored with VADER's rules on VADER's lexicon extended with
    customer-experience words and phrases (``lang/<language>/sentiment_lexicon.tsv``);
    the comment score combines the clause valences with the contrast weights of
    ``contrast.tsv`` (the clause after "but" counts 1.5, the one before 0.5) and
    normalises like VADER. Work is done once per unique text and once per unique clause.

    Parameters
    ----------
    threshold : absolute score from which a comment is positive or negative.
    mixed_threshold : a comment is ``mixed`` when one clause scores ≥ this and another ≤ −this.
    language : language-data folder.
    """

    _parameter_constraints: dict = {
        "threshold": [Interval(float, 0, 1)],
        "mixed_threshold": [Interval(float, 0, 1)],
        "language": [Language()],
    }

    def __init__(self, threshold: float = 0.05, mixed_threshold: float = 0.3, language: str = "en"):
        self.threshold = threshold
        self.mixed_threshold = mixed_threshold
        self.language = language

    def fit(self, X=None, y=None):
        validate_params(self)
        self.n_features_in_ = 1
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True  # nothing to learn

    def _unique_scores(self, X, split: bool = True) -> tuple[pd.Series, np.ndarray, pd.DataFrame]:
        """Texts, codes into the unique texts, and one row of features per unique text."""
        texts = as_texts(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        return texts, codes, self._score_unique(pd.Series(uniques, dtype=object), split)[0]

    def _score_unique(self, uniq: pd.Series, split: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
        """:data:`FEATURE_COLUMNS` per distinct text, and its :func:`clause_table`."""
        table = clause_table(uniq, self.language, split)
        n = len(uniq)
        doc = table["doc"].to_numpy()
        weight = table["weight"].to_numpy()
        alpha = load_lexicon(self.language).rules["normalisation_alpha"]
        # thanks in a comment that complains elsewhere is politeness too ("lost my bag. Thanks")
        complains = np.bincount(doc, table["negative"].to_numpy() < 0, minlength=n) > 0
        valence = table["valence"].to_numpy() - np.where(complains[doc], table["courtesy"].to_numpy(), 0.0)
        total = np.bincount(doc, weight * valence, minlength=n)
        sentiment = np.clip(total / np.sqrt(total * total + alpha), -1.0, 1.0)
        clause_sent = table["sentiment"].to_numpy()
        high = np.full(n, 0.0)
        low = np.full(n, 0.0)
        np.maximum.at(high, doc, clause_sent)
        np.minimum.at(low, doc, clause_sent)
        squash = lambda x: x / np.sqrt(x * x + alpha)  # noqa: E731
        features = pd.DataFrame({
            "sentiment": sentiment,
            "positive": squash(np.bincount(doc, weight * table["positive"].to_numpy(), minlength=n)),
            "negative": squash(np.bincount(doc, weight * table["negative"].to_numpy(), minlength=n)),
            "clause_max": high, "clause_min": low,
            "mixed": ((high >= self.mixed_threshold) & (low <= -self.mixed_threshold)).astype(float),
            "question": uniq.str.contains("?", regex=False).to_numpy(float),
            "exclamation": uniq.str.contains("!", regex=False).to_numpy(float),
        })
        return features, table

    def scores(self, X) -> np.ndarray:
        """Comment scores (−1…1) as a float array aligned with ``X``."""
        _, codes, features = self._unique_scores(X)
        return features["sentiment"].to_numpy()[codes]

    def features(self, X) -> pd.DataFrame:
        """The lexicon evidence per text (:data:`FEATURE_COLUMNS`), used by the trained model."""
        texts, codes, features = self._unique_scores(X)
        return pd.DataFrame(features.to_numpy()[codes], columns=FEATURE_COLUMNS, index=texts.index)

    def transform(self, X) -> pd.DataFrame:
        """``sentiment`` (−1…1), ``sentiment_label`` and ``mixed`` per text, index kept."""
        validate_params(self)
        texts, codes, features = self._unique_scores(X)
        scores = features["sentiment"].to_numpy()
        return pd.DataFrame({"sentiment": scores[codes],
                             "sentiment_label": label_scores(scores, self.threshold)[codes],
                             "mixed": features["mixed"].to_numpy(bool)[codes]}, index=texts.index)

    def score_units(self, X) -> pd.DataFrame:
        """``sentiment`` and ``sentiment_label`` of each text taken as one clause (not split
        again): how the parts of a comment that mention a theme are scored."""
        texts, codes, features = self._unique_scores(X, split=False)
        scores = features["sentiment"].to_numpy()
        return pd.DataFrame({"sentiment": scores[codes],
                             "sentiment_label": label_scores(scores, self.threshold)[codes]}, index=texts.index)

    def clauses(self, X) -> pd.DataFrame:
        """One row per clause of each text: ``doc`` (position in ``X``), ``clause``, ``text``, ``sentiment``."""
        texts = as_texts(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        table = clause_table(pd.Series(uniques, dtype=object), self.language)
        return broadcast_clauses(table, codes)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(OUTPUT_COLUMNS, dtype=object)


def broadcast_clauses(table: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """Clauses of unique texts (``doc`` = unique position) → clauses of every text."""
    docs = pd.DataFrame({"doc": np.arange(len(codes)), "unique": codes})
    out = docs.merge(table.rename(columns={"doc": "unique"}), on="unique", how="inner")
    out = out.sort_values(["doc", "clause"], kind="stable").reset_index(drop=True)
    return out[CLAUSE_COLUMNS]
