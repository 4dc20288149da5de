"""Keep theme IDs across retrains: match new themes to old ones by their term profiles.

Each theme is described by its mean TF-IDF vector over the lemma n-grams of its comments.
Two models' profiles are put on the union of their vocabularies, compared by cosine, and
paired one-to-one by the Hungarian algorithm (``scipy.optimize.linear_sum_assignment``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from sklearn.preprocessing import normalize

CHANGE_COLUMNS = ["theme_id", "label", "status", "previous_id", "previous_label", "similarity"]
#: What happened to a theme between two fits.
STATUSES = ("kept", "new", "split", "merged", "gone")


def profile_similarity(new_profiles, new_terms, old_profiles, old_terms) -> np.ndarray:
    """Cosine similarity (new themes × old themes) of term profiles on the union vocabulary."""
    union = np.union1d(np.asarray(new_terms, dtype=str), np.asarray(old_terms, dtype=str))

    def aligned(profiles, terms) -> sp.csr_matrix:
        cols = np.searchsorted(union, np.asarray(terms, dtype=str))
        mapper = sp.csr_matrix((np.ones(len(cols)), (np.arange(len(cols)), cols)),
                               shape=(len(cols), len(union)))
        return normalize(sp.csr_matrix(profiles) @ mapper)

    return np.asarray((aligned(new_profiles, new_terms) @ aligned(old_profiles, old_terms).T).todense())


def match_themes(similarity: np.ndarray, new_labels, old_ids, old_labels,
                 min_similarity: float = 0.3) -> pd.DataFrame:
    """Pair new themes with old ones and say what happened to each.

    Returns one row per new theme (in input order) and one per old theme that has no
    partner, with :data:`CHANGE_COLUMNS`; ``theme_id`` holds the *position* of the new
    theme (empty for ``gone``) for the caller to replace by its ID:

    * ``kept``: paired one-to-one with an old theme at cosine ≥ ``min_similarity``;
    * ``split``: a new theme without a partner but close to an old theme that has one;
    * ``new``: a new theme close to no old theme;
    * ``merged``: an old theme without a partner but close to a new theme (absorbed by it);
    * ``gone``: an old theme close to no new theme.
    """
    similarity = np.asarray(similarity, dtype=float)
    new_labels, old_ids, old_labels = list(new_labels), list(old_ids), list(old_labels)
    n_new, n_old = similarity.shape
    partner = np.full(n_new, -1)
    if n_new and n_old:
        rows, cols = linear_sum_assignment(-similarity)
        good = similarity[rows, cols] >= min_similarity
        partner[rows[good]] = cols[good]
    records = []
    for i in range(n_new):
        j = partner[i]
        if j >= 0:
            records.append((i, new_labels[i], "kept", old_ids[j], old_labels[j], similarity[i, j]))
            continue
        best = int(similarity[i].argmax()) if n_old else -1
        close = best >= 0 and similarity[i, best] >= min_similarity
        records.append((i, new_labels[i], "split" if close else "new",
                        old_ids[best] if close else None, old_labels[best] if close else None,
                        similarity[i, best] if best >= 0 else np.nan))
    matched_old = set(partner[partner >= 0].tolist())
    for j in range(n_old):
        if j in matched_old:
            continue
        best = int(similarity[:, j].argmax()) if n_new else -1
        close = best >= 0 and similarity[best, j] >= min_similarity
        records.append((best if close else None, new_labels[best] if close else None,
                        "merged" if close else "gone", old_ids[j], old_labels[j],
                        similarity[best, j] if best >= 0 else np.nan))
    out = pd.DataFrame.from_records(records, columns=CHANGE_COLUMNS)
    out["similarity"] = out["similarity"].astype(float).round(4)
    return out


def match_groups(groups: np.ndarray, theme_ids: np.ndarray, old_theme_ids: np.ndarray,
                 old_groups: np.ndarray, next_group_id: int = 0, min_overlap: float = 0.3) -> np.ndarray:
    """Group IDs that follow a previous fit: new groups (given per theme, as positions) are
    paired one-to-one with old groups by the Jaccard overlap of their theme IDs (themes
    already carry their old IDs); a pair at ``min_overlap`` or more keeps the old group ID,
    any other group takes the next free ID."""
    groups = np.asarray(groups)
    new = [set(np.asarray(theme_ids)[groups == g].tolist()) for g in range(groups.max() + 1)]
    old_ids = np.unique(old_groups)
    old = [set(np.asarray(old_theme_ids)[old_groups == g].tolist()) for g in old_ids]
    overlap = np.array([[len(a & b) / max(len(a | b), 1) for b in old] for a in new]).reshape(len(new), len(old))
    final = np.full(len(new), -1)
    if len(new) and len(old):
        rows, cols = linear_sum_assignment(-overlap)
        good = overlap[rows, cols] >= min_overlap
        final[rows[good]] = old_ids[cols[good]]
    next_id = max(int(next_group_id), int(old_ids.max()) + 1 if len(old_ids) else 0)
    for g in range(len(new)):
        if final[g] < 0:
            final[g], next_id = next_id, next_id + 1
    return final[groups]
