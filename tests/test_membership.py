import numpy as np

from feedbackml.themes.membership import (
    assign_parts,
    comment_themes,
    mention_strength,
    part_mentions,
    seed_hits,
    seed_pattern,
    typical_similarity,
)


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
    # doc 0: four mentioned clusters; doc 1: one; doc 2: none
    doc = np.array([0, 0, 0, 0, 1])
    cluster = np.array([1, 2, 3, 0, 2])
    strength = np.array([1.9, 1.8, 1.7, 1.6, 0.9])
    primary, lists = comment_themes(doc, cluster, strength, doc_cluster=np.array([0, 1, 1]), n_docs=3,
                                    max_themes=3, secondary=1.3)
    assert lists[0] == [0, 1, 2]  # the whole comment's theme first, then the strongest mentions
    assert primary.tolist() == [0, 2, -1]  # doc 1: its only mention leads, whatever the whole comment is near
    assert lists[1] == [2] and lists[2] == []


def test_a_theme_after_the_first_needs_a_clear_mention_unless_the_codeframe_names_it():
    doc, cluster = np.array([0, 0, 0]), np.array([4, 5, 6])
    strength = np.array([0.0, 0.5, 0.2])
    _, lists = comment_themes(doc, cluster, strength, np.array([4]), 1, secondary=0.3)
    assert lists[0] == [4, 5]  # 6 is mentioned too weakly to be a second theme
    _, lists = comment_themes(doc, cluster, strength, np.array([4]), 1, secondary=0.3,
                              named=np.array([False, False, True]))
    assert lists[0] == [4, 6, 5]  # the codeframe's theme counts, and comes before free ones


def test_the_longer_the_comment_the_clearer_a_second_theme_must_be():
    doc, cluster, strength = np.array([0, 0, 1, 1]), np.array([4, 5, 4, 5]), np.array([0.0, 0.2, 0.0, 0.2])
    _, lists = comment_themes(doc, cluster, strength, np.array([4, 4]), 2, secondary=0.12,
                              n_parts=np.array([3, 30]))
    assert lists.tolist() == [[4, 5], [4]]  # three parts: no bar; thirty: 0.2 is under 0.12·ln(30 / 3)


def test_a_theme_of_the_comments_group_comes_before_stronger_mentions_of_other_groups():
    doc, cluster, strength = np.array([0, 0, 0]), np.array([4, 5, 6]), np.array([0.9, 0.1, 0.5])
    primary, lists = comment_themes(doc, cluster, strength, np.array([-1]), 1,
                                    n_parts=np.array([3]), in_group=np.array([False, True, True]))
    assert primary.tolist() == [6] and lists[0] == [6, 5, 4]  # its group's themes by strength, then the rest


def test_the_group_decides_which_theme_leads_not_how_many_themes_a_comment_has():
    # doc 0: one clear mention outside its group, and the group's theme by the whole comment
    doc, cluster = np.array([0, 0]), np.array([4, 6])
    primary, lists = comment_themes(doc, cluster, np.array([0.9, -0.5]), np.array([6]), 1,
                                    n_parts=np.array([2]), in_group=np.array([False, True]),
                                    fallback=np.array([False, True]))
    assert primary.tolist() == [6] and lists[0] == [6]  # one theme, as its parts clearly give
    # a long comment: its parts clearly give two themes (0.9, then 0.5 >= 0.3 ln 3; 0.1 fails the bar);
    # the group's theme leads, weak as it is, and the strongest follows
    doc, cluster = np.array([0, 0, 0]), np.array([4, 5, 6])
    _, lists = comment_themes(doc, cluster, np.array([0.9, 0.1, 0.5]), np.array([-1]), 1, secondary=0.3,
                              n_parts=np.array([9]), in_group=np.array([False, True, False]))
    assert lists[0] == [5, 4]


