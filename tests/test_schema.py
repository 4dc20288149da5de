import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedbackml.errors import UsageError
from feedbackml.io.schema import detect_column, parse_scores, validate


def test_scores_accept_int_string_and_float_forms():
    score, reason = parse_scores(pd.Series([9, "9", "9.0", 9.0, " 10 ", "0"], dtype=object))
    assert score.tolist() == [9, 9, 9, 9, 10, 0]
    assert (reason == "").all()


@pytest.mark.parametrize("value, reason", [("11", "outside"), ("-1", "outside"), ("ten", "not a number"),
                                           ("9.5", "not a whole number")])
def test_invalid_scores_get_a_reason(value, reason):
    score, why = parse_scores(pd.Series([value], dtype=object))
    assert score.isna().all() and reason in why.iloc[0]


def test_empty_score_is_missing_not_rejected():
    score, why = parse_scores(pd.Series(["", None], dtype=object))
    assert score.isna().all() and (why == "").all()


def test_validate_sends_bad_scores_to_rejects_with_row_and_column():
    df = pd.DataFrame({"comment": ["a", "b", "c"], "nps": ["9", "11", "ten"]},
                      index=pd.RangeIndex(1, 4, name="row"))
    accepted, rejects = validate(df, "nps")
    assert accepted.index.tolist() == [1]
    assert rejects[["row", "column", "value"]].values.tolist() == [[2, "nps", "11"], [3, "nps", "ten"]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(-5, 15), st.text(max_size=4), st.floats(-3, 12), st.none()), max_size=40))
def test_rows_in_equal_rows_accepted_plus_rejects(values):
    df = pd.DataFrame({"comment": ["x"] * len(values), "nps": pd.Series(values, dtype=object)},
                      index=pd.RangeIndex(1, len(values) + 1, name="row"))
    accepted, rejects = validate(df, "nps")
    assert len(accepted) + len(rejects) == len(values)
    assert accepted["_score"].dropna().between(0, 10).all()


def test_columns_are_detected_by_name():
    df = pd.DataFrame(columns=["ID", "Likelihood to recommend", "Verbatim"])
    assert detect_column(df, "text", None, required=True) == "Verbatim"
    assert detect_column(df, "score", None, required=True) == "Likelihood to recommend"


def test_missing_column_is_a_usage_error_listing_the_columns():
    df = pd.DataFrame(columns=["a", "b"])
    with pytest.raises(UsageError, match="available columns: a, b"):
        detect_column(df, "text", None, required=True)
    with pytest.raises(UsageError, match="'comment'"):
        detect_column(df, "text", "comment", required=True)
