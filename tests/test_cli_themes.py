"""CLI: theme fitting, codeframes, --previous and the choice-of-k evidence end to end."""

import pandas as pd
import pytest

from feedbackml.themes.model import NO_THEME

from test_themes import PURE, SEEDED, make_topics


def cli(*args) -> int:
    from feedbackml.cli import run

    return run([str(a) for a in args])


def test_apply_on_the_training_data_gives_the_same_themes_as_fit(tmp_path, feedback_csv):
    assert cli("analyze", feedback_csv, "--out", tmp_path / "a", "--themes", 3, "--quiet") == 0
    assert cli("fit", feedback_csv, "--model", tmp_path / "m", "--themes", 3, "--quiet") == 0
    assert cli("apply", feedback_csv, "--model", tmp_path / "m", "--out", tmp_path / "b", "--quiet") == 0
    a = pd.read_parquet(tmp_path / "a" / "comments.parquet")
    b = pd.read_parquet(tmp_path / "b" / "comments.parquet")
    pd.testing.assert_frame_equal(a[["theme_id", "theme_label", "theme_score", "themes"]],
                                  b[["theme_id", "theme_label", "theme_score", "themes"]])
    assert (tmp_path / "a" / "themes.csv").read_bytes() == (tmp_path / "b" / "themes.csv").read_bytes()


def test_theme_counts_are_by_membership():
    import feedbackml as fml

    train = pd.DataFrame({"comment": make_topics(n_per_topic=40, seed=2)})
    analyzer = fml.FeedbackAnalyzer(codeframe=SEEDED).fit(train)
    texts = make_topics(n_per_topic=20, seed=3)
    texts[:10] = "the courier lost my parcel and I was charged twice on my invoice"
    res = analyzer.analyze(pd.DataFrame({"comment": texts, "nps": "5"}))
    members = res.comments["themes"].explode().dropna().astype(int).value_counts()
    assert (res.themes.set_index("theme_id")["n"] == members.reindex(res.themes["theme_id"]).to_numpy()).all()
    assert res.themes["n"].sum() >= (res.comments["theme_id"] != NO_THEME).sum() + 10
    assert res.summary["themes"]["counts"].startswith("membership")
    assert 0 < res.summary["themes"]["multi_theme_share"] < 1


def test_automatic_k_evidence_goes_to_the_summary_and_the_model(tmp_path, feedback_csv):
    import json

    assert cli("fit", feedback_csv, "--model", tmp_path / "m", "--quiet") == 0
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    assert meta["auto_k"]["chosen_k"] == len(meta["themes"])
    assert cli("analyze", feedback_csv, "--out", tmp_path / "o", "--quiet") == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert set(summary["themes"]["auto_k"]) >= {"initial_k", "stability", "chosen_k", "merged_small"}
    assert summary["themes"]["auto_k"]["stability"]["null_ari"] < summary["themes"]["auto_k"]["stability"]["ari"]
    assert summary["themes"]["groups"]["n"] == len(pd.read_csv(tmp_path / "o" / "groups.csv"))
    assert 1 <= summary["themes"]["themes_per_themed_comment"] <= 3
    assert summary["themes"]["no_theme_share"] == pytest.approx(4 / 184, abs=1e-4)


def test_fit_writes_a_codeframe_that_refits_to_the_same_themes(tmp_path, feedback_csv):
    assert cli("fit", feedback_csv, "--model", tmp_path / "m", "--themes", 3, "--quiet") == 0
    codeframe = tmp_path / "m" / "themes.toml"
    text = codeframe.read_text().replace("id = 0\n", 'id = 0\nname = "First theme"\n', 1)
    codeframe.write_text(text)
    assert cli("fit", feedback_csv, "--model", tmp_path / "m2", "--codeframe", codeframe, "--quiet") == 0
    before = pd.read_csv(tmp_path / "m" / "themes.csv")
    after = pd.read_csv(tmp_path / "m2" / "themes.csv")
    assert after["theme_id"].tolist() == before["theme_id"].tolist()
    assert after.loc[0, "label"] == "First theme"
    assert cli("apply", feedback_csv, "--model", tmp_path / "m", "--out", tmp_path / "a", "--quiet") == 0
    assert cli("apply", feedback_csv, "--model", tmp_path / "m2", "--out", tmp_path / "b", "--quiet") == 0
    a = pd.read_parquet(tmp_path / "a" / "comments.parquet")["theme_id"]
    b = pd.read_parquet(tmp_path / "b" / "comments.parquet")["theme_id"]
    both = (a != -1) & (b != -1)  # a comment near a threshold may mention no theme in one fit
    assert both.mean() > 0.8 and (a[both] == b[both]).mean() > 0.9
    assert "First theme" in (tmp_path / "m2" / "themes.toml").read_text()


