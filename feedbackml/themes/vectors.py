"""CommentVectors: dense comment vectors from word vectors learned on the comments themselves.

Words that occur in the same comments get similar vectors (positive PMI of co-occurrence
within a comment, reduced by truncated SVD), so "courier", "parcel" and "tracking" end up
close even when two comments share no word. A comment is the TF-IDF-weighted average of
its words' vectors, minus the direction common to all comments, L2-normalised. Nothing is
downloaded: the vectors come from the corpus being analysed, in a second or two.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w']+\b"


class CommentVectors(TransformerMixin, BaseEstimator):
    """Learn word vectors from lemma co-occurrence and turn comments into unit vectors.

    Parameters
    ----------
    n_components : dimension of the word vectors (capped by the vocabulary size).
    min_df : minimum number of comments a word must occur in.
    max_features : vocabulary cap (most frequent words).
    stop_words : words never used (None = none).
    context_alpha : smoothing exponent of the context distribution in PMI (0.75 as in word2vec).
    eig_power : word vector = U·S^eig_power of the PPMI matrix's SVD.
    remove_common : remove the direction shared by all comments (it carries no topic) —
        when the vocabulary has more than twice ``n_components`` words; in a smaller one
        the SVD keeps every direction and the top one is a topic.
    max_docs : the co-occurrence statistics use at most this many distinct comments (seeded sample).
    bigram_weight : two adjacent words that are no stop words ("late delivery", "credit
        report") are a term of their own, with this weight in the TF-IDF average (their own
        IDF and a vector from the same PPMI-SVD as the words; ``min_df`` applies); 0 = words
        only. 0.25: over seeds 0-2 the group NMI against consumer complaint products rose
        most (0.5 scored a little higher on the real sets but split the bundled sample's
        delivery theme so that no delivery label ranked among its top drivers; docs/themes.md).
    random_state : seed of the SVD and of the sample.
    """

    def __init__(self, n_components=100, min_df=2, max_features=20000, stop_words=None,
                 context_alpha=0.75, eig_power=0.5, remove_common=True, max_docs=200_000,
                 bigram_weight=0.25, random_state=0):
        self.n_components = n_components
        self.min_df = min_df
        self.max_features = max_features
        self.stop_words = stop_words
        self.context_alpha = context_alpha
        self.eig_power = eig_power
        self.remove_common = remove_common
        self.max_docs = max_docs
        self.bigram_weight = bigram_weight
        self.random_state = random_state

    def fit(self, X, y=None, sample_weight=None):
        """Learn vocabulary, IDF and word vectors from lemma strings (``sample_weight`` = counts)."""
        self._fit(_as_array(X), sample_weight)
        return self

    def fit_count(self, X, sample_weight=None) -> sp.csr_matrix:
        """``fit(X).count(X)``, tokenising ``X`` once when all of it was used to fit."""
        docs = _as_array(X)
        counts = self._fit(docs, sample_weight)
        return self.count(docs) if counts is None else counts

    def _fit(self, docs: np.ndarray, sample_weight) -> sp.csr_matrix | None:
        """Fit; return the term counts of ``docs`` (None when fitted on a sample of them)."""
        weight_ok = isinstance(self.bigram_weight, (int, float)) and not isinstance(self.bigram_weight, bool)
        if not weight_ok or not 0 <= self.bigram_weight < float("inf"):
            raise ValueError(f"bigram_weight must be a number >= 0, got {self.bigram_weight!r}")
        weight = np.ones(len(docs)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        sampled = len(docs) > self.max_docs
        if sampled:  # co-occurrence statistics from a seeded sample
            keep = np.sort(np.random.default_rng(self.random_state).choice(
                len(docs), self.max_docs, replace=False, p=weight / weight.sum()))
            docs, weight = docs[keep], np.ones(len(keep))
        min_df = self.min_df if weight.sum() >= 10 * self.min_df else 1
        # Vocabulary by *weighted* document frequency: a word of an answer given 50 times
        # in the same words ("it was alright") is frequent, though it is in one distinct comment.
        all_counts, all_words = count_terms(docs, None, self.stop_words, self._bigrams())
        present = all_counts.copy()
        present.data[:] = 1.0
        df = np.asarray(present.T @ weight).ravel()
        order = np.lexsort((np.arange(len(df)), -df))
        order = order[df[order] >= min_df]
        pair = np.fromiter((" " in w for w in all_words.tolist()), dtype=bool, count=len(all_words))[order]
        # the words as without pairs, then at most PAIR_SHARE times as many pairs, most frequent
        # first (pairs do not push words out of the vocabulary)
        keep = order[~pair][: self.max_features]
        keep = np.concatenate([keep, order[pair][: int(PAIR_SHARE * len(keep))]])
        if not len(keep):
            raise ValueError("no word occurs in enough comments")
        columns = np.sort(keep)
        words = all_words[columns]
        self.counter_ = CountVectorizer(token_pattern=TOKEN_PATTERN, stop_words=self.stop_words,
                                        vocabulary=dict(zip(words, range(len(words)))),
                                        dtype=np.float64).fit(docs[:1])
        counts = all_counts[:, columns]  # = count(docs), without tokenising again
        binary = counts.copy()
        binary.data[:] = 1.0
        df = np.asarray(binary.T @ weight).ravel()
        self.idf_ = (np.log((1 + weight.sum()) / (1 + df)) + 1).astype(np.float64)
        self.is_pair_ = np.fromiter((" " in w for w in words.tolist()), dtype=bool, count=len(words))
        self.word_vectors_ = self._word_vectors(binary, weight)
        self.term_weights_ = np.ones(len(self.idf_))
        self.kind_weights_ = np.where(self.is_pair_, float(self.bigram_weight), 1.0)
        self.common_ = np.zeros((0, self.word_vectors_.shape[1]))
        if self._removes_common():
            self.common_ = self._common_direction(counts, weight)
        self.n_features_in_ = 1
        return None if sampled else counts

    def _word_vectors(self, binary: sp.csr_matrix, weight: np.ndarray) -> np.ndarray:
        """Rows of U·S^p from the truncated SVD of the PPMI matrix of within-comment co-occurrence
        (terms × words: a word pair gets a row, as a word does, but is no context, when there
        are more words than ``n_components``)."""
        cooc = (binary.T @ sp.diags(weight) @ binary).tocsr()
        cooc.setdiag(0)
        cooc.eliminate_zeros()
        words = np.flatnonzero(~self.is_pair_)
        # pairs are rows, not contexts (cheaper, and it scored higher) unless the words are too
        # few for the SVD to keep n_components directions of them
        if self.is_pair_.any() and len(words) > self.n_components:
            cooc = cooc[:, words]
        n_words = cooc.shape[0]
        total = cooc.sum()
        if total == 0 or min(cooc.shape) < 3:  # degenerate corpus: one-hot words
            return np.eye(n_words, dtype=np.float64)
        rows = np.asarray(cooc.sum(axis=1)).ravel()
        context = np.asarray(cooc.sum(axis=0)).ravel() ** self.context_alpha
        context = context / context.sum()
        coo = cooc.tocoo()
        pmi = np.log(coo.data / (rows[coo.row] * context[coo.col]))  # log P(i,j) / P(i) P_a(j)
        keep = pmi > 0
        ppmi = sp.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=cooc.shape)
        dim = int(min(self.n_components, min(cooc.shape) - 1))
        svd = TruncatedSVD(dim, algorithm="randomized", n_iter=4, random_state=self.random_state)
        with threadpool_limits(1):  # thin products: threads cost more than they bring
            u_s = svd.fit_transform(ppmi)
        values = np.where(svd.singular_values_ > 0, svd.singular_values_, 1.0)
        # A word that never shares a comment with another word keeps a zero vector: its
        # comments ("it was alright") are too short to tell a theme.
        return normalize(_fix_signs(u_s / values * values ** self.eig_power, svd.components_))

    def _common_direction(self, counts: sp.csr_matrix, weight: np.ndarray) -> np.ndarray:
        """Top eigenvector of the weighted second-moment matrix of the comment vectors (on at
        most 20,000 evenly spaced comments: the direction is the same, the product 10x cheaper)."""
        if counts.shape[0] > 20_000:
            rows = np.unique(np.linspace(0, counts.shape[0] - 1, 20_000).astype(np.int64))
            counts, weight = counts[rows], weight[rows]
        raw = self._raw(counts)
        moment = (raw * weight[:, None]).T @ raw
        _, vecs = np.linalg.eigh(moment)
        top = vecs[:, -1]
        return (top * np.sign(top[np.argmax(np.abs(top))]))[None, :]

    def _removes_common(self) -> bool:
        return bool(self.remove_common) and len(self.idf_) > 2 * self.n_components

    def count(self, X) -> sp.csr_matrix:
        """Term counts of lemma strings over the vocabulary (the input of :meth:`from_counts`):
        ``counter_.transform(X)`` plus the word pairs of the vocabulary, by :func:`count_terms`."""
        check_is_fitted(self, "word_vectors_")
        return count_terms(_as_array(X), self.counter_.vocabulary_, self.stop_words, self._bigrams())[0]

    def n_words(self, counts: sp.csr_matrix) -> np.ndarray:
        """Distinct vocabulary words of each row of term ``counts`` (word pairs not counted)."""
        check_is_fitted(self, "word_vectors_")
        pair = getattr(self, "is_pair_", None)
        if pair is None or not pair.any():
            return np.diff(counts.indptr)
        return np.diff(counts[:, np.flatnonzero(~pair)].indptr)

    def _bigrams(self) -> bool:
        return getattr(self, "bigram_weight", 0) > 0  # models saved before word pairs: words only

    def tfidf(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear TF-IDF from term counts, times the learned term weights (and ``bigram_weight``
        for word pairs), rows L2-normalised."""
        tf = counts.copy()
        tf.data = 1 + np.log(tf.data)
        kind = getattr(self, "kind_weights_", 1.0)  # models saved before word pairs: words only
        return normalize(tf @ sp.diags(self.idf_ * self.term_weights_ * kind)).tocsr()

    def _raw(self, counts: sp.csr_matrix) -> np.ndarray:
        return np.asarray(self.tfidf(counts) @ self.word_vectors_)

    def transform(self, X) -> np.ndarray:
        """Unit vectors (n × n_components); a comment without vocabulary words is all zeros."""
        return self.from_counts(self.count(X))

    def from_counts(self, counts: sp.csr_matrix) -> np.ndarray:
        """:meth:`transform` from term counts already computed with :meth:`count`."""
        check_is_fitted(self, "word_vectors_")
        raw = self._raw(counts)
        if len(self.common_):
            raw = raw - (raw @ self.common_.T) @ self.common_
        return normalize(raw).astype(np.float32)

    def set_term_weights(self, weights: np.ndarray, counts: sp.csr_matrix | None = None,
                         sample_weight=None) -> CommentVectors:
        """Replace the per-word weights (e.g. down-weighting corpus stop terms) and re-learn
        the common direction on the comments whose term ``counts`` are given."""
        check_is_fitted(self, "word_vectors_")
        self.term_weights_ = np.asarray(weights, dtype=np.float64)
        if self._removes_common() and counts is not None:
            weight = np.ones(counts.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
            self.common_ = self._common_direction(counts, weight)
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "word_vectors_")
        return np.asarray([f"dim{i}" for i in range(self.word_vectors_.shape[1])], dtype=object)

    @property
    def vocabulary(self) -> np.ndarray:
        return self.counter_.get_feature_names_out()


