import numpy as np
import pandas as pd
from sklearn.preprocessing import normalize

from feedbackml.themes.kmeans import spherical_kmeans


def blobs(k: int, n: int = 80, dim: int = 20, spread: float = 0.15, seed: int = 0):
    """``k`` groups of ``n`` unit vectors around random centres, and the true group of each."""
    rng = np.random.default_rng(seed)
    centres = normalize(rng.standard_normal((k, dim)))
    truth = np.repeat(np.arange(k), n)
    return normalize(centres[truth] + spread * rng.standard_normal((k * n, dim))), truth


def test_spherical_kmeans_recovers_groups_and_is_deterministic():
    X, truth = blobs(4)
    a = spherical_kmeans(X, np.ones(len(X)), 4, random_state=3)
    b = spherical_kmeans(X, np.ones(len(X)), 4, random_state=3)
    assert np.array_equal(a.labels, b.labels) and np.array_equal(a.centers, b.centers)
    assert pd.crosstab(truth, a.labels).max(axis=1).sum() == len(X)


def test_a_seeded_centre_stays_with_its_seed_even_without_members():
    X, _ = blobs(3)
    seed = normalize(np.eye(X.shape[1])[:1])  # a direction no row is close to
    result = spherical_kmeans(X, np.ones(len(X)), 4, seeds=seed, random_state=0)
    assert result.centers[0] @ seed[0] > 0.5
    assert result.centers.shape == (4, X.shape[1])


def test_weights_count_like_repeated_rows():
    X, _ = blobs(3, n=30)
    weighted = spherical_kmeans(X[::2], np.full(45, 2.0), 3, random_state=0)
    assert np.isclose(np.linalg.norm(weighted.centers, axis=1), 1).all()


def test_rand_index_agrees_with_scikit_learn():
    from sklearn.metrics import adjusted_rand_score

    from feedbackml.themes.kmeans import rand_index

    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 300), rng.integers(0, 5, 300)
    b[:150] = a[:150]
    assert np.isclose(rand_index(a, b), adjusted_rand_score(a, b))
    assert rand_index(a, a) == 1.0 and rand_index(np.zeros(5), np.zeros(5)) == 1.0