def test_fit_with_previous_writes_theme_changes(tmp_path, feedback_csv, feedback):
    assert cli("fit", feedback_csv, "--model", tmp_path / "old", "--themes", 3, "--quiet") == 0
    later = tmp_path / "later.csv"
    feedback.sample(frac=0.9, random_state=2).to_csv(later, index=False)
    assert cli("fit", later, "--model", tmp_path / "new", "--themes", 3, "--previous", tmp_path / "old",
               "--random-state", 4, "--quiet") == 0
    changes = pd.read_csv(tmp_path / "new" / "theme_changes.csv")
    assert list(changes.columns) == ["theme_id", "label", "status", "previous_id", "previous_label",
                                     "similarity"]
    assert (changes["status"] == "kept").all() and (changes["theme_id"] == changes["previous_id"]).all()
    old = pd.read_csv(tmp_path / "old" / "themes.csv")
    new = pd.read_csv(tmp_path / "new" / "themes.csv")
    pd.testing.assert_frame_equal(old[["theme_id", "label"]], new[["theme_id", "label"]])


def test_a_bad_codeframe_exits_with_a_usage_error(tmp_path, feedback_csv, capsys):
    bad = tmp_path / "themes.toml"
    bad.write_text('[[themes]]\nid = 0\nseeds = []\n')
    assert cli("analyze", feedback_csv, "--out", tmp_path / "o", "--codeframe", bad) == 2
    err = capsys.readouterr().err
    assert "themes.toml" in err and "seeds" in err and "Traceback" not in err


def test_one_theme_above_40_percent_and_twice_an_even_share_of_the_themed_comments_is_warned_about():
    import feedbackml as fml

    analyzer = fml.FeedbackAnalyzer(codeframe=SEEDED).fit(pd.DataFrame({"comment": make_topics(n_per_topic=40, seed=2)}))
    balanced = make_topics(n_per_topic=20, seed=3)
    lopsided = pd.concat([balanced, pd.Series([PURE["delivery"]] * 120)], ignore_index=True)
    codes = lambda res: [w["code"] for w in res.summary.get("warnings", [])]  # noqa: E731
    res = analyzer.analyze(pd.DataFrame({"comment": lopsided, "nps": "5"}))
    assert res.summary["themes"]["largest_theme_share"] > 0.4
    (message,) = [w["message"] for w in res.summary["warnings"] if w["code"] == "dominant_theme"]
    k = len(res.themes)  # the limit is twice an even share when that is above 40 %
    assert res.themes.loc[res.themes["n"].idxmax(), "label"] in message and f"more than {2 / k:.0%} of {k} themes" in message
    assert "dominant_theme" not in codes(analyzer.analyze(pd.DataFrame({"comment": balanced, "nps": "5"})))


def test_a_tiny_export_is_warned_about_as_too_small_for_themes_not_as_unstable(tmp_path):
    import json

    path = tmp_path / "tiny.csv"
    path.write_text("comment,score\ngreat service and quick delivery,9\nlate delivery and rude staff,3\n"
                    "the app keeps crashing,2\nfriendly staff,10\n")
    assert cli("analyze", path, "--out", tmp_path / "o", "--metric", "nps", "--quiet") == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    codes = {w["code"] for w in summary["warnings"]}
    assert "few_comments_for_themes" in codes and "unstable_themes" not in codes
    assert summary["themes"]["auto_k"]["stability"]["stable"] is None
