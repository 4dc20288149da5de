import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import feedbackml as fml
from feedbackml.io.write import json_default
from feedbackml.results import COMMENT_COLUMNS, THEME_TABLE_COLUMNS


def test_analyze_returns_the_contracted_tables(feedback):
    res = fml.analyze(feedback, text="comment", score="nps", n_themes=3)
    assert set(COMMENT_COLUMNS) <= set(res.comments.columns)
    assert list(res.themes.columns) == THEME_TABLE_COLUMNS
    assert {"theme_id", "nps_impact", "detractor_lift", "q_value"} <= set(res.drivers.columns)
    assert res.summary["rows"]["in"] == len(feedback)


def test_rows_in_equal_comments_plus_rejects(feedback):
    feedback.loc[0, "nps"] = "11"
    feedback.loc[1, "nps"] = "ten"
    res = fml.analyze(feedback, n_themes=3)
    assert len(res.comments) + len(res.rejects) == len(feedback)
    assert sorted(res.rejects["row"]) == [1, 2]


def test_non_answers_stay_as_rows_without_a_theme(feedback):
    res = fml.analyze(feedback, n_themes=3)
    non = res.comments[res.comments["is_nonanswer"]]
    assert len(non) == 4 and (non["theme_id"] == -1).all() and (non["theme_label"] == "").all()


def test_planted_detractor_themes_rank_first_and_promoter_theme_last(feedback):
    res = fml.analyze(feedback, n_themes=3)
    top_two = " ".join(res.drivers["label"].head(2))
    assert ("deliver" in top_two or "parcel" in top_two or "late" in top_two)
    assert ("charge" in top_two or "invoice" in top_two or "bill" in top_two or "refund" in top_two)
    last = res.drivers.iloc[-1]
    assert "staff" in last["label"] and last["nps_impact"] > 0


def test_same_input_and_seed_give_identical_tables(feedback):
    a = fml.analyze(feedback, n_themes=3, random_state=1)
    b = fml.analyze(feedback.copy(), n_themes=3, random_state=1)
    pd.testing.assert_frame_equal(a.comments, b.comments)
    pd.testing.assert_frame_equal(a.drivers, b.drivers)


def test_shuffling_rows_does_not_change_theme_sizes(feedback):
    a = fml.analyze(feedback, n_themes=3)
    b = fml.analyze(feedback.sample(frac=1, random_state=3).reset_index(drop=True), n_themes=3)
    assert sorted(a.themes["n"]) == sorted(b.themes["n"])
    assert a.summary["nps"]["nps"] == pytest.approx(b.summary["nps"]["nps"])


def test_input_columns_named_like_outputs_are_kept_with_a_prefix(feedback):
    feedback["sentiment"] = "from the survey tool"
    res = fml.analyze(feedback, n_themes=3)
    assert (res.comments["input_sentiment"] == "from the survey tool").all()
    assert res.comments["sentiment"].between(-1, 1).all()


def test_analyzer_follows_the_estimator_contract(feedback):
    an = fml.FeedbackAnalyzer(n_themes=3, random_state=2)
    assert clone(an).get_params() == an.get_params()
    with pytest.raises(NotFittedError):
        an.analyze(feedback)
    assert an.fit(feedback) is an
    assert an.themes_["theme_id"].tolist() == [0, 1, 2]


def test_fit_then_analyze_new_data_keeps_theme_ids(feedback):
    from tests.conftest import make_feedback

    an = fml.FeedbackAnalyzer(n_themes=3).fit(feedback)
    first = an.analyze(feedback)
    later = an.analyze(make_feedback(seed=5))
    assert first.themes[["theme_id", "label"]].equals(later.themes[["theme_id", "label"]])
    assert np.isin(later.comments["theme_id"], [-1, 0, 1, 2]).all()


def test_results_round_trip_through_a_folder(tmp_path, feedback):
    res = fml.analyze(feedback, n_themes=3)
    res.to_folder(tmp_path)
    back = fml.Results.from_folder(tmp_path)
    pd.testing.assert_frame_equal(back.drivers, res.drivers, check_dtype=False)
    assert back.summary == json.loads(json.dumps(res.summary, default=json_default))
