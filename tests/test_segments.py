"""Segments and periods: scores per segment, trends, shift-share decomposition, spike alerts."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedbackml.stats.scores import score_values
from feedbackml.stats.segments import ALL_COMMENTS, MISSING_SEGMENT, SEGMENT_COLUMNS, segment_table
from feedbackml.stats.trends import (
    TREND_COLUMNS,
    period_label,
    score_decomposition,
    spike_alerts,
    theme_trend_tests,
    to_periods,
    trend_table,
)

pytestmark = pytest.mark.filterwarnings("error")  # no division warning may reach the user

THEMES = pd.DataFrame({"theme_id": [0, 1, 2], "label": ["delivery", "billing", "app"]})


def survey(n: int = 1200, seed: int = 0, months: int = 6) -> pd.DataFrame:
    """Comments with a channel, a date, overlapping themes and categories; phone scores worse."""
    rng = np.random.default_rng(seed)
    month = rng.integers(0, months, n)
    channel = rng.choice(["web", "app", "phone"], n, p=[0.5, 0.3, 0.2])
    member = np.column_stack([rng.random(n) < 0.3, rng.random(n) < 0.2,
                              rng.random(n) < 0.05 + 0.06 * month])  # app grows month by month
    bad = 0.15 + 0.35 * member[:, 0] + 0.3 * member[:, 1] + 0.3 * (channel == "phone")
    u = rng.random(n)
    category = np.where(u < bad, "detractor", np.where(u < bad + 0.2, "passive", "promoter"))
    dates = pd.to_datetime(pd.DataFrame({"year": 2025, "month": month + 1, "day": rng.integers(1, 29, n)}))
    return pd.DataFrame({"channel": channel, "date": dates, "category": category,
                         "m0": member[:, 0], "m1": member[:, 1], "m2": member[:, 2]})


def member_of(df: pd.DataFrame) -> np.ndarray:
    return df[["m0", "m1", "m2"]].to_numpy()


def test_worse_segment_differs_and_comes_first():
    df = survey()
    table = segment_table(df["channel"], df["category"], member_of(df), THEMES)
    assert list(table.columns) == SEGMENT_COLUMNS
    assert table.loc[0, "segment"] == "phone" and table.loc[0, "differs"]
    assert (table["nps_ci_low"] <= table["nps"]).all() and (table["nps"] <= table["nps_ci_high"]).all()
    assert "delivery" in table.loc[0, "top_drivers"]


def test_segment_with_one_row_and_missing_segment_values_do_not_crash():
    df = survey(n=300)
    df.loc[0, "channel"] = "fax"
    df.loc[[1, 2], "channel"] = [None, ""]
    table = segment_table(df["channel"], df["category"], member_of(df), THEMES).set_index("segment")
    fax = table.loc["fax"]
    assert fax["n"] == 1 and not fax["differs"] and 0 <= fax["p_value"] <= 1
    assert table.loc[MISSING_SEGMENT, "n"] == 2


def test_segment_without_scores_has_no_score_and_is_not_flagged():
    df = survey(n=300)
    category = df["category"].astype(object).where(df["channel"] != "app", None)
    table = segment_table(df["channel"], category, member_of(df), THEMES).set_index("segment")
    assert np.isnan(table.loc["app", "nps"]) and not table.loc["app", "differs"]


def test_segment_scores_with_bootstrap_intervals_are_deterministic():
    df = survey(n=400)
    a = segment_table(df["channel"], df["category"], member_of(df), THEMES, ci_method="bootstrap", n_boot=300)
    b = segment_table(df["channel"], df["category"], member_of(df), THEMES, ci_method="bootstrap", n_boot=300)
    pd.testing.assert_frame_equal(a, b)


def test_trends_have_an_all_comments_row_and_a_row_per_theme_for_every_period():
    df = survey()
    periods = to_periods(df["date"], "month")
    trends = trend_table(periods, df["category"], member_of(df), THEMES)
    assert list(trends.columns) == TREND_COLUMNS
    assert len(trends) == 6 * (1 + len(THEMES))
    overall = trends[trends["theme_id"].isna()]
    assert (overall["label"] == ALL_COMMENTS).all() and overall["n"].sum() == len(df)
    theme_rows = trends[trends["theme_id"].notna()]
    assert theme_rows.groupby("theme_id")["n"].sum().tolist() == member_of(df).sum(axis=0).tolist()


def test_period_without_scores_and_empty_period_are_kept_without_a_score():
    df = survey(n=600, months=4)
    df = df[df["date"] < "2025-03-01"].copy()  # Jan, Feb
    late = df.iloc[:5].assign(date=pd.Timestamp("2025-05-10"))
    df = pd.concat([df, late], ignore_index=True)
    category = df["category"].astype(object).where(df["date"] < "2025-04-01", None)
    trends = trend_table(to_periods(df["date"]), category, member_of(df), THEMES)
    overall = trends[trends["theme_id"].isna()].set_index("period")
    assert list(overall.index) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    assert overall.loc["2025-03", "n"] == 0 and np.isnan(overall.loc["2025-03", "nps"])
    assert overall.loc["2025-05", "n"] == 5 and np.isnan(overall.loc["2025-05", "nps"])


def test_all_dates_missing_gives_empty_trends_and_no_alerts():
    df = survey(n=50)
    periods = to_periods(pd.Series([pd.NaT] * 50))
    assert trend_table(periods, df["category"], member_of(df), THEMES).empty
    assert spike_alerts(periods, member_of(df), THEMES) == []
    table, meta = score_decomposition(periods, df["category"], member_of(df), THEMES)
    assert table.empty and meta["change"] is None


def test_all_scores_missing_gives_trends_without_scores():
    df = survey(n=200)
    trends = trend_table(to_periods(df["date"]), pd.Series([None] * 200, dtype=object), member_of(df), THEMES)
    assert trends["nps"].isna().all() and (trends["n_scored"] == 0).all()


def test_week_month_and_quarter_labels_sort_in_time_order():
    dates = pd.Series(pd.to_datetime(["2024-12-30", "2025-01-06", "2025-04-01"]))
    for period, expected in [("week", ["2025-W01", "2025-W02", "2025-W14"]),
                             ("month", ["2024-12", "2025-01", "2025-04"]),
                             ("quarter", ["2024-Q4", "2025-Q1", "2025-Q2"])]:
        assert period_label(pd.PeriodIndex(to_periods(dates, period)), period) == expected


def test_decomposition_components_add_up_to_the_score_change():
    df = survey()
    periods = to_periods(df["date"])
    table, meta = score_decomposition(periods, df["category"], member_of(df), THEMES)
    last = periods == periods.max()
    before = periods == sorted(periods.unique())[-2]
    values = score_values(df["category"])
    assert meta["change"] == pytest.approx(values[last].mean() - values[before].mean())
    assert table["total"].sum() == pytest.approx(meta["change"], abs=1e-9)
    assert (table["volume_effect"] + table["score_effect"] == table["total"]).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(20, 200), st.sampled_from(["nps", "csat", "ces"]))
def test_decomposition_adds_up_for_any_membership(seed, n, metric):
    rng = np.random.default_rng(seed)
    member = rng.random((n, 3)) < rng.random(3)
    category = pd.Series(rng.choice(["promoter", "passive", "detractor", None], n), dtype=object)
    dates = pd.Series(pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D"))
    table, meta = score_decomposition(to_periods(dates), category, member, THEMES, metric=metric)
    if meta["change"] is not None:
        assert table["total"].sum() == pytest.approx(meta["change"], abs=1e-8)


def test_rising_theme_is_found_by_the_trend_test():
    df = survey()
    tests = theme_trend_tests(to_periods(df["date"]), member_of(df), THEMES).set_index("label")
    assert tests.loc["app", "direction"] == "rising" and tests.loc["app", "slope"] > 0
    assert (tests.drop(index="app")["direction"] != "rising").all()


def test_spike_and_new_theme_raise_alerts_and_a_steady_theme_does_not():
    rng = np.random.default_rng(2)
    month = np.repeat(np.arange(8), 200)
    member = np.column_stack([rng.random(1600) < 0.3, rng.random(1600) < 0.2, np.zeros(1600, bool)])
    member[(month == 7) & (rng.random(1600) < 0.5), 1] = True  # billing spikes in the last month
    member[(month == 7) & (rng.random(1600) < 0.1), 2] = True  # app appears in the last month
    dates = pd.Series(pd.Timestamp("2025-01-15") + pd.to_timedelta(month * 30, unit="D"))
    alerts = spike_alerts(to_periods(dates), member, THEMES)
    kinds = {(a["label"], a["kind"]) for a in alerts if a["period"] == "2025-08"}
    assert kinds == {("billing", "spike"), ("app", "new")}
    assert not [a for a in alerts if a["label"] == "delivery"]


def test_counts_as_weights_give_exactly_the_tables_of_the_rows():
    df = survey(n=3000, seed=4)
    df.loc[::7, "m0"] = df.loc[::7, "m1"] = True  # comments with two and three themes
    df.loc[::11, "category"] = None
    df["date"] = df["date"].dt.to_period("M").dt.start_time  # dates repeat, so counts pool rows
    counts = df.groupby(list(df.columns), dropna=False, sort=True).size().reset_index(name="n")
    assert len(counts) < len(df) / 3
    w = counts["n"].to_numpy()
    kw_rows = dict(member=member_of(df), themes=THEMES)
    kw_counts = dict(member=member_of(counts), themes=THEMES)
    pd.testing.assert_frame_equal(segment_table(df["channel"], df["category"], **kw_rows),
                                  segment_table(counts["channel"], counts["category"], weight=w, **kw_counts),
                                  check_exact=True)
    periods, counted_periods = to_periods(df["date"]), to_periods(counts["date"])
    pd.testing.assert_frame_equal(trend_table(periods, df["category"], **kw_rows),
                                  trend_table(counted_periods, counts["category"], weight=w, **kw_counts),
                                  check_exact=True)
    pd.testing.assert_frame_equal(theme_trend_tests(periods, member_of(df), THEMES),
                                  theme_trend_tests(counted_periods, member_of(counts), THEMES, weight=w),
                                  check_exact=True)
    assert spike_alerts(periods, member_of(df), THEMES) == spike_alerts(counted_periods, member_of(counts),
                                                                        THEMES, weight=w)
    a, meta_a = score_decomposition(periods, df["category"], **kw_rows)
    b, meta_b = score_decomposition(counted_periods, counts["category"], weight=w, **kw_counts)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert meta_a == meta_b


def test_rows_of_weight_zero_are_left_out():
    df = survey(n=300, seed=2)
    w = np.where(df["channel"] == "phone", 0, 1)
    kept = df[w > 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(segment_table(df["channel"], df["category"], member_of(df), THEMES, weight=w),
                                  segment_table(kept["channel"], kept["category"], member_of(kept), THEMES),
                                  check_exact=True)


def _segments(sizes_and_mixes, seed=0):
    rng = np.random.default_rng(seed)
    names, cats = [], []
    for name, n, mix in sizes_and_mixes:
        names += [name] * n
        cats += list(rng.choice(["promoter", "passive", "detractor"], n, p=mix))
    member = rng.random((len(names), 3)) < 0.3
    return pd.Series(names), pd.Series(cats, dtype=object), member


def test_small_segment_is_too_few_never_differs_and_has_a_wide_interval():
    segment, category, member = _segments([("web", 800, [0.3, 0.3, 0.4]), ("app", 700, [0.3, 0.3, 0.4])])
    segment = pd.concat([segment, pd.Series(["kiosk"] * 14)], ignore_index=True)
    category = pd.concat([category, pd.Series(["promoter"] * 14, dtype=object)], ignore_index=True)
    member = np.vstack([member, np.zeros((14, 3), bool)])
    table = segment_table(segment, category, member, THEMES).set_index("segment")
    kiosk = table.loc["kiosk"]
    assert kiosk["nps"] == 100 and kiosk["too_few"] and not kiosk["differs"]
    assert kiosk["nps_ci_high"] - kiosk["nps_ci_low"] > 20
    assert kiosk["p_value"] < 0.05 and np.isnan(kiosk["q_value"])
    assert not table.loc[["web", "app"], "too_few"].any()


def test_difference_smaller_than_min_difference_is_not_called_different():
    segment, category, member = _segments([("web", 20000, [0.40, 0.30, 0.30]),
                                           ("app", 20000, [0.42, 0.30, 0.28])], seed=1)
    table = segment_table(segment, category, member, THEMES).set_index("segment")
    assert (table["q_value"] < 0.05).all() and (table["difference"].abs() < 5).all()
    assert not table["differs"].any()
    loose = segment_table(segment, category, member, THEMES, min_difference=1.0)
    assert loose["differs"].all()


def test_min_n_sets_which_segments_are_too_few():
    segment, category, member = _segments([("web", 200, [0.3, 0.3, 0.4]), ("app", 60, [0.6, 0.3, 0.1])])
    table = segment_table(segment, category, member, THEMES, min_n=100).set_index("segment")
    assert table.loc["app", "too_few"] and not table.loc["app", "differs"]
    table = segment_table(segment, category, member, THEMES, min_n=30).set_index("segment")
    assert not table.loc["app", "too_few"] and table.loc["app", "differs"]


def test_detractor_rate_has_an_interval_that_holds_it_and_is_never_zero_width():
    segment, category, member = _segments([("web", 300, [0.3, 0.3, 0.4]), ("app", 12, [0.5, 0.5, 0.0])])
    table = segment_table(segment, category, member, THEMES).set_index("segment")
    assert list(table.reset_index().columns) == SEGMENT_COLUMNS
    low, rate, high = (table[c] for c in ("detractor_rate_ci_low", "detractor_rate", "detractor_rate_ci_high"))
    assert (low <= rate).all() and (rate <= high).all() and (high - low > 0).all()
    assert table.loc["app", "detractor_rate"] == 0 and table.loc["app", "detractor_rate_ci_high"] > 0.1
