"""NPS, CSAT and CES: categories, headline scores and their confidence intervals."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import gammaln

import feedbackml as fml
from feedbackml.stats.scores import (
    METRICS,
    agresti_coull_interval,
    bootstrap_ci,
    mean_interval,
    nps_category,
    nps_from_counts,
    nps_summary,
    score_from_counts,
    score_summary,
    score_values,
)

pytestmark = pytest.mark.filterwarnings("error")


def test_nps_categories_follow_the_zero_to_ten_cut_points():
    cat = nps_category(pd.Series([0, 6, 7, 8, 9, 10, None], dtype="Int64"))
    assert cat.astype(object).tolist()[:6] == ["detractor", "detractor", "passive", "passive",
                                               "promoter", "promoter"]
    assert pd.isna(cat.iloc[6])


@pytest.mark.parametrize("metric, scores, expected", [
    ("csat", [1, 2, 3, 4, 5], ["detractor", "detractor", "passive", "promoter", "promoter"]),
    ("ces", [1, 3, 4, 5, 7], ["detractor", "detractor", "passive", "promoter", "promoter"]),
])
def test_csat_and_ces_map_to_detractor_and_promoter_analogues(metric, scores, expected):
    assert nps_category(pd.Series(scores), metric).astype(object).tolist() == expected


def test_nps_is_promoters_minus_detractors_and_csat_is_share_satisfied():
    category = pd.Series(["promoter"] * 5 + ["passive"] * 3 + ["detractor"] * 2)
    assert nps_summary(category)["nps"] == pytest.approx(30.0)
    csat = score_summary(category, metric="csat")
    assert csat["value"] == pytest.approx(50.0) and csat["name"] == "CSAT"
    assert np.nanmean(score_values(category, "nps")) == pytest.approx(30.0)
    assert np.nanmean(score_values(category, "ces")) == pytest.approx(50.0)


def test_nps_interval_is_the_adjusted_wald_interval_with_three_pseudo_counts():
    res = score_from_counts(50, 20, 100)
    p, d = 50.75 / 103, 20.75 / 103
    se = np.sqrt((p + d - (p - d) ** 2) / 103)
    z = stats.norm.ppf(0.975)
    assert res["score"] == pytest.approx(30.0)
    assert res["ci_low"] == pytest.approx(100 * (p - d - z * se))
    assert res["ci_high"] == pytest.approx(100 * (p - d + z * se))


def test_csat_interval_is_the_agresti_coull_interval_of_the_share_satisfied():
    res = score_from_counts(50, 20, 100, metric="csat")
    z = stats.norm.ppf(0.975)
    share = (50 + z * z / 2) / (100 + z * z)
    half = z * np.sqrt(share * (1 - share) / (100 + z * z))
    assert res["ci_low"] == pytest.approx(100 * (share - half))
    assert res["ci_high"] == pytest.approx(100 * (share + half))
    assert res["se"] == pytest.approx(100 * np.sqrt(0.25 / 100))


def test_fourteen_promoters_of_fourteen_do_not_give_a_zero_width_interval():
    for metric in ("nps", "csat"):
        res = score_from_counts(14, 0, 14, metric=metric)
        assert res["score"] == 100 and res["ci_high"] == 100
        assert res["ci_low"] < 90
    two = score_from_counts(0, 2, 2, metric="csat")
    assert two["score"] == 0 and two["ci_low"] == 0 and two["ci_high"] > 30


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 400), st.floats(0, 1), st.floats(0, 1), st.sampled_from(["nps", "csat", "ces"]),
       st.sampled_from([0.05, 0.1, 0.01]))
def test_intervals_contain_the_score_stay_in_range_and_never_have_zero_width(n, a, b, metric, alpha):
    pro = int(round(a * n))
    det = int(round(b * (n - pro)))
    res = score_from_counts(pro, det, n, alpha=alpha, metric=metric)
    low = -100 if metric == "nps" else 0
    assert low <= res["ci_low"] <= res["score"] <= res["ci_high"] <= 100
    assert res["ci_high"] - res["ci_low"] > 0


def test_empty_groups_have_no_interval():
    res = score_from_counts([0, 5], [0, 1], [0, 10])
    assert np.isnan(res["score"][0]) and np.isnan(res["ci_low"][0]) and np.isnan(res["ci_high"][0])
    low, high = agresti_coull_interval([0, 3], [0, 10])
    assert np.isnan(low[0]) and 0 < low[1] < 0.3 < high[1]


def test_bootstrap_of_a_sample_with_one_category_is_not_zero_width():
    for metric in ("nps", "csat"):
        boot = bootstrap_ci([14], [0], [0], metric=metric, n_boot=2000, random_state=0)
        assert boot["ci_high"][0] == 100 and boot["ci_low"][0] < 95


def _exact_coverage(n, mix, metric, alpha=0.05):
    """Probability over every possible sample that the interval holds the true score."""
    p, d = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = p + d <= n
    p, d = p[keep].astype(float), d[keep].astype(float)
    a = n - p - d
    prob = np.exp(gammaln(n + 1) - gammaln(p + 1) - gammaln(a + 1) - gammaln(d + 1)
                  + p * np.log(mix[0]) + a * np.log(mix[1]) + d * np.log(mix[2]))
    w = 1 if metric == "nps" else 0
    truth = 100 * (mix[0] - w * mix[2])
    res = score_from_counts(p, d, np.full_like(p, n), alpha=alpha, metric=metric)
    return prob[(res["ci_low"] <= truth + 1e-9) & (res["ci_high"] >= truth - 1e-9)].sum()


@pytest.mark.parametrize("metric, mix", [("nps", (0.85, 0.12, 0.03)), ("nps", (0.05, 0.15, 0.8)),
                                         ("nps", (0.35, 0.3, 0.35)), ("csat", (0.95, 0.04, 0.01)),
                                         ("csat", (0.5, 0.3, 0.2))])
@pytest.mark.parametrize("n", [10, 30, 100])
def test_intervals_keep_close_to_their_nominal_coverage_at_small_n(metric, mix, n):
    assert _exact_coverage(n, mix, metric) >= 0.935


def test_summary_interval_of_a_tiny_export_is_wide():
    out = nps_summary(pd.Series(["promoter"] * 3))
    assert out["nps"] == 100 and out["ci_low"] < 50 and out["ci_high"] == 100
    s = score_summary(pd.Series(["promoter"] * 3), metric="csat")
    assert s["value"] == 100 and s["ci_low"] < 50


@pytest.mark.parametrize("pro, pas, det", [(300, 120, 80), (90, 60, 150), (40, 20, 440)])
def test_nps_interval_matches_a_bootstrap_within_tolerance(pro, pas, det):
    n = pro + pas + det
    analytic = nps_from_counts(pro, det, n)
    boot = bootstrap_ci(pro, pas, det, n_boot=20000, random_state=1)
    half = (analytic["ci_high"] - analytic["ci_low"]) / 2
    assert abs(boot["ci_low"][0] - analytic["ci_low"]) < 0.1 * half
    assert abs(boot["ci_high"][0] - analytic["ci_high"]) < 0.1 * half


def test_bootstrap_is_deterministic_and_empty_groups_stay_missing():
    a = bootstrap_ci([10, 0], [5, 0], [5, 0], random_state=3)
    b = bootstrap_ci([10, 0], [5, 0], [5, 0], random_state=3)
    assert a["ci_low"][0] == b["ci_low"][0] and a["ci_high"][0] == b["ci_high"][0]
    assert np.isnan(a["ci_low"][1]) and np.isnan(a["ci_high"][1])


def test_scores_without_any_score_are_none_not_nan():
    empty = pd.Series([None, None], dtype=object)
    summary = score_summary(empty, pd.Series([pd.NA, pd.NA], dtype="Int64"), ci_method="bootstrap")
    assert summary["n"] == 0 and summary["value"] is None and summary["ci_low"] is None
    assert summary["mean"] is None and nps_summary(empty)["nps"] is None


@pytest.mark.parametrize("metric, answer, n", [("ces", 7, 10), ("ces", 1, 3), ("csat", 5, 40), ("nps", 10, 1)])
def test_mean_score_interval_never_has_zero_width_when_every_answer_is_the_same(metric, answer, n):
    score = pd.Series([answer] * n, dtype="Int64")
    summary = score_summary(nps_category(score, metric), score, metric=metric)
    low, high = METRICS[metric].low, METRICS[metric].high
    assert summary["mean"] == answer
    assert low <= summary["mean_ci_low"] <= answer <= summary["mean_ci_high"] <= high
    assert summary["mean_ci_high"] - summary["mean_ci_low"] > 0


def test_mean_score_interval_narrows_with_n_and_meets_the_t_interval_when_answers_spread():
    values = np.arange(1, 6, dtype=float)
    widths = [np.subtract(*mean_interval([5.0], [n], 1, 5)[::-1]) for n in (5, 50, 500)]
    assert widths[0] > widths[1] > widths[2] > 0
    freq = np.full(5, 400.0)
    sd = np.sqrt((freq * (values - 3) ** 2).sum() / (freq.sum() - 1))
    plain = 2 * stats.t.ppf(0.975, freq.sum() - 1) * sd / np.sqrt(freq.sum())
    low, high = mean_interval(values, freq, 1, 5)
    assert (low + high) / 2 == pytest.approx(3) and high - low == pytest.approx(plain, rel=1e-3)


def test_interval_of_an_all_detractor_sample_stays_in_range():
    res = score_from_counts(0, 12, 12)
    assert res["score"] == -100 and res["ci_low"] >= -100 and res["ci_high"] <= 100


def test_csat_score_outside_one_to_five_goes_to_rejects(feedback):
    feedback["csat"] = (np.arange(len(feedback)) % 5 + 1).astype(str)
    feedback.loc[[2, 9], "csat"] = ["6", "0"]
    res = fml.analyze(feedback, text="comment", score="csat", metric="csat", n_themes=3)
    assert sorted(res.rejects["row"]) == [3, 10]
    assert set(res.rejects["reason"]) == {"outside the CSAT range 1-5"}
    assert len(res.comments) + len(res.rejects) == len(feedback)
    assert res.summary["score"]["metric"] == "csat"
    assert 0 <= res.summary["score"]["value"] <= 100
    assert set(res.comments["nps_category"].dropna()) <= {"detractor", "passive", "promoter"}


def test_bootstrap_option_reaches_the_summary(feedback):
    res = fml.analyze(feedback, n_themes=3, ci_method="bootstrap", n_boot=500)
    score = res.summary["score"]
    assert score["ci_method"] == "bootstrap" and score["ci_low"] <= score["value"] <= score["ci_high"]


def test_summaries_from_counts_equal_the_summaries_of_the_rows():
    rng = np.random.default_rng(0)
    score = pd.Series(rng.integers(0, 11, 5000), dtype="Int64")
    score[rng.random(5000) < 0.1] = pd.NA
    category = nps_category(score).astype(object).where(score.notna(), None)
    values, counts = np.unique(score.fillna(-1).to_numpy(int), return_counts=True)
    counted = pd.Series(values, dtype="Int64").mask(values == -1)
    counted_category = nps_category(counted).astype(object).where(counted.notna(), None)
    assert nps_summary(category) == nps_summary(counted_category, weight=counts)
    for method in ("analytic", "bootstrap"):
        assert (score_summary(category, score, ci_method=method, n_boot=500)
                == score_summary(counted_category, counted, ci_method=method, n_boot=500, weight=counts))
