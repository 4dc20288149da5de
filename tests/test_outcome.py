"""Outcomes: the event named by COL=VALUE; a bare COL only for a clearly boolean column."""

from __future__ import annotations

import pandas as pd
import pytest

from feedbackml.errors import UsageError
from feedbackml.io.outcome import Outcome, outcome_summary, parse_outcome, parse_spec

COLUMNS = ["comment", "Recommended IND", "churned", "a=b"]


def test_spec_with_a_value_names_the_event():
    assert parse_spec("Recommended IND=0", COLUMNS) == Outcome("Recommended IND", "0")
    assert parse_spec("churned = yes", COLUMNS) == Outcome("churned", "yes")


def test_spec_that_is_a_column_name_with_an_equals_sign_is_the_column():
    assert parse_spec("a=b", COLUMNS) == Outcome("a=b", None)


def test_unknown_outcome_column_lists_the_columns():
    with pytest.raises(UsageError, match="available columns"):
        parse_spec("left=1", COLUMNS)


def test_event_value_zero_makes_zero_the_event():
    values = pd.Series(["1", "0", "1.0", "", "0"])
    event, reason = parse_outcome(values, "0")
    assert event.tolist() == [False, True, False, pd.NA, True] and (reason == "").all()


def test_event_value_no_row_holds_is_a_usage_error():
    with pytest.raises(UsageError, match="holds the event value"):
        parse_outcome(pd.Series(["yes", "no"]), "churned")


def test_bare_boolean_column_means_its_true_value():
    event, _ = parse_outcome(pd.Series(["yes", "no", "YES", "n"]))
    assert event.tolist() == [True, False, True, False]


def test_bare_outcome_on_a_column_that_is_not_boolean_asks_for_the_value():
    with pytest.raises(UsageError) as err:
        parse_outcome(pd.Series(["gold", "silver", "bronze"]), column="tier")
    assert "tier=VALUE" in err.value.hint


def test_summary_records_column_event_n_events_and_rate():
    event = pd.Series([True, False, None, True], dtype="boolean")
    summary = outcome_summary(Outcome("Recommended IND", "0"), event)
    assert summary == {"column": "Recommended IND", "event": "0", "event_label": "Recommended IND = 0",
                       "n": 3, "events": 2, "rate": round(2 / 3, 4)}
