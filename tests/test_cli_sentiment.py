"""CLI: training sentiment from labels or scores, end to end."""

import json

import pandas as pd

from feedbackml.cli import run

from test_sentiment import labelled_comments, scored_comments


def test_cli_fit_with_labels_saves_the_model_and_its_figures_and_apply_uses_it(tmp_path, capsys):
    data = labelled_comments(9)
    data["nps"] = 8
    data.to_csv(tmp_path / "coded.csv", index=False)
    model = tmp_path / "model"
    assert run(["fit", str(tmp_path / "coded.csv"), "--model", str(model), "--themes", "2",
                "--sentiment-label", "tone", "--quiet"]) == 0
    meta = json.loads((model / "meta.json").read_text())
    assert meta["sentiment"]["model"] == "trained" and meta["sentiment"]["column"] == "tone"
    assert {"model", "lexicon", "vader"} <= set(meta["sentiment"]["held_out"])
    pd.DataFrame({"comment": ["my desk got glorped", "zinged chair"], "nps": [3, 10]}).to_csv(
        tmp_path / "next.csv", index=False)
    assert run(["apply", str(tmp_path / "next.csv"), "--model", str(model), "--out", str(tmp_path / "out"),
                "--quiet"]) == 0
    comments = pd.read_parquet(tmp_path / "out" / "comments.parquet")
    assert comments["sentiment_label"].tolist() == ["negative", "positive"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["sentiment_model"]["model"] == "trained"


def test_cli_weak_flag_trains_from_scores(tmp_path):
    scored_comments(2).to_csv(tmp_path / "survey.csv", index=False)
    assert run(["analyze", str(tmp_path / "survey.csv"), "--themes", "2", "--sentiment", "weak",
                "--out", str(tmp_path / "out"), "--quiet"]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["sentiment_model"]["model"] == "weak" and summary["sentiment_model"]["held_out"]["rows"] > 0


def test_cli_unknown_label_column_is_exit_code_2(tmp_path, capsys):
    labelled_comments(10).to_csv(tmp_path / "coded.csv", index=False)
    assert run(["fit", str(tmp_path / "coded.csv"), "--model", str(tmp_path / "m"),
                "--sentiment-label", "nope"]) == 2
    assert "no sentiment label column 'nope'" in capsys.readouterr().err
