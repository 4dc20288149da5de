"""Drivers: per-theme statistics, overlap-aware attribution, and a simulation with known truth."""

import numpy as np
import pandas as pd
import pytest

from feedbackml.stats.attribution import adjusted_odds_ratios, shapley_impacts
from feedbackml.stats.drivers import DRIVER_COLUMNS, membership_matrix, theme_drivers
from feedbackml.stats.scores import nps_from_counts, score_values

pytestmark = pytest.mark.filterwarnings("error")  # no division warning may reach the user

# Planted detractor odds ratios of four themes; C overlaps strongly with A but does nothing.
TRUE_OR = np.array([4.0, 2.0, 1.0, 0.5])
THEMES = pd.DataFrame({"theme_id": [0, 1, 2, 3], "label": ["A", "B", "C", "D"]})


def simulate(seed: int, n: int = 2000):
    """Overlapping themes and detractors from logit P(detractor) = −1 + Σ log(OR)·theme."""
    rng = np.random.default_rng(seed)
    a = rng.random(n) < 0.25
    b = rng.random(n) < 0.15 + 0.30 * a
    c = rng.random(n) < 0.10 + 0.45 * a
    d = rng.random(n) < 0.20
    member = np.column_stack([a, b, c, d])
    p = 1 / (1 + np.exp(1.0 - member @ np.log(TRUE_OR)))
    detractor = rng.random(n) < p
    other = np.where(rng.random(n) < 0.5, "promoter", "passive")
    return member, pd.Series(np.where(detractor, "detractor", other), dtype=object)


def categories(*counts):
    """A Series of categories from (promoters, passives, detractors) counts."""
    pro, pas, det = counts
    return pd.Series(["promoter"] * pro + ["passive"] * pas + ["detractor"] * det, dtype=object)


def test_adjusted_or_intervals_cover_the_planted_odds_ratios_over_many_seeds():
    seeds = range(200)
    covered, ranked = [], []
    for seed in seeds:
        member, category = simulate(seed)
        res = adjusted_odds_ratios(member, (category == "detractor").to_numpy())
        covered.append((res["adjusted_or_ci_low"] <= TRUE_OR) & (TRUE_OR <= res["adjusted_or_ci_high"]))
        ranked.append(list(np.argsort(-res["adjusted_or"].to_numpy())) == [0, 1, 2, 3])
    coverage = np.mean(covered, axis=0)
    assert (coverage >= 0.90).all(), coverage
    assert np.mean(ranked) >= 0.90


def test_overlap_naive_odds_ratio_is_fooled_where_the_adjusted_one_is_not():
    fooled, honest = [], []
    for seed in range(20):
        member, category = simulate(seed)
        drivers = theme_drivers(member, category, THEMES).set_index("label")
        fooled.append(drivers.loc["C", "or_ci_low"] > 1)  # C rides along with A
        honest.append(drivers.loc["C", "adjusted_or_ci_low"] <= 1 <= drivers.loc["C", "adjusted_or_ci_high"])
    assert np.mean(fooled) >= 0.9 and np.mean(honest) >= 0.8


def test_controls_remove_a_segment_confound():
    rng = np.random.default_rng(7)
    n = 4000
    phone = rng.random(n) < 0.3
    theme = rng.random(n) < np.where(phone, 0.6, 0.1)  # the theme is mostly mentioned on the phone
    detractor = rng.random(n) < np.where(phone, 0.6, 0.2)  # only the channel matters
    member = theme[:, None]
    naive = adjusted_odds_ratios(member, detractor).iloc[0]
    controlled = adjusted_odds_ratios(member, detractor, pd.Series(np.where(phone, "phone", "web"))).iloc[0]
    assert naive["adjusted_or_ci_low"] > 1
    assert controlled["adjusted_or_ci_low"] <= 1 <= controlled["adjusted_or_ci_high"]


def test_shapley_impacts_add_up_to_the_gap_with_overlapping_themes():
    member, category = simulate(3, n=600)
    value = score_values(category)
    phi = shapley_impacts(member, value)
    gap = value.mean() - value[~member.any(axis=1)].mean()
    assert phi.sum() == pytest.approx(gap, abs=1e-9)


