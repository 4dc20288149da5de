import pickle
import random

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

import feedbackml as fml
from feedbackml.errors import DataError, UsageError
from feedbackml.results import COMMENT_COLUMNS, THEME_TABLE_COLUMNS
from feedbackml.sentiment.labels import sentiment_labels, weak_labels
from feedbackml.sentiment.lexicon import load_lexicon
from feedbackml.sentiment.lexicon_model import OUTPUT_COLUMNS, LexiconSentiment
from feedbackml.sentiment.scorer import CLAUSE_COLUMNS
from feedbackml.sentiment.trained import TrainedSentiment, train_sentiment
from feedbackml.sentiment.vectorizers import CharNgramVectorizer, WordNgramVectorizer

# Survey answers with the label a reader gives them: negation and contrast first.
PHRASES = [
    ("not bad at all", "positive"),
    ("not good at all", "negative"),
    ("not happy with the service", "negative"),
    ("never had a problem", "positive"),
    ("no problems with the delivery", "positive"),
    ("no complaints about the staff", "positive"),
    ("nothing to complain about", "positive"),
    ("the staff were not helpful", "negative"),
    ("not very helpful", "negative"),
    ("the app is not working", "negative"),
    ("the parcel never arrived", "negative"),
    ("I didn't receive my refund", "negative"),
    ("still no refund after three weeks", "negative"),
    ("couldn't be happier", "positive"),
    ("could not have been more helpful", "positive"),
    ("can't fault the service", "positive"),
    ("wouldn't recommend", "negative"),
    ("I would not recommend this company", "negative"),
    ("never again", "negative"),
    ("not the best experience", "negative"),
    ("no issues at all", "positive"),
    ("the delivery wasn't late", "neutral"),  # a negated complaint is not praise
    ("it arrived without any problems", "positive"),
    ("not too bad", "positive"),
    ("I wasn't disappointed", "positive"),
    ("The app is great but delivery took three weeks", "negative"),
    ("Delivery was late but the staff were lovely", "positive"),
    ("Friendly staff, however the wait was far too long", "negative"),
    ("Great product although delivery was slow", "positive"),
    ("Good price, shame about the customer service", "negative"),
    ("Easy to order, but the refund took ages", "negative"),
    ("Other than the delay, everything was perfect", "positive"),
    ("Not only was it late, but it arrived damaged", "negative"),
    ("I ordered a blue one", "neutral"),
    ("Delivered on Tuesday", "neutral"),
    ("no comment", "neutral"),
    ("VERY disappointed", "negative"),
    ("absolutely brilliant service", "positive"),
    ("on hold for 45 minutes", "negative"),
    ("waited 2 hours for a reply", "negative"),
    ("they were a bit slow", "negative"),
    ("rude and unhelpful staff", "negative"),
    ("went above and beyond", "positive"),
    ("quick and easy", "positive"),
]


@pytest.mark.parametrize("text, expected", PHRASES)
def test_lexicon_reads_negation_and_contrast_in_survey_language(text, expected):
    assert LexiconSentiment().transform([text])["sentiment_label"].iloc[0] == expected


def test_the_clause_after_but_weighs_more_than_the_clause_before():
    score = LexiconSentiment().scores(["the app is great but delivery is slow",
                                       "delivery is slow but the app is great"])
    assert score[0] < 0 < score[1]


def test_clauses_that_disagree_strongly_make_a_comment_mixed():
    out = LexiconSentiment().transform(["The app is great but delivery took three weeks",
                                        "great app and quick delivery", "no refund yet"])
    assert out["mixed"].tolist() == [True, False, False]


def test_marker_without_sentiment_after_it_does_not_shift_weight():
    a, b = LexiconSentiment().scores(["no refund", "no refund yet"])
    assert a == b


def test_output_columns_index_and_range():
    texts = pd.Series(["great", "awful", None, "", "fine"], index=[10, 11, 12, 13, 14])
    out = LexiconSentiment().transform(texts)
    assert list(out.columns) == OUTPUT_COLUMNS and list(out.index) == [10, 11, 12, 13, 14]
    assert out["sentiment"].between(-1, 1).all()
    assert out.loc[[12, 13], "sentiment"].tolist() == [0.0, 0.0]
    assert (out.loc[[12, 13], "sentiment_label"] == "neutral").all() and not out["mixed"].any()


