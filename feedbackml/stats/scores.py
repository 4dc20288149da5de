"""Customer scores — NPS, CSAT and CES — with their categories and 95% confidence intervals.

Every metric sorts a score into three roles: ``detractor`` (NPS 0–6, CSAT "dissatisfied"
1–2, CES "difficult" 1–3), ``passive`` (NPS 7–8, CSAT 3, CES 4) and ``promoter`` (NPS 9–10,
CSAT "satisfied" 4–5, CES "easy" 5–7), so the driver analysis works the same for all three.
The headline score is 100·(P − w·D)/n with w = 1 for NPS (% promoters − % detractors) and
w = 0 for CSAT and CES (% satisfied, % easy).

Its interval must hold at small n, where the plain Wald interval (score ± z·SE from the
observed shares) collapses: 14 promoters of 14 give NPS 100 [100, 100]. So NPS uses the
adjusted Wald interval of B. Rocks, "Interval estimation for the Net Promoter Score"
(The American Statistician, 2016): ¾ of a promoter, 1½ passives and ¾ of a detractor are
added (n + 3) before the multinomial variance p + d − (p − d)² is taken. CSAT and CES, a
share, use the Agresti–Coull interval (z²/2 ≈ 2 successes and 2 failures added). Both
always contain the observed score and never have zero width;
``benchmarks/simulate_intervals.py`` prints their exact coverage at n = 10 … 1000. The mean
score's t interval gets one pseudo-answer, half at each end of the scale, so it does not
collapse either (:func:`mean_interval`).
``ci_method="bootstrap"`` resamples the mix smoothed by the same pseudo-counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..io.schema import METRIC_RANGES

CATEGORIES = ["detractor", "passive", "promoter"]
CI_METHODS = ("analytic", "bootstrap")
#: Pseudo-counts (promoter, passive, detractor) of the adjusted Wald NPS interval (Rocks 2016).
NPS_PSEUDO_COUNTS = (0.75, 1.5, 0.75)
#: Pseudo-counts (satisfied, neutral, dissatisfied) that smooth a CSAT / CES bootstrap: the
#: Agresti–Coull "two successes and two failures" for the share satisfied.
SHARE_PSEUDO_COUNTS = (2.0, 1.0, 1.0)
#: Pseudo-answers (half at each end of the scale) added to the spread of the mean score's t
#: interval, so it never has zero width (:func:`mean_interval`).
MEAN_PSEUDO_COUNT = 1.0


@dataclass(frozen=True)
class Metric:
    """How one customer score is read: range, category cut points and headline definition."""

    name: str
    low: int
    high: int
    detractor_max: int  # scores ≤ this are detractors (or their analogue)
    promoter_min: int  # scores ≥ this are promoters (or their analogue)
    detractor_weight: int  # w in 100·(P − w·D)/n
    labels: tuple[str, str, str]  # what detractor / passive / promoter are called for this metric
    definition: str


METRICS: dict[str, Metric] = {
    "nps": Metric("NPS", *METRIC_RANGES["nps"], 6, 9, 1, ("detractor", "passive", "promoter"),
                  "% promoters (9-10) minus % detractors (0-6)"),
    "csat": Metric("CSAT", *METRIC_RANGES["csat"], 2, 4, 0, ("dissatisfied", "neutral", "satisfied"),
                   "% satisfied (4-5)"),
    "ces": Metric("CES", *METRIC_RANGES["ces"], 3, 5, 0, ("difficult", "neutral", "easy"),
                  "% easy (5-7)"),
}


def get_metric(metric: str) -> Metric:
    """The :class:`Metric` called ``metric`` (nps, csat or ces)."""
    try:
        return METRICS[metric]
    except KeyError:
        raise ValueError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}") from None


def nps_category(score: pd.Series, metric: str = "nps") -> pd.Series:
    """promoter / passive / detractor (or the metric's analogue); missing without a score."""
    m = get_metric(metric)
    values = pd.to_numeric(score, errors="coerce").astype("float64")
    bins = [m.low - 0.5, m.detractor_max + 0.5, m.promoter_min - 0.5, m.high + 0.5]
    cat = pd.cut(values, bins=bins, labels=CATEGORIES)
    return pd.Series(cat, index=score.index, name="nps_category")


def score_values(category: pd.Series, metric: str = "nps") -> np.ndarray:
    """Each comment's contribution to the headline score (mean of these = the score; NaN unscored)."""
    w = get_metric(metric).detractor_weight
    cat = pd.Series(category, dtype="object")
    value = 100.0 * (cat == "promoter").to_numpy(float) - 100.0 * w * (cat == "detractor").to_numpy(float)
    return np.where(cat.notna().to_numpy(), value, np.nan)


def agresti_coull_interval(successes, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Agresti–Coull interval of the share successes / n, as fractions (NaN where n = 0).

    z²/2 successes and z²/2 failures are added (≈ 2 and 2 at 95%) before the Wald
    interval is taken, so it keeps close to (at the edges above) its nominal coverage at
    small n and near 0 or 1, and never has zero width: 12 of 12 gives [0.70, 1], not
    [1, 1]. It contains the Wilson interval, which shrinks below 95% coverage near the
    edges (0.91 at a true share of 0.95 and n = 10).
    """
    x, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    z = stats.norm.ppf(1 - alpha / 2)
    total = n + z * z
    share = (x + z * z / 2) / total
    half = z * np.sqrt(share * (1 - share) / total)
    empty = ~(n > 0)
    low, high = np.clip(share - half, 0.0, 1.0), np.clip(share + half, 0.0, 1.0)
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def adjusted_wald_nps(promoters, detractors, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted Wald interval of the NPS as a fraction in [−1, 1] (Rocks 2016; NaN where n = 0).

    :data:`NPS_PSEUDO_COUNTS` are added to the counts (n + 3), and the interval is the
    adjusted NPS ± z·√(Var/(n + 3)), Var = p + d − (p − d)² of the adjusted shares.
    """
    pro_add, pas_add, det_add = NPS_PSEUDO_COUNTS
    promoters, detractors, n = (np.asarray(a, dtype=float) for a in (promoters, detractors, n))
    total = n + pro_add + pas_add + det_add
    p, d = (promoters + pro_add) / total, (detractors + det_add) / total
    value = p - d
    se = np.sqrt((p + d - value**2) / total)
    z = stats.norm.ppf(1 - alpha / 2)
    empty = ~(n > 0)
    low, high = np.clip(value - z * se, -1.0, 1.0), np.clip(value + z * se, -1.0, 1.0)
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def score_from_counts(promoters, detractors, n, alpha: float = 0.05,
                      metric: str = "nps") -> dict[str, np.ndarray]:
    """Headline score, standard error and CI from counts (arrays broadcast; NaN where n = 0).

    ``score`` is the observed 100·(P − w·D)/n and ``se`` its plain standard error; the CI is
    the adjusted Wald interval for NPS and the Agresti–Coull interval for CSAT / CES (see the
    module docstring), widened where needed to contain the observed score (only at n = 1).
    """
    w = get_metric(metric).detractor_weight
    promoters, detractors, n = (np.asarray(a, dtype=float) for a in (promoters, detractors, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        p, d = promoters / n, detractors / n
        value = p - w * d
        se = np.sqrt(np.maximum(p + w * w * d - value**2, 0.0) / n)
        low, high = adjusted_wald_nps(promoters, detractors, n, alpha) if w else agresti_coull_interval(promoters, n, alpha)
    return {"score": 100 * value, "se": 100 * se,
            "ci_low": 100 * np.fmin(low, value), "ci_high": 100 * np.fmax(high, value)}


def nps_from_counts(promoters, detractors, n, alpha: float = 0.05,
                    metric: str = "nps") -> dict[str, np.ndarray]:
    """NPS (or the metric's headline score) and its CI from counts, under the key ``nps``."""
    out = score_from_counts(promoters, detractors, n, alpha, metric)
    return {"nps": out["score"], "ci_low": out["ci_low"], "ci_high": out["ci_high"]}


def bootstrap_ci(promoters, passives, detractors, alpha: float = 0.05, metric: str = "nps",
                 n_boot: int = 2000, random_state: int = 0) -> dict[str, np.ndarray]:
    """Percentile-bootstrap CI of the headline score for each group of counts (vectorised).

    Each group is redrawn ``n_boot`` times as a multinomial sample of its size from its
    mix smoothed by pseudo-counts (:data:`NPS_PSEUDO_COUNTS`, for CSAT / CES
    :data:`SHARE_PSEUDO_COUNTS`), so a group of 14 promoters does not give [100, 100]
    (resampling the observed mix would). The interval is widened where needed to contain
    the observed score; NaN where a group has no scores.
    """
    w = get_metric(metric).detractor_weight
    counts = np.stack([np.atleast_1d(np.asarray(a, dtype=np.int64))
                       for a in (promoters, passives, detractors)], axis=-1)
    n = counts.sum(axis=-1)
    safe_n = np.maximum(n, 1)
    smoothed = counts + np.asarray(NPS_PSEUDO_COUNTS if w else SHARE_PSEUDO_COUNTS)
    pvals = smoothed / smoothed.sum(axis=-1, keepdims=True)
    rng = np.random.default_rng(random_state)
    low, high = np.full(len(n), np.nan), np.full(len(n), np.nan)
    block = max(1, 2_000_000 // max(n_boot, 1))  # bounded memory for many groups
    for start in range(0, len(n), block):
        sl = slice(start, start + block)
        draws = rng.multinomial(n[sl], pvals[sl], size=(n_boot, len(n[sl])))
        scores = 100.0 * (draws[..., 0] - w * draws[..., 2]) / safe_n[sl]
        low[sl], high[sl] = np.quantile(scores, [alpha / 2, 1 - alpha / 2], axis=0)
    observed = 100.0 * (counts[:, 0] - w * counts[:, 2]) / safe_n
    low, high = np.fmin(low, observed), np.fmax(high, observed)
    empty = n == 0
    low[empty], high[empty] = np.nan, np.nan
    return {"ci_low": low, "ci_high": high}


def weighted_rows(weight, *arrays):
    """``(weight, *arrays)`` with the rows of weight 0 left out; ``weight=None`` returns all as is.

    Every statistic that takes a ``weight`` (a count per row, default 1) gives the same
    result as on the rows repeated that many times; rows of weight 0 are dropped first so
    that they cannot add empty segments, periods or patterns.
    """
    if weight is None:
        return (None, *arrays)
    w = np.asarray(weight, dtype=float).reshape(-1)
    keep = w > 0
    if keep.all():
        return (w, *arrays)
    return (w[keep], *(_take(a, keep) for a in arrays))


def _take(values, keep: np.ndarray):
    if values is None:
        return None
    if isinstance(values, (pd.Series, pd.DataFrame)):
        return values.reset_index(drop=True)[keep].reset_index(drop=True)
    return np.asarray(values)[keep]


def category_counts(category: pd.Series, weight=None) -> dict[str, int]:
    """Counts of promoters, passives and detractors (missing categories are not counted).

    ``weight``: optional count per row (default 1 each).
    """
    cat = pd.Series(category, dtype="object").reset_index(drop=True)
    if weight is None:
        counts = cat.value_counts()
    else:
        counts = pd.Series(np.asarray(weight, dtype=float)).groupby(cat.to_numpy()).sum()
    counts = counts.reindex(CATEGORIES, fill_value=0)
    return {"n": int(round(counts.sum())), "promoters": int(round(counts["promoter"])),
            "passives": int(round(counts["passive"])), "detractors": int(round(counts["detractor"]))}


def nps_summary(category: pd.Series, alpha: float = 0.05, metric: str = "nps", weight=None) -> dict:
    """Counts, score and analytic CI of a Series of categories, with the score under ``nps``."""
    out = category_counts(category, weight)
    result = nps_from_counts(out["promoters"], out["detractors"], out["n"], alpha, metric)
    out.update({k: (None if out["n"] == 0 else round(float(v), 4)) for k, v in result.items()})
    out["confidence"] = 1 - alpha
    return out


def score_summary(category: pd.Series, score: pd.Series | None = None, alpha: float = 0.05,
                  metric: str = "nps", ci_method: str = "analytic", n_boot: int = 2000,
                  random_state: int = 0, weight=None) -> dict:
    """The metric's headline score with its CI, category counts and the mean score with its CI.

    What ``summary["score"]`` holds: ``metric``, ``name``, ``definition``, ``categories``
    (what detractor / passive / promoter mean for this metric), counts, ``value``,
    ``ci_low``, ``ci_high``, ``ci_method``, ``mean`` with a t interval, ``confidence``.
    ``weight``: optional count per row. The mean and SD come from the count of each
    distinct score, so rows and their counts give identical numbers.
    """
    m = get_metric(metric)
    counts = category_counts(category, weight)
    n = counts["n"]
    res = score_from_counts(counts["promoters"], counts["detractors"], n, alpha, metric)
    if ci_method == "bootstrap" and n:
        res.update(bootstrap_ci(counts["promoters"], counts["passives"], counts["detractors"],
                                alpha, metric, n_boot, random_state))
    out = {"metric": metric, "name": m.name, "definition": m.definition,
           "categories": {"detractor": f"{m.labels[0]} ({m.low}-{m.detractor_max})",
                          "passive": f"{m.labels[1]} ({m.detractor_max + 1}-{m.promoter_min - 1})",
                          "promoter": f"{m.labels[2]} ({m.promoter_min}-{m.high})"},
           **counts}
    out.update({k: _rounded(res[k]) if n else None for k in ("ci_low", "ci_high")})
    out["value"] = _rounded(res["score"]) if n else None
    out["ci_method"] = ci_method
    values, freq = _value_counts(score, weight)
    total = freq.sum()
    mean = (values * freq).sum() / total if total else np.nan
    out["mean"] = _rounded(mean) if total else None
    if total > 0:
        low, high = mean_interval(values, freq, m.low, m.high, alpha)
        out["mean_ci_low"], out["mean_ci_high"] = _rounded(low), _rounded(high)
    else:
        out["mean_ci_low"] = out["mean_ci_high"] = None
    out["confidence"] = 1 - alpha
    return {k: out[k] for k in ("metric", "name", "definition", "categories", "n", "promoters",
                                "passives", "detractors", "value", "ci_low", "ci_high", "ci_method",
                                "mean", "mean_ci_low", "mean_ci_high", "confidence")}


def mean_interval(values, freq, low: float, high: float, alpha: float = 0.05) -> tuple[float, float]:
    """t interval of the mean score that never has zero width: one pseudo-answer, half at each
    end of the scale (``low``, ``high``), is added to the squared deviations from the observed
    mean and to the degrees of freedom (n − 1 + 1), and the interval is clipped to the scale.

    Without it, ten answers of 5 give 5.0 [5.0, 5.0]; with it 5.0 [4.37, 5.0]. The mean stays
    the observed one, and the pseudo-answer weighs 1/n of the spread, so it fades as n grows
    (``benchmarks/simulate_intervals.py --mean`` prints the coverage, docs/intervals.md).
    """
    values, freq = np.asarray(values, dtype=float), np.asarray(freq, dtype=float)
    total = freq.sum()
    mean = (values * freq).sum() / total
    k = MEAN_PSEUDO_COUNT
    squares = (freq * (values - mean) ** 2).sum() + k / 2 * ((low - mean) ** 2 + (high - mean) ** 2)
    df = total - 1 + k
    half = stats.t.ppf(1 - alpha / 2, df) * np.sqrt(squares / df) / np.sqrt(total)
    return max(float(low), mean - half), min(float(high), mean + half)


def _value_counts(score: pd.Series | None, weight=None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct numeric scores (sorted) and how many rows (or how much weight) each has."""
    if score is None:
        return np.array([]), np.array([])
    values = pd.to_numeric(pd.Series(score).reset_index(drop=True), errors="coerce").astype("float64")
    w = pd.Series(1.0 if weight is None else np.asarray(weight, dtype=float), index=values.index)
    known = values.notna() & (w > 0)
    freq = w[known].groupby(values[known].to_numpy()).sum().sort_index()
    return freq.index.to_numpy(float), freq.to_numpy(float)


def _rounded(value) -> float | None:
    value = float(np.asarray(value).reshape(-1)[0])
    return None if np.isnan(value) else round(value, 4)
