import numpy as np
from sklearn.preprocessing import normalize

from feedbackml.themes.taxonomy import (
    comment_groups,
    groups_by_majority,
    initial_k,
    merge_clusters,
    n_groups_for,
    stability,
    theme_groups,
)


def blobs(n_per=60, centres=((1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0)), noise=0.15, seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack([np.asarray(c, float) + noise * rng.standard_normal((n_per, len(c))) for c in centres])
    return normalize(X).astype(np.float32), np.repeat(np.arange(len(centres)), n_per)


def test_initial_k_grows_with_the_data_and_is_clipped():
    assert initial_k(300) < initial_k(2_000) < initial_k(20_000) <= 80
    assert initial_k(20_000) >= 40 and initial_k(10) == 4


def test_a_split_cluster_is_merged_back_into_one():
    X, truth = blobs()
    w = np.ones(len(X))
    # four clusters: the first true cluster split in two by hand
    labels = truth.copy()
    labels[:30] = 3
    centers = normalize(np.vstack([X[labels == c].mean(axis=0) for c in range(4)]))
    merged, out, evidence = merge_clusters(X, w, centers, labels, min_share=0.0, merge_similarity=0.9)
    assert len(merged) == 3 and evidence["merged_duplicates"] == 1
    assert all(len(set(out[truth == t])) == 1 for t in range(3))


def test_a_too_small_cluster_goes_into_its_nearest_neighbour():
    X, truth = blobs()
    labels = truth.copy()
    labels[:2] = 3  # two parts of cluster 0 on their own
    centers = normalize(np.vstack([X[labels == c].mean(axis=0) for c in range(4)]))
    merged, out, evidence = merge_clusters(X, np.ones(len(X)), centers, labels, min_share=0.05,
                                           merge_similarity=1.1)
    assert len(merged) == 3 and evidence["merged_small"] == 1
    assert len(set(out[:60])) == 1


def test_seeded_clusters_are_never_merged_away_and_stay_first():
    X, truth = blobs()
    labels = np.array([0, 1, 3])[truth]
    labels[:30] = 2  # half of blob 0 in free cluster 2: merged into seeded cluster 0
    centers = normalize(np.vstack([X[labels == c].mean(axis=0) for c in range(4)]))
    merged, out, _ = merge_clusters(X, np.ones(len(X)), centers, labels, min_share=0.0,
                                    merge_similarity=0.9, n_fixed=2)
    assert len(merged) == 3
    assert merged[0] @ centers[0] > 0.95 and merged[1] @ centers[1] > 0.95
    assert set(out[:60]) == {0} and set(out[60:120]) == {1}


def test_clustered_data_is_more_stable_than_its_shuffled_null():
    X, _ = blobs(n_per=100, noise=0.3)
    result = stability(X, np.ones(len(X)), 3, random_state=0)
    assert result["ari"] > result["null_ari"] + 0.1 and result["stable"]


def test_structureless_data_is_not_called_stable():
    rng = np.random.default_rng(1)
    X = normalize(rng.standard_normal((400, 20))).astype(np.float32)
    result = stability(X, np.ones(len(X)), 8, random_state=0)
    assert not result["stable"]


def test_theme_groups_put_close_centres_together_largest_group_first():
    centres = normalize(np.array([[1, 0.1, 0], [1, -0.1, 0], [0, 0, 1], [0.1, 0, 1], [0, 1, 0.05]], float))
    groups = theme_groups(centres, np.array([10, 10, 50, 40, 5]), n_groups=3)
    assert groups[0] == groups[1] and groups[2] == groups[3] and len(set(groups)) == 3
    assert groups[2] == 0  # the group holding 90 comments is group 0
    assert n_groups_for(2) == 1 and 2 <= n_groups_for(10) <= 9 and n_groups_for(400) == 12


def test_comment_groups_are_k_means_of_the_comments_with_their_stability_recorded():
    X, truth = blobs(n_per=80, noise=0.2)
    centres, evidence = comment_groups(X, np.ones(len(X)), n_themes=12, n_groups=3, random_state=0)
    nearest = (X @ centres.T).argmax(axis=1)
    assert all(len(set(nearest[truth == t])) == 1 for t in range(3)) and len(set(nearest)) == 3
    assert evidence["chosen"] == 3 and evidence["stability"]["stable"]
    _, automatic = comment_groups(X, np.ones(len(X)), n_themes=12, random_state=0)
    assert automatic["chosen"] == n_groups_for(12)


def test_a_retrain_starts_the_groups_from_the_previous_ones_in_their_order_and_number():
    X, truth = blobs(n_per=80, noise=0.2)
    start = normalize(np.array([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]], float))
    centres, evidence = comment_groups(X, np.ones(len(X)), n_themes=40, random_state=0, start=start)
    assert evidence["chosen"] == 3 and "previous" in evidence["method"]  # not sqrt(2 * 40) groups
    assert (centres @ start.T).argmax(axis=1).tolist() == [0, 1, 2]  # each group comes back in its place


def test_a_theme_joins_the_group_most_of_its_comments_fall_in():
    theme = np.array([0, 0, 0, 1, 1, 2])
    doc_group = np.array([1, 1, 0, 0, 0, 1])
    theme_centres = normalize(np.array([[1, 0], [0, 1], [1, 1], [1, 0.1]], float))
    group_centres = normalize(np.array([[0, 1], [1, 0]], float))
    groups, centre_of = groups_by_majority(theme, doc_group, np.ones(6), theme_centres, group_centres)
    # themes 0 and 2 in k-means group 1, theme 1 in group 0; theme 3 (no comments) by its centre
    assert groups[0] == groups[2] == groups[3] != groups[1]
    assert groups[0] == 0 and centre_of.tolist() == [1, 0]  # the group with more comments comes first


def test_stability_is_not_measured_on_too_few_parts_rather_than_called_unstable():
    X, _ = blobs(n_per=3, noise=0.3)  # 9 parts for 3 clusters: under 5 per cluster
    result = stability(X, np.ones(len(X)), 3, random_state=0)
    assert result["stable"] is None and result["ari"] is None and result["null_ari"] is None
    assert result["method"].startswith("not measured: 9 parts for 3 clusters")
