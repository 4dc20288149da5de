"""k-means on unit comment vectors: seeded (guided) spherical k-means.

``spherical_kmeans`` is a plain weighted Lloyd loop on cosine similarity whose first
centres can start at seed vectors and stay anchored to them, so a theme the analyst
seeded always exists. ``rand_index`` compares two partitions (the stability checks of
:mod:`.taxonomy`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits


@dataclass
class KMeansResult:
    """Centres (unit rows), the label of each input row, and the weighted mean cosine."""

    centers: np.ndarray
    labels: np.ndarray
    objective: float
    n_iter: int


def spherical_kmeans(X: np.ndarray, weight: np.ndarray, k: int, seeds: np.ndarray | None = None,
                     anchor: float = 0.5, n_init: int = 4, max_iter: int = 100, tol: float = 1e-3,
                     random_state: int = 0) -> KMeansResult:
    """Weighted spherical k-means on unit rows ``X``; the best of ``n_init`` starts.

    The first ``len(seeds)`` centres start at the seed vectors and, at every update, are
    pulled towards them with ``anchor`` times the mean cluster weight, so a seeded centre
    never drifts to another topic nor disappears. Empty free clusters restart at the row
    worst served by its centre. A start stops when at most ``tol`` of the weight changes
    cluster. Deterministic for a given ``random_state``.
    """
    X = np.asarray(X, dtype=np.float32)
    weight = np.asarray(weight, dtype=np.float64)
    seeds = (np.zeros((0, X.shape[1]), dtype=np.float32) if seeds is None or not len(seeds)
             else normalize(np.asarray(seeds, np.float64)).astype(np.float32))
    n_seeds = len(seeds)
    if k < n_seeds:
        raise ValueError(f"k={k} is smaller than the number of seeded themes ({n_seeds})")
    rng = np.random.default_rng(random_state)
    pull = anchor * weight.sum() / max(k, 1)
    best: KMeansResult | None = None
    X64 = X.astype(np.float64)  # what the weighted sums upcast X to anyway; once, not per step
    with threadpool_limits(1):  # small products: one thread is faster (and the result the same)
        for _ in range(max(1, n_init) if k > n_seeds else 1):
            result = _lloyd(X, X64, weight, k, seeds, pull, max_iter, tol, rng)
            if best is None or result.objective > best.objective + 1e-12:
                best = result
    return best


def _lloyd(X, X64, weight, k, seeds, pull, max_iter, tol, rng) -> KMeansResult:
    """One start of :func:`spherical_kmeans`."""
    n_seeds = len(seeds)
    centers = _init_centers(X, weight, k, seeds, rng)
    labels = np.full(len(X), -1)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        sims = X @ centers.T
        new_labels = sims.argmax(axis=1)
        moved = weight[new_labels != labels].sum()
        labels = new_labels
        if moved <= tol * weight.sum():
            break
        member = sp.csr_matrix((weight, (labels, np.arange(len(X)))), shape=(k, len(X)))
        sums = np.asarray(member @ X64)
        sums[:n_seeds] += pull * seeds
        empty = np.flatnonzero(np.linalg.norm(sums, axis=1) == 0)
        if len(empty):  # restart empty free clusters at the worst-served rows
            worst = np.argsort(sims[np.arange(len(X)), labels], kind="stable")[:len(empty)]
            sums[empty] = X[worst]
        centers = normalize(sums).astype(np.float32)
    sims = X @ centers.T
    labels = sims.argmax(axis=1)
    objective = float(weight @ sims[np.arange(len(X)), labels] / weight.sum())
    return KMeansResult(centers, labels, objective, it)


def _init_centers(X, weight, k, seeds, rng) -> np.ndarray:
    """k-means++ (D² sampling on 1 − cosine) continuing from the seed vectors."""
    centers = list(seeds)
    if centers:
        closest = np.max(X @ np.asarray(centers).T, axis=1)
    else:
        first = rng.choice(len(X), p=weight / weight.sum())
        centers.append(X[first])
        closest = X @ X[first]
    while len(centers) < k:
        dist = np.clip(1.0 - closest, 0, None) * weight
        total = dist.sum()
        pick = rng.choice(len(X), p=dist / total) if total > 0 else rng.choice(len(X))
        centers.append(X[pick])
        closest = np.maximum(closest, X @ X[pick])
    return normalize(np.asarray(centers, dtype=np.float64)).astype(np.float32)


def rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings (as ``sklearn.metrics.adjusted_rand_score``), from
    the contingency table built with ``np.bincount``."""
    a = np.unique(a, return_inverse=True)[1]
    b = np.unique(b, return_inverse=True)[1]
    table = np.bincount(a * (b.max() + 1) + b, minlength=(a.max() + 1) * (b.max() + 1)).astype(float)
    pairs = lambda x: (x * (x - 1) / 2).sum()  # noqa: E731
    index = pairs(table)
    rows = pairs(table.reshape(a.max() + 1, -1).sum(axis=1))
    cols = pairs(table.reshape(a.max() + 1, -1).sum(axis=0))
    expected = rows * cols / pairs(np.array([len(a)], dtype=float))
    top = (rows + cols) / 2
    return 1.0 if top == expected else float((index - expected) / (top - expected))
