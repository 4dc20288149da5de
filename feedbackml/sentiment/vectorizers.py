"""Word and character n-gram TF-IDF vectorisers (vectorised with Arrow) for the trained sentiment model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..text.inputs import as_texts
from ..validation import Interval, Pair, validate_params
from . import scorer

_MIX = np.uint64(0x9E3779B97F4A7C15)
_BASE = np.uint64(1000003)


def _char_windows(texts: pd.Series, ngram_range: tuple[int, int]):
    """Hashed character n-grams inside word boundaries (as ``analyzer="char_wb"``).

    Each text is lower-cased and each word padded with spaces; every n-gram within a
    padded word becomes a 64-bit key (polynomial hash of its code points). Returns
    ``keys``, ``docs`` (row of each key), the code-point array and each key's
    ``(start, length)`` in it (to spell keys back).
    """
    low = pc.utf8_trim_whitespace(pc.replace_substring_regex(
        pc.utf8_lower(pa.array(texts.to_numpy(object), type=pa.string())), pattern=r"\s+", replacement="  "))
    padded = pc.binary_join_element_wise(" ", low, " \x00", "")
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)[padded.offset:padded.offset + len(padded) + 1]
    data = bytes(memoryview(padded.buffers()[2])[offsets[0]:offsets[-1]])
    code = np.frombuffer(data.decode("utf-8").encode("utf-32-le"), dtype=np.uint32)
    length = len(code)
    space = code == 32
    spaces = np.r_[0, np.cumsum(space)]
    docs_before = np.r_[0, np.cumsum(code == 0)]
    wide = code.astype(np.uint64)
    hashed = wide
    keys, docs, starts = [], [], []
    with np.errstate(over="ignore"):
        for n in range(1, ngram_range[1] + 1):
            m = length - n + 1
            if m <= 0:
                break
            if n > 1:
                hashed = hashed[:m] * _BASE + wide[n - 1:]
            if n < ngram_range[0]:
                continue
            ok = docs_before[n:n + m] == docs_before[:m]  # within one text
            if n > 2:
                ok &= spaces[n - 1:n - 1 + m] == spaces[1:1 + m]  # spaces only at the ends
            else:
                ok &= ~(space[:m] & space[n - 1:n - 1 + m])
            idx = np.flatnonzero(ok)
            keys.append((hashed[idx] ^ np.uint64(n)) * _MIX)
            docs.append(docs_before[idx])
            starts.append(np.c_[idx, np.full(len(idx), n)])
    if not keys:
        return np.empty(0, np.uint64), np.empty(0, np.int64), code, np.empty((0, 2), np.int64)
    return np.concatenate(keys), np.concatenate(docs), code, np.concatenate(starts)


def _tfidf(docs: np.ndarray, cols: np.ndarray, n_rows: int, idf: np.ndarray) -> sparse.csr_matrix:
    """Rows of l2-normalised ``(1 + log tf) · idf`` from (row, column) pairs of term occurrences."""
    counts = sparse.csr_matrix((np.ones(len(cols)), (docs, cols)), shape=(n_rows, len(idf)))
    counts.sum_duplicates()
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    return (sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ counts).tocsr()


def _word_terms(texts: pd.Series, ngram_range: tuple[int, int]) -> tuple[pa.Array, np.ndarray]:
    """Word n-grams of each text as scikit-learn's default analyzer cuts them, with Arrow.

    Lower-cased runs of at least two letters, digits or underscores are the tokens;
    n-grams join neighbouring tokens of one text with a space. Returns the terms and the
    row of each.
    """
    low = pc.utf8_lower(pa.array(texts.to_numpy(object), type=pa.string()))
    lists = pc.split_pattern_regex(low, pattern=r"[^\pL\pN_]+")
    doc = np.repeat(np.arange(len(texts)), pc.list_value_length(lists).to_numpy(zero_copy_only=False))
    tokens = pc.list_flatten(lists)
    keep = pc.utf8_length(tokens).to_numpy(zero_copy_only=False) >= 2
    tokens, doc = tokens.filter(pa.array(keep)), doc[keep]
    terms, rows = [], []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        idx = np.arange(max(len(tokens) - n + 1, 0))
        idx = idx[doc[idx] == doc[idx + n - 1]] if n > 1 else idx
        parts = [pc.take(tokens, pa.array(idx + k)) for k in range(n)]
        terms.append(parts[0] if n == 1 else pc.binary_join_element_wise(*parts, " "))
        rows.append(doc[idx])
    if not terms:
        return pa.array([], type=pa.string()), np.empty(0, np.int64)
    return pa.concat_arrays([t.cast(pa.string()) for t in terms]), np.concatenate(rows)


class NgramTfidfVectorizer(TransformerMixin, BaseEstimator):
    """Shared base of the n-gram vectorisers: TF-IDF (sublinear tf, smooth idf, l2 rows) of the
    n-gram keys a subclass cuts from batches of :data:`~feedbackml.sentiment.scorer.BATCH` texts.

    A subclass says how to cut keys (:meth:`_keys`), count the documents each key is in
    (:meth:`_document_counts`), find keys in the vocabulary (:meth:`_columns`) and name the
    features (:meth:`_feature_names`); fitting and transforming are the same for both.

    Parameters
    ----------
    ngram_range : smallest and largest n-gram length.
    min_df : keep n-grams found in at least this many training texts.
    """

    _parameter_constraints: dict = {"ngram_range": [Pair(1)], "min_df": [Interval(int, 1, None)]}

    def __init__(self, ngram_range=(1, 2), min_df=2):
        self.ngram_range = ngram_range
        self.min_df = min_df

    def _batches(self, texts: pd.Series):
        """``(keys, docs, extra, n_rows)`` per batch: each n-gram's key and text, and what else the cut gives."""
        for start in range(0, len(texts), scorer.BATCH):
            chunk = texts.iloc[start:start + scorer.BATCH]
            keys, docs, *extra = self._keys(chunk)
            yield keys, docs, extra, len(chunk)

    def fit(self, X, y=None):
        validate_params(self)
        texts = as_texts(X)
        df = pd.Series(dtype=float)
        for keys, docs, _, _ in self._batches(texts):
            df = df.add(self._document_counts(keys, docs), fill_value=0.0)
        df = df[df >= self.min_df].sort_index()
        self.vocabulary_ = df.index.to_numpy(self._key_dtype)
        self.idf_ = np.log((1 + len(texts)) / (1 + df.to_numpy(float))) + 1.0
        self.feature_names_ = self._feature_names(texts)
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        check_is_fitted(self, "vocabulary_")
        texts = as_texts(X)
        blocks = []
        for keys, docs, _, n_rows in self._batches(texts):
            col = self._columns(keys)
            found = col >= 0
            blocks.append(_tfidf(docs[found], col[found], n_rows, self.idf_))
        return sparse.vstack(blocks).tocsr() if blocks else sparse.csr_matrix((0, len(self.idf_)))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "vocabulary_")
        return self.feature_names_.copy()