def test_shapley_sampling_over_many_themes_still_adds_up():
    rng = np.random.default_rng(0)
    member = rng.random((800, 15)) < 0.12
    value = np.where(rng.random(800) < 0.4 + 0.3 * member[:, 0], -100.0, 100.0)
    phi = shapley_impacts(member, value, max_exact=12, n_permutations=64)
    gap = value.mean() - value[~member.any(axis=1)].mean()
    assert phi.sum() == pytest.approx(gap, abs=1e-9)
    assert phi[0] == phi.min()  # the theme that raises detractors takes the largest share


def test_with_one_theme_the_shapley_impact_is_the_leave_out_impact():
    category = categories(30, 10, 20)
    member = np.zeros((60, 1), dtype=bool)
    member[40:, 0] = True
    drivers = theme_drivers(member, category, THEMES.head(1))
    assert drivers.loc[0, "shapley_impact"] == pytest.approx(drivers.loc[0, "nps_impact"])


def test_leave_out_impact_is_score_of_all_minus_score_without_the_theme():
    category = categories(30, 10, 20)
    member = membership_matrix(pd.Series([0] * 10 + [1] * 50), [0, 1])
    drivers = theme_drivers(member, category, THEMES.head(2)).set_index("theme_id")
    without = nps_from_counts(20, 20, 50)["nps"]
    assert drivers.loc[0, "nps_impact"] == pytest.approx(nps_from_counts(30, 20, 60)["nps"] - without)
    assert list(drivers.reset_index().columns[:len(DRIVER_COLUMNS)]) == DRIVER_COLUMNS


def test_theme_where_every_comment_is_a_detractor_gets_finite_statistics():
    member, category = simulate(1, n=500)
    category[member[:, 3]] = "detractor"
    drivers = theme_drivers(member, category, THEMES).set_index("label")
    row = drivers.loc["D"]
    assert row["detractor_rate"] == 1.0
    for col in ("detractor_lift", "odds_ratio", "or_ci_high", "adjusted_or", "adjusted_or_ci_high"):
        assert np.isfinite(row[col]) and row[col] > 1, col


def test_small_theme_is_reported_but_never_significant():
    member = np.zeros((400, 2), dtype=bool)
    member[:200, 0] = True
    member[200:210, 1] = True
    category = pd.Series(["detractor"] * 210 + ["promoter"] * 190, dtype=object)
    drivers = theme_drivers(member, category, THEMES.head(2), min_n=30).set_index("theme_id")
    assert drivers.loc[1, "q_value"] < 0.05
    assert drivers.loc[1, "small_sample"] and not drivers.loc[1, "significant"]


def test_all_scores_missing_gives_empty_statistics_without_a_crash():
    member, _ = simulate(2, n=100)
    drivers = theme_drivers(member, pd.Series([None] * 100, dtype=object), THEMES)
    assert len(drivers) == 4 and (drivers["n"] > 0).all()
    assert drivers[["nps", "nps_impact", "adjusted_or", "shapley_impact", "p_value"]].isna().all().all()
    assert not drivers["significant"].any()


def test_theme_without_comments_has_no_odds_ratio():
    member, category = simulate(4, n=300)
    member[:, 2] = False
    drivers = theme_drivers(member, category, THEMES).set_index("label")
    assert drivers.loc["C", "n"] == 0 and np.isnan(drivers.loc["C", "adjusted_or"])
    assert drivers.loc["C", "shapley_impact"] == pytest.approx(0.0)


def test_outcome_replaces_detractors_in_the_event_columns():
    rng = np.random.default_rng(5)
    n = 1500
    member = np.column_stack([rng.random(n) < 0.3, rng.random(n) < 0.3])
    churned = pd.Series(rng.random(n) < np.where(member[:, 1], 0.5, 0.1))
    category = pd.Series(rng.choice(["promoter", "passive", "detractor"], n), dtype=object)
    drivers = theme_drivers(member, category, THEMES.head(2), event=churned)
    assert drivers.loc[0, "theme_id"] == 1  # ranked by the outcome, not by the score
    assert drivers.loc[0, "significant"] and drivers.loc[0, "adjusted_or_ci_low"] > 1
    assert drivers.loc[0, "event_impact"] > 0


