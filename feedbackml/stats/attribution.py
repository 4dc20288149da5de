"""Overlap-aware attribution: adjusted odds ratios and a Shapley split of score impact.

A comment that mentions delivery and billing must not be counted twice. Two answers:
a penalised logistic regression of the event (detractor, or any 0/1 outcome) on all theme
indicators at once gives each theme's odds ratio *holding the other themes fixed*; and a
Shapley split shares the score gap between overlapping themes so that the parts add up.
Both work on unique membership patterns (comments with the same themes and control are
pooled into one binomial row), so the cost hardly grows with the number of comments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from .scores import weighted_rows

#: Default L2 penalty on each log odds ratio (a normal prior with SD 1/√l2 ≈ 3.2):
#: small enough not to matter where data are plentiful, large enough to keep a theme
#: with every comment a detractor (complete separation) finite.
DEFAULT_L2 = 0.1
MAX_EXACT_SHAPLEY = 12
N_PERMUTATIONS = 512


def _patterns(columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique rows of a uint8 matrix and the inverse index, by hashing 8-byte words (linear time)."""
    n, width = columns.shape
    if width == 0 or n == 0:
        return np.zeros((min(n, 1), width), dtype=np.uint8), np.zeros(n, dtype=np.int64)
    padded = np.zeros((n, width + (-width) % 8), dtype=np.uint8)
    padded[:, :width] = columns
    words = padded.view(np.uint64)
    codes = np.zeros(n, dtype=np.int64)
    for j in range(words.shape[1]):
        word, uniques = pd.factorize(words[:, j], sort=True)
        codes, _ = pd.factorize(codes * len(uniques) + word, sort=True)
    _, first = np.unique(codes, return_index=True)
    return columns[first], codes


