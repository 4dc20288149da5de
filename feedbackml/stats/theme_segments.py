"""Theme × segment: how often each theme comes up in each segment, its score there, and
whether the segment mentions it more or less than the others (``theme_segments.csv``).

For every (theme, segment) cell: ``n`` comments of the segment mentioning the theme,
``share`` = n ÷ the segment's comments, ``share_rest`` the same in all other segments, and
the two-proportion z test of share vs share_rest (pooled variance), Benjamini–Hochberg over
all cells, ``differs`` = q < alpha with at least ``min_n`` comments in the segment. ``nps``
is the metric's score of the theme's comments in the segment (empty under ``min_n``
scored). Counts accept a ``weight`` per row like every statistic here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .drivers import benjamini_hochberg
from .scores import score_from_counts, weighted_rows
from .segments import role_masks, segment_codes

#: Columns of ``theme_segments.csv``.
THEME_SEGMENT_COLUMNS = ["theme_id", "label", "segment", "n", "segment_n", "share", "share_rest",
                         "difference", "p_value", "q_value", "differs", "n_scored", "nps"]


def theme_segment_table(segment: pd.Series, category: pd.Series, member: np.ndarray, themes: pd.DataFrame,
                        *, metric: str = "nps", alpha: float = 0.05, min_n: int = 30,
                        weight=None) -> pd.DataFrame:
    """One row per (theme, segment) with :data:`THEME_SEGMENT_COLUMNS`, themes in table order."""
    member = np.asarray(member, dtype=bool)
    weight, segment, category, member = weighted_rows(weight, segment, category, member)
    w = np.ones(len(member)) if weight is None else np.asarray(weight, float)
    codes, names = segment_codes(segment)
    g, k = len(names), member.shape[1]
    onehot = np.zeros((len(codes), g))
    onehot[np.arange(len(codes)), codes] = 1.0
    seg_n = w @ onehot  # comments per segment
    n = (onehot * w[:, None]).T @ member.astype(float)  # segments × themes
    roles = role_masks(category, None)
    scored = (onehot * (w * roles["scored"])[:, None]).T @ member.astype(float)
    pro = (onehot * (w * roles["pro"])[:, None]).T @ member.astype(float)
    det = (onehot * (w * roles["det"])[:, None]).T @ member.astype(float)
    total, all_n = n.sum(axis=0), seg_n.sum()
    rest_n = all_n - seg_n
    with np.errstate(divide="ignore", invalid="ignore"):
        share = n / seg_n[:, None]
        share_rest = (total[None, :] - n) / rest_n[:, None]
        pooled = total / all_n
        se = np.sqrt(pooled[None, :] * (1 - pooled[None, :]) * (1 / seg_n[:, None] + 1 / rest_n[:, None]))
        z = (share - share_rest) / se
    p = np.where(np.isfinite(z), 2 * stats.norm.sf(np.abs(z)), np.nan)
    tested = (seg_n[:, None] >= min_n) & (rest_n[:, None] >= min_n) & np.isfinite(p)
    q = np.full(p.shape, np.nan)
    q[tested] = benjamini_hochberg(p[tested])
    score = score_from_counts(pro, det, scored, alpha, metric)["score"]
    score = np.where(scored >= min_n, score, np.nan)
    table = pd.DataFrame({
        "theme_id": np.tile(themes["theme_id"].to_numpy(), g),
        "label": np.tile(themes["label"].to_numpy(), g),
        "segment": np.repeat(names.to_numpy(), k),
        "n": np.rint(n).astype(np.int64).ravel(),
        "segment_n": np.repeat(np.rint(seg_n).astype(np.int64), k),
        "share": share.ravel(), "share_rest": share_rest.ravel(),
        "difference": (share - share_rest).ravel(), "p_value": p.ravel(), "q_value": q.ravel(),
        "differs": (tested & (q < alpha)).ravel(),
        "n_scored": np.rint(scored).astype(np.int64).ravel(), "nps": score.ravel(),
    })
    order = np.lexsort((table["segment"].to_numpy(), np.tile(np.arange(k), g)))
    return table.iloc[order].reset_index(drop=True)[THEME_SEGMENT_COLUMNS]
