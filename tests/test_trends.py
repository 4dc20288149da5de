"""Periods over time: too-few periods, spike alerts under many tests, placeholder dates."""

import datetime

import numpy as np
import pandas as pd
import pytest

from feedbackml.stats.trends import screen_periods, spike_alerts, to_periods, trend_table

pytestmark = pytest.mark.filterwarnings("error")  # no division warning may reach the user

THEMES = pd.DataFrame({"theme_id": [0, 1, 2], "label": ["delivery", "billing", "app"]})


def test_periods_with_few_scored_comments_are_too_few():
    month = np.array([0] * 50 + [1] * 3 + [2] * 40)
    dates = pd.Series(pd.Timestamp("2025-01-10") + pd.to_timedelta(month * 31, unit="D"))
    category = pd.Series(["promoter"] * len(month), dtype=object)
    member = np.zeros((len(month), 3), bool)
    member[:, 0] = True
    trends = trend_table(to_periods(dates), category, member, THEMES)
    whole = trends[trends["theme_id"].isna()].set_index("period")
    assert whole["too_few"].tolist() == [False, True, False]
    feb = whole.loc["2025-02"]
    assert feb["nps"] == 100 and feb["nps_ci_low"] < 60
    assert trends.loc[trends["label"] == "billing", "too_few"].all()  # no comments at all


def _no_trend(seed, months=24, per_month=150, shares=(0.3, 0.2, 0.15, 0.1, 0.08, 0.05, 0.03, 0.01)):
    rng = np.random.default_rng(seed)
    month = np.repeat(np.arange(months), per_month)
    member = rng.random((len(month), len(shares))) < np.array(shares)
    dates = pd.Series(pd.Timestamp("2023-01-05") + pd.to_timedelta(month * 30.5, unit="D"))
    themes = pd.DataFrame({"theme_id": np.arange(len(shares)), "label": [f"t{j}" for j in range(len(shares))]})
    return to_periods(dates), member, themes


@pytest.mark.parametrize("seed", range(10))
def test_an_export_with_no_real_trend_raises_no_spike_alert(seed):
    periods, member, themes = _no_trend(seed)
    assert spike_alerts(periods, member, themes) == []


def test_a_real_spike_among_many_themes_and_periods_is_still_found():
    periods, member, themes = _no_trend(0)
    rng = np.random.default_rng(7)
    last = (periods == periods.max()).to_numpy()
    member[last, 3] = rng.random(last.sum()) < 0.3  # 10 % -> 30 % in the last month
    alerts = spike_alerts(periods, member, themes)
    assert [(a["label"], a["kind"]) for a in alerts] == [("t3", "spike")]
    assert alerts[0]["q_value"] < 0.05 and alerts[0]["p_value"] <= alerts[0]["q_value"]


def test_placeholder_and_far_off_dates_are_left_out_of_the_periods():
    dates = pd.Series(["2025-01-03", "2025-02-11", "2025-03-20"] * 20 + ["9999-12-31", "0001-01-01",
                                                                          "1970-01-01", None])
    periods = to_periods(pd.to_datetime(dates, format="ISO8601"), "week")
    kept, info = screen_periods(periods, "week", today=datetime.date(2025, 6, 1))
    assert kept.notna().sum() == 60 and info["ignored"] == 3
    assert info["too_late"] == ["9999-W52"] and info["too_early"] == ["0001-W01", "1970-W01"]
    assert kept.dropna().min() >= pd.Period("2025-01-03", "W")


def test_a_lone_date_far_from_the_rest_is_left_out_but_two_survey_waves_are_kept():
    one = pd.Series(pd.PeriodIndex(["2025-01", "2025-04", "2025-09"] * 40 + ["2019-05"], freq="M"))
    kept, info = screen_periods(one)
    assert info["lone"] == ["2019-05"] and info["ignored"] == 1 and kept.isna().sum() == 1
    waves = pd.Series(pd.PeriodIndex(["2018-03"] * 50 + ["2024-03"] * 50, freq="M"))
    kept, info = screen_periods(waves)
    assert info["ignored"] == 0 and kept.notna().all()


def test_dates_after_next_year_are_left_out():
    periods = pd.Series(pd.PeriodIndex(["2026-05", "2027-12", "2028-01"], freq="M"))
    kept, info = screen_periods(periods, today=datetime.date(2026, 3, 1))
    assert info["too_late"] == ["2028-01"] and kept.notna().tolist() == [True, True, False]


def test_screening_counts_gives_the_same_periods_as_the_rows():
    labels = ["2025-01"] * 30 + ["2025-02"] * 20 + ["2019-07"] + ["9999-12"] * 2
    rows = pd.Series(pd.PeriodIndex(labels, freq="M"))
    counted = pd.Series(pd.PeriodIndex(["2025-01", "2025-02", "2019-07", "9999-12"], freq="M"))
    kept_rows, info_rows = screen_periods(rows)
    kept_counts, info_counts = screen_periods(counted, weight=[30, 20, 1, 2])
    assert info_rows == info_counts
    assert kept_counts.notna().tolist() == [True, True, False, False]


def test_period_detractor_rate_has_an_interval_and_empty_periods_have_none():
    month = np.array([0] * 40 + [2] * 5)
    dates = pd.Series(pd.Timestamp("2025-01-10") + pd.to_timedelta(month * 31, unit="D"))
    category = pd.Series(["detractor"] * 10 + ["promoter"] * 35, dtype=object)
    member = np.zeros((len(month), 3), bool)
    whole = trend_table(to_periods(dates), category, member, THEMES)
    whole = whole[whole["theme_id"].isna()].set_index("period")
    jan, feb, mar = whole.loc["2025-01"], whole.loc["2025-02"], whole.loc["2025-03"]
    assert jan["detractor_rate_ci_low"] < jan["detractor_rate"] == 0.25 < jan["detractor_rate_ci_high"]
    assert np.isnan(feb["detractor_rate_ci_low"]) and np.isnan(feb["detractor_rate_ci_high"])
    assert mar["detractor_rate"] == 0 and mar["detractor_rate_ci_high"] > 0.3
