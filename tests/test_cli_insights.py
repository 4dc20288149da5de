"""End to end: drivers, segments, trends and alerts from the command line, on the bundled sample too."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from feedbackml.cli import run

pytestmark = pytest.mark.filterwarnings("error")  # no division warning may reach the user

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_feedback.csv"
DELIVERY = "deliver|parcel|courier|late"
BILLING = "charge|bill|invoice|refund"
STAFF = "staff|friendly|helpful"
APP = r"\bapp\b|crash|login"


def cli(*args):
    return run([str(a) for a in args])


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "out"
    assert cli("analyze", SAMPLE, "--segment", "channel", "--date", "submitted_at", "--out", out, "--quiet") == 0
    return out


def rows_like(drivers: pd.DataFrame, words: str) -> pd.DataFrame:
    return drivers[drivers["label"].str.contains(words, case=False)]


def test_bundled_sample_writes_drivers_segments_trends_and_alerts(sample_out):
    for name in ("drivers.csv", "segments.csv", "trends.csv", "decomposition.csv", "summary.json"):
        assert (sample_out / name).is_file(), name
    summary = json.loads((sample_out / "summary.json").read_text())
    assert isinstance(summary["alerts"], list) and summary["score"]["metric"] == "nps"
    decomposition = summary["decomposition"]
    parts = sum(c["total"] for c in decomposition["components"])
    assert parts == pytest.approx(decomposition["change"], abs=1e-3)


def test_bundled_sample_planted_drivers_are_found_with_adjusted_odds_ratios(sample_out):
    drivers = pd.read_csv(sample_out / "drivers.csv")
    for words in (DELIVERY, BILLING):
        found = rows_like(drivers, words)
        assert (found["significant"] & (found["adjusted_or_ci_low"] > 1)).any(), words
    staff = rows_like(drivers, STAFF)
    assert (staff["significant"] & (staff["adjusted_or_ci_high"] < 1) & (staff["shapley_impact"] > 0)).any()


def test_bundled_sample_phone_channel_scores_worst_and_differs(sample_out):
    segments = pd.read_csv(sample_out / "segments.csv", keep_default_na=False, na_values=[""])
    assert segments.loc[0, "segment"] == "phone" and segments.loc[0, "differs"]
    assert segments.loc[0, "nps_ci_high"] < segments.loc[0, "nps_rest"]


def test_bundled_sample_app_themes_grow_over_the_year(sample_out):
    # The app topic is planted to grow; it is coded as several specific themes ("log / mobile",
    # "slow / update" …) whose combined share of the month's comments rises.
    themes = pd.read_csv(sample_out / "themes.csv", keep_default_na=False)
    app = themes.loc[themes["keywords"].str.contains(r"update|crash|\blog\b|mobile", case=False), "theme_id"]
    trends = pd.read_csv(sample_out / "trends.csv")
    assert trends["period"].nunique() == 12 and trends["theme_id"].isna().sum() == 12
    share = trends[trends["theme_id"].isin(app)].groupby("period")["n"].sum() / \
        trends[trends["theme_id"].isna()].set_index("period")["n"]
    assert len(app) and share.iloc[-3:].mean() > share.iloc[:3].mean() * 1.3
    summary = json.loads((sample_out / "summary.json").read_text())
    assert {t["label"] for t in summary["trends"]["groups"]} == set(pd.read_csv(sample_out / "groups.csv")["label"])


def test_outcome_column_drives_the_driver_statistics(tmp_path, feedback):
    rng = np.random.default_rng(0)
    billing = feedback["comment"].str.contains("charge|invoice|billing|refund", case=False)
    feedback["churned"] = np.where(rng.random(len(feedback)) < np.where(billing, 0.7, 0.1), "yes", "no")
    feedback.loc[5, "churned"] = "maybe"
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--outcome", "churned", "--themes", 3, "--out", tmp_path / "o", "--quiet") == 0
    drivers = pd.read_csv(tmp_path / "o" / "drivers.csv")
    assert any(w in drivers.loc[0, "label"] for w in ("charge", "invoice", "bill", "refund"))
    rejects = pd.read_csv(tmp_path / "o" / "rejects.csv")
    assert rejects["row"].tolist() == [6] and rejects["column"].tolist() == ["churned"]
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["outcome"]["column"] == "churned" and summary["outcome"]["n"] == len(feedback) - 1


def test_csat_metric_and_weekly_period_from_the_command_line(tmp_path, feedback):
    feedback["csat"] = np.where(feedback["nps"].astype(int) >= 7, "5", "2")
    feedback["date"] = pd.date_range("2025-03-03", periods=len(feedback), freq="6h").strftime("%Y-%m-%d %H:%M")
    path = tmp_path / "in.csv"
    feedback.drop(columns="nps").to_csv(path, index=False)
    code = cli("analyze", path, "--score", "csat", "--metric", "csat", "--date", "date", "--period", "week",
               "--segment", "channel", "--themes", 3, "--out", tmp_path / "o", "--quiet")
    assert code == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["score"]["name"] == "CSAT" and summary["trends"]["period"] == "week"
    trends = pd.read_csv(tmp_path / "o" / "trends.csv")
    assert trends["period"].str.match(r"^2025-W\d\d$").all()


def test_unknown_metric_is_a_usage_error(tmp_path, feedback_csv, capsys):
    assert cli("analyze", feedback_csv, "--metric", "ltr", "--out", tmp_path / "o") == 2


def test_date_column_without_dates_is_one_clear_error(tmp_path, feedback_csv, capsys):
    assert cli("analyze", feedback_csv, "--date", "channel", "--themes", 3, "--out", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert "column 'channel'" in err and "no value is a date" in err and "Traceback" not in err


def test_all_scores_missing_with_segments_and_dates_still_writes_every_table(tmp_path, feedback):
    feedback["nps"] = ""
    feedback["date"] = "2025-01-0" + (feedback.index % 9 + 1).astype(str)
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    code = cli("analyze", path, "--segment", "channel", "--date", "date", "--period", "week", "--themes", 3,
               "--out", tmp_path / "o", "--quiet")
    assert code == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["score"]["value"] is None and summary["decomposition"]["change"] is None
    segments = pd.read_csv(tmp_path / "o" / "segments.csv")
    assert segments["nps"].isna().all() and not segments["differs"].any()


def test_apply_with_a_saved_model_uses_this_runs_period_and_metric(tmp_path, feedback):
    feedback["date"] = pd.date_range("2025-01-01", periods=len(feedback), freq="D").strftime("%Y-%m-%d")
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("fit", path, "--model", tmp_path / "m", "--themes", 3, "--quiet") == 0
    assert cli("apply", path, "--model", tmp_path / "m", "--date", "date", "--period", "quarter",
               "--out", tmp_path / "o", "--quiet") == 0
    trends = pd.read_csv(tmp_path / "o" / "trends.csv")
    assert trends["period"].str.match(r"^2025-Q[1-3]$").all()


def test_placeholder_dates_are_ignored_for_trends_with_a_warning_even_when_quiet(tmp_path, feedback, capsys):
    feedback["date"] = pd.date_range("2025-01-06", periods=len(feedback), freq="12h").strftime("%Y-%m-%d")
    feedback.loc[3, "date"], feedback.loc[4, "date"] = "9999-12-31", "0001-01-01"
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    code = cli("analyze", path, "--date", "date", "--period", "week", "--themes", 3, "--out", tmp_path / "o",
               "--quiet")
    assert code == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    trends = pd.read_csv(tmp_path / "o" / "trends.csv")
    assert trends["period"].str.startswith("2025-").all() and trends["period"].nunique() < 20
    assert summary["trends"]["ignored_dates"]["ignored"] == 2
    (warning,) = [w for w in summary["warnings"] if w["code"] == "dates_ignored"]
    assert "9999-W52" in warning["message"] and warning["message"] in capsys.readouterr().err


def test_small_segment_is_too_few_and_min_difference_is_an_option(tmp_path, feedback, capsys):
    feedback.loc[:13, "channel"] = "kiosk"
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    code = cli("analyze", path, "--segment", "channel", "--themes", 3, "--min-difference", 50,
               "--out", tmp_path / "o", "--quiet")
    assert code == 0
    segments = pd.read_csv(tmp_path / "o" / "segments.csv").set_index("segment")
    assert segments.loc["kiosk", "too_few"] and not segments.loc["kiosk", "differs"]
    assert segments.loc["kiosk", "nps_ci_low"] < segments.loc["kiosk", "nps_ci_high"]
    assert not segments.loc[["web", "app"], "too_few"].any()
    assert not segments.loc[segments["difference"].abs() < 50, "differs"].any()
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["segments"]["too_few"] == ["kiosk"] and summary["segments"]["min_difference"] == 50
    assert summary["config"]["min_difference"] == 50
    (warning,) = [w for w in summary["warnings"] if w["code"] == "small_segments"]
    assert "kiosk" in warning["message"] and warning["message"] in capsys.readouterr().err


def test_without_a_score_column_no_segment_or_period_is_warned_about_too_few_scores(tmp_path, feedback, capsys):
    feedback["submitted"] = [f"2025-{1 + i % 3:02d}-10" for i in range(len(feedback))]
    path = tmp_path / "in.csv"
    feedback.drop(columns=["nps"]).to_csv(path, index=False)
    assert cli("analyze", path, "--segment", "channel", "--date", "submitted", "--themes", 3,
               "--out", tmp_path / "o", "--quiet") == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["score"]["n"] == 0 and summary["segments"]["n"] > 0 and summary["trends"]["periods"] > 0
    codes = [w["code"] for w in summary.get("warnings", [])]
    assert "small_segments" not in codes and "small_periods" not in codes
    assert "scored comments" not in capsys.readouterr().err
