"""Spike alerts on simulated exports with no trend: the old threshold rule vs the FDR-controlled one.

Each file has 8 themes of constant shares (30 % … 1 %) over 24 months of 150 comments, so any
alert is a false one. The old rule (share > mean + 2 SD of the previous six periods, SD at least
the binomial SD; ``new`` when a theme first appears) is re-implemented here; the new one is
:func:`feedbackml.stats.trends.spike_alerts` (the same rule, plus a p-value per (theme,
period) and Benjamini–Hochberg over all of them). Prints the share of files with at least one
alert, and how often a planted spike (one theme from 10 % to 30 % in the last month) is found.

Usage (from the repository root)::

    python benchmarks/simulate_alerts.py --files 200
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from feedbackml.stats.trends import spike_alerts, to_periods  # noqa: E402

SHARES = np.array([0.3, 0.2, 0.15, 0.1, 0.08, 0.05, 0.03, 0.01])
THEMES = pd.DataFrame({"theme_id": np.arange(len(SHARES)), "label": [f"t{j}" for j in range(len(SHARES))]})


def simulate(seed: int, months: int = 24, per_month: int = 150):
    """Month per comment and theme membership with constant shares (no trend)."""
    rng = np.random.default_rng(seed)
    month = np.repeat(np.arange(months), per_month)
    return month, rng.random((len(month), len(SHARES))) < SHARES


def old_rule(month: np.ndarray, member: np.ndarray, window=6, min_history=3, min_count=5, n_sd=2.0) -> int:
    """Number of alerts of the rule used before (no multiple-testing control)."""
    counts = np.stack([member[month == t].sum(axis=0) for t in range(month.max() + 1)])
    n_t = np.array([member[month == t].any(axis=1).sum() for t in range(month.max() + 1)])
    share = counts / n_t[:, None]
    alerts = 0
    for t in range(1, len(n_t)):
        past = share[max(0, t - window):t]
        mean, sd = past.mean(axis=0), past.std(axis=0, ddof=1) if len(past) > 1 else np.zeros(len(SHARES))
        sd = np.maximum(sd, np.sqrt(mean * (1 - mean) / n_t[t]))
        ever = counts[:t].sum(axis=0) > 0
        enough = counts[t] >= min_count
        alerts += int((enough & ~ever).sum())
        alerts += int((enough & ever & (len(past) >= min_history) & (share[t] > mean + n_sd * sd)).sum())
    return alerts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args(argv)
    old_any = new_any = found = 0
    for seed in range(args.files):
        month, member = simulate(seed)
        periods = to_periods(pd.Series(pd.Timestamp("2023-01-05") + pd.to_timedelta(month * 30.5, unit="D")))
        old_any += old_rule(month, member) > 0
        new_any += len(spike_alerts(periods, member, THEMES)) > 0
        rng = np.random.default_rng(10_000 + seed)
        last = month == month.max()
        member[last, 3] = rng.random(last.sum()) < 0.3
        found += any(a["label"] == "t3" and a["kind"] == "spike" for a in spike_alerts(periods, member, THEMES))
    print(f"{args.files} files, {len(SHARES)} themes x 24 months of 150 comments, no trend")
    print(f"files with at least one alert: old rule {old_any / args.files:.3f}, "
          f"with FDR control {new_any / args.files:.3f}")
    print(f"planted spike (10% -> 30% in the last month) found with FDR control: {found / args.files:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