def test_repeated_texts_get_identical_scores():
    out = LexiconSentiment().transform(["late again", "great staff", "late again"])
    assert out.iloc[0].equals(out.iloc[2])


def test_handles_are_names_not_words():
    # VADER scores "united" as positive; "@united" names an airline.
    assert LexiconSentiment().transform(["@united where is my bag?"])["sentiment_label"].iloc[0] == "negative"


def test_clauses_are_returned_per_text_with_their_scores():
    out = LexiconSentiment().clauses(["Great staff. But the parcel was late", "", "fine"])
    assert list(out.columns) == CLAUSE_COLUMNS
    assert out["doc"].tolist() == [0, 0, 2] and out["clause"].tolist() == [0, 1, 0]
    assert out["sentiment"].iloc[0] > 0 > out["sentiment"].iloc[1]


def test_cx_lexicon_overrides_vader_for_survey_words():
    lex = load_lexicon("en")
    assert lex.valence["please"] == 0 and lex.valence["delayed"] < 0 and lex.valence["on hold"] < 0
    assert "not" not in lex.valence.index  # negations flip, they carry no valence themselves


def test_lexicon_scorer_follows_the_estimator_contract():
    est = LexiconSentiment(threshold=0.1)
    assert clone(est).get_params() == est.get_params() == {"threshold": 0.1, "mixed_threshold": 0.3,
                                                             "language": "en"}
    assert est.fit(["x"]) is est
    again = pickle.loads(pickle.dumps(est))
    pd.testing.assert_frame_equal(again.transform(["not bad"]), est.transform(["not bad"]))
    assert list(est.get_feature_names_out()) == OUTPUT_COLUMNS


# ---------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------
def test_label_spellings_and_numeric_codes_are_normalised():
    assert sentiment_labels(["Positive", " neg ", "NEUTRAL", None, ""]).tolist() == \
        ["positive", "negative", "neutral", None, None]
    assert sentiment_labels([1, 0, 1]).tolist() == ["positive", "negative", "positive"]
    assert sentiment_labels([-1, 0, 1]).tolist() == ["negative", "neutral", "positive"]


def test_unknown_label_is_an_error_naming_it():
    with pytest.raises(ValueError, match="'meh'"):
        sentiment_labels(["positive", "meh"])


def test_weak_labels_leave_passives_out():
    out = weak_labels(pd.Series([0, 6, 7, 8, 9, 10, None]), "nps")
    assert out.tolist() == ["negative", "negative", None, None, "positive", "positive", None]
    assert weak_labels(pd.Series([1, 2, 3, 4, 5]), "csat").tolist() == \
        ["negative", "negative", None, "positive", "positive"]


# ---------------------------------------------------------------------------------
# Character n-grams and the trained model
# ---------------------------------------------------------------------------------
def test_char_ngrams_match_scikit_learns_char_wb_tfidf():
    texts = ["The parcel was late!", "late again, no refund", "Café staff were lovely", "ok", ""]
    ours = CharNgramVectorizer(ngram_range=(2, 4), min_df=1).fit(texts)
    ref = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit(texts)
    assert sorted(ours.get_feature_names_out()) == sorted(ref.get_feature_names_out())
    order = pd.Index(ref.get_feature_names_out()).get_indexer(ours.get_feature_names_out())
    np.testing.assert_allclose(ours.transform(texts).toarray(), ref.transform(texts).toarray()[:, order])


def test_word_ngrams_match_scikit_learns_tfidf():
    texts = ["The parcel was late!", "late again, no refund", "Café staff were lovely", "ok", "",
             "don't know__x 2024 a b", "Straße straße STRASSE"]
    ours = WordNgramVectorizer(ngram_range=(1, 2), min_df=1).fit(texts)
    ref = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    np.testing.assert_allclose(ours.transform(texts).toarray(), ref.transform(texts).toarray())


