"""End to end: survey-platform exports and review files analysed with no column flags."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pandas as pd
import pytest

from feedbackml.cli import run

from conftest import FIXTURES

SURVEYS = FIXTURES / "surveys"
_spec = importlib.util.spec_from_file_location("make_fixtures", SURVEYS / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)
SCORES = np.array([a[0] for a in make_fixtures.ANSWERS])  # the NPS each invented respondent gave


def cli(*args):
    return run([str(a) for a in args])


def analysed(tmp_path, name, *flags, code=0):
    out = tmp_path / name.replace(".", "_")
    assert cli("analyze", SURVEYS / name, "--out", out, "--themes", 2, "--quiet", *flags) == code
    return out, json.loads((out / "summary.json").read_text())


def nps(scores) -> float:
    return 100.0 * ((scores >= 9).mean() - (scores <= 6).mean())


@pytest.mark.parametrize("name, platform", [
    ("qualtrics.csv", "qualtrics"), ("qualtrics.tsv", "qualtrics"), ("qualtrics.xlsx", "qualtrics"),
    ("qualtrics_legacy.csv", "qualtrics"), ("surveymonkey.csv", "surveymonkey"), ("typeform.csv", "typeform"),
    ("google_forms.csv", "google_forms"),
])
def test_nps_survey_exports_need_no_column_flags_and_count_respondents(tmp_path, name, platform):
    out, summary = analysed(tmp_path, name)
    assert summary["input"]["survey"]["platform"] == platform
    assert summary["rows"] == summary["rows"] | {"in": len(SCORES), "analysed": len(SCORES), "rejected": 0}
    assert summary["score"]["metric"] == "nps" and summary["score"]["metric_source"] == "inferred"
    assert summary["score"]["n"] == len(SCORES) and summary["score"]["value"] == pytest.approx(nps(SCORES))
    assert pd.read_csv(out / "rejects.csv").empty  # header rows are neither data nor rejects


def test_qualtrics_end_point_labels_count_their_zero_and_ten(tmp_path):
    _, summary = analysed(tmp_path, "qualtrics.csv")
    codes = [w["code"] for w in summary["warnings"]]
    assert "end_labels_parsed" in codes and "metric_inferred" in codes
    assert summary["score"]["promoters"] == int((SCORES >= 9).sum())
    labelled = int(np.isin(SCORES, [0, 10]).sum())
    assert f"{labelled} score(s)" in next(w["message"] for w in summary["warnings"] if w["code"] == "end_labels_parsed")


def test_qualtrics_keeps_the_wording_and_pools_both_open_questions(tmp_path):
    out, summary = analysed(tmp_path, "qualtrics.csv")
    assert summary["input"]["survey"]["questions"]["Q2"] == make_fixtures.WHY_Q
    assert summary["input"]["text_columns"] == ["Q2", "Q3"]
    assert summary["rows"]["comments"] == 2 * len(SCORES)
    comments = pd.read_parquet(out / "comments.parquet")
    assert (comments.groupby("row")["question"].agg("|".join) == "Q2|Q3").all()
    questions = pd.read_csv(out / "questions.csv")
    assert questions["question"].tolist() == ["Q2", "Q3"]
    assert questions["wording"].tolist() == [make_fixtures.WHY_Q, make_fixtures.BETTER_Q]
    assert (questions["answers"] + questions["nonanswers"]).eq(len(SCORES)).all()
    per_theme = pd.read_csv(out / "theme_questions.csv")
    assert set(per_theme["question"]) == {"Q2", "Q3"} and (per_theme["share"].between(0, 1)).all()
    html = (out / "report.html").read_text()
    assert "text columns “Q2”, “Q3” (pooled)" in html
    assert f"{len(SCORES)} scored respondents)" in html and "scored comments)" not in html


def test_text_may_name_a_question_by_its_wording(tmp_path):
    _, summary = analysed(tmp_path, "qualtrics.csv", "--text", make_fixtures.BETTER_Q)
    assert summary["input"]["text_column"] == "Q3" and "text_columns" not in summary["input"]


def test_reviews_rated_1_to_5_are_read_as_csat_not_nps(tmp_path):
    _, summary = analysed(tmp_path, "reviews_1to5.csv")
    stars = 1 + np.round(SCORES * 4 / 10)
    assert summary["input"]["text_column"] == "verified_reviews" and summary["input"]["score_column"] == "rating"
    assert summary["score"]["name"] == "CSAT" and summary["score"]["value"] == pytest.approx(100 * (stars >= 4).mean())
    assert [w["code"] for w in summary["warnings"]] == ["metric_inferred", "few_scored"]  # 16 reviews


def test_microsoft_forms_csat_labels_and_day_first_dates(tmp_path):
    _, summary = analysed(tmp_path, "microsoft_forms.csv", "--date", "Completion time")
    assert summary["score"]["name"] == "CSAT" and summary["score"]["n"] == len(SCORES)
    assert summary["trends"]["periods"] == 1  # 04/03/2025 is 4 March: every answer falls in March 2025
    assert "ambiguous_dates" not in [w["code"] for w in summary["warnings"]]
    (labels,) = [w["message"] for w in summary["warnings"] if w["code"] == "end_labels_parsed"]
    assert "(e.g. 'Very satisfied (5)')" in labels  # the example is the export's own label


def test_dates_that_never_tell_day_from_month_are_reported(tmp_path, feedback):
    feedback["when"] = np.where(np.arange(len(feedback)) % 2, "03/04/2025", "05/06/2025")
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--date", "when", "--out", tmp_path / "o", "--themes", 3, "--quiet") == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert "ambiguous_dates" in [w["code"] for w in summary["warnings"]]


def test_metric_given_that_does_not_fit_the_values_is_a_usage_error(tmp_path, capsys):
    assert cli("analyze", SURVEYS / "typeform.csv", "--metric", "csat", "--out", tmp_path / "o") == 2
    err = capsys.readouterr().err
    assert "outside" in err and "--metric nps" in err


def test_a_1_to_10_rating_cannot_be_told_and_asks_for_metric(tmp_path, feedback, capsys):
    feedback["score"] = [str(1 + i % 10) for i in range(len(feedback))]
    path = tmp_path / "in.csv"
    feedback.drop(columns="nps").to_csv(path, index=False)
    assert cli("analyze", path, "--out", tmp_path / "o", "--themes", 3) == 2
    assert "--metric" in capsys.readouterr().err


def test_outcome_with_an_explicit_event_value_is_recorded(tmp_path, feedback):
    feedback["Recommended IND"] = np.where(feedback["nps"].astype(int) >= 7, "1", "0")
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--outcome", "Recommended IND=0", "--out", tmp_path / "o", "--themes", 3,
               "--quiet") == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    events = int((feedback["Recommended IND"] == "0").sum())
    assert summary["outcome"] == {"column": "Recommended IND", "event": "0", "event_label": "Recommended IND = 0",
                                  "n": len(feedback), "events": events, "rate": round(events / len(feedback), 4)}
    html = (tmp_path / "o" / "report.html").read_text()
    assert "What drives Recommended IND = 0" in html and "come from detractors" not in html
    assert "few_outcomes" not in [w["code"] for w in summary["warnings"]]  # known for every row


def test_an_outcome_known_for_fewer_than_30_rows_is_warned_about(tmp_path, feedback, capsys):
    feedback["disputed"] = ["N/A"] * len(feedback)
    feedback.loc[:11, "disputed"] = ["Yes", "No", "No"] * 4  # known for 12 rows, 4 of them disputed
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--outcome", "disputed=Yes", "--out", tmp_path / "o", "--themes", 3, "--quiet") == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["outcome"]["n"] == 12 and summary["outcome"]["events"] == 4
    (warning,) = [w["message"] for w in summary["warnings"] if w["code"] == "few_outcomes"]
    assert "known for only 12 of" in warning and "4 with disputed = Yes" in warning
    assert warning in capsys.readouterr().err


def test_bare_outcome_on_a_column_that_is_not_yes_no_is_a_usage_error(tmp_path, feedback, capsys):
    feedback["tier"] = np.where(np.arange(len(feedback)) % 2, "gold", "silver")
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--outcome", "tier", "--out", tmp_path / "o") == 2
    err = capsys.readouterr().err
    assert "tier=VALUE" in err and "e.g. --outcome 'tier=silver'" in err  # the example is one of its values


def test_warnings_reach_stderr_even_with_quiet(tmp_path, feedback, capsys):
    feedback.loc[:19, "nps"] = "eleven"  # 20 of 184 rows: more than 5 %
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--out", tmp_path / "o", "--themes", 3, "--quiet") == 0
    err = capsys.readouterr().err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    codes = [w["code"] for w in summary["warnings"]]
    assert codes == ["metric_inferred", "reject_share"]
    assert all(w["message"] in err for w in summary["warnings"])


def test_an_export_with_fewer_than_30_scored_comments_is_warned_about(tmp_path, feedback, capsys):
    feedback.loc[20:, "nps"] = ""  # 20 scored comments, the others without a score
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--out", tmp_path / "o", "--themes", 3, "--metric", "nps", "--quiet") == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    (warning,) = [w for w in summary["warnings"] if w["code"] == "few_scored"]
    assert summary["score"]["n"] == 20 and "only 20 scored comments" in warning["message"]
    assert warning["message"] in capsys.readouterr().err
    assert cli("analyze", path, "--out", tmp_path / "p", "--themes", 3, "--metric", "nps", "--quiet",
               "--min-segment-n", 20) == 0
    summary = json.loads((tmp_path / "p" / "summary.json").read_text())
    assert "few_scored" not in [w["code"] for w in summary.get("warnings", [])]

def test_score_column_that_holds_the_text_is_refused_with_a_usage_error(tmp_path, feedback_csv, capsys):
    assert cli("analyze", feedback_csv, "--text", "comment", "--score", "comment", "--out", tmp_path / "o",
               "--themes", 3) == 2
    assert "holds no numbers" in capsys.readouterr().err
    assert cli("analyze", feedback_csv, "--text", "comment", "--score", "comment", "--metric", "nps",
               "--out", tmp_path / "o", "--themes", 3) == 2
    assert "outside" in capsys.readouterr().err


@pytest.mark.parametrize("name, code", [("cp1252.csv", "encoding_guessed"), ("shift_jis.csv", "encoding_guessed"),
                                        ("utf8_stray_byte.csv", "encoding_replaced")])
def test_encoding_warnings_are_in_the_summary(tmp_path, name, code):
    out = tmp_path / "o"
    assert cli("analyze", FIXTURES / "encodings" / name, "--out", out, "--themes", 2, "--metric", "nps",
               "--quiet") == 0
    summary = json.loads((out / "summary.json").read_text())
    assert code in [w["code"] for w in summary["warnings"]]


def test_streamed_apply_reads_a_qualtrics_export_like_analyze(tmp_path):
    assert cli("fit", SURVEYS / "qualtrics.csv", "--model", tmp_path / "m", "--themes", 2, "--quiet") == 0
    assert cli("apply", SURVEYS / "qualtrics.csv", "--model", tmp_path / "m", "--out", tmp_path / "a",
               "--chunk-size", 5, "--quiet") == 0
    assert cli("analyze", SURVEYS / "qualtrics.csv", "--model", tmp_path / "m", "--out", tmp_path / "b",
               "--quiet") == 0
    for name in ("themes.csv", "drivers.csv", "questions.csv", "theme_questions.csv", "rejects.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    a, b = (json.loads((tmp_path / d / "summary.json").read_text()) for d in "ab")
    assert a["rows"] == b["rows"] and a["score"] == b["score"] and a["warnings"] == b["warnings"]


def test_a_text_column_with_no_comment_is_a_data_error_naming_the_file_and_column(tmp_path, capsys):
    path = tmp_path / "empty_text.csv"
    pd.DataFrame({"comment": ["", " ", "n/a", ""] * 5, "nps": [str(v % 11) for v in range(20)]}).to_csv(path, index=False)
    assert cli("analyze", path, "--out", tmp_path / "o", "--quiet") == 1
    err = capsys.readouterr().err
    assert "empty_text.csv, column 'comment': cannot find themes" in err
    assert "0 of 20 answers have text" in err and "--text" in err and "Traceback" not in err


def test_a_form_export_with_a_short_score_header_says_the_metric_came_from_its_name(tmp_path):
    path = tmp_path / "form.csv"
    pd.DataFrame({"Timestamp": ["3/3/2025 9:05:42"] * 12, "nps": [str(v % 11) for v in range(12)],
                  "Why?": ["slow delivery", "great support", "billing error"] * 4}).to_csv(path, index=False)
    assert cli("analyze", path, "--out", tmp_path / "o", "--themes", 2, "--quiet") == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["input"]["survey"]["platform"] == "google_forms"
    assert summary["score"]["metric_reason"].endswith("and its name")


def test_an_export_with_only_its_header_rows_is_a_data_error_that_says_so(tmp_path, capsys):
    path = tmp_path / "no_responses.csv"
    path.write_text("".join((SURVEYS / "qualtrics.csv").read_text().splitlines(keepends=True)[:3]))
    assert cli("analyze", path, "--out", tmp_path / "o", "--quiet") == 1
    err = capsys.readouterr().err
    assert "no_responses.csv: no data rows: the file holds only its header rows" in err and "Traceback" not in err


def test_a_bare_outcome_on_a_yes_no_column_says_its_true_value_is_the_event(tmp_path, feedback, capsys):
    feedback["churned"] = np.where(feedback["nps"].astype(int) <= 4, "yes", "no")
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--outcome", "churned", "--out", tmp_path / "o", "--themes", 3) == 0
    assert "outcome 'churned' given without a value: read as yes/no, its true value" in capsys.readouterr().err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["outcome"]["events"] == int((feedback["churned"] == "yes").sum())
