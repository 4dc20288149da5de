"""Net Promoter Score: categories and the score with a 95% confidence interval.

promoter 9–10, passive 7–8, detractor 0–6; NPS = 100·(P − D)/n over rows with a score.
The interval uses the analytic variance of a difference of two proportions from the
same multinomial sample: Var(p − d) = (p + d − (p − d)²)/n.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

CATEGORIES = ["detractor", "passive", "promoter"]


def nps_category(score: pd.Series) -> pd.Series:
    """promoter / passive / detractor for scores 0–10; missing (``<NA>``) without a score."""
    values = pd.to_numeric(score, errors="coerce").astype("float64")
    cat = pd.cut(values, bins=[-0.5, 6.5, 8.5, 10.5], labels=CATEGORIES)
    return pd.Series(cat, index=score.index, name="nps_category")


def nps_from_counts(promoters, detractors, n, alpha: float = 0.05) -> dict[str, np.ndarray]:
    """NPS and its confidence interval from counts (arrays broadcast; NaN where n = 0)."""
    promoters, detractors, n = (np.asarray(a, dtype=float) for a in (promoters, detractors, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        p, d = promoters / n, detractors / n
        value = p - d
        se = np.sqrt(np.maximum(p + d - value**2, 0.0) / n)
    z = stats.norm.ppf(1 - alpha / 2)
    return {"nps": 100 * value,
            "ci_low": np.clip(100 * (value - z * se), -100, 100),
            "ci_high": np.clip(100 * (value + z * se), -100, 100)}


def nps_summary(category: pd.Series, alpha: float = 0.05) -> dict:
    """Counts, NPS and CI of a Series of categories (missing categories are not counted)."""
    counts = category.value_counts().reindex(CATEGORIES, fill_value=0)
    n = int(counts.sum())
    result = nps_from_counts(counts["promoter"], counts["detractor"], n, alpha)
    out = {"n": n, "promoters": int(counts["promoter"]), "passives": int(counts["passive"]),
           "detractors": int(counts["detractor"])}
    out.update({k: (None if n == 0 else round(float(v), 4)) for k, v in result.items()})
    out["confidence"] = 1 - alpha
    return out
