"""ThemeModel: lemmas → TF-IDF (1–2 grams, negations kept) → k-means, with readable labels.

Theme IDs are ordered by size (0 = largest) so that they do not depend on k-means'
arbitrary cluster numbering; −1 means "no theme" (empty comments and non-answers).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from .lang import load_list
from .nlp import lemmatize

NO_THEME = -1
THEME_COLUMNS = ["theme_id", "label", "keywords"]


def stop_words(language: str = "en") -> list[str]:
    """scikit-learn's English stop words without negations (``lang/<language>/stopwords_keep.txt``)
    plus the lemma forms the lookup lemmatizer produces (``be``, ``have``, ``do``)."""
    keep = set(load_list("stopwords_keep", language)) | set(load_list("negations", language))
    extra = {"be", "have", "do", "get", "s", "ve", "ll", "d", "m", "re", "t"}
    return sorted((set(ENGLISH_STOP_WORDS) | extra) - keep)


def default_n_themes(n_docs: int) -> int:
    """The rule used until automatic k: √(n/50), at least 2 and at most 12 (and ≤ n)."""
    return int(max(1, min(n_docs, max(2, min(12, round(math.sqrt(n_docs / 50)))))))


class ThemeModel(TransformerMixin, BaseEstimator):
    """Find themes in cleaned comments with TF-IDF and k-means.

    Parameters
    ----------
    n_themes : "auto" (the documented rule :func:`default_n_themes`) or a number.
    random_state : seed of k-means; same data and seed give the same themes.
    max_features : vocabulary cap of the TF-IDF vectoriser.
    min_df : minimum number of comments a term must occur in.
    ngram_range : lemma n-gram range.
    large_n : from this many comments on, MiniBatchKMeans replaces KMeans.
    language, batch_size : spaCy language and ``nlp.pipe`` batch size.
    """

    def __init__(self, n_themes="auto", random_state=0, max_features=20000, min_df=2,
                 ngram_range=(1, 2), large_n=50000, language="en", batch_size=2000):
        self.n_themes = n_themes
        self.random_state = random_state
        self.max_features = max_features
        self.min_df = min_df
        self.ngram_range = ngram_range
        self.large_n = large_n
        self.language = language
        self.batch_size = batch_size

    # -- fitting -----------------------------------------------------------------
    def fit(self, X, y=None):
        """Learn the vocabulary and theme centres from an iterable of cleaned texts.

        Empty strings (non-answers) are ignored.
        """
        lemmas = lemmatize(X, self.language, self.batch_size)
        has_text = lemmas != ""
        docs = lemmas[has_text]
        if len(docs) < 2:
            raise ValueError("need at least two comments with text to find themes")
        min_df = self.min_df if len(docs) >= 10 * self.min_df else 1
        self.vectorizer_ = TfidfVectorizer(
            ngram_range=tuple(self.ngram_range), min_df=min_df, max_features=self.max_features,
            stop_words=stop_words(self.language), token_pattern=r"(?u)\b[^\W\d_][\w']+\b",
            sublinear_tf=True, dtype=np.float32)
        try:
            self.vectorizer_.fit(docs)
        except ValueError:  # only stop words
            raise ValueError("the comments contain no words left after stop words") from None
        # k-means runs on the distinct documents, sorted, weighted by their counts: the
        # result does not depend on row order, and repeated short answers cost nothing.
        unique_docs, counts = np.unique(docs, return_counts=True)
        matrix = self.vectorizer_.transform(unique_docs)
        has_terms = np.asarray(matrix.getnnz(axis=1) > 0)
        matrix, counts = matrix[has_terms], counts[has_terms]
        k = self.n_themes if self.n_themes != "auto" else default_n_themes(int(counts.sum()))
        k = int(min(k, matrix.shape[0]))
        km = self._kmeans(k, matrix.shape[0]).fit(matrix, sample_weight=counts)
        # Renumber clusters by size (largest first) so IDs don't depend on k-means' labels.
        sizes = np.bincount(km.labels_, weights=counts, minlength=k)
        order = np.lexsort((np.arange(k), -sizes))
        self.cluster_centers_ = km.cluster_centers_[order].astype(np.float32)
        self.n_themes_ = k
        self.n_features_in_ = 1
        self.themes_ = self._describe(matrix, np.argsort(order)[km.labels_], counts)
        return self

    def _kmeans(self, k: int, n: int):
        if n >= self.large_n:
            return MiniBatchKMeans(n_clusters=k, random_state=self.random_state, n_init=3,
                                   batch_size=4096)
        return KMeans(n_clusters=k, random_state=self.random_state, n_init=4)

    def _describe(self, matrix, labels: np.ndarray, counts: np.ndarray) -> pd.DataFrame:
        """Label each theme by the terms most over-represented in it relative to the rest."""
        terms = self.vectorizer_.get_feature_names_out()
        k = self.n_themes_
        weighted = matrix.multiply(counts[:, None]).tocsr()
        totals = np.asarray(weighted.sum(axis=0)).ravel() + 1e-9
        rows = []
        used: set[str] = set()
        for t in range(k):
            in_theme = np.asarray(weighted[labels == t].sum(axis=0)).ravel()
            share = in_theme / max(1, counts[labels == t].sum())
            distinct = share * np.log1p(in_theme / totals * k)
            top = [terms[i] for i in np.argsort(-distinct, kind="stable")[:10] if distinct[i] > 0]
            label = _label_from_terms(top, used) or f"theme {t}"
            used.add(label)
            rows.append((t, label, ", ".join(top[:8])))
        return pd.DataFrame(rows, columns=THEME_COLUMNS)

    # -- applying ------------------------------------------------------------------
    def transform(self, X) -> pd.DataFrame:
        """``theme_id`` (−1 when a text has no usable words) and ``theme_score`` (cosine to the centre)."""
        check_is_fitted(self, "cluster_centers_")
        lemmas = lemmatize(X, self.language, self.batch_size)
        matrix = self.vectorizer_.transform(lemmas)
        sims = np.asarray(matrix @ self.cluster_centers_.T)
        norms = np.linalg.norm(self.cluster_centers_, axis=1)
        sims = sims / np.where(norms > 0, norms, 1)
        theme = sims.argmax(axis=1)
        empty = np.asarray(matrix.getnnz(axis=1) == 0)
        theme = np.where(empty, NO_THEME, theme)
        score = np.where(empty, 0.0, sims.max(axis=1))
        index = X.index if isinstance(X, pd.Series) else None
        return pd.DataFrame({"theme_id": theme.astype("int64"), "theme_score": score.astype("float64")},
                            index=index)

    def predict(self, X) -> np.ndarray:
        return self.transform(X)["theme_id"].to_numpy()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(["theme_id", "theme_score"], dtype=object)


def _label_from_terms(terms: list[str], used: set[str]) -> str:
    """Two or three distinct words from the top terms, e.g. "delivery / late / parcel"."""
    words: list[str] = []
    for term in terms:
        if any(w in term.split() or term in words for w in words):
            continue
        words.append(term)
        if len(words) == 3:
            break
    label = " / ".join(words)
    return label if label not in used else label + f" ({len(used)})"
