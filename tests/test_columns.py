"""Columns found by name, wording and values; the metric inferred or checked, never silently wrong."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from feedbackml.errors import UsageError
from feedbackml.io.columns import check_metric, find_columns, infer_metric, question_kind
from feedbackml.io.labels import first_labelled, label_numbers, labelled_count
from feedbackml.io.read import read_table

from conftest import FIXTURES

SURVEYS = FIXTURES / "surveys"


@pytest.mark.parametrize("label, number", [
    ("10 - Extremely likely", "10"), ("0 - Not at all likely", "0"), ("0 = Not at all likely", "0"),
    ("Very satisfied (5)", "5"), ("5 (Very satisfied)", "5"), ("Extremely likely - 10", "10"),
    ("10 – Extremely likely", "10"), ("7", "7"), ("ten", "ten"),
])
def test_end_point_labels_read_as_their_number(label, number):
    assert label_numbers(pd.Series([label])).iloc[0] == number


def test_labelled_count_counts_only_labels():
    assert labelled_count(pd.Series(["10 - Extremely likely", "9", "0 = Not at all likely", ""])) == 2


def test_first_labelled_is_the_first_end_point_label_the_data_holds():
    assert first_labelled(pd.Series(["4", "2", "Very satisfied (5)", "1 - Very dissatisfied"])) == "Very satisfied (5)"
    assert first_labelled(pd.Series(["4", "2", None])) is None


@pytest.mark.parametrize("wording, kind", [
    ("How likely are you to recommend Acme to a friend or colleague?", "nps"),
    ("How likely is it that you would recommend Acme to a friend or colleague?", "nps"),
    ("What is the main reason for your score?", "open"), ("Why?", "open"),
    ("What could we do better?", "open"), ("How satisfied are you with Acme overall?", "csat"),
    ("How easy was it to solve your problem today?", "ces"), ("Which plan are you on?", None),
])
def test_question_wording_says_what_a_column_holds(wording, kind):
    assert question_kind(wording) == kind


@pytest.mark.parametrize("name, text, score", [
    ("qualtrics.csv", ["Q2", "Q3"], ["Q1"]),
    ("qualtrics_legacy.csv", ["Q2", "Q3"], ["Q1"]),
    ("surveymonkey.csv", ["What is the main reason for your score?"],
     ["How likely is it that you would recommend Acme to a friend or colleague?"]),
    ("typeform.csv", ["What's the main reason for your score?", "What could we do better?"],
     ["How likely are you to recommend Acme to a friend or colleague?"]),
    ("google_forms.csv", ["Why?"], ["How likely are you to recommend Acme to a friend or colleague?"]),
    ("microsoft_forms.csv", ["What could we do better?"], ["How satisfied are you with Acme overall?"]),
    ("reviews_1to5.csv", ["verified_reviews"], ["rating"]),
])
def test_text_and_score_columns_are_found_without_flags(name, text, score):
    df = read_table(SURVEYS / name)
    assert find_columns(df, "text") == text and find_columns(df, "score") == score


def test_several_columns_with_a_text_word_in_their_name_ask_for_text():
    df = pd.DataFrame({"review_title": ["Great", "Meh"], "review_body": ["Love it", "Broke in a week"]})
    with pytest.raises(UsageError, match=r"2 columns could \(review_title, review_body\); pass --text"):
        find_columns(df, "text")


def test_a_numeric_column_named_feedback_is_not_the_text():
    df = pd.DataFrame({"feedback": ["1", "0", "1"], "verified_reviews": ["Love it", "Broke in a week", "ok I guess"]})
    assert find_columns(df, "text") == ["verified_reviews"]


@pytest.mark.parametrize("values, metric", [
    (["1", "2", "5", "4"], "csat"), (["0", "10", "7"], "nps"), (["1", "7", "4"], "ces"),
    (["0 - Not at all likely", "10 - Extremely likely", "8"], "nps"),
])
def test_metric_is_inferred_from_the_values(values, metric):
    assert infer_metric(pd.Series(values), "score")[0] == metric


@pytest.mark.parametrize("column, wording", [("nps", None), ("Q1", "How likely are you to recommend us to a friend?")])
def test_a_recommend_question_answered_on_1_to_5_is_not_read_as_nps(column, wording):
    with pytest.raises(UsageError, match="reads like the recommend question") as err:
        infer_metric(pd.Series([str(1 + v % 5) for v in range(20)]), column, wording)
    assert "within 1–5 and none is 0" in str(err.value) and "--metric csat" in err.value.hint


def test_wording_decides_a_scale_the_values_leave_open():
    assert infer_metric(pd.Series(["3", "9", "10"]), "Q1", "How likely are you to recommend us?")[0] == "nps"
    assert infer_metric(pd.Series(["1", "2", "5"]), "effort")[0] == "ces"


def test_a_column_named_like_a_metric_with_no_value_on_a_scale_says_how_many_are_outside():
    metric, why = infer_metric(pd.Series(["11"] * 40), "nps")
    assert metric == "nps" and "11; 40 of 40 outside 0–10" in why


def test_a_few_invalid_scores_do_not_change_the_inferred_metric():
    values = pd.Series([str(v % 11) for v in range(200)] + ["-1", "11"])
    assert infer_metric(values, "nps")[0] == "nps"


@pytest.mark.parametrize("values", [["1", "10", "5"], ["1.5", "2.5", "4"], ["1", "100", "50"], ["0", "1"]])
def test_a_scale_that_cannot_be_told_is_a_usage_error_naming_metric(values):
    with pytest.raises(UsageError) as err:
        infer_metric(pd.Series(values), "score")
    assert "--metric" in err.value.hint


def test_metric_given_for_values_outside_its_range_is_an_error_that_suggests_the_right_one():
    nps = pd.Series([str(v) for v in range(11)] * 5)
    with pytest.raises(UsageError) as err:
        check_metric(nps, "csat", "ltr")
    assert "outside" in str(err.value) and "--metric nps" in err.value.hint
    check_metric(nps, "nps", "ltr")  # fits: no error


def test_metric_nps_given_for_a_1_to_5_column_is_an_error_suggesting_csat():
    ratings = pd.Series([str(1 + v % 5) for v in range(20)])
    with pytest.raises(UsageError) as err:
        check_metric(ratings, "nps", "score")
    assert "within 1–5" in str(err.value) and "detractor" in str(err.value)
    assert "--metric csat" in err.value.hint
    check_metric(ratings.iloc[:5], "nps", "score")  # a handful of low NPS answers: too few to tell
    check_metric(pd.Series(["5"] * 20), "nps", "score")  # one value throughout: tells no scale
    mostly = pd.concat([ratings] * 2 + [pd.Series(["9"])], ignore_index=True)  # 40 of 41 within 1–5
    with pytest.raises(UsageError, match=r"98% of the values are within 1–5 and none is 0 \(values 1–9\) in column 'score'"):
        check_metric(mostly, "nps", "score")
    check_metric(pd.concat([ratings, pd.Series(["0"])], ignore_index=True), "nps", "score")  # a 0: NPS


def test_metric_given_for_a_text_column_says_it_holds_no_numbers():
    with pytest.raises(UsageError, match=r"outside that range \(it holds no numbers\)"):
        check_metric(pd.Series(["great", "slow"] * 5), "nps", "comment")


def test_metric_given_tolerates_a_few_invalid_values():
    values = pd.Series(["1", "2", "3", "4", "5"] * 10 + ["6", "0"])
    check_metric(values, "csat", "rating")  # 4 % outside, and CES would not fit the 0: just rejects


def test_a_plain_table_with_two_open_questions_uses_the_first_and_says_which_are_left_out(caplog):
    df = pd.DataFrame({"nps": ["9", "3"], "What did we do well?": ["fast", "nothing"],
                       "What could we improve?": ["price", "support"]})
    with caplog.at_level(logging.INFO, logger="feedbackml.io.columns"):
        assert find_columns(df, "text") == ["What did we do well?"]
    assert "What could we improve?" in caplog.text and "repeat --text" in caplog.text


def test_a_column_named_like_text_that_holds_a_few_set_values_is_a_category_not_the_comments():
    n = 40
    df = pd.DataFrame({"Timely response?": ["Yes", "No"] * (n // 2),
                       "Company response to consumer": ["Closed with explanation", "In progress"] * (n // 2),
                       "Consumer complaint narrative": [f"they charged me twice in month {i}" for i in range(n)]})
    assert find_columns(df, "text") == ["Consumer complaint narrative"]
