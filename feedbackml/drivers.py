"""What drives detractors: per-theme NPS, leave-out impact, detractor lift and significance.

Works on a membership matrix (comments × themes, boolean) so a comment can belong to
several themes; with one theme per comment each row has a single True.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .nps import nps_from_counts

DRIVER_COLUMNS = ["theme_id", "label", "n", "share", "nps", "nps_impact", "detractor_rate",
                  "detractor_lift", "lift_ci_low", "lift_ci_high", "p_value", "q_value",
                  "significant"]


def membership_matrix(themes: pd.Series, theme_ids) -> np.ndarray:
    """Boolean comments × themes matrix, from one theme ID per comment (−1 = none) or from a
    list of theme IDs per comment (a comment counts in every theme it mentions)."""
    themes = pd.Series(themes).reset_index(drop=True)
    theme_ids = np.asarray(theme_ids)
    lists = themes.dtype == object and len(themes) and isinstance(themes.iloc[0], (list, tuple, np.ndarray))
    if not lists:
        return themes.to_numpy()[:, None] == theme_ids[None, :]
    pairs = themes.explode().dropna()
    rows = pairs.index.to_numpy()
    cols = pd.Index(theme_ids).get_indexer(pairs.to_numpy(dtype=np.int64))
    member = np.zeros((len(themes), len(theme_ids)), dtype=bool)
    member[rows[cols >= 0], cols[cols >= 0]] = True
    return member


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN p-values stay NaN."""
    p = np.asarray(p, dtype=float)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = stats.false_discovery_control(p[ok], method="bh")
    return q


def theme_drivers(member: np.ndarray, category: pd.Series, themes: pd.DataFrame,
                  alpha: float = 0.05, min_n: int = 30) -> pd.DataFrame:
    """One row per theme with the columns :data:`DRIVER_COLUMNS`, most harmful first.

    Parameters
    ----------
    member : boolean array (comments × themes) in the order of ``themes``.
    category : promoter / passive / detractor per comment (missing = no score).
    themes : theme table with ``theme_id`` and ``label``.
    min_n : themes with fewer scored comments are never flagged significant.

    ``n`` counts the theme's comments; ``share`` is n over comments that have a theme.
    NPS, impact, rates and tests use comments with a score. ``nps_impact`` = NPS of all
    − NPS without the theme's comments; ``detractor_lift`` = detractor rate in the theme
    / rate outside it, with a 95% CI on the log scale (0.5 added to empty cells);
    ``p_value`` is Fisher's exact test on the 2×2 table; ``q_value`` is Benjamini–Hochberg.
    """
    member = np.asarray(member, dtype=bool)
    scored = category.notna().to_numpy()
    is_pro = (category == "promoter").to_numpy() & scored
    is_det = (category == "detractor").to_numpy() & scored
    n_theme = member.sum(axis=0)
    n_with_theme = max(int(member.any(axis=1).sum()), 1)
    m = member & scored[:, None]
    n_in = m.sum(axis=0)
    pro_in = (m & is_pro[:, None]).sum(axis=0)
    det_in = (m & is_det[:, None]).sum(axis=0)
    n_all, pro_all, det_all = scored.sum(), is_pro.sum(), is_det.sum()
    n_out, pro_out, det_out = n_all - n_in, pro_all - pro_in, det_all - det_in

    theme_nps = nps_from_counts(pro_in, det_in, n_in)["nps"]
    overall = nps_from_counts(pro_all, det_all, n_all)["nps"]
    without = nps_from_counts(pro_out, det_out, n_out)["nps"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_in = det_in / n_in
        rate_out = det_out / n_out
        # Risk ratio with a log-scale Wald interval; Haldane's 0.5 where a cell is empty.
        zero = (det_in == 0) | (det_out == 0) | (det_in == n_in) | (det_out == n_out)
        a, c = det_in + 0.5 * zero, det_out + 0.5 * zero
        n1, n2 = n_in + zero, n_out + zero
        lift = np.where((n_in > 0) & (n_out > 0), (a / n1) / (c / n2), np.nan)
        se = np.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    z = stats.norm.ppf(1 - alpha / 2)
    p_value = np.array([
        stats.fisher_exact([[d_i, n_i - d_i], [d_o, n_o - d_o]])[1] if n_i > 0 and n_o > 0 else np.nan
        for d_i, n_i, d_o, n_o in zip(det_in, n_in, det_out, n_out)
    ])
    q_value = benjamini_hochberg(p_value)
    out = pd.DataFrame({
        "theme_id": themes["theme_id"].to_numpy(),
        "label": themes["label"].to_numpy(),
        "n": n_theme.astype("int64"),
        "share": n_theme / n_with_theme,
        "nps": theme_nps,
        "nps_impact": overall - without,
        "detractor_rate": rate_in,
        "detractor_lift": lift,
        "lift_ci_low": np.exp(np.log(lift) - z * se),
        "lift_ci_high": np.exp(np.log(lift) + z * se),
        "p_value": p_value,
        "q_value": q_value,
        "significant": (q_value < alpha) & (n_in >= min_n),
    }, columns=DRIVER_COLUMNS)
    out["n_scored"] = n_in.astype("int64")
    out["small_sample"] = n_in < min_n
    return (out.sort_values(["nps_impact", "theme_id"], kind="stable", na_position="last")
               .reset_index(drop=True))
