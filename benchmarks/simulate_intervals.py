"""Coverage of the score intervals at small and large n: the plain Wald interval vs the ones we use.

For each true mix of promoters / passives / detractors and each sample size n, every
possible sample (P, A, D) with P + A + D = n is enumerated with its multinomial
probability, so the coverage printed is exact, not a Monte Carlo estimate: the
probability that the 95% interval contains the true score. ``old`` is the plain Wald
interval the package used before (score ± z·SE from the observed shares, clipped to the
scale); ``new`` is :func:`feedbackml.stats.scores.score_from_counts`: the adjusted Wald
interval of Rocks (2016) for NPS (¾ promoter, 1½ passive and ¾ detractor pseudo-counts,
n + 3) and the Agresti–Coull interval for the CSAT / CES share. Also printed: the mean width of
the interval and the probability that it has zero width (e.g. 14 promoters out of 14 giving
NPS 100 [100, 100] under Wald).

``--bootstrap REPS`` adds the percentile bootstrap (``--ci bootstrap``), old (resampling the
observed mix) and new (resampling the mix smoothed by the same pseudo-counts), by Monte
Carlo over REPS samples per cell.

``--mean REPS`` prints instead the coverage of the mean score's t interval (``score.mean`` in
summary.json), by Monte Carlo over REPS samples per cell (seeded): ``old`` the plain t
interval, ``new`` :func:`feedbackml.stats.scores.mean_interval` (one pseudo-answer, half at
each end of the scale, so it never has zero width).

Usage (from the repository root)::

    python benchmarks/simulate_intervals.py
    python benchmarks/simulate_intervals.py --bootstrap 2000
    python benchmarks/simulate_intervals.py --mean 4000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.special import gammaln

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from feedbackml.stats.scores import bootstrap_ci, mean_interval, score_from_counts  # noqa: E402

SIZES = (10, 30, 100, 1000)
#: (metric, promoters, passives, detractors): true shares of the three roles.
MIXES = [
    ("nps", 0.50, 0.30, 0.20),
    ("nps", 0.35, 0.30, 0.35),
    ("nps", 0.20, 0.30, 0.50),
    ("nps", 0.85, 0.12, 0.03),
    ("nps", 0.05, 0.15, 0.80),
    ("csat", 0.50, 0.30, 0.20),
    ("csat", 0.80, 0.15, 0.05),
    ("csat", 0.95, 0.04, 0.01),
]

#: (scale low, scale high, true share of each score low … high) for the mean score's interval.
MEAN_MIXES = [
    (1, 5, (0.2, 0.2, 0.2, 0.2, 0.2)),
    (1, 5, (0.02, 0.03, 0.05, 0.3, 0.6)),
    (1, 5, (0.0, 0.0, 0.0, 0.1, 0.9)),
    (1, 7, (0.0, 0.0, 0.0, 0.0, 0.05, 0.15, 0.8)),
    (0, 10, (0.03, 0, 0, 0, 0, 0, 0, 0, 0, 0.07, 0.9)),
]


def wald(promoters, detractors, n, w: int, alpha: float = 0.05):
    """The old interval: score ± z·SE from the observed shares, clipped (in percent)."""
    p, d = promoters / n, detractors / n
    value = p - w * d
    se = np.sqrt(np.maximum(p + w * w * d - value**2, 0.0) / n)
    z = stats.norm.ppf(1 - alpha / 2)
    low = -1.0 if w else 0.0
    return 100 * np.clip(value - z * se, low, 1), 100 * np.clip(value + z * se, low, 1)


def outcomes(n: int):
    """Every (promoters, detractors) with promoters + detractors ≤ n."""
    p, d = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = p + d <= n
    return p[keep].astype(float), d[keep].astype(float)


def probability(p, d, n, mix):
    """Multinomial probability of each outcome."""
    pro, pas, det = mix
    a = n - p - d
    log = (gammaln(n + 1) - gammaln(p + 1) - gammaln(a + 1) - gammaln(d + 1)
           + p * np.log(pro) + a * np.log(pas) + d * np.log(det))
    return np.exp(log)


def exact(low, high, prob, truth):
    """Coverage, mean width and probability of zero width of intervals (low, high)."""
    covered = (low <= truth + 1e-9) & (high >= truth - 1e-9)
    return prob[covered].sum(), (prob * (high - low)).sum(), prob[high - low <= 1e-9].sum()


def old_bootstrap(p, a, d, w, n_boot, rng, alpha=0.05):
    """Percentile bootstrap resampling the observed mix (the package's old ``--ci bootstrap``)."""
    n = (p + a + d).astype(np.int64)
    shares = np.stack([p, a, d], axis=-1) / n[:, None]
    draws = rng.multinomial(n, shares, size=(n_boot, len(n)))
    scores = 100.0 * (draws[..., 0] - w * draws[..., 2]) / n
    return np.quantile(scores, [alpha / 2, 1 - alpha / 2], axis=0)


def plain_t(values, freq, alpha: float = 0.05):
    """The old mean interval: mean ± t·s/√n (zero width when every answer is the same)."""
    n = freq.sum()
    mean = (values * freq).sum() / n
    sd = np.sqrt((freq * (values - mean) ** 2).sum() / (n - 1))
    half = stats.t.ppf(1 - alpha / 2, n - 1) * sd / np.sqrt(n)
    return mean - half, mean + half


def mean_coverage(reps: int, rng) -> None:
    """Monte Carlo coverage of the mean score's interval, old (plain t) and new."""
    head = ("| scale | true mix | true mean | n | coverage old | coverage new | mean width old "
            "| mean width new | P(zero width) old | P(zero width) new |")
    print(f"95% intervals of the mean score; Monte Carlo, {reps} samples per cell (target 0.950)")
    print(head)
    print("|" + " --- |" * (head.count("|") - 1))
    for low, high, mix in MEAN_MIXES:
        values = np.arange(low, high + 1, dtype=float)
        truth = float((values * np.asarray(mix)).sum())
        for n in SIZES:
            counts = rng.multinomial(n, mix, size=reps).astype(float)
            cells = {"old": [], "new": []}
            for freq in counts:
                cells["old"].append(plain_t(values, freq))
                cells["new"].append(mean_interval(values, freq, low, high))
            stat = {}
            for name, rows in cells.items():
                lo, hi = np.asarray(rows, dtype=float).T
                stat[name] = (((lo <= truth + 1e-9) & (hi >= truth - 1e-9)).mean(), (hi - lo).mean(),
                              (hi - lo <= 1e-9).mean())
            shares = "/".join(f"{m:g}" for m in mix)
            print(f"| {low}–{high} | {shares} | {truth:.2f} | {n} | {stat['old'][0]:.3f} | **{stat['new'][0]:.3f}** "
                  f"| {stat['old'][1]:.2f} | {stat['new'][1]:.2f} | {stat['old'][2]:.3f} | {stat['new'][2]:.3f} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", type=int, default=0, metavar="REPS",
                        help="also simulate the bootstrap intervals with REPS samples per cell")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap draws per interval")
    parser.add_argument("--mean", type=int, default=0, metavar="REPS",
                        help="print the coverage of the mean score's interval instead (REPS samples per cell)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    if args.mean:
        mean_coverage(args.mean, rng)
        return 0
    worst = {"old": 1.0, "new": 1.0}
    head = ("| metric | true mix (P/A/D) | true score | n | coverage old | coverage new "
            "| mean width old | mean width new | P(zero width) old | P(zero width) new |")
    if args.bootstrap:
        head += " boot. coverage old | boot. coverage new | boot. P(zero) old | boot. P(zero) new |"
    print("95% intervals; exact coverage over every possible sample (target 0.950)")
    print(head)
    print("|" + " --- |" * (head.count("|") - 1))
    for metric, *mix in MIXES:
        w = 1 if metric == "nps" else 0
        truth = 100 * (mix[0] - w * mix[2])
        for n in SIZES:
            p, d = outcomes(n)
            prob = probability(p, d, n, mix)
            old = exact(*wald(p, d, n, w), prob, truth)
            res = score_from_counts(p, d, np.full_like(p, n), metric=metric)
            new = exact(res["ci_low"], res["ci_high"], prob, truth)
            worst = {"old": min(worst["old"], old[0]), "new": min(worst["new"], new[0])}
            row = (f"| {metric} | {mix[0]:.2f}/{mix[1]:.2f}/{mix[2]:.2f} | {truth:+.0f} | {n} "
                   f"| {old[0]:.3f} | **{new[0]:.3f}** | {old[1]:.1f} | {new[1]:.1f} "
                   f"| {old[2]:.3f} | {new[2]:.3f} |")
            if args.bootstrap:
                sample = rng.multinomial(n, mix, size=args.bootstrap)
                sp, sa, sd = (sample[:, i] for i in range(3))
                lo_old, hi_old = old_bootstrap(sp, sa, sd, w, args.n_boot, rng)
                boot = bootstrap_ci(sp, sa, sd, metric=metric, n_boot=args.n_boot,
                                    random_state=int(rng.integers(2**31)))
                cells = []
                for lo, hi in ((lo_old, hi_old), (boot["ci_low"], boot["ci_high"])):
                    cells.append(((lo <= truth + 1e-9) & (hi >= truth - 1e-9)).mean())
                for lo, hi in ((lo_old, hi_old), (boot["ci_low"], boot["ci_high"])):
                    cells.append((hi - lo <= 1e-9).mean())
                row += " " + " | ".join(f"{c:.3f}" for c in cells) + " |"
            print(row)
    print(f"lowest coverage over all cells: old {worst['old']:.3f}, new {worst['new']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