class WordNgramVectorizer(NgramTfidfVectorizer):
    """TF-IDF of word n-grams, computed with Arrow kernels over all texts at once.

    The same features as ``TfidfVectorizer(ngram_range=..., sublinear_tf=True)`` with its
    default tokens (lower-cased runs of two or more word characters), several times faster.
    Parameters: see :class:`NgramTfidfVectorizer`.
    """

    _key_dtype = object

    def __init__(self, ngram_range=(1, 2), min_df=2):
        super().__init__(ngram_range=ngram_range, min_df=min_df)

    def _keys(self, chunk: pd.Series):
        return _word_terms(chunk, tuple(self.ngram_range))

    def _document_counts(self, terms, docs) -> pd.Series:
        pairs = pd.DataFrame({"term": pd.array(terms, dtype=pd.ArrowDtype(pa.string())), "doc": docs})
        found = pairs.drop_duplicates()["term"].value_counts()
        return found.set_axis(found.index.astype(object)).astype(float)

    def _columns(self, terms) -> np.ndarray:
        col = pc.index_in(terms, value_set=pa.array(self.vocabulary_, type=pa.string())).to_numpy(zero_copy_only=False)
        return np.where(np.isnan(col), -1, col).astype(np.int64)

    def _feature_names(self, texts: pd.Series) -> np.ndarray:
        return self.vocabulary_.copy()


class CharNgramVectorizer(NgramTfidfVectorizer):
    """TF-IDF of character n-grams inside word boundaries, computed with array operations.

    The same features as ``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)``, but
    several times faster, because n-grams are hashed with NumPy over all texts at once
    instead of being cut one by one in Python. Parameters: see :class:`NgramTfidfVectorizer`.
    """

    _key_dtype = np.uint64

    def __init__(self, ngram_range=(2, 4), min_df=2):
        super().__init__(ngram_range=ngram_range, min_df=min_df)

    def _keys(self, chunk: pd.Series):
        return _char_windows(chunk, tuple(self.ngram_range))  # keys, docs, code points, spans

    def _document_counts(self, keys, docs) -> pd.Series:
        return pd.DataFrame({"key": keys, "doc": docs}).drop_duplicates()["key"].value_counts().astype(float)

    def _columns(self, keys) -> np.ndarray:
        return pd.Index(self.vocabulary_).get_indexer(keys)

    def _feature_names(self, texts: pd.Series) -> np.ndarray:
        """Spell each kept n-gram once, from the first text it occurs in (keys are hashes)."""
        names = pd.Series(None, index=pd.Index(self.vocabulary_), dtype=object)
        for keys, _, (code, starts), _ in self._batches(texts):
            wanted = pd.Index(keys).isin(names.index[names.isna()])
            if wanted.any():
                first = pd.Series(np.flatnonzero(wanted)).groupby(keys[wanted]).first()
                spans = starts[first.to_numpy()]
                names[first.index] = [code[s:s + k].tobytes().decode("utf-32-le") for s, k in spans]
            if names.notna().all():
                break
        return names.to_numpy(object)
