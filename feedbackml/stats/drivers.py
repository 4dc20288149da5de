"""What drives detractors: per-theme score, leave-out impact, lift, odds ratios and significance.

Works on a membership matrix (comments × themes, boolean) so a comment can belong to
several themes; with one theme per comment each row has a single True. The "event" is
being a detractor (or the metric's analogue: CSAT dissatisfied, CES difficult) unless an
outcome such as churn is given; overlap-aware numbers come from :mod:`feedbackml.attribution`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .attribution import DEFAULT_L2, adjusted_odds_ratios, shapley_impacts
from .scores import get_metric, score_from_counts, score_values, weighted_rows

DRIVER_COLUMNS = ["theme_id", "label", "n", "share", "nps", "nps_impact", "detractor_rate",
                  "detractor_lift", "lift_ci_low", "lift_ci_high", "p_value", "q_value",
                  "significant", "odds_ratio", "or_ci_low", "or_ci_high", "adjusted_or",
                  "adjusted_or_ci_low", "adjusted_or_ci_high", "shapley_impact"]
#: Columns after the contract's: counts behind the tests and the event-rate impact.
EXTRA_COLUMNS = ["n_scored", "small_sample", "event_impact", "nps_impact_ci_low", "nps_impact_ci_high"]


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


def two_by_two(a, n1, c, n2, alpha: float = 0.05) -> dict[str, np.ndarray]:
    """Risk ratio and odds ratio with log-scale Wald CIs from events a/n1 (in) and c/n2 (out).

    Haldane's 0.5 is added to every cell of a table with an empty cell; NaN where a side
    has no rows. Also Fisher's exact p-value per table.
    """
    a, n1, c, n2 = (np.asarray(x, dtype=float) for x in (a, n1, c, n2))
    z = stats.norm.ppf(1 - alpha / 2)
    ok = (n1 > 0) & (n2 > 0)
    zero = (a == 0) | (c == 0) | (a == n1) | (c == n2)
    a_, c_ = a + 0.5 * zero, c + 0.5 * zero
    b_, d_ = n1 - a + 0.5 * zero, n2 - c + 0.5 * zero
    with np.errstate(divide="ignore", invalid="ignore"):
        log_rr = np.log(a_ / (a_ + b_)) - np.log(c_ / (c_ + d_))
        se_rr = np.sqrt(1 / a_ - 1 / (a_ + b_) + 1 / c_ - 1 / (c_ + d_))
        log_or = np.log(a_) + np.log(d_) - np.log(b_) - np.log(c_)
        se_or = np.sqrt(1 / a_ + 1 / b_ + 1 / c_ + 1 / d_)
    nan = np.full(a.shape, np.nan)
    p_value = np.array([stats.fisher_exact([[x, m - x], [y, k - y]])[1] if good else np.nan
                        for x, m, y, k, good in zip(a.astype(int), n1.astype(int), c.astype(int),
                                                    n2.astype(int), ok)], dtype=float).reshape(a.shape)
    where = lambda v: np.where(ok, v, nan)  # noqa: E731
    return {"lift": where(np.exp(log_rr)), "lift_ci_low": where(np.exp(log_rr - z * se_rr)),
            "lift_ci_high": where(np.exp(log_rr + z * se_rr)), "odds_ratio": where(np.exp(log_or)),
            "or_ci_low": where(np.exp(log_or - z * se_or)), "or_ci_high": where(np.exp(log_or + z * se_or)),
            "p_value": p_value}


def impact_interval(pro_in, det_in, n_in, pro_all, det_all, n_all, alpha: float = 0.05,
                    detractor_weight: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Delta-method CI of each theme's ``nps_impact`` (score of all − score without the theme).

    impact = f·(score_in − score_out) with f = n_in/n. Var ≈ f²·(Var_in/n_in + Var_out/n_out)
    + (score_in − score_out)²·f(1 − f)/n, where Var = p + w²d − (p − w·d)² per comment
    (w = ``detractor_weight``: 1 for NPS, 0 for CSAT and CES, whose score is a top-box
    share): the sampling error of the two scores plus that of the theme's size.
    """
    p_in, d_in, n_in = (np.asarray(x, dtype=float) for x in (pro_in, det_in, n_in))
    p_out, d_out, n_out = pro_all - p_in, det_all - d_in, n_all - n_in
    w = detractor_weight
    with np.errstate(divide="ignore", invalid="ignore"):
        def score_var(p, d, m):
            pr, dr = p / m, d / m
            return pr - w * dr, np.maximum(pr + w ** 2 * dr - (pr - w * dr) ** 2, 0) / m
        s_in, v_in = score_var(p_in, d_in, n_in)
        s_out, v_out = score_var(p_out, d_out, n_out)
        f = n_in / n_all
        impact = 100 * f * (s_in - s_out)
        se = 100 * np.sqrt(f ** 2 * (v_in + v_out) + (s_in - s_out) ** 2 * f * (1 - f) / n_all)
    z = float(stats.norm.ppf(1 - alpha / 2))
    ok = np.isfinite(impact) & np.isfinite(se)
    return np.where(ok, impact - z * se, np.nan), np.where(ok, impact + z * se, np.nan)


