"""Aspect × polarity drivers (stats/aspects.py)."""

import numpy as np
import pandas as pd

from feedbackml.stats.aspects import ASPECT_DRIVER_COLUMNS, aspect_drivers
from feedbackml.stats.drivers import EXTRA_COLUMNS, theme_drivers


def simulated(n=600, seed=0):
    """Theme 7 (legroom) is praised by promoters as often as detractors complain about it."""
    rng = np.random.default_rng(seed)
    category = pd.Series(rng.choice(["promoter", "passive", "detractor"], n, p=[0.4, 0.2, 0.4]), dtype=object)
    mentions = rng.random(n) < 0.5
    negative = np.zeros((n, 2), bool)
    positive = np.zeros((n, 2), bool)
    negative[:, 0] = mentions & (category == "detractor").to_numpy()
    positive[:, 0] = mentions & (category == "promoter").to_numpy()
    positive[:, 1] = rng.random(n) < 0.2
    themes = pd.DataFrame({"theme_id": [7, 9], "label": ["legroom", "food"]})
    return negative, positive, category, themes


def test_negative_mentions_of_a_theme_praised_as_often_are_the_top_harm():
    negative, positive, category, themes = simulated()
    out = aspect_drivers(negative, positive, category, themes)
    assert list(out.columns) == ASPECT_DRIVER_COLUMNS + EXTRA_COLUMNS
    top = out.iloc[0]
    assert (top["theme_id"], top["label"], top["polarity"]) == (7, "legroom", "negative")
    assert top["detractor_lift"] > 1.5 and top["significant"]
    membership = theme_drivers(negative | positive, category, themes)
    assert abs(membership.set_index("theme_id").loc[7, "detractor_lift"] - 1) < abs(top["detractor_lift"] - 1)


def test_rows_without_any_such_mention_are_left_out():
    negative, positive, category, themes = simulated()
    out = aspect_drivers(negative, positive, category, themes)
    assert set(zip(out["theme_id"], out["polarity"])) == {(7, "negative"), (7, "positive"), (9, "positive")}
    assert (out["n"] > 0).all()


def test_counts_match_plain_drivers_of_each_polarity():
    negative, positive, category, themes = simulated()
    out = aspect_drivers(negative, positive, category, themes).set_index(["theme_id", "polarity"])
    plain = theme_drivers(positive, category, themes).set_index("theme_id")
    for theme in (7, 9):
        for column in ("n", "nps", "detractor_rate", "nps_impact"):
            assert np.isclose(out.loc[(theme, "positive"), column], plain.loc[theme, column])


def test_weights_give_the_same_table_as_the_rows():
    negative, positive, category, themes = simulated(n=200)
    key = pd.DataFrame(np.hstack([negative, positive]), columns=["n0", "n1", "p0", "p1"]).assign(c=category.to_numpy())
    grouped = key.groupby(list(key.columns), sort=True).size().rename("w").reset_index()
    flags = grouped[["n0", "n1", "p0", "p1"]].to_numpy(bool)
    weighted = aspect_drivers(flags[:, :2], flags[:, 2:], grouped["c"], themes, weight=grouped["w"].to_numpy(float))
    direct = aspect_drivers(negative, positive, category, themes)
    pd.testing.assert_frame_equal(weighted.drop(columns="shapley_impact"), direct.drop(columns="shapley_impact"),
                                  check_exact=False, atol=1e-9)
