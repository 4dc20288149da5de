"""File-to-folder jobs behind the commands: analyze, fit, apply, report."""

import json

import pandas as pd

import feedbackml as fml
from feedbackml.config import Config
from feedbackml.run import jobs

from conftest import make_feedback


def test_analyze_file_writes_the_folder_it_returns(tmp_path):
    make_feedback().to_csv(tmp_path / "in.csv", index=False)
    res = jobs.analyze_file(tmp_path / "in.csv", tmp_path / "out", Config(n_themes=3))
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["rows"] == res.summary["rows"] and summary["input"]["source"] == str(tmp_path / "in.csv")
    assert len(pd.read_parquet(tmp_path / "out" / "comments.parquet")) == len(res.comments)


def test_fit_file_saves_a_model_that_apply_uses_with_the_same_themes(tmp_path):
    make_feedback().to_csv(tmp_path / "in.csv", index=False)
    analyzer = jobs.fit_file(tmp_path / "in.csv", tmp_path / "m", Config(n_themes=3))
    res = jobs.stream_apply_file(tmp_path / "in.csv", tmp_path / "m", tmp_path / "out", Config())
    assert res.themes["theme_id"].tolist() == analyzer.themes_["theme_id"].tolist()
    assert fml.load(tmp_path / "m").themes_.equals(analyzer.themes_)


def test_rebuild_report_gives_the_report_the_analysis_wrote(tmp_path):
    make_feedback().to_csv(tmp_path / "in.csv", index=False)
    jobs.analyze_file(tmp_path / "in.csv", tmp_path / "out", Config(n_themes=3))
    before = (tmp_path / "out" / "report.html").read_bytes()
    (tmp_path / "out" / "report.html").unlink()
    jobs.rebuild_report(tmp_path / "out")
    assert (tmp_path / "out" / "report.html").read_bytes() == before