def test_rows_with_unknown_outcome_are_left_out_of_the_event_columns():
    member = np.ones((6, 1), dtype=bool)
    event = pd.Series([True, False, None, None, True, None], dtype="boolean")
    drivers = theme_drivers(member, categories(2, 2, 2), THEMES.head(1), event=event)
    assert drivers.loc[0, "n_scored"] == 3 and drivers.loc[0, "detractor_rate"] == pytest.approx(2 / 3)


def test_theme_that_only_rides_along_with_a_driver_has_adjusted_or_near_one():
    # (delivery, app, comments, detractors): app co-occurs with delivery and adds nothing
    cells = [(0, 0, 1000, 200), (0, 1, 200, 40), (1, 0, 200, 100), (1, 1, 400, 200)]
    member = np.repeat([[d, a] for d, a, _, _ in cells], [n for _, _, n, _ in cells], axis=0).astype(bool)
    category = pd.Series(np.concatenate([["detractor"] * k + ["promoter"] * (n - k) for _, _, n, k in cells]),
                         dtype=object)
    drivers = theme_drivers(member, category, THEMES.head(2)).set_index("theme_id")
    app = drivers.loc[1]
    assert app["or_ci_low"] > 1
    assert app["adjusted_or_ci_low"] < 1 < app["adjusted_or_ci_high"]
    assert drivers.loc[0, "adjusted_or_ci_low"] > 1


def test_shuffling_comments_does_not_change_the_driver_table():
    member, category = simulate(8, n=800)
    channel = pd.Series(np.random.default_rng(8).choice(["web", "phone"], 800))
    base = theme_drivers(member, category, THEMES, controls=channel)
    order = np.random.default_rng(1).permutation(800)
    shuffled = theme_drivers(member[order], category.iloc[order], THEMES, controls=channel.iloc[order])
    pd.testing.assert_frame_equal(base, shuffled, check_exact=False, rtol=1e-9)


def counted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per distinct key with its count ``n`` (the sufficient statistic of a streamed run)."""
    return frame.groupby(keys, dropna=False, sort=True).size().reset_index(name="n")


@pytest.mark.parametrize("with_outcome", [False, True])
def test_counts_as_weights_give_exactly_the_table_of_the_rows(with_outcome):
    member, category = simulate(5, n=3000)
    rng = np.random.default_rng(5)
    category[rng.random(3000) < 0.05] = None  # some comments without a score
    channel = pd.Series(rng.choice(["web", "app", "phone"], 3000))
    churned = pd.Series(rng.choice([True, False, None], 3000), dtype="boolean") if with_outcome else None
    rows = theme_drivers(member, category, THEMES, controls=channel, event=churned)
    frame = pd.DataFrame(member, columns=list("ABCD")).assign(category=category, channel=channel)
    if with_outcome:
        frame["churned"] = churned.astype(object)
    counts = counted(frame, [c for c in frame.columns])
    weighted = theme_drivers(counts[list("ABCD")].to_numpy(bool), counts["category"], THEMES,
                             controls=counts["channel"], weight=counts["n"],
                             event=counts["churned"].astype("boolean") if with_outcome else None)
    assert len(counts) < len(frame) / 5  # the counts pool many rows
    pd.testing.assert_frame_equal(rows, weighted, check_exact=True)


def test_shapley_with_weights_equals_repeated_rows_also_when_sampling_orders():
    rng = np.random.default_rng(2)
    member = rng.random((60, 14)) < 0.2  # 14 themes: sampled orders, not exact
    value = rng.choice([100.0, 0.0, -100.0], 60)
    weight = rng.integers(0, 4, 60)
    repeated = shapley_impacts(np.repeat(member, weight, axis=0), np.repeat(value, weight))
    assert np.array_equal(shapley_impacts(member, value, weight=weight), repeated)