def count_terms(docs: np.ndarray, vocabulary: dict[str, int] | None = None,
                stop_words=None, bigrams: bool = False) -> tuple[sp.csr_matrix, np.ndarray]:
    """What ``CountVectorizer(token_pattern=TOKEN_PATTERN, stop_words=stop_words,
    vocabulary=vocabulary, dtype=float64).fit_transform(docs)`` gives, and its feature names.

    Tokens never contain a space, so each distinct space-free piece of the texts (a few
    thousand words in a million comments) is lower-cased and tokenised once with Python's
    regex, and the counts are put together with NumPy: ≈5× faster than scikit-learn's loop
    over documents. Without ``vocabulary`` every token seen is a feature, sorted.

    With ``bigrams`` two adjacent tokens that are both no stop word are a term too, named
    ``"first second"``: the pairs of consecutive tokens of the whole text ("late delivery"; a
    stop word between them breaks the pair, unlike scikit-learn's n-grams, which are formed
    after the stop words are dropped). The pairs
    across pieces are found with NumPy on the pieces' first and last tokens, so only the
    distinct pairs are named in Python.
    """
    arr = pa.array([d if isinstance(d, str) else "" for d in docs], type=pa.large_string())
    pieces = pc.split_pattern(arr, " ")
    rows = pc.list_parent_indices(pieces).to_numpy()
    encoded = pc.dictionary_encode(pc.list_flatten(pieces))
    stop = frozenset(stop_words or ())
    raw = [_TOKEN.findall(piece.lower()) for piece in encoded.dictionary.to_pylist()]
    tokens = [[t for t in piece if t not in stop] for piece in raw]
    piece = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    pairs = _Pairs(raw, stop, piece, rows) if bigrams else None
    if pairs is not None:  # a piece's inner pairs ("check-in", "e-mail") are its own terms
        tokens = [t + inner for t, inner in zip(tokens, pairs.inner)]
    if vocabulary is None:
        names = {t for piece_tokens in tokens for t in piece_tokens}
        if pairs is not None:
            names.update(pairs.names)
        if not names:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        vocabulary = dict(zip(sorted(names), range(len(names))))
    names = np.asarray(sorted(vocabulary, key=vocabulary.get), dtype=object)
    columns = [[vocabulary[t] for t in piece_tokens if t in vocabulary] for piece_tokens in tokens]
    per_piece = np.fromiter(map(len, columns), dtype=np.int64, count=len(columns))
    flat = np.fromiter(itertools.chain.from_iterable(columns), dtype=np.int64, count=int(per_piece.sum()))
    n = per_piece[piece]  # terms of each piece occurrence
    first = (np.cumsum(per_piece) - per_piece)[piece]
    where = np.repeat(first - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))
    term_rows, term_cols = np.repeat(rows, n), flat[where]
    if pairs is not None:
        pair_rows, pair_cols = pairs.columns(vocabulary)
        term_rows, term_cols = np.concatenate([term_rows, pair_rows]), np.concatenate([term_cols, pair_cols])
    counts = sp.csr_matrix((np.ones(len(term_rows)), (term_rows, term_cols)),
                           shape=(len(docs), len(vocabulary)), dtype=np.float64)
    counts.sum_duplicates()
    return counts, names


