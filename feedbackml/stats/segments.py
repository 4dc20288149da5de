"""Comparisons across segments: each segment's score with its interval, the test of difference, top drivers.

Every table is built from a handful of ``np.bincount`` calls over group codes and the
(comment, theme) pairs of the membership matrix, so the cost is linear in the number of
comments and does not loop over rows. Every function takes an optional ``weight`` (a
count per row, default 1), so a table of counts per distinct (themes, category, segment,
period) gives exactly the result of the comments it stands for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .drivers import benjamini_hochberg
from .scores import agresti_coull_interval, bootstrap_ci, get_metric, score_from_counts, weighted_rows

MISSING_SEGMENT = "(missing)"
ALL_COMMENTS = "(all comments)"
NO_THEME_LABEL = "(no theme)"
SEGMENT_COLUMNS = ["segment", "n", "n_scored", "nps", "nps_ci_low", "nps_ci_high", "nps_rest",
                   "difference", "p_value", "q_value", "differs", "detractor_rate", "top_drivers",
                   "too_few", "detractor_rate_ci_low", "detractor_rate_ci_high"]
#: A theme needs this many scored comments in a segment to be listed among its top drivers.
MIN_CELL = 5
#: Segments and periods with fewer scored comments are "too few": shown, never called different.
MIN_GROUP_N = 30
#: "differs" also needs a score difference of at least this many points (NPS or % points).
MIN_DIFFERENCE = 5.0


def role_masks(category: pd.Series, event: pd.Series | None) -> dict[str, np.ndarray]:
    """Boolean arrays per comment: scored, promoter, passive, detractor, event known, event."""
    cat = pd.Series(category, dtype="object").reset_index(drop=True)
    scored = cat.notna().to_numpy()
    out = {"scored": scored, "pro": (cat == "promoter").to_numpy() & scored,
           "pas": (cat == "passive").to_numpy() & scored,
           "det": (cat == "detractor").to_numpy() & scored}
    if event is None:
        out["known"], out["hit"] = scored, out["det"]
    else:
        ev = pd.Series(event).reset_index(drop=True).astype("boolean")
        out["known"] = ev.notna().to_numpy()
        out["hit"] = ev.fillna(False).to_numpy(bool)
    return out


def group_counts(index: np.ndarray, size: int, roles: dict[str, np.ndarray],
            rows: np.ndarray | None = None, weight: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Counts per group index (length ``size``); ``rows`` maps each index entry to its comment.

    ``weight``: optional count per comment (indexed like the roles).
    """
    rows = np.arange(len(index)) if rows is None else rows
    w = None if weight is None else weight[rows]
    out = {"n": whole_counts(np.bincount(index, weights=w, minlength=size))}
    for name, flag in roles.items():
        out[name] = whole_counts(np.bincount(index, weights=flag[rows] if w is None else flag[rows] * w,
                                       minlength=size))
    return out


def whole_counts(counts: np.ndarray) -> np.ndarray:
    """Counts summed as floats (from weights) back to int64."""
    return np.rint(counts).astype(np.int64)


def score_ci(c: dict[str, np.ndarray], metric: str, alpha: float, ci_method: str, n_boot: int,
              random_state: int) -> dict[str, np.ndarray]:
    res = score_from_counts(c["pro"], c["det"], c["scored"], alpha, metric)
    if ci_method == "bootstrap" and len(c["scored"]):
        res.update(bootstrap_ci(c["pro"], c["pas"], c["det"], alpha, metric, n_boot, random_state))
    with np.errstate(divide="ignore", invalid="ignore"):
        res["event_rate"] = c["hit"] / c["known"]
    res["event_ci_low"], res["event_ci_high"] = agresti_coull_interval(c["hit"], c["known"], alpha)
    return res


