"""NPS, CSAT and CES: categories, headline scores and their confidence intervals."""

import numpy as np
import pandas as pd
import pytest

import feedbackml as fml
from feedbackml.stats.scores import (
    bootstrap_ci,
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


def test_analytic_interval_uses_the_multinomial_variance():
    res = score_from_counts(50, 20, 100)
    p, d = 0.5, 0.2
    se = np.sqrt((p + d - (p - d) ** 2) / 100)
    assert res["ci_high"] - res["score"] == pytest.approx(100 * 1.959964 * se, rel=1e-5)
    csat = score_from_counts(50, 20, 100, metric="csat")
    assert csat["se"] == pytest.approx(100 * np.sqrt(0.25 / 100))


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