def theme_drivers(member: np.ndarray, category: pd.Series, themes: pd.DataFrame,
                  alpha: float = 0.05, min_n: int = 30, *, metric: str = "nps",
                  event: pd.Series | None = None, controls: pd.Series | None = None,
                  l2: float = DEFAULT_L2, random_state: int = 0, weight=None) -> pd.DataFrame:
    """One row per theme with :data:`DRIVER_COLUMNS` + :data:`EXTRA_COLUMNS`, most harmful first.

    Parameters
    ----------
    member : boolean array (comments × themes) in the order of ``themes``.
    category : promoter / passive / detractor per comment (missing = no score); for CSAT
        and CES the metric's analogues (see :mod:`feedbackml.nps`).
    themes : theme table with ``theme_id`` and ``label``.
    min_n : themes with fewer comments in the tests are never flagged significant.
    metric : nps, csat or ces — what ``nps`` and ``nps_impact`` measure.
    event : optional 0/1 outcome per comment (missing = unknown), e.g. churned; replaces
        "is a detractor" in the rate, lift, odds-ratio and significance columns.
    controls : optional categorical per comment (e.g. channel) the adjusted ORs control for.
    weight : optional count per row (default 1): a row stands for that many comments, so
        the table of counts per distinct (themes, category, event, control) gives the same
        result as the comments themselves (how streaming and Dask runs combine chunks).

    ``n`` counts the theme's comments; ``share`` is n over comments that have a theme.
    ``nps`` and ``nps_impact`` (score of all − score without the theme's comments) and
    ``shapley_impact`` use comments with a score. The event columns use comments where
    the event is known (``n_scored`` of them in the theme): ``detractor_rate``,
    ``detractor_lift`` (rate in / rate out) and ``odds_ratio`` with log-scale CIs,
    ``p_value`` (Fisher's exact test), ``q_value`` (Benjamini–Hochberg), ``significant``
    (q < alpha and n_scored ≥ min_n), ``adjusted_or`` (penalised logistic regression on
    all themes at once), ``event_impact`` (event rate of all − rate without the theme, in
    percentage points). Ranked by ``nps_impact`` (most negative first) when there are
    scores and no outcome, else by ``event_impact`` (largest first).
    """
    member = np.asarray(member, dtype=bool)
    weight, member, category, event, controls = weighted_rows(weight, member, category, event, controls)
    n_rows, k = member.shape
    w = np.ones(n_rows) if weight is None else weight
    category = pd.Series(category, dtype="object").reset_index(drop=True)
    scored = category.notna().to_numpy()
    is_pro = (category == "promoter").to_numpy() & scored
    is_det = (category == "detractor").to_numpy() & scored
    if event is None:
        known, happened = scored, is_det
    else:
        event = pd.Series(event).reset_index(drop=True).astype("boolean")
        known = event.notna().to_numpy()
        happened = event.fillna(False).to_numpy(bool) & known

    rows, ks = np.nonzero(member)

    def per_theme(flag: np.ndarray) -> np.ndarray:
        """Weighted count of the rows with ``flag`` in each theme (exact for whole counts)."""
        return np.bincount(ks, weights=(w * flag)[rows], minlength=k)

    n_theme = per_theme(np.ones(n_rows, dtype=bool))
    n_with_theme = max(float(w[member.any(axis=1)].sum()), 1.0)

    # Score columns: comments with a score.
    n_in, pro_in, det_in = per_theme(scored), per_theme(is_pro), per_theme(is_det)
    n_all, pro_all, det_all = w[scored].sum(), w[is_pro].sum(), w[is_det].sum()
    theme_score = score_from_counts(pro_in, det_in, n_in, alpha, metric)["score"]
    overall = score_from_counts(pro_all, det_all, n_all, alpha, metric)["score"]
    without = score_from_counts(pro_all - pro_in, det_all - det_in, n_all - n_in, alpha, metric)["score"]
    shapley = shapley_impacts(member[scored], score_values(category[scored], metric), random_state,
                              weight=None if weight is None else w[scored])

    # Event columns: comments where the event is known.
    e_in, hit_in = per_theme(known), per_theme(happened)
    e_all, hit_all = w[known].sum(), w[happened].sum()
    tab = two_by_two(hit_in, e_in, hit_all - hit_in, e_all - e_in, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_in = hit_in / e_in
        event_impact = 100 * (hit_all / e_all - (hit_all - hit_in) / (e_all - e_in))
    q_value = benjamini_hochberg(tab["p_value"])
    adjusted = adjusted_odds_ratios(member[known], happened[known],
                                    None if controls is None else
                                    pd.Series(controls).reset_index(drop=True)[known],
                                    alpha=alpha, l2=l2, weight=None if weight is None else w[known])
    out = pd.DataFrame({
        "theme_id": themes["theme_id"].to_numpy(),
        "label": themes["label"].to_numpy(),
        "n": np.rint(n_theme).astype("int64"),
        "share": n_theme / n_with_theme,
        "nps": theme_score,
        "nps_impact": np.broadcast_to(overall - without, (k,)),
        "detractor_rate": rate_in,
        "detractor_lift": tab["lift"],
        "lift_ci_low": tab["lift_ci_low"],
        "lift_ci_high": tab["lift_ci_high"],
        "p_value": tab["p_value"],
        "q_value": q_value,
        "significant": (q_value < alpha) & (e_in >= min_n),
        "odds_ratio": tab["odds_ratio"],
        "or_ci_low": tab["or_ci_low"],
        "or_ci_high": tab["or_ci_high"],
        "adjusted_or": adjusted["adjusted_or"].to_numpy(),
        "adjusted_or_ci_low": adjusted["adjusted_or_ci_low"].to_numpy(),
        "adjusted_or_ci_high": adjusted["adjusted_or_ci_high"].to_numpy(),
        "shapley_impact": shapley,
    }, columns=DRIVER_COLUMNS)
    out["n_scored"] = np.rint(e_in).astype("int64")
    out["small_sample"] = e_in < min_n
    out["event_impact"] = event_impact
    low, high = impact_interval(pro_in, det_in, n_in, pro_all, det_all, n_all, alpha,
                                get_metric(metric).detractor_weight)
    out["nps_impact_ci_low"], out["nps_impact_ci_high"] = low, high
    by_score = event is None and n_all > 0
    key = out["nps_impact"] if by_score else -out["event_impact"]
    return (out.assign(_key=key).sort_values(["_key", "theme_id"], kind="stable", na_position="last")
               .drop(columns="_key").reset_index(drop=True))