def test_the_cap_keeps_the_codeframes_themes_before_free_ones():
    # "great food, great decor, great service": the whole comment is nearest free theme 7,
    # its parts name codeframe themes 0, 3 and 1 by seed terms
    doc, cluster = np.array([0, 0, 0, 0]), np.array([7, 0, 3, 1])
    named = np.array([False, True, True, True])
    primary, lists = comment_themes(doc, cluster, np.array([0.9, 0.0, 0.0, 0.1]), np.array([7]), 1,
                                    max_themes=3, named=named)
    assert sorted(lists[0]) == [0, 1, 3] and primary.tolist() == [lists[0][0]]
    # with room for all four, the free theme the whole comment is nearest still leads
    _, lists = comment_themes(doc, cluster, np.array([0.9, 0.0, 0.0, 0.1]), np.array([7]), 1,
                              max_themes=4, named=named)
    assert lists[0][0] == 7 and sorted(lists[0]) == [0, 1, 3, 7]


def test_a_guess_from_the_whole_comment_never_displaces_a_theme_named_by_a_seed_term():
    # one part names codeframe theme 0 (a seed term); the whole comment is nearest theme 6 of
    # its group, which no part mentions clearly (the fallback)
    doc, cluster = np.array([0, 0]), np.array([0, 6])
    args = (doc, cluster, np.array([0.0, -0.5]), np.array([6]), 1)
    kw = dict(n_parts=np.array([2]), in_group=np.array([False, True]), fallback=np.array([False, True]))
    primary, lists = comment_themes(*args, named=np.array([True, False]), **kw)
    assert primary.tolist() == [0] and lists[0] == [0]
    primary, lists = comment_themes(*args, named=np.array([False, False]), **kw)
    assert primary.tolist() == [6] and lists[0] == [6]  # a free theme does give way to the group's


def test_mention_strength_is_0_for_a_typical_part_and_1_on_the_centre():
    assert mention_strength(np.array([0.5, 1.0, 0.25]), np.array([0.5, 0.5, 0.5])).tolist() == [0.0, 1.0, -0.5]


def test_a_part_with_a_seed_term_mentions_the_codeframe_theme_even_when_a_free_one_is_closer():
    sims = np.array([[0.1, 0.9], [0.1, 0.9], [0.7, 0.72]])
    hits = np.array([[True], [False], [False]])  # cluster 0 is the codeframe's
    out = part_mentions(sims, np.array([3, 3, 3]), np.array([0.8, 0.8]), hits, ratio=0.8, margin=0.05)
    pairs = set(zip(out["pos"], out["cluster"]))
    assert pairs == {(0, 0), (0, 1), (1, 1), (2, 0)}  # part 2: close enough to the named theme
    seeded = out[(out["pos"] == 0) & (out["cluster"] == 0)].iloc[0]
    assert seeded["named"] and seeded["strength"] == 0.0  # a seed term counts as a typical part (0.1 is far)
    assert not out.loc[out["cluster"] == 1, "named"].any()


def test_seed_terms_match_whole_lemma_words_and_phrases():
    pattern = seed_pattern(["staff", "leg room"])
    hits = seed_hits(["the staff be rude", "staffing issue", "no leg room at all", "legroom"], [pattern, None])
    assert hits[:, 0].tolist() == [True, False, True, False] and not hits[:, 1].any()


def test_parts_sharing_a_text_can_share_one_row_of_cosines():
    rng = np.random.default_rng(0)
    sims = np.round(rng.uniform(-0.2, 1.0, (6, 4)), 2)
    rows = np.array([0, 3, 3, 5, 1, 0, 2, 4, 4])  # each part's distinct text
    n_words = np.array([3, 1, 3, 2, 4, 1, 2, 3, 0])
    whole = np.array([False, True, False, False, True, False, False, False, False])
    hits = rng.uniform(size=(len(rows), 2)) > 0.7
    typical = np.array([0.5, 0.6, 0.4, 0.7])
    for h in (None, hits):
        expanded = part_mentions(sims[rows], n_words, typical, h, whole=whole)
        shared = part_mentions(sims, n_words, typical, h, whole=whole, rows=rows)
        assert expanded.equals(shared)
    assert [a.tolist() for a in assign_parts(sims, n_words, typical, whole=whole, rows=rows)] == \
        [a.tolist() for a in assign_parts(sims[rows], n_words, typical, whole=whole)]