POSITIVE = ["the {} was zinged and lovely", "really zinged {}", "{} arrived, zinged", "happy with the {}"]
NEGATIVE = ["the {} got glorped", "glorped {} again", "{} was glorped and late", "the {} is glorped"]
NEUTRAL = ["I bought the {} on Monday", "the {} is blue", "ordered a {} for my dad", "{} size medium"]
NOUNS = ["parcel", "chair", "lamp", "phone", "table", "kettle", "jacket", "desk"]


def labelled_comments(seed: int = 0) -> pd.DataFrame:
    """A small labelled export whose sentiment words ("glorped", "zinged") no lexicon knows."""
    rng = random.Random(seed)
    rows = [(rng.choice(templates).format(rng.choice(NOUNS)), label)
            for label, templates in (("positive", POSITIVE), ("negative", NEGATIVE), ("neutral", NEUTRAL))
            for _ in range(40)]
    rng.shuffle(rows)
    return pd.DataFrame(rows, columns=["comment", "tone"])


@pytest.fixture(scope="module")
def trained():
    data = labelled_comments()
    return TrainedSentiment(cv=3).fit(data["comment"], data["tone"])


def test_trained_model_learns_domain_words_the_lexicon_misses(trained):
    texts = ["my lamp got glorped", "what a zinged kettle", "the jacket is red"]
    assert trained.predict(texts).tolist() == ["negative", "positive", "neutral"]
    assert LexiconSentiment().transform(texts[:2])["sentiment_label"].tolist() == ["neutral", "neutral"]


def test_trained_probabilities_are_distributions_in_class_order(trained):
    proba = trained.predict_proba(["glorped lamp", "zinged desk", "", "glorped lamp"])
    assert list(trained.classes_) == ["negative", "neutral", "positive"]
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert ((proba >= 0) & (proba <= 1)).all() and np.array_equal(proba[0], proba[3])


def test_trained_transform_gives_the_scorer_columns(trained):
    texts = pd.Series(["the lamp got glorped", "", "zinged desk but the chair got glorped"], index=[5, 6, 7])
    out = trained.transform(texts)
    assert list(out.columns) == OUTPUT_COLUMNS and list(out.index) == [5, 6, 7]
    assert out["sentiment"].between(-1, 1).all()
    assert out.loc[6].tolist() == [0.0, "neutral", False]
    clauses = trained.clauses(texts)
    assert list(clauses.columns) == CLAUSE_COLUMNS and clauses["doc"].tolist() == [0, 2, 2]


def test_trained_model_follows_the_estimator_contract(trained):
    est = TrainedSentiment(C=0.5, cv=3)
    assert clone(est).get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        est.predict(["anything"])
    with pytest.raises(NotFittedError):
        est.transform(["anything"])
    data = labelled_comments(1)
    assert est.fit(data["comment"], data["tone"]) is est
    again = pickle.loads(pickle.dumps(trained))
    texts = ["glorped", "zinged lamp", "the desk is blue"]
    np.testing.assert_array_equal(again.predict_proba(texts), trained.predict_proba(texts))
    assert list(trained.get_feature_names_out()) == OUTPUT_COLUMNS


def test_trained_model_works_inside_a_pipeline():
    data = labelled_comments(2)
    pipe = Pipeline([("sentiment", TrainedSentiment(cv=3))]).fit(data["comment"], data["tone"])
    assert set(pipe.predict(data["comment"].head(5))) <= {"negative", "neutral", "positive"}


def test_training_twice_gives_identical_probabilities():
    data = labelled_comments(3)
    a = TrainedSentiment(cv=3, random_state=4).fit(data["comment"], data["tone"])
    b = TrainedSentiment(cv=3, random_state=4).fit(data["comment"], data["tone"])
    np.testing.assert_array_equal(a.predict_proba(data["comment"]), b.predict_proba(data["comment"]))


@pytest.mark.parametrize("classes", [3, 2])
def test_svm_scores_block_by_block_equal_the_decision_on_the_stacked_matrix(trained, classes):
    from scipy import sparse

    data = labelled_comments(5)
    model = trained if classes == 3 else TrainedSentiment(cv=3).fit(
        data.loc[data["tone"] != "neutral", "comment"], data.loc[data["tone"] != "neutral", "tone"])
    texts = data["comment"].drop_duplicates().reset_index(drop=True)
    stacked = sparse.hstack([model.word_.transform(texts), model.char_.transform(texts)]).tocsr()
    np.testing.assert_allclose(model._svm_scores(texts), model.svm_.decision_function(stacked), atol=1e-12)


