import numpy as np
import pandas as pd

from feedbackml.stats.theme_segments import THEME_SEGMENT_COLUMNS, theme_segment_table


def data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    segment = pd.Series(np.repeat(["app", "web"], n // 2))
    member = np.zeros((n, 2), dtype=bool)
    member[: n // 2, 0] = rng.random(n // 2) < 0.6  # theme 0 is mostly an app theme
    member[n // 2:, 0] = rng.random(n // 2) < 0.1
    member[:, 1] = rng.random(n) < 0.3  # theme 1 everywhere alike
    category = pd.Series(rng.choice(["promoter", "passive", "detractor"], n))
    themes = pd.DataFrame({"theme_id": [0, 1], "label": ["login / crash", "price / value"]})
    return segment, category, member, themes


def test_a_theme_concentrated_in_a_segment_differs_and_an_even_one_does_not():
    table = theme_segment_table(*data())
    assert list(table.columns) == THEME_SEGMENT_COLUMNS and len(table) == 4
    cell = table.set_index(["theme_id", "segment"])
    assert cell.loc[(0, "app"), "differs"] and cell.loc[(0, "app"), "share"] > cell.loc[(0, "app"), "share_rest"]
    assert not cell.loc[(1, "app"), "differs"] and not cell.loc[(1, "web"), "differs"]


def test_counts_add_up_to_the_theme_and_the_segment():
    segment, category, member, themes = data()
    table = theme_segment_table(segment, category, member, themes)
    assert table.groupby("theme_id")["n"].sum().tolist() == member.sum(axis=0).tolist()
    assert table.groupby("segment")["segment_n"].first().tolist() == [100, 100]


def test_weights_count_like_repeated_rows():
    segment, category, member, themes = data()
    twice = theme_segment_table(pd.concat([segment, segment], ignore_index=True),
                                pd.concat([category, category], ignore_index=True),
                                np.vstack([member, member]), themes)
    weighted = theme_segment_table(segment, category, member, themes, weight=np.full(len(segment), 2.0))
    pd.testing.assert_frame_equal(twice, weighted)
