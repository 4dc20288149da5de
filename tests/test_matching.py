import numpy as np
import pandas as pd

from feedbackml.themes.matching import match_themes, profile_similarity


def test_profiles_are_compared_on_the_union_of_both_vocabularies():
    sim = profile_similarity(np.array([[1.0, 0.0], [0.0, 1.0]]), ["parcel", "staff"],
                             np.array([[0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]), ["app", "parcel", "staff"])
    assert np.allclose(sim, np.eye(2))


def test_matching_keeps_pairs_and_names_new_gone_and_merged_themes():
    sim = np.array([[0.9, 0.5, 0.0],   # new 0 = old 10, also close to old 11 -> 11 merged into it
                    [0.0, 0.1, 0.05],  # new 1 close to nothing -> new
                    [0.0, 0.0, 0.8]])  # new 2 = old 12
    out = match_themes(sim, ["a", "b", "c"], [10, 11, 12], ["A", "B", "C"], min_similarity=0.3)
    status = dict(zip(zip(out["status"], out["previous_id"].fillna(-1).astype(int)), out["theme_id"]))
    assert status[("kept", 10)] == 0 and status[("kept", 12)] == 2
    assert status[("new", -1)] == 1
    assert status[("merged", 11)] == 0
    assert len(out) == 4


def test_an_old_theme_close_to_nothing_is_gone_and_a_second_copy_is_a_split():
    sim = np.array([[0.9, 0.0], [0.7, 0.0]])
    out = match_themes(sim, ["a", "a2"], [1, 2], ["A", "B"], min_similarity=0.3)
    assert out["status"].tolist() == ["kept", "split", "gone"]
    assert out.loc[1, "previous_id"] == 1
    assert pd.isna(out.loc[2, "theme_id"]) and out.loc[2, "previous_id"] == 2