def segment_codes(segment: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer code per comment and the sorted segment names; missing values are ``(missing)``."""
    values = pd.Series(segment).reset_index(drop=True).astype("string").str.strip()
    values = values.mask(values.isna() | (values == ""), MISSING_SEGMENT)
    codes, names = pd.factorize(values, sort=True)
    return codes.astype(np.int64), pd.Index(names.astype(str))


def segment_table(segment: pd.Series, category: pd.Series, member: np.ndarray, themes: pd.DataFrame,
                  *, metric: str = "nps", alpha: float = 0.05, ci_method: str = "analytic",
                  n_boot: int = 2000, random_state: int = 0, event: pd.Series | None = None,
                  top: int = 3, min_n: int = MIN_GROUP_N, min_difference: float = MIN_DIFFERENCE,
                  weight=None) -> pd.DataFrame:
    """One row per segment (:data:`SEGMENT_COLUMNS`), lowest score first.

    ``nps`` is the metric's score (NPS, % satisfied, % easy) with its CI; ``nps_rest`` the
    score of all other segments and ``difference`` = nps − nps_rest. ``p_value`` comes from a
    two-sample z test with the pooled multinomial variance under "no difference" (for CSAT
    and CES the classic pooled two-proportion test). ``too_few``: fewer than ``min_n``
    scored comments; such a segment is shown with its (wide) interval but not tested: no
    ``q_value``, never ``differs``. ``q_value`` comes from Benjamini–Hochberg across the
    segments tested (the segment and the rest each with at least ``min_n`` scored
    comments); ``differs`` = q < alpha and |difference| ≥ ``min_difference`` points, so that
    a big export does not flag differences too small to matter. ``detractor_rate`` (the
    event rate) has its Agresti–Coull interval (``detractor_rate_ci_low`` / ``_high``).
    ``top_drivers`` lists up
    to ``top`` themes that pull the segment's score down most (leave-out impact within the segment, at least
    :data:`MIN_CELL` scored comments), as ``label (impact)`` joined by ``; ``.
    """
    member = np.asarray(member, dtype=bool)
    weight, segment, category, member, event = weighted_rows(weight, segment, category, member, event)
    codes, names = segment_codes(segment)
    g = len(names)
    roles = role_masks(category, event)
    seg = group_counts(codes, g, roles, weight=weight)
    res = score_ci(seg, metric, alpha, ci_method, n_boot, random_state)
    total = {name: arr.sum() for name, arr in seg.items()}
    rest = {name: total[name] - arr for name, arr in seg.items()}
    w = get_metric(metric).detractor_weight
    rest_score = score_from_counts(rest["pro"], rest["det"], rest["scored"], alpha, metric)["score"]
    n1, n2 = seg["scored"].astype(float), rest["scored"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p, d = total["pro"] / total["scored"], total["det"] / total["scored"]
        pooled_var = max(float(p + w * w * d - (p - w * d) ** 2), 0.0) if total["scored"] else np.nan
        diff = res["score"] - rest_score
        se = 100 * np.sqrt(pooled_var * (1 / n1 + 1 / n2))
        z = np.where(se > 0, diff / se, 0.0)
    p_value = np.where((n1 > 0) & (n2 > 0), 2 * stats.norm.sf(np.abs(z)), np.nan)
    too_few = n1 < min_n
    tested = ~too_few & (n2 >= min_n) & ~np.isnan(p_value)
    q_value = np.full(g, np.nan)
    q_value[tested] = benjamini_hochberg(p_value[tested])
    with np.errstate(invalid="ignore"):
        differs = tested & (q_value < alpha) & (np.abs(diff) >= min_difference)
    out = pd.DataFrame({
        "segment": names, "n": seg["n"], "n_scored": seg["scored"], "nps": res["score"],
        "nps_ci_low": res["ci_low"], "nps_ci_high": res["ci_high"], "nps_rest": rest_score,
        "difference": diff, "p_value": p_value, "q_value": q_value, "differs": differs,
        "detractor_rate": res["event_rate"],
        "top_drivers": _segment_top_drivers(codes, g, member, themes, roles, metric, top, weight),
        "too_few": too_few,
        "detractor_rate_ci_low": res["event_ci_low"], "detractor_rate_ci_high": res["event_ci_high"],
    }, columns=SEGMENT_COLUMNS)
    return out.sort_values(["nps", "segment"], kind="stable", na_position="last").reset_index(drop=True)


def _segment_top_drivers(codes, g, member, themes, roles, metric, top, weight=None) -> np.ndarray:
    """Per segment, the themes with the most negative leave-out impact on its score."""
    k = member.shape[1]
    rows, ks = np.nonzero(member)
    cell = group_counts(codes[rows] * k + ks, g * k, roles, rows, weight)
    seg = group_counts(codes, g, roles, weight=weight)
    shape = (g, k)
    n_in, pro_in, det_in = (cell[x].reshape(shape) for x in ("scored", "pro", "det"))
    n_seg, pro_seg, det_seg = (seg[x][:, None] for x in ("scored", "pro", "det"))
    score_seg = score_from_counts(pro_seg, det_seg, n_seg, metric=metric)["score"]
    without = score_from_counts(pro_seg - pro_in, det_seg - det_in, n_seg - n_in, metric=metric)["score"]
    impact = score_seg - without
    long = pd.DataFrame({"segment": np.repeat(np.arange(g), k),
                         "label": np.tile(themes["label"].to_numpy(), g),
                         "impact": impact.reshape(-1), "n": n_in.reshape(-1)})
    long = long[(long["n"] >= MIN_CELL) & (long["impact"] < 0)]
    long = long.sort_values(["segment", "impact", "label"], kind="stable").groupby("segment").head(top)
    if long.empty:
        return np.full(g, "", dtype=object)
    text = (long["label"].astype(str) + " (" + long["impact"].map("{:+.1f}".format) + ")")
    joined = text.groupby(long["segment"]).agg("; ".join)
    return joined.reindex(range(g)).fillna("").to_numpy(dtype=object)
