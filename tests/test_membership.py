import numpy as np

from feedbackml.themes.membership import assign_parts, comment_themes, typical_similarity


def test_a_part_mentions_a_theme_only_when_clearly_close_to_it():
    sims = np.array([[0.9, 0.1], [0.5, 0.48], [0.3, 0.1], [0.9, 0.0]])
    n_words = np.array([3, 3, 3, 1])
    typical = np.array([0.8, 0.8])
    cluster, score = assign_parts(sims, n_words, typical, ratio=0.8, margin=0.05, min_words=2)
    # clear; too close to the runner-up; too far from its theme; too short
    assert cluster.tolist() == [0, -1, -1, -1]
    assert score[0] == 0.9 and score[1:].tolist() == [0, 0, 0]


def test_a_one_part_comment_needs_only_one_word():
    cluster, _ = assign_parts(np.array([[0.9, 0.0]]), np.array([1]), np.array([0.8, 0.8]),
                              min_words=2, whole=np.array([True]))
    assert cluster.tolist() == [0]


def test_typical_similarity_is_the_weighted_median_per_cluster():
    out = typical_similarity(np.array([0.2, 0.4, 0.9, 0.5]), np.array([0, 0, 0, 1]),
                             np.array([1.0, 1.0, 5.0, 1.0]), 3)
    assert out.tolist() == [0.9, 0.5, 1.0]


def test_comment_themes_put_the_whole_comments_theme_first_and_cap_the_list():
    part_doc = np.array([0, 0, 0, 0, 1, 2])
    part_cluster = np.array([1, 2, 3, 0, -1, -1])
    part_score = np.array([0.9, 0.8, 0.7, 0.6, 0.0, 0.0])
    primary, lists = comment_themes(part_doc, part_cluster, part_score, doc_cluster=np.array([0, 2, 1, -1]),
                                    doc_score=np.array([0.5, 0.6, 0.1, 0.0]),
                                    doc_ok=np.array([True, True, False, False]),
                                    n_docs=4, max_themes=3)
    assert lists[0] == [0, 1, 2]  # the whole comment's theme first, then the best parts
    assert primary.tolist() == [0, 2, -1, -1]  # doc 1: no clear part, whole comment close enough
    assert lists[1] == [2] and lists[2] == [] and lists[3] == []