def test_two_class_model_calls_unsure_comments_neutral():
    data = labelled_comments(4)
    polar = data[data["tone"] != "neutral"]
    model = TrainedSentiment(cv=3).fit(polar["comment"], polar["tone"])
    assert list(model.classes_) == ["negative", "positive"]
    out = model.transform(["glorped lamp", "zinged lamp"])
    assert out["sentiment_label"].tolist() == ["negative", "positive"]
    assert (out["sentiment_label"] == "neutral").tolist() == (out["sentiment"].abs() < 1 / 3).tolist()


def test_too_few_examples_of_a_class_is_an_error():
    with pytest.raises(ValueError, match="at least"):
        TrainedSentiment(cv=5).fit(["good", "bad", "bad"], ["positive", "negative", "negative"])


def test_train_sentiment_reports_held_out_figures_against_the_lexicon_and_vader():
    data = labelled_comments(5)
    model, info = train_sentiment(data["comment"], data["tone"], cv=3)
    assert info["rows"] == len(data) and info["classes"] == {"negative": 40, "neutral": 40, "positive": 40}
    held = info["held_out"]
    assert 0.1 * len(data) <= held["rows"] <= 0.3 * len(data) and {"model", "lexicon", "vader"} <= set(held)
    assert held["model"]["macro_f1"] > held["lexicon"]["macro_f1"]
    assert isinstance(model, TrainedSentiment) and hasattr(model, "stack_")


# ---------------------------------------------------------------------------------
# Through FeedbackAnalyzer, the model directory and the CLI
# ---------------------------------------------------------------------------------
def scored_comments(seed: int = 0) -> pd.DataFrame:
    """An NPS export whose detractors write "glorped" and promoters "zinged"."""
    rng = random.Random(seed)
    rows = []
    for _ in range(90):
        rows.append({"comment": rng.choice(NEGATIVE).format(rng.choice(NOUNS)), "nps": rng.randint(0, 6)})
        rows.append({"comment": rng.choice(POSITIVE).format(rng.choice(NOUNS)), "nps": rng.randint(9, 10)})
        rows.append({"comment": rng.choice(NEUTRAL).format(rng.choice(NOUNS)), "nps": rng.randint(7, 8)})
    rows += [{"comment": "n/a", "nps": 10}, {"comment": "None", "nps": 0}]
    return pd.DataFrame(rows)


def test_lexicon_is_the_default_and_analysis_has_mixed_and_negative_share(feedback):
    res = fml.analyze(feedback, n_themes=3)
    assert res.summary["sentiment_model"]["model"] == "lexicon"
    assert COMMENT_COLUMNS.index("mixed") == COMMENT_COLUMNS.index("sentiment_label") + 1
    assert res.comments["mixed"].dtype == bool
    assert list(res.themes.columns) == THEME_TABLE_COLUMNS
    assert THEME_TABLE_COLUMNS.index("negative_share") == THEME_TABLE_COLUMNS.index("mean_sentiment") + 1
    members = res.comments[res.comments["theme_id"] == 0]
    assert res.themes.loc[0, "negative_share"] == pytest.approx((members["sentiment_label"] == "negative").mean())


def test_non_answers_are_neutral(feedback):
    res = fml.analyze(feedback, n_themes=3)
    non = res.comments[res.comments["is_nonanswer"]]
    assert (non["sentiment"] == 0).all() and (non["sentiment_label"] == "neutral").all()


def test_weak_supervision_learns_from_scores_and_beats_the_lexicon_on_held_out_comments():
    data = scored_comments()
    an = fml.FeedbackAnalyzer(n_themes=2, sentiment="weak").fit(data, text="comment", score="nps")
    info = an.sentiment_info_
    assert info["model"] == "weak" and info["column"] == "nps"
    assert info["classes"] == {"negative": 90, "positive": 90}  # passives and non-answers left out
    held = info["held_out"]
    assert held["model"]["auc"] > held["lexicon"]["auc"] and held["model"]["auc"] > held["vader"]["auc"]
    res = an.analyze(data)
    glorped = res.comments["comment"].str.contains("glorped")
    assert (res.comments.loc[glorped, "sentiment"] < 0).all()
    assert res.summary["sentiment_model"]["model"] == "weak"


