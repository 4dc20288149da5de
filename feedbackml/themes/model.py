"""ThemeModel: comments → lemmas → comment vectors → (seeded) k-means → themes with readable labels.

* Features: word vectors learned on the comments (PPMI + SVD, :mod:`feedbackml.features`),
  each comment the TF-IDF-weighted average of its words, with corpus-specific stop terms
  (words spread evenly over a first clustering) down-weighted.
* k: automatic by stability across seeded subsamples × silhouette (:mod:`feedbackml.clustering`),
  or fixed; a codeframe (:mod:`feedbackml.codeframe`) seeds, names and merges themes.
* Labels and keywords: TF-IDF lemma n-grams ranked by log-odds against the other themes.
* Several themes per comment: the primary theme comes from the whole comment; every
  clause or "and"-joined part that fits another theme well adds that theme.
* Stable IDs: ``fit(..., previous=old_model)`` keeps the IDs and labels of matching themes
  (:mod:`feedbackml.theme_matching`).

Theme IDs of a fresh fit are ordered by size (0 = largest); −1 means "no theme" (empty
comments, non-answers, comments without a single known word).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from ..lang import get_language
from ..text.inputs import as_texts
from ..text.nlp import lemmatize
from ..validation import InstanceOf, Interval, Language, Options, Pair, validate_params
from .codeframe import Codeframe, CodeframeTheme, read_codeframe, with_notes
from .kmeans import choose_k, chosen_k, k_range, spherical_kmeans
from .labels import build_label, log_odds, theme_profiles, unique_labels
from .matching import match_themes, profile_similarity
from .parts import split_segments
from .vectors import TOKEN_PATTERN, CommentVectors, spread_weights

NO_THEME = -1
THEME_COLUMNS = ["theme_id", "label", "keywords"]
OUTPUT_COLUMNS = ["theme_id", "theme_score", "themes"]
N_KEYWORDS = 8
CHUNK = 100_000


def stop_words(language: str = "en") -> list[str]:
    """The stop words of theme vectors and labels (``lang/<language>/stop_words.txt``)."""
    return list(get_language(language).stop_words)


class ThemeModel(TransformerMixin, BaseEstimator):
    """Find themes in cleaned comments and assign every comment its themes.

    Parameters
    ----------
    n_themes : "auto" (chosen by :func:`~feedbackml.clustering.choose_k` over ``k_range``)
        or a number of themes (clusters, before codeframe merges).
    random_state : seed of every random step; same data and seed give the same themes.
    max_features : vocabulary cap of the word vectors and of the label vectoriser.
    min_df : minimum number of distinct comments a word must occur in.
    ngram_range : lemma n-gram range of labels and keywords.
    large_n : k-means is fitted on at most this many distinct comments (a seeded sample
        drawn in proportion to their counts); all comments are then assigned.
    language, batch_size : spaCy language and ``nlp.pipe`` batch size.
    codeframe : None, a path to a ``themes.toml`` or a :class:`~feedbackml.codeframe.Codeframe`.
    n_components : dimension of the word vectors.
    k_range : smallest and largest k tried by automatic k.
    max_docs : the word statistics and labels use at most this many distinct comments.
    min_similarity : cosine of term profiles needed to keep a theme's ID across retrains.
    n_jobs : threads for the k-means fits of automatic k (the result does not depend on it).
    """

    _parameter_constraints: dict = {
        "n_themes": [Options("auto"), Interval(int, 1, None)],
        "random_state": [Interval(int, 0, None)],
        "max_features": [Interval(int, 1, None)],
        "min_df": [Interval(int, 1, None)],
        "ngram_range": [Pair(1)],
        "large_n": [Interval(int, 1, None)],
        "language": [Language()],
        "batch_size": [Interval(int, 1, None)],
        "codeframe": [InstanceOf(str, Path, Codeframe, None)],
        "n_components": [Interval(int, 2, None)],
        "k_range": [Pair(2)],
        "max_docs": [Interval(int, 100, None)],
        "min_similarity": [Interval(float, -1, 1)],
        "n_jobs": [Interval(int, 1, None), Interval(int, -1, -1)],
    }

    def __init__(self, n_themes="auto", random_state=0, max_features=20000, min_df=2,
                 ngram_range=(1, 2), large_n=50000, language="en", batch_size=2000,
                 codeframe=None, n_components=100, k_range=(3, 12), max_docs=200_000,
                 min_similarity=0.3, n_jobs=1):
        self.n_themes = n_themes
        self.random_state = random_state
        self.max_features = max_features
        self.min_df = min_df
        self.ngram_range = ngram_range
        self.large_n = large_n
        self.language = language
        self.batch_size = batch_size
        self.codeframe = codeframe
        self.n_components = n_components
        self.k_range = k_range
        self.max_docs = max_docs
        self.min_similarity = min_similarity
        self.n_jobs = n_jobs

    # -- fitting -------------------------------------------------------------------
    def fit(self, X, y=None, sample_weight=None, previous: ThemeModel | None = None):
        """Learn word vectors, theme centres, labels and keywords from cleaned texts.

        Empty strings (non-answers) are ignored. ``sample_weight`` says how many comments
        each text stands for (pass distinct texts and their counts: the same model, faster).
        With ``previous`` (a fitted ThemeModel) themes that match an old theme keep its ID
        and label; ``changes_`` says what changed.
        """
        validate_params(self)
        codeframe = self._codeframe()
        lemmas = lemmatize(as_texts(X), self.language, self.batch_size)
        weight = np.ones(len(lemmas)) if sample_weight is None else np.asarray(sample_weight, np.float64)
        keep = lemmas != ""
        codes, docs = pd.factorize(lemmas[keep], sort=True)  # = np.unique, by hashing
        docs, counts = np.asarray(docs, dtype=object), np.bincount(codes, weight[keep], minlength=len(docs))
        if len(docs) < 2:
            raise ValueError("need at least two comments with text to find themes")
        excluded = _lemmas(codeframe.exclude, self.language)
        stop = sorted(set(stop_words(self.language)) | {w for e in excluded for w in e.split()})
        rng = np.random.default_rng(self.random_state)

        self.vectors_ = CommentVectors(
            n_components=self.n_components, min_df=self.min_df, max_features=self.max_features,
            stop_words=stop, max_docs=self.max_docs, random_state=self.random_state,
        )
        term_counts = self.vectors_.fit_count(docs, sample_weight=counts)
        k = self._fit_centres(term_counts, counts, codeframe, rng)
        self.n_features_in_ = 1

        # Assign every distinct comment exactly as transform will; IDs from sizes / codeframe.
        clusters, scores = self._assign_counts(term_counts)
        has = clusters >= 0
        sizes = np.bincount(clusters[has], weights=counts[has], minlength=k)
        self.cluster_theme_ = _theme_ids(sizes, codeframe)
        self.segment_threshold_ = _low_quantile(scores, clusters, counts, k, 0.10)
        themes = self._fit_labels(docs, counts, clusters, codeframe, stop, rng)
        self.changes_ = None
        if previous is not None:
            themes = self._follow(previous, themes, codeframe)
        order = np.argsort(themes["theme_id"].to_numpy(), kind="stable")
        themes["label"] = unique_labels(themes["label"], themes["theme_id"])
        self.themes_ = themes.iloc[order].reset_index(drop=True)
        self.profiles_ = self.profiles_[order]
        prev_next = getattr(previous, "next_theme_id_", 0) if previous is not None else 0
        self.next_theme_id_ = int(max(prev_next, self.themes_["theme_id"].max() + 1))
        doc_theme = self.cluster_theme_[clusters[has]]
        self.train_sizes_ = (pd.Series(counts[has]).groupby(doc_theme).sum().astype("int64")
                             .reindex(self.themes_["theme_id"].to_numpy(), fill_value=0))
        self.codeframe_ = self._final_codeframe(codeframe, k)
        return self

    def _fit_centres(self, term_counts, counts, codeframe: Codeframe, rng) -> int:
        """Choose k, learn the corpus stop terms from a first clustering, then the centres."""
        fit_rows, fit_w = _weighted_sample(np.arange(term_counts.shape[0]), counts, self.large_n, rng)
        fit_counts = term_counts[fit_rows]
        vecs = self.vectors_.from_counts(fit_counts)
        usable = np.abs(vecs).sum(axis=1) > 0
        fit_counts, fit_w, vecs = fit_counts[usable], fit_w[usable], vecs[usable]
        if len(fit_w) < 2:
            raise ValueError("the comments contain no words left after stop words")
        seeds = self._seed_vectors(codeframe)
        k = self._choose_k(vecs, fit_w, len(seeds), codeframe)
        # Corpus-specific stop terms: words spread evenly over a first clustering lose weight.
        pilot = spherical_kmeans(vecs, fit_w, k, seeds, n_init=2, random_state=self.random_state)
        presence = fit_counts.copy()
        presence.data[:] = 1.0
        self.vectors_.set_term_weights(spread_weights(presence, pilot.labels, fit_w, k), fit_counts, fit_w)
        km = spherical_kmeans(self.vectors_.from_counts(fit_counts), fit_w, k, self._seed_vectors(codeframe),
                              n_init=4, random_state=self.random_state)
        self.cluster_centers_ = km.centers.astype(np.float32)
        return k

    def _fit_labels(self, docs, counts, clusters, codeframe: Codeframe, stop, rng) -> pd.DataFrame:
        """Label vectoriser, term profiles (``profiles_``) and the theme table before ID matching."""
        label_rows, label_w = _weighted_sample(np.arange(len(docs)), counts, self.max_docs, rng)
        min_df = self.min_df if len(label_rows) >= 10 * self.min_df else 1
        self.vectorizer_ = TfidfVectorizer(
            ngram_range=tuple(self.ngram_range), min_df=min_df, max_features=self.max_features,
            stop_words=stop, token_pattern=TOKEN_PATTERN, sublinear_tf=True, dtype=np.float32)
        tfidf = self.vectorizer_.fit_transform(docs[label_rows])
        label_cluster = clusters[label_rows]
        theme = np.where(label_cluster >= 0, self.cluster_theme_[np.maximum(label_cluster, 0)], NO_THEME)
        ids = np.unique(self.cluster_theme_)
        self.profiles_ = theme_profiles(tfidf, theme, label_w, ids)
        self.names_ = {t.id: t.name for t in codeframe.themes if t.name and t.id in set(ids.tolist())}
        return self._describe(tfidf, theme, label_w, ids, self.names_)

    def _codeframe(self) -> Codeframe:
        if self.codeframe is None:
            return Codeframe()
        if isinstance(self.codeframe, Codeframe):
            return self.codeframe
        return read_codeframe(self.codeframe)

    def _seed_vectors(self, codeframe: Codeframe) -> np.ndarray:
        """One unit vector per codeframe entry, from its seed words and phrases."""
        if not codeframe.themes:
            return np.zeros((0, self.vectors_.word_vectors_.shape[1]))
        texts = [" ".join(_lemmas(t.seeds, self.language)) for t in codeframe.themes]
        vecs = self.vectors_.transform(np.asarray(texts, dtype=object)).astype(np.float64)
        for theme, vec in zip(codeframe.themes, vecs):
            if not np.abs(vec).sum():
                raise ValueError(f"theme {theme.id} ({theme.name or ', '.join(theme.seeds)}): none of its "
                                 "seed words occurs in the comments often enough to start a theme")
        return vecs

    def _choose_k(self, vecs, weight, n_seeds: int, codeframe: Codeframe) -> int:
        wanted = self.n_themes
        if wanted == "auto" and codeframe.n_themes not in (None, "auto"):
            wanted = codeframe.n_themes
        self.auto_k_ = None
        if wanted != "auto":
            return int(min(max(int(wanted), n_seeds, 1), len(vecs)))
        low, high = self.k_range
        ks = k_range(len(vecs), low, high)
        evidence = choose_k(vecs, weight, ks, random_state=self.random_state, n_jobs=self.n_jobs)
        k = chosen_k(evidence)
        self.auto_k_ = {
            "method": "among k whose k-means partitions agree across 6 seeded 80% subsamples "
                      "(mean adjusted Rand index >= 0.8), the best silhouette (cosine); "
                      "on a sample of up to 2000 comments",
            "k_tried": evidence["k"].astype(int).tolist(),
            "stability": evidence["stability"].round(4).tolist(),
            "silhouette": evidence["silhouette"].round(4).tolist(),
            "chosen_k": k,
        }
        if n_seeds > k:
            self.auto_k_["raised_to_seeded"] = n_seeds
        return int(min(max(k, n_seeds), len(vecs)))

    def _describe(self, tfidf, theme, weight, ids, names: dict) -> pd.DataFrame:
        """``theme_id, label, keywords``: the most distinctive n-grams of each theme."""
        terms = self.vectorizer_.get_feature_names_out()
        presence = tfidf.copy()
        presence.data[:] = 1.0
        z, share = log_odds(presence, np.searchsorted(ids, theme), theme >= 0, weight, len(ids))
        rank = z * share  # distinctive (log-odds z) and exclusive (share of its uses in the theme)
        blocked = self._blocked_words()
        rows, used = [], set()
        for i, theme_id in enumerate(ids):
            order = np.argsort(-rank[i], kind="stable")
            top = [terms[j] for j in order[:50] if z[i, j] > 0]
            keywords = [t for t in top if not set(t.split()) <= blocked][:N_KEYWORDS] or top[:N_KEYWORDS]
            label = names.get(int(theme_id)) or build_label(keywords, used) or f"theme {theme_id}"
            used.add(label)
            rows.append((int(theme_id), label, ", ".join(keywords)))
        return pd.DataFrame(rows, columns=THEME_COLUMNS)

    def _blocked_words(self) -> set[str]:
        """Words that never make a label alone: negations, fillers and corpus stop terms."""
        vocab = self.vectors_.vocabulary
        weak = set(vocab[self.vectors_.term_weights_ < 0.15])
        lang = get_language(self.language)
        return weak | set(lang.negations) | set(lang.label_fillers)

    def _follow(self, previous: ThemeModel, themes: pd.DataFrame, codeframe: Codeframe) -> pd.DataFrame:
        """Give themes that match ``previous`` its IDs and labels; record ``changes_``."""
        check_is_fitted(previous, "profiles_")
        old = previous.themes_
        sim = profile_similarity(self.profiles_, self.vectorizer_.get_feature_names_out(),
                                 previous.profiles_, previous.vectorizer_.get_feature_names_out())
        changes = match_themes(sim, themes["label"], old["theme_id"], old["label"], self.min_similarity)
        fixed = {t.id for t in codeframe.themes}  # ids the analyst chose stay as they are
        next_id = max(getattr(previous, "next_theme_id_", 0), int(old["theme_id"].max()) + 1,
                      max(fixed, default=-1) + 1)
        provisional = themes["theme_id"].to_numpy()
        final = provisional.copy()
        taken = set(fixed)
        old_names = getattr(previous, "names_", {})
        for i, row in enumerate(changes.iloc[:len(themes)].itertuples(index=False)):
            if provisional[i] in fixed:  # the codeframe's ID stands; keep the label if it is the same theme
                if row.status == "kept" and row.previous_id == provisional[i]:
                    themes.loc[i, "label"] = self.names_.get(int(provisional[i]), row.previous_label)
                continue
            if row.status == "kept" and row.previous_id not in taken:
                final[i] = row.previous_id
                themes.loc[i, "label"] = row.previous_label
                if row.previous_id in old_names:
                    self.names_[int(row.previous_id)] = old_names[row.previous_id]
            else:
                final[i], next_id = next_id, next_id + 1
            taken.add(int(final[i]))
        remap = dict(zip(provisional.tolist(), final.tolist()))
        self.cluster_theme_ = np.asarray([remap[t] for t in self.cluster_theme_.tolist()], dtype=np.int64)
        themes["theme_id"] = final
        positions = changes["theme_id"]
        changes["theme_id"] = [int(final[int(p)]) if pd.notna(p) else pd.NA for p in positions]
        changes["label"] = [themes["label"].iloc[int(p)] if pd.notna(p) else "" for p in positions]
        changes["theme_id"] = changes["theme_id"].astype("Int64")
        changes["previous_id"] = changes["previous_id"].astype("Int64")
        self.changes_ = changes.sort_values(["theme_id", "previous_id"], kind="stable",
                                            na_position="last").reset_index(drop=True)
        return themes

    def _final_codeframe(self, codeframe: Codeframe, k: int) -> Codeframe:
        """The codeframe this fit ended with: the given entries plus one per free theme."""
        table = self.themes_.set_index("theme_id")
        sizes = self.train_sizes_
        given = {t.id for t in codeframe.themes}
        entries = list(codeframe.themes)
        for theme_id, row in table.iterrows():
            if theme_id in given:
                continue
            words = [w for w in row["keywords"].split(", ") if w][:4]
            entries.append(CodeframeTheme(int(theme_id), tuple(words), self.names_.get(int(theme_id))))
        notes = {int(i): f"label: {table.loc[i, 'label']} | comments: {int(sizes.get(i, 0))}\n"
                         f"keywords: {table.loc[i, 'keywords']}" for i in table.index}
        final = Codeframe(tuple(sorted(entries, key=lambda t: t.id)), codeframe.exclude, k)
        return with_notes(final, notes)

    # -- applying ------------------------------------------------------------------
    def _nearest_cluster(self, vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index of the closest centre (−1 for all-zero vectors) and the cosine to it.

        In float64 and rounded to 6 decimals, so that a comment gets the same score whatever
        batch it is scored in (float32 matrix products differ in the last bits by batch shape).
        """
        sims = np.round(np.asarray(vecs, dtype=np.float64) @ self.cluster_centers_.T.astype(np.float64), 6)
        cluster = sims.argmax(axis=1)
        score = sims[np.arange(len(vecs)), cluster]
        empty = ~np.abs(vecs).sum(axis=1).astype(bool)
        return np.where(empty, NO_THEME, cluster), np.where(empty, 0.0, score)

    def _assign_counts(self, term_counts: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Cluster and score of each comment from its term counts, in chunks (flat memory)."""
        clusters, scores = [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
        for start in range(0, term_counts.shape[0], CHUNK):
            c, s = self._nearest_cluster(self.vectors_.from_counts(term_counts[start:start + CHUNK]))
            clusters.append(c)
            scores.append(s)
        return np.concatenate(clusters), np.concatenate(scores)

    def _assign_lemmas(self, lemmas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cluster and score of each lemma string (each distinct one vectorised once), in
        chunks so memory stays flat."""
        codes, lemmas = pd.factorize(np.asarray(lemmas, dtype=object), use_na_sentinel=False)
        clusters, scores = [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
        for start in range(0, len(lemmas), CHUNK):
            c, s = self._nearest_cluster(self.vectors_.transform(lemmas[start:start + CHUNK]))
            clusters.append(c)
            scores.append(s)
        return np.concatenate(clusters)[codes], np.concatenate(scores)[codes]

    def _assign(self, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cluster and score of each cleaned text."""
        return self._assign_lemmas(lemmatize(texts, self.language, self.batch_size))

    def transform(self, X) -> pd.DataFrame:
        """``theme_id`` (primary theme, −1 = none), ``theme_score`` (cosine to its centre) and
        ``themes`` (primary first, then every other theme a clause or part fits well)."""
        check_is_fitted(self, "cluster_centers_")
        texts = as_texts(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        uniques = np.asarray(uniques, dtype=object)
        cluster, score = self._assign(uniques)
        primary = np.where(cluster >= 0, self.cluster_theme_[np.maximum(cluster, 0)], NO_THEME)
        themes = self._all_themes(uniques, primary)
        index = X.index if isinstance(X, pd.Series) else None
        return pd.DataFrame({"theme_id": primary[codes].astype("int64"),
                             "theme_score": score[codes].astype("float64"),
                             "themes": themes[codes]}, index=index)

    def _all_themes(self, texts: np.ndarray, primary: np.ndarray) -> np.ndarray:
        """Per text, the list of theme IDs: the primary one, then those of well-fitting parts."""
        parts = split_segments(pd.Series(texts, dtype=object), self.language)
        many = parts.groupby("doc")["doc"].transform("size") > 1
        parts = parts[many & (primary[parts["doc"].to_numpy()] != NO_THEME)]
        pairs = pd.DataFrame({"doc": np.arange(len(texts)), "theme": primary, "order": -1})
        if len(parts):
            codes, distinct = pd.factorize(parts["text"])  # short parts repeat across comments
            cluster, score = self._assign(np.asarray(distinct, dtype=object))
            cluster, score = cluster[codes], score[codes]
            good = (cluster >= 0) & (score >= self.segment_threshold_[np.maximum(cluster, 0)])
            extra = pd.DataFrame({"doc": parts["doc"].to_numpy()[good],
                                  "theme": self.cluster_theme_[cluster[good]],
                                  "order": np.flatnonzero(good)})
            pairs = pd.concat([pairs, extra], ignore_index=True)
        pairs = pairs[pairs["theme"] != NO_THEME].sort_values(["doc", "order"], kind="stable")
        pairs = pairs.drop_duplicates(["doc", "theme"])
        values = pairs["theme"].to_numpy(np.int64).tolist()
        bounds = np.searchsorted(pairs["doc"].to_numpy(), np.arange(len(texts) + 1)).tolist()
        return pd.Series([values[a:b] for a, b in zip(bounds[:-1], bounds[1:])], dtype=object).to_numpy()

    def predict(self, X) -> np.ndarray:
        return self.transform(X)["theme_id"].to_numpy()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(OUTPUT_COLUMNS, dtype=object)



def _lemmas(phrases, language: str) -> list[str]:
    """Lemma strings of short phrases (seed words, excluded words)."""
    if not len(phrases):
        return []
    return [p for p in lemmatize(list(phrases), language).tolist() if p]


def _weighted_sample(docs: np.ndarray, counts: np.ndarray, size: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """All distinct documents when few; otherwise a seeded sample in proportion to their counts
    (each drawn document then stands for itself once)."""
    if len(docs) <= size:
        return docs, counts
    keep = np.sort(rng.choice(len(docs), size, replace=False, p=counts / counts.sum()))
    return docs[keep], np.ones(len(keep))


def _theme_ids(sizes: np.ndarray, codeframe: Codeframe) -> np.ndarray:
    """Theme ID of each cluster: codeframe entries (with merges) first, the rest by size."""
    entries = codeframe.themes
    merged = codeframe.merged_into
    out = np.empty(len(sizes), dtype=np.int64)
    for c, theme in enumerate(entries):
        out[c] = merged.get(theme.id, theme.id)
    start = max((t.id for t in entries), default=-1) + 1
    free = np.arange(len(entries), len(sizes))
    order = free[np.lexsort((free, -sizes[free]))]
    out[order] = start + np.arange(len(order))
    return out


def _low_quantile(scores, clusters, weight, k, q) -> np.ndarray:
    """Weighted ``q``-quantile of the members' scores per cluster (0 for empty clusters)."""
    out = np.zeros(k)
    for c in range(k):
        member = clusters == c
        if member.any():
            s, w = scores[member], weight[member]
            order = np.argsort(s, kind="stable")
            cum = np.cumsum(w[order]) / w.sum()
            out[c] = s[order][np.searchsorted(cum, q)]
    return out
