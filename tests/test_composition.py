"""The transformers compose: one input helper, scikit-learn pipelines, parameters checked at fit."""

import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

import feedbackml as fml
from feedbackml.text.inputs import as_texts

from conftest import make_feedback

TEXTS = ["The delivery was late again", "n/a", "Great support, thank you!", None, "app keeps crashing"]


def test_texts_come_from_a_series_a_list_a_one_column_frame_or_the_cleaners_output():
    series = pd.Series(TEXTS, index=list("abcde"))
    assert as_texts(TEXTS).tolist() == as_texts(series).tolist() == as_texts(series.to_frame("x")).tolist()
    assert as_texts(series).index.tolist() == list("abcde")
    cleaned = fml.TextCleaner().transform(series)
    assert as_texts(cleaned).tolist()[1] == ""  # a non-answer is an empty text, not "n/a"


def test_a_frame_of_several_columns_is_refused_not_read_by_position():
    with pytest.raises(ValueError, match="frame with 2 columns"):
        as_texts(pd.DataFrame({"id": [1], "comment": ["late"]}))
    with pytest.raises(ValueError, match="one string"):
        as_texts("late delivery")


def test_cleaner_then_lexicon_sentiment_is_a_pipeline_and_keeps_the_index():
    series = pd.Series(TEXTS, index=list("abcde"))
    out = make_pipeline(fml.TextCleaner(), fml.LexiconSentiment()).fit_transform(series)
    assert out.index.tolist() == list("abcde")
    assert out.loc["b", "sentiment"] == 0.0 and out.loc["a", "sentiment_label"] == "negative"
    assert out.loc["c", "sentiment_label"] == "positive"


def test_cleaner_then_theme_model_is_a_pipeline():
    comments = make_feedback()["comment"]
    pipe = make_pipeline(fml.TextCleaner(), fml.ThemeModel(n_themes=3)).fit(comments)
    themes = pipe.transform(comments)
    assert len(themes) == len(comments) and set(themes["theme_id"]) - {-1} == {0, 1, 2}  # −1: non-answers


def test_cleaner_then_trained_sentiment_is_a_pipeline():
    good = ["love it, great", "great phone, love it", "really great, love the screen", "love it so much"]
    bad = ["awful, broken again", "broken and awful", "awful battery, broken", "it broke, awful"]
    plain = ["it is a phone", "a phone with a case", "the phone came in a box", "it has a case"]
    texts, labels = good + bad + plain, ["positive"] * 4 + ["negative"] * 4 + ["neutral"] * 4
    pipe = make_pipeline(fml.TextCleaner(), fml.TrainedSentiment(cv=2, min_df=1)).fit(texts, labels)
    assert list(pipe.predict(["great, love it", "broken and awful"])) == ["positive", "negative"]


@pytest.mark.parametrize("estimator, message", [
    (fml.FeedbackAnalyzer(n_themes="lots"), "n_themes must be one of 'auto' or a whole number ≥ 1, not 'lots'"),
    (fml.FeedbackAnalyzer(metric="bogus"), "metric must be one of 'nps', 'csat', 'ces' or None, not 'bogus'"),
    (fml.FeedbackAnalyzer(alpha=1.5), r"alpha must be a number in \(0, 1\), not 1.5"),
    (fml.ThemeModel(n_themes=-2), "ThemeModel: n_themes must be .* not -2"),
    (fml.ThemeModel(k_range=(5, 2)), "k_range must be a pair"),
    (fml.TrainedSentiment(C=0), "C must be a number > 0, not 0"),
])
def test_a_bad_parameter_is_a_value_error_naming_it_and_the_allowed_values(estimator, message):
    data = make_feedback()
    with pytest.raises(ValueError, match=message):
        if isinstance(estimator, fml.FeedbackAnalyzer):
            estimator.fit(data)
        elif isinstance(estimator, fml.TrainedSentiment):
            estimator.fit(data["comment"], ["positive"] * len(data))
        else:
            estimator.fit(data["comment"])


@pytest.mark.parametrize("estimator", [fml.LexiconSentiment(language="de"), fml.TextCleaner(language="de")])
def test_an_unknown_language_lists_the_languages_there_are(estimator):
    with pytest.raises(ValueError, match="language must be a language with data in feedbackml/lang/: 'en', not 'de'"):
        estimator.fit_transform(["late delivery"])


def test_an_unknown_keyword_to_fit_is_a_type_error():
    with pytest.raises(TypeError, match="txet"):
        fml.FeedbackAnalyzer().fit(make_feedback(), txet="comment")


def test_cli_maps_a_bad_option_to_a_usage_error(tmp_path, capsys):
    from feedbackml.cli import run

    make_feedback().to_csv(tmp_path / "in.csv", index=False)
    assert run(["analyze", str(tmp_path / "in.csv"), "--themes", "lots", "--out", str(tmp_path / "o")]) == 2
    assert "n_themes must be 'auto' or a whole number" in capsys.readouterr().err


def test_analyze_keeps_a_custom_index_on_the_comments():
    data = make_feedback().set_index(pd.Index([f"r{i}" for i in range(len(make_feedback()))], name="rid"))
    data.iloc[3, data.columns.get_loc("nps")] = "11"  # rejected: the index of the others still fits
    res = fml.analyze(data, text="comment", score="nps", n_themes=3)
    assert "r3" not in res.comments.index and res.comments.index[:3].tolist() == ["r0", "r1", "r2"]
    assert (res.comments["row"].to_numpy()[:3] == [1, 2, 3]).all()
