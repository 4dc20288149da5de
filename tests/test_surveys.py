"""Survey-platform layouts: extra header rows dropped, wording kept, rows = respondents."""

from __future__ import annotations

import pandas as pd
import pytest

from feedbackml.io.chunks import iter_table
from feedbackml.io.read import read_table
from feedbackml.io.surveys import detect_layout, read_layout

from conftest import FIXTURES

SURVEYS = FIXTURES / "surveys"
NPS_Q = "How likely are you to recommend Acme to a friend or colleague?"
RESPONDENTS = 16


@pytest.mark.parametrize("name, platform, header_rows", [
    ("qualtrics.csv", "qualtrics", 3), ("qualtrics.tsv", "qualtrics", 3), ("qualtrics.xlsx", "qualtrics", 3),
    ("qualtrics_legacy.csv", "qualtrics", 2), ("surveymonkey.csv", "surveymonkey", 2),
    ("typeform.csv", "typeform", 1), ("google_forms.csv", "google_forms", 1),
    ("microsoft_forms.csv", "microsoft_forms", 1), ("microsoft_forms.xlsx", "microsoft_forms", 1),
])
def test_each_platform_export_reads_to_one_row_per_respondent(name, platform, header_rows):
    df = read_table(SURVEYS / name)
    survey = df.attrs["survey"]
    assert survey["platform"] == platform and survey["header_rows"] == header_rows
    assert len(df) == RESPONDENTS and df.index.tolist() == list(range(1, RESPONDENTS + 1))
    first = df.iloc[0].fillna("").astype(str).tolist()
    assert not any(v.startswith('{"ImportId"') or v in {"Response", "Open-Ended Response", "Start Date"}
                   for v in first)


def test_qualtrics_keeps_the_question_wording_of_each_column():
    df = read_table(SURVEYS / "qualtrics.csv")
    questions = df.attrs["survey"]["questions"]
    assert questions["Q1"] == NPS_Q and questions["Q2"] == "What is the main reason for your score?"
    assert "ResponseId" in df.attrs["survey"]["metadata_columns"] and "Q1" not in questions.get("ResponseId", "")
    assert df.attrs["survey"]["variant"] == "current"


def test_qualtrics_csv_tsv_and_xlsx_give_the_same_answers():
    frames = [read_table(SURVEYS / f"qualtrics.{ext}") for ext in ("csv", "tsv", "xlsx")]
    for other in frames[1:]:
        for col in ("Q1", "Q2", "Q3", "ResponseId"):
            assert other[col].fillna("").astype(str).tolist() == frames[0][col].fillna("").astype(str).tolist()


def test_legacy_qualtrics_has_two_header_rows_and_v_columns_as_metadata():
    df = read_table(SURVEYS / "qualtrics_legacy.csv")
    assert df.attrs["survey"]["variant"] == "legacy"
    assert df["V1"].str.startswith("R_").all()
    assert df.attrs["survey"]["questions"]["Q1"] == NPS_Q


def test_surveymonkey_joins_a_multi_column_question_with_its_option_labels():
    df = read_table(SURVEYS / "surveymonkey.csv")
    assert "Which of these have you used? - Website" in df.columns
    assert "What is the main reason for your score?" in df.columns  # "Open-Ended Response" adds nothing
    assert df.attrs["survey"]["questions"]["Which of these have you used? - Phone"] == "Which of these have you used?"


def test_a_plain_table_has_no_layout_and_is_left_alone():
    df = pd.DataFrame({"comment": ["a", "b"], "nps": ["1", "2"]}, index=pd.RangeIndex(1, 3, name="row"))
    assert detect_layout(df).platform == ""
    assert read_layout(df) is df


def test_broken_rows_are_renumbered_as_respondents():
    df = pd.DataFrame({"StartDate": ["Start Date", '{"ImportId":"startDate"}', "2025-03-01 10:00:00"],
                       "ResponseId": ["Response ID", '{"ImportId":"_recordId"}', "R_abcdefgh"],
                       "Status": ["Response Type", '{"ImportId":"status"}', "0"],
                       "Q1": ["How likely…", '{"ImportId":"QID1"}', "9"]},
                      index=pd.RangeIndex(1, 4, name="row"))
    df.attrs["bad_rows"] = [(4, "broken,row")]
    out = read_layout(df)
    assert out.index.tolist() == [1] and out.attrs["bad_rows"] == [(2, "broken,row")]


@pytest.mark.parametrize("name", ["qualtrics.csv", "qualtrics_legacy.csv", "surveymonkey.csv"])
@pytest.mark.parametrize("chunk_size", [1, 2, 5])
def test_chunks_smaller_than_the_header_rows_read_as_the_whole_file(name, chunk_size):
    whole = read_table(SURVEYS / name)
    chunks = list(iter_table(SURVEYS / name, chunk_size))
    streamed = pd.concat(chunks)
    assert chunks[0].attrs["survey"] == whole.attrs["survey"]
    assert list(streamed.columns) == list(whole.columns) and streamed.index.tolist() == whole.index.tolist()
    assert streamed.astype(str).equals(whole.astype(str))