def test_weak_supervision_is_deterministic():
    data = scored_comments(1)
    a = fml.FeedbackAnalyzer(n_themes=2, sentiment="weak").fit(data).analyze(data)
    b = fml.FeedbackAnalyzer(n_themes=2, sentiment="weak").fit(data.copy()).analyze(data.copy())
    pd.testing.assert_frame_equal(a.comments, b.comments)
    assert a.summary["sentiment_model"] == b.summary["sentiment_model"]


def test_a_label_column_trains_the_model_without_asking():
    data = labelled_comments(6)
    an = fml.FeedbackAnalyzer(n_themes=2).fit(data, text="comment", sentiment_label="tone")
    assert an.sentiment_info_["model"] == "trained" and isinstance(an.sentiment_model_, TrainedSentiment)
    assert an.get_params()["sentiment"] == "lexicon"  # parameters stay untouched


def test_inconsistent_sentiment_requests_are_usage_errors():
    data = labelled_comments(7)
    with pytest.raises(UsageError, match="label"):
        fml.FeedbackAnalyzer(n_themes=2, sentiment="trained").fit(data, text="comment")
    with pytest.raises(ValueError, match="sentiment must be one of 'lexicon', 'trained', 'weak', not 'vibes'"):
        fml.FeedbackAnalyzer(n_themes=2, sentiment="vibes").fit(data, text="comment")
    with pytest.raises(UsageError, match="no sentiment label column 'nope'"):
        fml.FeedbackAnalyzer(n_themes=2).fit(data, text="comment", sentiment_label="nope")


def test_bad_labels_are_a_data_error_naming_the_column():
    data = labelled_comments(8)
    data.loc[3, "tone"] = "meh"
    with pytest.raises(DataError, match="column 'tone'.*'meh'"):
        fml.FeedbackAnalyzer(n_themes=2).fit(data, text="comment", sentiment_label="tone")


def test_batches_give_the_same_scores_as_one_pass(monkeypatch):
    import feedbackml.sentiment.scorer as sentiment

    texts = [text for text, _ in PHRASES]
    lexicon = LexiconSentiment().transform(texts)
    chars = CharNgramVectorizer(min_df=1).fit(texts)
    matrix = chars.transform(texts).toarray()
    words = WordNgramVectorizer(min_df=1).fit(texts)
    word_matrix = words.transform(texts).toarray()
    monkeypatch.setattr(sentiment, "BATCH", 7)
    pd.testing.assert_frame_equal(LexiconSentiment().transform(texts), lexicon)
    again = CharNgramVectorizer(min_df=1).fit(texts)
    assert list(again.get_feature_names_out()) == list(chars.get_feature_names_out())
    np.testing.assert_allclose(again.transform(texts).toarray(), matrix)
    again = WordNgramVectorizer(min_df=1).fit(texts)
    assert list(again.get_feature_names_out()) == list(words.get_feature_names_out())
    np.testing.assert_allclose(again.transform(texts).toarray(), word_matrix)


def test_clauses_taken_whole_score_as_when_split_again():
    from feedbackml.sentiment.scorer import clause_table

    clause_texts = LexiconSentiment().clauses([text for text, _ in PHRASES])["text"]
    pd.testing.assert_frame_equal(clause_table(clause_texts, split=False), clause_table(clause_texts))


def test_trained_mixed_rescores_only_clauses_the_lexicon_reads_both_ways(trained):
    texts = ["zinged desk but the chair got glorped", "a great desk but a terrible chair", "a great desk"]
    out = trained.transform(texts)
    assert not out["mixed"].iloc[0]  # the lexicon finds no praise and complaint: not a mixed comment
    clauses = trained.clauses(texts[1:2])["sentiment"]
    t = trained.mixed_threshold
    assert out["mixed"].iloc[1] == bool(clauses.max() >= t and clauses.min() <= -t)
    assert not out["mixed"].iloc[2]
