"""The parts of :class:`~feedbackml.themes.model.ThemeModel` about the taxonomy around the
clusters: groups, following a previous model (IDs of themes and groups), the codeframe a
fit ends with, and the part-level tables (which part of a comment mentions which theme)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from ..text.inputs import as_texts
from .codeframe import Codeframe, CodeframeTheme, with_notes
from .labels import unique_labels
from .matching import match_groups, match_themes, profile_similarity
from .membership import MENTION_COLUMNS
from .taxonomy import comment_groups, groups_by_majority, theme_groups
from .vocabulary import metadata_words, phrase_lemmas

if TYPE_CHECKING:
    from .model import ThemeModel

NO_THEME = -1  # = feedbackml.themes.model.NO_THEME
GROUP_COLUMNS = ["group_id", "label", "keywords"]


def normalize_rows(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


class TaxonomyMixin:
    """Groups, retrain matching, final codeframe and part-level tables of a ThemeModel."""

    def _previous_start(self, previous, units, vecs, weight) -> np.ndarray | None:
        """Start centres of a retrain (automatic k only): in the new vector space, the mean of
        the parts the previous model puts in each of its clusters (None without a previous model)."""
        if previous is None or self.auto_k_ is None or not hasattr(previous, "typical_"):
            return None
        old = previous.vectors_.transform(units).astype(np.float64) @ previous.cluster_centers_.T.astype(np.float64)
        label = old.argmax(axis=1)
        member = sp.csr_matrix((weight, (label, np.arange(len(label)))), shape=(old.shape[1], len(label)))
        sums = np.asarray(member @ vecs.astype(np.float64))
        sums = sums[np.linalg.norm(sums, axis=1) > 0]
        if len(sums) < 2:
            return None
        self.auto_k_["initial_k"] = len(sums)
        self.auto_k_["method"] += "; started from the previous model's themes"
        return sums / np.linalg.norm(sums, axis=1, keepdims=True)

    def _metadata_words(self) -> set[str]:
        """Words of ``blocked_words`` and their lemmas ("United" blocks "united" and "unite")."""
        words = metadata_words(self.blocked_words)
        return words | {w for lemma in phrase_lemmas(sorted(words), self.language) for w in lemma.split()}

    def _plan_groups(self, lemmas, weight, cluster_key: np.ndarray, previous=None) -> None:
        """Group centres before the comments are scored (the taxonomy is nested: a comment's
        group comes from them, its primary theme is one of the group's).

        ``lemmas`` and ``weight``: a sample of comments. Their vectors are clustered by
        k-means (:func:`.taxonomy.comment_groups`) and each cluster joins the group most of
        the comments nearest it fall in (clusters with the same ``cluster_key`` — codeframe
        merges — join one group): ``group_centers_`` (one row per group, 0 = the most
        comments) and ``cluster_group_``. Too few comments (or a single cluster): both None,
        and :meth:`_fit_groups` clusters the theme centres instead. A retrain on ``previous``
        starts k-means from its groups (the mean of the new vectors of the comments it puts in
        each), so comments keep their group, and so their theme, where the groups still hold."""
        self.group_centers_ = self.cluster_group_ = self.group_evidence_ = None
        k = len(self.cluster_centers_)
        if k < 2 or not len(lemmas):
            return
        vecs = self.vectors_.transform(lemmas)
        usable = np.abs(vecs).sum(axis=1) > 0
        vecs, weight = vecs[usable], np.asarray(weight, np.float64)[usable]
        if len(vecs) <= max(k, 12):
            return
        start = None
        if getattr(previous, "group_centers_", None) is not None:
            old = previous.vectors_.transform(np.asarray(lemmas, dtype=object)[usable]).astype(np.float64)
            label = (old @ previous.group_centers_.T.astype(np.float64)).argmax(axis=1)
            member = sp.csr_matrix((weight, (label, np.arange(len(label)))), shape=(len(previous.group_centers_),
                                                                                 len(label)))
            sums = np.asarray(member @ vecs.astype(np.float64))
            sums = sums[np.linalg.norm(sums, axis=1) > 0]
            start = sums / np.linalg.norm(sums, axis=1, keepdims=True) if len(sums) > 1 else None
        centers, self.group_evidence_ = comment_groups(vecs, weight, k, self.n_groups, self.random_state,
                                                       start=start)
        vecs = vecs.astype(np.float64)
        cluster = (vecs @ self.cluster_centers_.T.astype(np.float64)).argmax(axis=1)
        key = pd.Index(np.unique(cluster_key)).get_indexer(cluster_key)
        key_centers = np.stack([normalize_rows(self.cluster_centers_[key == i].astype(np.float64).sum(axis=0))
                                for i in range(key.max() + 1)])
        group, centre_of = groups_by_majority(key[cluster], (vecs @ centers.T).argmax(axis=1), weight,
                                              key_centers, centers)
        self.group_centers_ = centers[centre_of].astype(np.float32)
        self.cluster_group_ = group[key].astype(np.int64)
        self.group_evidence_["groups"] = int(len(centre_of))
        if self.auto_k_ is not None:
            self.auto_k_["groups"] = self.group_evidence_

    def _fit_groups(self, themes: pd.DataFrame, sizes: np.ndarray, previous) -> pd.DataFrame:
        """Groups of themes (``groups_``, ``group_id``/``group_label`` in the theme table).

        With :meth:`_plan_groups`' centres each theme is in its clusters' group; group IDs of
        a fresh fit are ordered by the comments of their themes (0 = most). Without them (too
        few comments) the theme centres are clustered (:func:`.taxonomy.theme_groups`)."""
        ids = themes["theme_id"].to_numpy()
        theme_sizes = np.array([sizes[self.cluster_theme_ == t].sum() for t in ids])
        if self.cluster_group_ is not None:
            first = np.array([np.flatnonzero(self.cluster_theme_ == t)[0] for t in ids])
            index = self.cluster_group_[first]
            totals = np.bincount(index, weights=theme_sizes + 1e-9, minlength=len(self.group_centers_))
            used = np.flatnonzero(np.bincount(index, minlength=len(totals)) > 0)
            order = used[np.lexsort((used, -totals[used]))]
            rank = np.full(len(totals), -1, dtype=np.int64)
            rank[order] = np.arange(len(order))
            group = rank[index]
            self.group_centers_ = self.group_centers_[order]
            self.cluster_group_ = rank[self.cluster_group_]
        else:
            centers = np.stack([normalize_rows(self.cluster_centers_[self.cluster_theme_ == t].sum(axis=0))
                                for t in ids])
            group = theme_groups(centers, theme_sizes, self.n_groups, self.random_state)
        if previous is not None and "group_id" in previous.themes_:
            group = match_groups(group, ids, previous.themes_["theme_id"].to_numpy(),
                                 previous.themes_["group_id"].to_numpy(),
                                 getattr(previous, "next_group_id_", 0))
        label_group = pd.Series(group, index=ids).reindex(self.cluster_theme_[self._label_clusters]).to_numpy()
        group_ids = np.unique(group)
        table = self._describe(label_group, group_ids, {}, n_terms=2)
        old_labels = {} if previous is None else dict(zip(previous.groups_["group_id"], previous.groups_["label"]))
        table["label"] = [old_labels.get(int(g), lab) for g, lab in zip(group_ids, table["label"])]
        table = table.rename(columns={"theme_id": "group_id"})[GROUP_COLUMNS]
        table["label"] = unique_labels(table["label"], table["group_id"])
        self.groups_ = table.reset_index(drop=True)
        self.next_group_id_ = int(max(getattr(previous, "next_group_id_", 0) if previous is not None else 0,
                                      group_ids.max() + 1))
        labels = self.groups_.set_index("group_id")["label"]
        themes["group_id"] = group.astype(np.int64)
        themes["group_label"] = labels.reindex(group).to_numpy()
        self.group_of_ = np.asarray(group, dtype=np.int64)  # per row of the theme table, before sorting
        del self._tfidf, self._label_w, self._label_clusters, self._label_units
        return themes

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

    def part_themes(self, X) -> pd.DataFrame:
        """Every part of each text with the themes it mentions: ``doc, part, theme_id, text,
        clause_text, clause, after_contrast, fit, score`` — one row per (part, theme) mention (``fit`` when the theme
        is one of the comment's ``themes``), and for a part that mentions none one row with
        its nearest theme (−1 for a part without a theme word) and ``fit`` False; ``score``
        is the cosine to the theme. This is the assignment :meth:`transform` made (reused, not
        made again, for the texts it scored last); :func:`feedbackml.themes.mentions.theme_parts`
        reads it."""
        check_is_fitted(self, "cluster_centers_")
        texts = as_texts(X).reset_index(drop=True)
        parts, _, (_, _, _, (near, near_score, mentions)) = self._scored(texts)
        pos = mentions["pos"].to_numpy(np.int64)
        alone = np.ones(len(parts), dtype=bool)
        alone[pos] = False
        rest = np.flatnonzero(alone)
        at = np.r_[pos, rest]
        theme = np.r_[self._theme_of(mentions["cluster"].to_numpy(np.int64)), self._theme_of(near[rest])]
        fit = np.r_[mentions["kept"].to_numpy(bool), np.zeros(len(rest), dtype=bool)]
        score = np.r_[mentions["score"].to_numpy(float), near_score[rest]]
        doc, part = parts["doc"].to_numpy(np.int64)[at], parts["part"].to_numpy(np.int64)[at]
        # sorted by doc, part, theme (a stable sort) before the texts are taken, once
        order = np.lexsort((theme, part, doc))
        at = at[order]
        return pd.DataFrame({"doc": doc[order], "part": part[order], "theme_id": theme[order].astype(np.int64),
                             "text": parts["text"].array.take(at), "clause_text": parts["clause_text"].array.take(at),
                             "clause": parts["clause"].to_numpy(np.int64)[at],
                             "after_contrast": parts["after_contrast"].to_numpy(bool)[at],
                             "fit": fit[order], "score": score[order]})

    def mentions(self, X) -> pd.DataFrame:
        """One row per (part, theme) of each text where the part mentions one of the comment's
        themes: ``doc`` (position of the text in ``X``), ``part`` (0-based order in the text),
        ``text`` (the part), ``theme_id`` and ``score`` (its cosine to the theme). Parts
        mentioning no theme are left out; a comment's ``themes`` (see :meth:`transform`) are
        exactly the themes of its rows."""
        check_is_fitted(self, "cluster_centers_")
        texts = as_texts(X).reset_index(drop=True)
        parts, _, (_, _, _, (_, _, mentions)) = self._scored(texts)
        kept = mentions[mentions["kept"].to_numpy(bool)]
        pos = kept["pos"].to_numpy(np.int64)
        out = pd.DataFrame({"doc": parts["doc"].to_numpy(np.int64)[pos], "part": parts["part"].to_numpy(np.int64)[pos],
                            "text": parts["text"].to_numpy(object)[pos],
                            "theme_id": self._theme_of(kept["cluster"].to_numpy(np.int64)).astype(np.int64),
                            "score": kept["score"].to_numpy(float)})
        return out.sort_values(["doc", "part", "theme_id"], kind="stable").reset_index(drop=True)[MENTION_COLUMNS]