def fit_logistic(X: np.ndarray, events: np.ndarray, trials: np.ndarray, l2: np.ndarray,
                 max_iter: int = 100, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Penalised binomial logistic regression by Newton's method → (coefficients, covariance).

    Maximises Σ [yη − n·log(1 + eη)] − ½ Σ l2ⱼ βⱼ²; the covariance is the inverse of the
    penalised Hessian, which gives Wald intervals (exact-enough where data are plentiful,
    and the normal-prior posterior where they are not).
    """
    X = np.asarray(X, dtype=float)
    y, n, l2 = (np.asarray(a, dtype=float) for a in (events, trials, l2))
    beta = np.zeros(X.shape[1])
    beta[0] = math.log((y.sum() + 0.5) / (n.sum() - y.sum() + 0.5))

    def objective(b):
        eta = X @ b
        return float(y @ eta - n @ np.logaddexp(0.0, eta) - 0.5 * (l2 * b * b).sum())

    current = objective(beta)
    for _ in range(max_iter):
        eta = X @ beta
        mu = np.exp(-np.logaddexp(0.0, -eta))  # logistic(η) without overflow
        grad = X.T @ (y - n * mu) - l2 * beta
        hess = (X * (n * mu * (1 - mu))[:, None]).T @ X + np.diag(l2)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-8:
            candidate = objective(beta + t * step)
            if candidate >= current - 1e-12:
                break
            t /= 2
        beta = beta + t * step
        current = objective(beta)
        if np.max(np.abs(t * step)) < tol:
            break
    eta = X @ beta
    mu = np.exp(-np.logaddexp(0.0, -eta))
    hess = (X * (n * mu * (1 - mu))[:, None]).T @ X + np.diag(l2)
    return beta, np.linalg.inv(hess)


def adjusted_odds_ratios(member: np.ndarray, event: np.ndarray, controls: pd.Series | None = None,
                         alpha: float = 0.05, l2: float = DEFAULT_L2, weight=None) -> pd.DataFrame:
    """Adjusted odds ratio of the event for each theme, with a Wald CI, from one joint model.

    Parameters
    ----------
    member : boolean comments × themes matrix (only rows where the event is known).
    event : boolean per row (e.g. detractor, churned).
    controls : optional categorical per row (e.g. channel); its levels enter the model as
        indicators against the most frequent level, so theme ORs are adjusted for it.
    l2 : penalty on every coefficient but the intercept (see :data:`DEFAULT_L2`).
    weight : optional count per row (default 1); rows are pooled into patterns anyway, so
        counts per pattern give exactly the result of the rows they stand for.

    Returns one row per theme (in column order): ``adjusted_or, adjusted_or_ci_low,
    adjusted_or_ci_high, adjusted_log_or, adjusted_se``; NaN where a theme has no rows or the
    event never / always happens.
    """
    member = np.asarray(member, dtype=bool)
    event = np.asarray(event, dtype=bool)
    weight, member, event, controls = weighted_rows(weight, member, event, controls)
    n_rows, k = member.shape
    out = pd.DataFrame(np.nan, index=range(k), columns=["adjusted_or", "adjusted_or_ci_low",
                                                        "adjusted_or_ci_high", "adjusted_log_or",
                                                        "adjusted_se"])
    present = member.sum(axis=0) > 0
    if n_rows == 0 or event.all() or not event.any() or not present.any():
        return out
    used = member[:, present]
    parts = [np.packbits(used, axis=1)]
    levels: list = []
    if controls is not None:
        values = pd.Series(controls).astype("string").str.strip()
        codes, levels = pd.factorize(values.mask(values.isna() | (values == ""), "(missing)"), sort=True)
        # the most frequent level is the reference; others get an indicator each
        ref = int(np.bincount(codes, weights=weight, minlength=len(levels)).argmax())
        parts.append(codes.astype(">u4").view(np.uint8).reshape(-1, 4))
    unique, inverse = _patterns(np.hstack(parts))
    trials = np.bincount(inverse, weights=weight, minlength=len(unique)).astype(float)
    events = np.bincount(inverse, weights=event if weight is None else event * weight,
                         minlength=len(unique))
    theme_x = np.unpackbits(unique[:, :parts[0].shape[1]], axis=1, count=used.shape[1]).astype(float)
    columns = [np.ones((len(unique), 1)), theme_x]
    if controls is not None and len(levels) > 1:
        code = unique[:, parts[0].shape[1]:].copy().view(">u4").reshape(-1).astype(np.int64)
        others = [i for i in range(len(levels)) if i != ref]
        columns.append((code[:, None] == np.asarray(others)[None, :]).astype(float))
    X = np.hstack(columns)
    penalty = np.full(X.shape[1], float(l2))
    penalty[0] = 0.0
    beta, cov = fit_logistic(X, events, trials, penalty)
    b = beta[1:1 + used.shape[1]]
    se = np.sqrt(np.diag(cov)[1:1 + used.shape[1]])
    z = stats.norm.ppf(1 - alpha / 2)
    out.loc[present, "adjusted_log_or"] = b
    out.loc[present, "adjusted_se"] = se
    out.loc[present, "adjusted_or"] = np.exp(b)
    out.loc[present, "adjusted_or_ci_low"] = np.exp(b - z * se)
    out.loc[present, "adjusted_or_ci_high"] = np.exp(b + z * se)
    return out


def _leave_out_values(masks: np.ndarray, patterns: np.ndarray, sums: np.ndarray,
                      counts: np.ndarray) -> np.ndarray:
    """v(S) = score of all − score without the comments of any theme in S, for each mask row."""
    total, n = sums.sum(), counts.sum()
    out = np.empty(len(masks))
    block = max(1, 4_000_000 // max(patterns.shape[0], 1))
    pt = patterns.T.astype(np.float32)
    for start in range(0, len(masks), block):
        m = masks[start:start + block].astype(np.float32)
        excluded = (m @ pt) > 0  # masks × patterns: does the pattern touch S?
        left_n = n - excluded @ counts
        left_sum = total - excluded @ sums
        with np.errstate(divide="ignore", invalid="ignore"):
            out[start:start + block] = total / n - left_sum / left_n
    return out


def _prefix_values(orders: np.ndarray, patterns: np.ndarray, sums: np.ndarray,
                   counts: np.ndarray) -> np.ndarray:
    """v(first s themes of each order), orders × (k + 1): :func:`_leave_out_values` of the
    prefixes, computed from the step at which each pattern is first left out (the
    smallest rank of its themes) instead of one masks × patterns product per prefix.
    The same numbers: the sums left out are of whole counts and scores (exact in any order)."""
    n_orders, k = orders.shape
    total, n = sums.sum(), counts.sum()
    rank = np.argsort(orders, axis=1)  # position of each theme in each order
    out = np.empty((n_orders, k + 1))
    block = max(1, 4_000_000 // max(patterns.shape[0], 1))
    columns = [np.flatnonzero(patterns[:, t]) for t in range(k)]
    for start in range(0, n_orders, block):
        r = rank[start:start + block]
        first = np.full((len(r), patterns.shape[0]), k, dtype=np.int64)
        for t, cols in enumerate(columns):
            first[:, cols] = np.minimum(first[:, cols], r[:, t:t + 1])
        slot = (first + (k + 1) * np.arange(len(r))[:, None]).reshape(-1)
        gone_n = np.bincount(slot, weights=np.tile(counts, len(r)), minlength=len(r) * (k + 1))
        gone_sum = np.bincount(slot, weights=np.tile(sums, len(r)), minlength=len(r) * (k + 1))
        # left out by the prefix of s themes: the patterns first hit at a step < s
        left_n = n - np.cumsum(gone_n.reshape(len(r), k + 1), axis=1)[:, :k]
        left_sum = total - np.cumsum(gone_sum.reshape(len(r), k + 1), axis=1)[:, :k]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[start:start + len(r), 0] = 0.0 if n else np.nan  # nothing left out yet
            out[start:start + len(r), 1:] = total / n - left_sum / left_n
    return out


def shapley_impacts(member: np.ndarray, value: np.ndarray, random_state: int = 0,
                    max_exact: int = MAX_EXACT_SHAPLEY,
                    n_permutations: int = N_PERMUTATIONS, weight=None) -> np.ndarray:
    """Shapley split of the score gap between overlapping themes (one value per theme).

    The game: v(S) = score of all comments − score of the comments that mention no theme
    in S (leave-out impact of a set of themes). Each theme gets its average marginal
    contribution over all orders, so the parts add up exactly to v(all themes) = score of
    all − score of comments without any theme. Exact up to ``max_exact`` themes, else the
    average over ``n_permutations`` random orders (each order adds up exactly, so the sum
    still does). NaN for all themes when no scored comment is left without a theme.

    ``member``: boolean comments × themes (scored comments only); ``value``: each comment's
    contribution to the score (:func:`feedbackml.nps.score_values`); ``weight``: optional
    count per row (default 1).
    """
    member = np.asarray(member, dtype=bool)
    value = np.asarray(value, dtype=float)
    weight, member, value = weighted_rows(weight, member, value)
    n_rows, k = member.shape
    phi = np.zeros(k)
    if n_rows == 0 or k == 0:
        return np.full(k, np.nan)
    unique, inverse = _patterns(np.packbits(member, axis=1))
    patterns = np.unpackbits(unique, axis=1, count=k).astype(bool)
    counts = np.bincount(inverse, weights=weight, minlength=len(unique)).astype(float)
    sums = np.bincount(inverse, weights=value if weight is None else value * weight, minlength=len(unique))
    if not (counts[~patterns.any(axis=1)].sum() > 0):
        return np.full(k, np.nan)
    if k <= max_exact:
        codes = np.arange(2**k)
        masks = ((codes[:, None] >> np.arange(k)) & 1).astype(bool)
        v = _leave_out_values(masks, patterns, sums, counts)
        size = masks.sum(axis=1)
        weight = np.array([math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k)
                           for s in range(k)])
        for j in range(k):
            without = codes[(codes >> j) & 1 == 0]
            phi[j] = (weight[size[without]] * (v[without | (1 << j)] - v[without])).sum()
        return phi
    rng = np.random.default_rng(random_state)
    orders = np.stack([rng.permutation(k) for _ in range(n_permutations)])
    for order in np.array_split(orders, max(1, n_permutations * k // 20000)):
        v = _prefix_values(order, patterns, sums, counts)
        gain = np.diff(v, axis=1)  # gain of the theme added at each step
        np.add.at(phi, order.reshape(-1), gain.reshape(-1))
    return phi / n_permutations
