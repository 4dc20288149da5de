"""k-means on unit comment vectors: seeded (guided) spherical k-means and automatic k.

``spherical_kmeans`` is a plain weighted Lloyd loop on cosine similarity whose first
centres can start at seed vectors and stay anchored to them, so a theme the analyst
seeded always exists. ``choose_k`` picks the number of themes from the stability of
k-means across seeded subsamples and the silhouette on a sample of comments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

AUTO_K_COLUMNS = ["k", "stability", "silhouette", "stable"]
#: Stability (mean adjusted Rand index) from which a k counts as reproducible.
MIN_STABILITY = 0.8


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


def k_range(n_docs: int, k_min: int = 3, k_max: int = 12) -> list[int]:
    """The k tried by :func:`choose_k`: ``k_min`` … ``k_max``, at most one per 20 distinct comments."""
    high = max(2, min(k_max, n_docs // 20))
    low = min(k_min, high)
    return list(range(low, high + 1))


def choose_k(X: np.ndarray, weight: np.ndarray, ks: list[int], random_state: int = 0,
             n_sample: int = 2000, n_subsamples: int = 6, fraction: float = 0.8,
             n_init: int = 6, min_stability: float = MIN_STABILITY, n_jobs: int = 1) -> pd.DataFrame:
    """Stability and silhouette of k-means for each k in ``ks``; one row per k.

    A sample of ``n_sample`` comments (drawn with replacement in proportion to ``weight``,
    like rows of the export) is clustered on ``n_subsamples`` seeded subsamples of
    ``fraction`` of it; ``stability`` is the mean adjusted Rand index between the
    partitions they induce on the whole sample (1 = the same themes every time);
    ``stable`` says it reaches ``min_stability``. ``silhouette`` (cosine, of the first
    partition) measures how well separated the themes are. Columns
    :data:`AUTO_K_COLUMNS`; :func:`chosen_k` reads the choice off it. The fits run on
    ``n_jobs`` threads; the result does not depend on it.
    """
    from joblib import Parallel, delayed

    rng = np.random.default_rng(random_state)
    X = np.asarray(X, dtype=np.float32)
    weight = np.asarray(weight, dtype=np.float64)
    # Draw comments as the rows were (with replacement, in proportion to their counts), so a
    # short answer given 300 times weighs as much as it does in the data.
    size = int(min(n_sample, max(round(weight.sum()), 2)))
    sample = X[np.sort(rng.choice(len(X), size, replace=True, p=weight / weight.sum()))]
    subsets = [np.sort(rng.choice(size, int(fraction * size), replace=False)) for _ in range(n_subsamples)]
    ks = [k for k in ks if k < size]

    def partition(k: int, b: int) -> np.ndarray:
        km = KMeans(k, n_init=n_init, random_state=random_state + b).fit(sample[subsets[b]])
        return km.predict(sample)

    jobs = [(k, b) for k in ks for b in range(n_subsamples)]
    with threadpool_limits(1):  # many small fits: one thread each (n_jobs of them at once)
        labels = Parallel(n_jobs=n_jobs, prefer="threads")(delayed(partition)(k, b) for k, b in jobs)
    by_k = {k: [lab for (kk, _), lab in zip(jobs, labels) if kk == k] for k in ks}
    unit = normalize(sample.astype(np.float64))
    distance = np.clip(1.0 - unit @ unit.T, 0.0, 2.0)  # cosine distances, computed once
    rows = []
    for k in ks:
        parts = by_k[k]
        stability = np.mean([rand_index(parts[i], parts[j])
                             for i in range(len(parts)) for j in range(i + 1, len(parts))])
        silhouette = cosine_silhouette(distance, parts[0])
        rows.append((k, float(stability), float(silhouette), bool(stability >= min_stability)))
    return pd.DataFrame(rows, columns=AUTO_K_COLUMNS)


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


def cosine_silhouette(distance: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette from a precomputed distance matrix (as ``sklearn.metrics.silhouette_score``
    with ``metric="precomputed"``), vectorised over clusters; 0 for a single cluster."""
    labels = np.unique(labels, return_inverse=True)[1]
    k = labels.max() + 1
    if k < 2:
        return 0.0
    onehot = np.zeros((len(labels), k))
    onehot[np.arange(len(labels)), labels] = 1.0
    sizes = onehot.sum(axis=0)
    sums = distance @ onehot
    own = sums[np.arange(len(labels)), labels] / np.maximum(sizes[labels] - 1, 1)
    others = np.where(onehot > 0, np.inf, sums / sizes)
    nearest = others.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = (nearest - own) / np.maximum(own, nearest)
    score = np.where(sizes[labels] > 1, np.nan_to_num(score), 0.0)
    return float(score.mean())


def chosen_k(evidence: pd.DataFrame) -> int:
    """Among the stable k, the one with the best silhouette; the most stable k if none is.

    Stability alone favours a coarse split (three themes are easier to reproduce than
    six); silhouette alone favours many small themes. Together: the best-separated
    partition among those that come back on every subsample. Ties go to the smaller k.
    """
    if evidence.empty:
        return 2
    stable = evidence[evidence["stable"]]
    if stable.empty:
        return int(evidence.loc[evidence["stability"].idxmax(), "k"])
    return int(stable.loc[stable["silhouette"].idxmax(), "k"])
