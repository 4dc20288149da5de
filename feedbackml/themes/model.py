"""ThemeModel: comment parts → aspect vectors → over-clustered k-means → merged themes → groups.

* Vectors: word vectors learned on the comments (PPMI + SVD, :mod:`.vectors`); a part or
  comment is the TF-IDF-weighted average of its words. Aspects, not tone
  (:mod:`.vocabulary`): generic review words and placeholders are kept out, names and
  metadata values never make labels, opinion words and intensifiers weigh 0.3 (never labels); corpus stop
  terms (spread evenly over a first clustering) never make a label alone.
* Units: themes are learned on comment *parts* (clauses split at commas and joining
  words, :mod:`.parts`) with at least ``min_part_words`` words, so "legroom was great" and
  "no legroom at all" land in one theme.
* Granularity (:mod:`.taxonomy`): over-cluster (√(parts/6) clusters, 4…60), merge too-small
  and near-duplicate clusters, check stability against a shuffled null; groups top-down by
  k-means on the comment vectors, each theme in the group most of the comments nearest it
  fall in; nested: a comment's primary theme is a theme of the group nearest it. A
  fixed ``n_themes`` skips the merging.
* Membership (:mod:`.membership`): a comment mentions a theme when one of its parts is
  clearly close to it; at most ``max_themes`` per comment; :meth:`ThemeModel.mentions`
  gives the part-level table.
* Labels and keywords: lemma n-grams ranked by log-odds against the other themes (:mod:`.labels`).
* Stable IDs: ``fit(..., previous=old_model)`` keeps the IDs and labels of matching
  themes (:mod:`.matching`) and of matching groups.

Theme IDs of a fresh fit are ordered by size (0 = largest), group IDs too; −1 means "no
theme" (empty comments, non-answers, comments without a single theme word).
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from ..lang import get_language
from ..text.caches import LastCall
from ..text.inputs import as_texts
from ..text.nlp import common_words, lemmatize
from ..validation import InstanceOf, Interval, Language, Options, Pair, validate_params
from .codeframe import Codeframe, read_codeframe
from .kmeans import spherical_kmeans
from .labels import as_written, log_odds, respell, spelling_fixes, theme_label, theme_profiles, unique_labels
from .membership import score_parts, typical_similarity
from .parts import split_parts
from .taxonomy import initial_k, merge_clusters, stability
from .taxonomy_model import TaxonomyMixin
from .vectors import CommentVectors, spread_weights
from .vocabulary import emoji_words, generic_words, name_words, opinion_words, theme_text, theme_word_weights
from .vocabulary import phrase_lemmas as _lemmas

NO_THEME = -1
#: Label and keyword terms: words of letters only (no "a380", "b777", "x2").
LABEL_TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+(?:'[^\W\d_]+)?\b"
THEME_COLUMNS = ["theme_id", "label", "keywords", "group_id", "group_label"]
GROUP_COLUMNS = ["group_id", "label", "keywords"]
OUTPUT_COLUMNS = ["theme_id", "theme_score", "themes", "group_id"]
N_KEYWORDS = 8
CHUNK = 100_000
PILOT_N = 10_000
N_INIT = 4  # k-means starts (the best objective wins)
#: Parts, lemmas and scores of the last texts a model fitted on or scored, under (the model
#: as a weak reference, its scoring parameters) (:meth:`ThemeModel._scored`).
_LAST_SCORED = LastCall()


def stop_words(language: str = "en") -> list[str]:
    """The stop words of theme vectors and labels (``lang/<language>/stop_words.txt``)."""
    return list(get_language(language).stop_words)


class ThemeModel(TransformerMixin, TaxonomyMixin, BaseEstimator):
    """Find a two-level taxonomy (groups → themes) in cleaned comments and assign every comment its themes.

    Parameters
    ----------
    n_themes : "auto" (over-cluster, then merge; see :mod:`feedbackml.themes.taxonomy`)
        or a fixed number of themes (clusters, before codeframe merges).
    random_state : seed of every random step; same data and seed give the same themes.
    max_features : vocabulary cap of the word vectors and of the label vectoriser.
    min_df : minimum number of distinct comments a word must occur in.
    ngram_range : lemma n-gram range of labels and keywords.
    large_n : k-means is fitted on at most this many distinct parts (a seeded sample
        drawn in proportion to their counts); all comments are then assigned.
    language, batch_size : spaCy language and ``nlp.pipe`` batch size.
    codeframe : None, a path to a ``themes.toml`` or a :class:`~feedbackml.themes.codeframe.Codeframe`.
    n_components : dimension of the word vectors.
    k_range : smallest and largest number of clusters automatic k starts from (√(parts / 6)
        clipped to it: the parts with ``min_part_words`` words, each counted as often as it occurs).
    max_docs : the word statistics and labels use at most this many distinct comments.
    min_similarity : cosine of term profiles needed to keep a theme's ID across retrains.
    n_jobs : kept for compatibility (the fits are single-threaded).
    min_share : automatic k merges a theme holding less than this share of the parts.
    merge_similarity : automatic k merges two themes whose centres are at least this close.
    min_part_words : words a part needs to mention a theme (a whole comment needs one).
    membership_ratio, membership_margin : a part mentions a theme when its cosine is at
        least ``membership_ratio`` × the theme's typical cosine and beats the runner-up by
        ``membership_margin``.
    max_themes : themes per comment, at most.
    blocked_words : values (of the segment and other metadata columns) whose words never
        make a label or keyword.
    n_groups : None (√(2k), 2…12) or a number of theme groups (k-means clusters of the comment vectors).
    bigram_weight : weight of adjacent content-word pairs ("late delivery") as terms of the
        comment vectors (:class:`~feedbackml.themes.vectors.CommentVectors`); 0 = words only.
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
        "bigram_weight": [Interval(float, 0, None)],
    }

    def __init__(self, n_themes="auto", random_state=0, max_features=20000, min_df=2,
                 ngram_range=(1, 2), large_n=30000, language="en", batch_size=2000,
                 codeframe=None, n_components=100, k_range=(4, 60), max_docs=200_000,
                 min_similarity=0.3, n_jobs=1, min_share=0.01, merge_similarity=0.7,
                 min_part_words=2, membership_ratio=0.8, membership_margin=0.06, max_themes=3,
                 blocked_words=(), n_groups=None, bigram_weight=0.25):
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
        self.min_share = min_share
        self.merge_similarity = merge_similarity
        self.min_part_words = min_part_words
        self.membership_ratio = membership_ratio
        self.membership_margin = membership_margin
        self.max_themes = max_themes
        self.blocked_words = blocked_words
        self.n_groups = n_groups
        self.bigram_weight = bigram_weight

    # -- fitting -------------------------------------------------------------------
    def fit(self, X, y=None, sample_weight=None, previous: ThemeModel | None = None):
        """Learn word vectors, theme centres, groups, labels and keywords from cleaned texts.

        Empty strings (non-answers) are ignored. ``sample_weight`` says how many comments
        each text stands for (pass distinct texts and their counts: the same model, faster).
        With ``previous`` (a fitted ThemeModel) themes and groups that match old ones keep
        their IDs and labels; ``changes_`` says what changed.
        """
        validate_params(self)
        codeframe = self._codeframe()
        raw = as_texts(X).reset_index(drop=True)
        weight = np.ones(len(raw)) if sample_weight is None else np.asarray(sample_weight, np.float64)
        row_order = np.argsort(raw.to_numpy(dtype=object), kind="stable")  # row order changes nothing
        texts, weight = raw.iloc[row_order].reset_index(drop=True), weight[row_order]
        parts, doc_lemmas = self._parts(texts)
        keep = doc_lemmas != ""
        if keep.sum() < 2:
            raise ValueError("need at least two comments with text to find themes")
        excluded = _lemmas(codeframe.exclude, self.language)
        self.names_found_ = sorted(name_words(texts[keep], self.language))
        self.emoji_words_ = sorted(emoji_words(texts[keep], self.language))
        # Names and emoji names stay in the vectors (a word capitalised mid-sentence may carry
        # the aspect: "Cancelled Flightled", "Fair Credit Reporting Act"; an emoji its tone)
        # but never make a label.
        vector_stop = sorted(set(stop_words(self.language)) | generic_words(self.language)
                             | {w for e in excluded for w in e.split()})
        stop = sorted(set(vector_stop) | set(self.names_found_) | set(self.emoji_words_))
        rng = np.random.default_rng(self.random_state)
        self.vectors_ = CommentVectors(
            n_components=self.n_components, min_df=self.min_df, max_features=self.max_features,
            stop_words=vector_stop, max_docs=self.max_docs, bigram_weight=self.bigram_weight,
            random_state=self.random_state,
        )
        self.vectors_.fit(doc_lemmas[keep], sample_weight=weight[keep])
        self.n_features_in_ = 1
        # Units: distinct parts, each weighing as many comments as contain it.
        codes, units = pd.factorize(parts["lemma"].to_numpy(object), sort=True)
        units = np.asarray(units, dtype=object)
        unit_w = np.bincount(codes, weights=weight[parts["doc"].to_numpy()], minlength=len(units))
        unit_counts = self.vectors_.count(units)
        n_words = self.vectors_.n_words(unit_counts)
        k = self._fit_centres(unit_counts, unit_w, n_words, keep, weight, codeframe, rng, units, previous)
        fit_units = self.fit_units_
        # Assign every comment exactly as transform will; IDs from sizes / codeframe.
        self.seed_terms_ = [tuple(_lemmas(t.seeds, self.language)) for t in codeframe.themes]
        rows, doc_w = _weighted_sample(np.flatnonzero(keep), weight[keep], PILOT_N, rng)
        self._plan_groups(doc_lemmas[rows], doc_w, _theme_ids(np.zeros(k), codeframe), previous)
        scored = self._score(parts, doc_lemmas, len(texts))
        primary, lists = scored[0], scored[1]
        has = primary >= 0
        sizes = np.bincount(primary[has], weights=weight[has], minlength=k)
        self.cluster_theme_ = _theme_ids(sizes, codeframe)
        themes = self._fit_labels(units[fit_units], self.fit_weight_, self.fit_labels_, stop, rng)
        self.changes_ = None
        if previous is not None:
            themes = self._follow(previous, themes, codeframe)
        themes = self._fit_groups(themes, sizes, previous)
        order = np.argsort(themes["theme_id"].to_numpy(), kind="stable")
        themes["label"] = unique_labels(themes["label"], themes["theme_id"])
        self.themes_ = themes.iloc[order].reset_index(drop=True)
        self.profiles_ = self.profiles_[order]
        prev_next = getattr(previous, "next_theme_id_", 0) if previous is not None else 0
        self.next_theme_id_ = int(max(prev_next, self.themes_["theme_id"].max() + 1))
        doc_theme = self.cluster_theme_[primary[has]]
        self.train_sizes_ = (pd.Series(weight[has]).groupby(doc_theme).sum().astype("int64")
                             .reindex(self.themes_["theme_id"].to_numpy(), fill_value=0))
        n_themed = np.array([len(t) for t in lists])
        self.membership_ = {"themes_per_themed_comment": round(float(
            np.average(n_themed[has], weights=weight[has])) if has.any() else 0.0, 4),
            "largest_theme_share": round(float(sizes.max() / max(sizes.sum(), 1e-12)), 4)}
        self.codeframe_ = self._final_codeframe(codeframe, k)
        del self.fit_units_, self.fit_weight_, self.fit_labels_
        _LAST_SCORED.put(self._scoring_key(), raw.to_numpy(dtype=object),
                         _unsort(row_order, parts, doc_lemmas, scored))
        return self

    def _parts(self, texts: pd.Series) -> tuple[pd.DataFrame, np.ndarray]:
        """Parts (``doc, part, text, lemma``) of the texts and each text's lemmas (its parts' joined)."""
        parts = split_parts(texts, self.language)
        parts["lemma"] = lemmatize(theme_text(parts["text"]), self.language, self.batch_size)
        parts = parts[parts["lemma"] != ""].reset_index(drop=True)
        # parts come in document order: join each document's lemmas with Arrow
        offsets = np.searchsorted(parts["doc"].to_numpy(), np.arange(len(texts) + 1)).astype(np.int64)
        lists = pa.LargeListArray.from_arrays(pa.array(offsets), pa.array(parts["lemma"].tolist(),
                                                                           type=pa.large_string()))
        doc_lemmas = pc.binary_join(lists, pa.scalar(" ", pa.large_string())).to_numpy(zero_copy_only=False)
        return parts, np.asarray(doc_lemmas, dtype=object)

    def _fit_centres(self, unit_counts, unit_w, n_words, keep, weight, codeframe: Codeframe, rng,
                     units=None, previous=None) -> int:
        """Opinion words out, corpus stop terms down, then over-cluster and merge the parts."""
        rows = np.flatnonzero(n_words >= self.min_part_words)
        if len(rows) < 20:  # very short comments: every part with a word counts
            rows = np.flatnonzero(n_words >= 1)
        fit_rows, fit_w = _weighted_sample(rows, unit_w[rows], self.large_n, rng)
        fit_counts = unit_counts[fit_rows]
        vocab = self.vectors_.vocabulary
        opinion = opinion_words(self.language)
        # a word pair is an opinion term when both its words are ("very good", not "late delivery")
        is_opinion = np.fromiter((all(p in opinion for p in w.split(" ")) for w in vocab.tolist()),
                                 dtype=bool, count=len(vocab))
        self.vectors_.set_term_weights(np.where(is_opinion, 0.0, 1.0), fit_counts, fit_w)
        vecs = self.vectors_.from_counts(fit_counts)
        usable = np.abs(vecs).sum(axis=1) > 0
        fit_rows, fit_counts, fit_w, vecs = fit_rows[usable], fit_counts[usable], fit_w[usable], vecs[usable]
        if len(fit_w) < 2:
            raise ValueError("the comments contain no words left after stop words")
        seeds = self._seed_vectors(codeframe)
        k = self._initial_k(unit_w[rows].sum(), len(fit_w), len(seeds), codeframe)
        # the pilot clustering only weighs words: evenly spaced parts are enough
        head = np.unique(np.linspace(0, len(fit_w) - 1, min(len(fit_w), PILOT_N)).astype(np.int64))
        pilot = spherical_kmeans(vecs[head], fit_w[head], k, seeds, n_init=1, random_state=self.random_state)
        presence = fit_counts[head].copy()
        presence.data[:] = 1.0
        self.spread_ = spread_weights(presence, pilot.labels, fit_w[head], k)  # corpus stop terms: not labels
        self.vectors_.set_term_weights(theme_word_weights(is_opinion), fit_counts, fit_w)
        self.opinion_words_ = sorted(w for w in set(vocab[is_opinion]) if " " not in w)
        vecs = self.vectors_.from_counts(fit_counts)
        usable = np.abs(vecs).sum(axis=1) > 0
        fit_rows, fit_w, vecs = fit_rows[usable], fit_w[usable], vecs[usable]
        start = self._previous_start(previous, units[fit_rows], vecs, fit_w) if not len(seeds) else None
        if start is not None:  # a retrain starts from the previous themes: they come back where they hold,
            # and over-clusters as a first fit would, so a topic the previous model lacks finds a theme
            k = max(len(start), k)
            km = spherical_kmeans(vecs, fit_w, k, start, anchor=0.0, random_state=self.random_state)
        else:
            km = spherical_kmeans(vecs, fit_w, k, self._seed_vectors(codeframe), n_init=N_INIT,
                                  random_state=self.random_state)
        centers, labels = km.centers, km.labels
        if self.auto_k_ is not None:
            centers, labels, merges = merge_clusters(vecs, fit_w, centers, labels, self.min_share,
                                                     self.merge_similarity, n_fixed=len(seeds))
            self.auto_k_.update(merges, chosen_k=int(len(centers)))
            self.auto_k_["stability"] = stability(vecs, fit_w, len(centers), self.random_state)
        self.cluster_centers_ = np.asarray(centers, dtype=np.float32)
        sims = vecs.astype(np.float64) @ self.cluster_centers_.T.astype(np.float64)
        self.fit_labels_ = sims.argmax(axis=1)
        self.typical_ = typical_similarity(sims[np.arange(len(vecs)), self.fit_labels_], self.fit_labels_,
                                           fit_w, len(centers))
        self.fit_units_, self.fit_weight_ = fit_rows, fit_w
        return len(centers)

    def _initial_k(self, n_parts: float, n_units: int, n_seeds: int, codeframe: Codeframe) -> int:
        """Fixed k, or the over-clustered start of automatic k from the (weighted) number of
        parts it clusters (``auto_k_`` records the evidence)."""
        wanted = self.n_themes
        if wanted == "auto" and codeframe.n_themes not in (None, "auto"):
            wanted = codeframe.n_themes
        self.auto_k_ = None
        if wanted != "auto":
            return int(min(max(int(wanted), n_seeds, 1), n_units))
        low, high = self.k_range
        k = initial_k(n_parts, low=low, high=high)
        self.auto_k_ = {
            "method": f"over-cluster the comment parts into sqrt(parts/6) clusters ({low}..{high}), "
                      "merge clusters under "
                      f"{self.min_share:.1%} of the parts and pairs of centres at cosine >= "
                      f"{self.merge_similarity}; stability against a shuffled null",
            "initial_k": k}
        return int(min(max(k, n_seeds), n_units))
    def _fit_labels(self, units, weight, clusters, stop, rng) -> pd.DataFrame:
        """Label vectoriser, term profiles (``profiles_``) and the theme table before ID matching,
        from the parts the centres were fitted on."""
        rows, label_w = _weighted_sample(np.arange(len(units)), weight, self.max_docs, rng)
        min_df = self.min_df if len(rows) >= 10 * self.min_df else 1
        self.vectorizer_ = TfidfVectorizer(
            ngram_range=tuple(self.ngram_range), min_df=min_df, max_features=self.max_features,
            stop_words=_whole_tokens(set(stop) | opinion_words(self.language) | self._metadata_words()),
            token_pattern=LABEL_TOKEN_PATTERN,
            sublinear_tf=True, dtype=np.float32)
        self._label_units, self._label_w = units[rows], label_w
        self._tfidf = self.vectorizer_.fit_transform(self._label_units)
        self._label_clusters = clusters[rows]
        label_theme = self.cluster_theme_[self._label_clusters]
        ids = np.unique(self.cluster_theme_)
        self.profiles_ = theme_profiles(self._tfidf, label_theme, label_w, ids)
        codeframe = self._codeframe()
        self.names_ = {t.id: t.name for t in codeframe.themes if t.name and t.id in set(ids.tolist())}
        return self._describe(label_theme, ids, self.names_)

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

    def _describe(self, theme, ids, names: dict, n_terms: int = 2) -> pd.DataFrame:
        """``theme_id, label, keywords``: the most distinctive n-grams of each theme (or group)."""
        terms = self.vectorizer_.get_feature_names_out()
        presence = self._tfidf.copy()
        presence.data[:] = 1.0
        z, share = log_odds(presence, np.searchsorted(ids, theme), theme >= 0, self._label_w, len(ids))
        rank = z * share  # distinctive (log-odds z) and exclusive (share of its uses in the theme)
        blocked = self._blocked_words()
        tops = [[terms[j] for j in np.argsort(-rank[i], kind="stable")[:50] if z[i, j] > 0]
                for i in range(len(ids))]
        stop = set(self.vectorizer_.get_stop_words() or ())
        fixes = self._spelling(terms, presence, {w for top in tops for t in top for w in t.split()}, stop)
        rows, used, written = [], set(), as_written(self._label_units, terms, presence)
        for i, theme_id in enumerate(ids):
            top = [t for t in respell(tops[i], fixes) if not stop & set(t.split())]
            keywords = [t for t in top if not set(t.split()) <= blocked][:N_KEYWORDS] or top[:N_KEYWORDS]
            label = (names.get(int(theme_id)) or theme_label(keywords, used, self.language, written, n_terms)
                     or f"theme {theme_id}")
            used.add(label)
            rows.append((int(theme_id), label, ", ".join(keywords)))
        return pd.DataFrame(rows, columns=THEME_COLUMNS[:3])

    def _spelling(self, terms: np.ndarray, presence, queries: set[str], stop: set[str]) -> dict[str, str]:
        """Misspelt words among ``queries`` → their usual spelling (:func:`~.labels.spelling_fixes`):
        a word of these comments ("delivry / miss" is labelled "delivery / miss"), or a word
        labels never use ("definately" is "definitely", an intensifier, and is dropped)."""
        single = np.flatnonzero(np.char.find(terms.astype(str), " ") < 0)
        words = terms[single].tolist()
        counts = np.asarray(presence[:, single].T @ self._label_w).ravel()
        unused = sorted(stop - set(words))  # never counted here: as common as can be
        return spelling_fixes(queries, words + unused, np.concatenate([counts, np.full(len(unused), np.inf)]),
                              common_words(self.language))

    def _blocked_words(self) -> set[str]:
        """Words that never make a label alone: negations, fillers and corpus stop terms."""
        vocab = self.vectors_.vocabulary
        weak = set(vocab[self.spread_ < 0.15])
        lang = get_language(self.language)
        return weak | set(lang.negations) | set(lang.label_fillers)

    # -- applying ------------------------------------------------------------------
    def _score(self, parts: pd.DataFrame, doc_lemmas: np.ndarray, n_docs: int):
        """Primary cluster, cluster lists, whole-comment cosine and per-part tables of ``n_docs``
        comments (:func:`~feedbackml.themes.membership.score_parts`)."""
        return score_parts(self, parts, doc_lemmas, n_docs, CHUNK)

    def _scored(self, texts: pd.Series):
        """``(parts, doc_lemmas, _score(...))`` of ``texts``, reused when they are the texts this
        model scored last (``analyze`` fits, then scores the same comments; the mentions step
        reads the part → theme assignment ``transform`` made, instead of making it again)."""
        values = texts.to_numpy(dtype=object)
        key = self._scoring_key()
        last = _LAST_SCORED.get(key, values)
        if last is not None:
            return last
        parts, doc_lemmas = self._parts(texts)
        scored = self._score(parts, doc_lemmas, len(texts))
        _LAST_SCORED.put(key, values, (parts, doc_lemmas, scored))
        return parts, doc_lemmas, scored

    def _scoring_key(self) -> tuple:
        """This model (a weak reference: the memo never keeps a model alive) and the parameters
        the part → theme assignment depends on after fit: a model whose membership parameters
        were changed with ``set_params`` scores its texts again."""
        return (weakref.ref(self), self.language, self.min_part_words, self.membership_ratio,
                self.membership_margin, self.max_themes)

    def _theme_of(self, clusters: np.ndarray) -> np.ndarray:
        return np.where(clusters >= 0, self.cluster_theme_[np.maximum(clusters, 0)], NO_THEME)

    def transform(self, X) -> pd.DataFrame:
        """``theme_id`` (primary theme, −1 = none), ``theme_score`` (cosine of the whole
        comment to it, 0 when only a part mentions it), ``themes`` (every theme a part
        clearly mentions, primary first, at most ``max_themes``) and ``group_id``."""
        check_is_fitted(self, "cluster_centers_")
        texts = as_texts(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        uniques = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
        primary, lists, score, _ = self._scored(uniques)[2]
        theme = self._theme_of(primary)
        group_of = dict(zip(self.themes_["theme_id"], self.themes_["group_id"]))
        group = np.array([group_of.get(t, NO_THEME) for t in theme.tolist()], dtype=np.int64)
        mapped = np.array([[int(self.cluster_theme_[c]) for c in x] for x in lists] + [None], dtype=object)[:-1]
        index = X.index if isinstance(X, pd.Series) else None
        return pd.DataFrame({"theme_id": theme[codes].astype("int64"),
                             "theme_score": score[codes].astype("float64"),
                             "themes": mapped[codes], "group_id": group[codes]}, index=index)

    def predict(self, X) -> np.ndarray:
        return self.transform(X)["theme_id"].to_numpy()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(OUTPUT_COLUMNS, dtype=object)


def _unsort(order: np.ndarray, parts: pd.DataFrame, doc_lemmas: np.ndarray, scored: tuple) -> tuple:
    """Parts, lemmas and scores of texts taken in ``order``, put back in the texts' own order."""
    primary, lists, score, (near, near_score, mentions) = scored
    back = np.empty(len(order), dtype=np.int64)
    back[order] = np.arange(len(order))
    table = parts.assign(doc=order[parts["doc"].to_numpy()])
    perm = np.lexsort((table["part"].to_numpy(), table["doc"].to_numpy()))
    table = table.iloc[perm].reset_index(drop=True)
    moved = np.empty(len(perm), dtype=np.int64)
    moved[perm] = np.arange(len(perm))
    mentions = mentions.assign(pos=moved[mentions["pos"].to_numpy(np.int64)])
    mentions = mentions.sort_values(["pos", "cluster"], kind="stable").reset_index(drop=True)
    per_part = (near[perm], near_score[perm], mentions)
    return table, doc_lemmas[back], (primary[back], lists[back], score[back], per_part)


def _whole_tokens(words: set[str]) -> list[str]:
    """The words that are one label token each ("sugar-free" is two and would never match)."""
    token = re.compile(LABEL_TOKEN_PATTERN)
    return sorted(w for w in words if token.fullmatch(w))


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