class _Pairs:
    """Adjacent non-stop tokens of consecutive pieces of one text: their rows and distinct names."""

    def __init__(self, raw: list[list[str]], stop: frozenset, piece: np.ndarray, rows: np.ndarray):
        self.inner = [[f"{a} {b}" for a, b in zip(p, p[1:]) if a not in stop and b not in stop]
                      for p in raw]
        ends = sorted({t for p in raw if p for t in (p[0], p[-1]) if t not in stop})
        ids = dict(zip(ends, range(len(ends))))
        head = np.fromiter((ids.get(p[0], -1) if p else -1 for p in raw), np.int64, len(raw))
        tail = np.fromiter((ids.get(p[-1], -1) if p else -1 for p in raw), np.int64, len(raw))
        has = np.fromiter(map(bool, raw), bool, len(raw))[piece]  # pieces without a token: skipped
        piece, rows = piece[has], rows[has]
        left, right = tail[piece[:-1]], head[piece[1:]]
        ok = (rows[1:] == rows[:-1]) & (left >= 0) & (right >= 0)
        # the distinct pairs, sorted, and each occurrence's (np.unique's answer, by hashing)
        self.index, codes = pd.factorize(left[ok] * len(ends) + right[ok], sort=True)
        self.rows = rows[1:][ok]
        self.names = [f"{ends[c // len(ends)]} {ends[c % len(ends)]}" for c in codes.tolist()]  # across pieces

    def columns(self, vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
        col = np.fromiter((vocabulary.get(t, -1) for t in self.names), np.int64, len(self.names))
        cols = col[self.index] if len(self.index) else np.zeros(0, np.int64)
        found = cols >= 0
        return self.rows[found], cols[found]


_TOKEN = re.compile(TOKEN_PATTERN)
PAIR_SHARE = 1.0  # at most this many word pairs per vocabulary word


def _as_array(X) -> np.ndarray:
    return np.asarray(list(X) if not isinstance(X, np.ndarray) else X, dtype=object)


def _fix_signs(vectors: np.ndarray, components: np.ndarray) -> np.ndarray:
    """Make each SVD dimension's sign deterministic (largest loading positive)."""
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    return vectors * np.where(signs == 0, 1, signs)


def spread_weights(presence: sp.spmatrix, labels: np.ndarray, weight: np.ndarray, k: int,
                   floor: float = 0.05, smoothing: float = 0.1) -> np.ndarray:
    """Per-word weight 1 − (normalised entropy of the word's rate over ``k`` clusters).

    A word used at the same rate in every cluster ("really", "day", "issue" in one corpus,
    "flight" in another) is a corpus-specific stop term: its weight falls to ``floor``.
    A word concentrated in one cluster keeps a weight near 1. ``presence`` is the binary
    comments × words matrix; ``weight`` the comments' counts.
    """
    labels = np.asarray(labels)
    weight = np.asarray(weight, dtype=np.float64)
    if k < 2:
        return np.ones(presence.shape[1])
    member = sp.csr_matrix((weight, (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    counts = np.asarray((member @ presence).todense())
    sizes = np.bincount(labels, weights=weight, minlength=k)[:, None]
    rate = (counts + smoothing) / np.maximum(sizes, 1)
    share = rate / rate.sum(axis=0)
    entropy = -(share * np.log(share)).sum(axis=0) / np.log(k)
    return np.clip(1.0 - entropy, floor, 1.0)
