"""Which themes a comment mentions: part by part, precisely.

A comment is cut into parts (:func:`feedbackml.themes.parts.split_segments`: clauses, then
commas and joining words). A part *mentions* a theme when

* it has at least ``min_words`` vocabulary words (after stop, generic and opinion words),
  or is the whole comment;
* its cosine to the theme's centre is at least ``ratio`` × the theme's typical cosine
  (the median over the parts it was fitted on), so a theme whose parts are close to its
  centre asks more than a diffuse one;
* it beats the runner-up theme by ``margin``.

The comment's themes are those its parts mention, best cosine first, at most
``max_themes``. Its primary theme is the theme nearest the whole comment when that one is
among them (or no part mentions any theme clearly and the whole comment is close enough to
it), else the best-mentioned one. :func:`assign_parts` and :func:`comment_themes` are the
two steps; the per-part table is what ``mentions`` (part-level sentiment, aspect drivers,
quotes) is built from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Columns of :meth:`feedbackml.themes.ThemeModel.mentions`.
MENTION_COLUMNS = ["doc", "part", "text", "theme_id", "score"]


def typical_similarity(scores: np.ndarray, clusters: np.ndarray, weight: np.ndarray, k: int) -> np.ndarray:
    """Weighted median cosine of each cluster's members to its centre (1 for empty clusters)."""
    out = np.ones(k)
    for c in range(k):
        member = clusters == c
        if member.any():
            s, w = scores[member], weight[member]
            order = np.argsort(s, kind="stable")
            cum = np.cumsum(w[order]) / w.sum()
            out[c] = s[order][min(np.searchsorted(cum, 0.5), len(order) - 1)]
    return out


def assign_parts(sims: np.ndarray, n_words: np.ndarray, typical: np.ndarray, ratio: float = 0.8,
                 margin: float = 0.02, min_words: int = 2, whole: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Cluster each part clearly mentions (−1 = none) and its cosine, from part × cluster cosines.

    ``whole`` marks parts that are a whole comment (exempt from ``min_words``, need one word).
    """
    sims = np.asarray(sims, dtype=np.float64)
    if sims.shape[1] == 0:
        return np.full(len(sims), -1), np.zeros(len(sims))
    best = sims.argmax(axis=1)
    top = sims[np.arange(len(sims)), best]
    second = np.partition(sims, -2, axis=1)[:, -2] if sims.shape[1] > 1 else np.zeros(len(sims))
    need = np.where(np.asarray(whole, bool) if whole is not None else False, 1, min_words)
    clear = (n_words >= need) & (top >= ratio * typical[best]) & (top - second >= margin) & (top > 0)
    return np.where(clear, best, -1), np.where(clear, top, 0.0)


def comment_themes(part_doc: np.ndarray, part_cluster: np.ndarray, part_score: np.ndarray,
                   doc_cluster: np.ndarray, doc_score: np.ndarray, doc_ok: np.ndarray,
                   n_docs: int, max_themes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Primary cluster (−1 = none) and the list of clusters of each comment.

    ``doc_cluster``/``doc_score`` are the whole comment's nearest cluster and cosine;
    ``doc_ok`` says the whole comment is close enough to count when no part is clear.
    """
    mentioned = pd.DataFrame({"doc": part_doc, "cluster": part_cluster, "score": part_score})
    mentioned = mentioned[mentioned["cluster"] >= 0]
    best = (mentioned.groupby(["doc", "cluster"], sort=False)["score"].max().reset_index()
            .sort_values(["doc", "score", "cluster"], ascending=[True, False, True], kind="stable"))
    doc_cluster = np.asarray(doc_cluster)
    # The whole comment's nearest cluster goes first when its parts mention it (or nothing is clear).
    has_any = np.zeros(n_docs, bool)
    has_any[best["doc"].to_numpy()] = True
    nearest_mentioned = np.zeros(n_docs, bool)
    hit = best["cluster"].to_numpy() == doc_cluster[best["doc"].to_numpy()]
    nearest_mentioned[best["doc"].to_numpy()[hit]] = True
    lead = np.flatnonzero((doc_cluster >= 0) & (nearest_mentioned | (~has_any & np.asarray(doc_ok, bool))))
    first = pd.DataFrame({"doc": lead, "cluster": doc_cluster[lead], "score": np.inf})
    pairs = pd.concat([first, best], ignore_index=True).sort_values(
        ["doc", "score"], ascending=[True, False], kind="stable").drop_duplicates(["doc", "cluster"])
    pairs = pairs.groupby("doc", sort=True).head(max_themes)
    values = pairs["cluster"].to_numpy(np.int64).tolist()
    bounds = np.searchsorted(pairs["doc"].to_numpy(), np.arange(n_docs + 1)).tolist()
    lists = pd.Series([values[a:b] for a, b in zip(bounds[:-1], bounds[1:])], dtype=object).to_numpy()
    primary = np.full(n_docs, -1, dtype=np.int64)
    starts = np.asarray(bounds[:-1])
    nonempty = np.asarray(bounds[1:]) > starts
    primary[nonempty] = np.asarray(values, dtype=np.int64)[starts[nonempty]] if values else []
    return primary, lists
