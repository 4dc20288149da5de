"""The clause scorer's rules for support and social text (sentiment/scorer.py + lang/en data)."""

import numpy as np
import pandas as pd
import pytest

from feedbackml.sentiment import LexiconSentiment, TrainedSentiment
from feedbackml.sentiment.scorer import score_clause_texts


def label(text: str) -> str:
    return LexiconSentiment().transform([text])["sentiment_label"].iloc[0]


def score(text: str) -> float:
    return float(LexiconSentiment().transform([text])["sentiment"].iloc[0])


@pytest.mark.parametrize("glued, spaced", [
    ("6 hour mechanical delay...killing me", "6 hour mechanical delay ... killing me"),
    ("the flight was delayed…again", "the flight was delayed … again"),
    ("Nothing investigated—my time wasted", "Nothing investigated — my time wasted"),
    ("flight delayed/cancelled", "flight delayed / cancelled"),
])
def test_punctuation_runs_split_words_as_spaces_do(glued, spaced):
    assert score(glued) == pytest.approx(score(spaced))
    assert label(glued) == "negative"


@pytest.mark.parametrize("text", [
    "Nothing investigated—my time wasted",
    "no one called, my time wasted",
    "not a word from them... my bag is lost",
    "the delivery wasn't late",
    "no delay",
    "never rude",
])
def test_a_negation_never_turns_a_negative_word_positive(text):
    assert score(text) <= 0


def test_negated_praise_is_still_negative():
    assert label("not helpful at all") == "negative"
    assert label("the staff were not friendly") == "negative"


@pytest.mark.parametrize("text", [
    "thanks for the rude customer service and 3 hour delay. It really helped…",
    "Great, another delay. Thanks United",
    "thank you for losing my bag",
    "love sitting on the tarmac for 2 hours with no information",
])
def test_sarcastic_frames_read_negative(text):
    assert label(text) == "negative"


@pytest.mark.parametrize("text", [
    "Oh great, my flight is cancelled again",
    "perfect, now I'm stuck in Chicago",
    "brilliant, they lost my bag",
    "great, just great. Lost my luggage",
    "Perfect. Now I'm stuck in Chicago",
    "yay, another cancelled flight",
    "love how you lost my bag",
])
def test_a_praise_interjection_before_a_complaint_is_sarcasm(text):
    assert label(text) == "negative"


@pytest.mark.parametrize("text", [
    "Great! The crew was friendly",
    "Perfect, the flight left on time",
    "awesome, thanks! on hold now but happy",
    "Awesome, thanks! I'll call later today.",
])
def test_an_interjection_without_a_complaint_or_with_thanks_stays_praise(text):
    assert label(text) == "positive"


def test_an_interjection_reads_sarcastic_only_before_a_complaint():
    # the same interjection clause: praise alone, sarcasm before a complaint
    assert score("great, just great.") > 0
    table = LexiconSentiment().clauses(["great, just great. Lost my luggage"])
    assert (table["sentiment"] < 0).all()


@pytest.mark.parametrize("text, expected", [
    ("no wifi, no food, no legroom", "negative"),
    ("no response after three emails", "negative"),
    ("no one helped me", "negative"),
    ("no wait at all, smooth flight", "positive"),
    ("no delay, no hassle, great crew", "positive"),
    ("no comment", "neutral"),
    ("no I did not", "neutral"),
    ("what time does flight no UA80 leave", "neutral"),
])
def test_no_before_a_plain_word_says_what_was_missing(text, expected):
    assert label(text) == expected


def test_no_still_negates_praise():
    assert label("no good options") == "negative"


@pytest.mark.parametrize("text, expected", [
    ("is it too much to ask for working wifi?", "negative"),
    ("nothing wrong with the food", "positive"),
    ("thanks a lot for stranding us in Denver", "negative"),
])
def test_reproaches_and_faultless_service(text, expected):
    assert label(text) == expected


def test_raw_emoji_are_read_without_the_cleaner():
    assert label("😡😡") == "negative"
    assert label("👍") == "positive"
    assert score("👍") == pytest.approx(score("thumbs up"))


def test_thanks_for_something_good_stays_positive():
    assert label("thanks for the quick help!") == "positive"
    assert label("Great, another smooth flight") == "positive"


def test_thanks_in_a_complaint_is_politeness_not_praise():
    complaint = score("my bag is lost and nobody answers")
    assert score("my bag is lost and nobody answers. Thanks") == pytest.approx(complaint)
    assert label("thanks, but still no refund after three weeks") == "negative"


@pytest.mark.parametrize("text, expected", [
    ("you guys rock!!", "positive"),
    ("Absolutely!", "positive"),
    ("big shout out to the crew", "positive"),
    ("epic fail", "negative"),
    ("what a joke #fail", "negative"),
    ("love it 😍", "positive"),
    ("worst airline ever 😡", "negative"),
    ("🤦 again", "negative"),
])
def test_slang_and_emoji(text, expected):
    from feedbackml.text.cleaning import TextCleaner

    clean = TextCleaner().transform(pd.Series([text]))["clean_text"].iloc[0]
    assert label(clean) == expected


def test_a_question_asks_and_does_not_praise():
    assert label("can you help me with my booking?") == "neutral"
    assert label("why is my flight cancelled again?!") == "negative"


def test_exclamation_marks_strengthen_what_is_said_but_not_nothing():
    assert score("great service!!!") > score("great service") > 0
    assert score("awful service!!!") < score("awful service") < 0
    assert score("my flight is tomorrow!!!") == 0


def test_phrases_with_one_letter_words_are_found():
    assert label("never had a problem") == "positive"
    assert label("it arrived without a hitch") == "positive"


def test_scores_of_a_batch_do_not_depend_on_its_neighbours():
    texts = ["thanks for the delay", "great, another delay", "you rock", "6 hour delay...killing me",
             "Chicago", "brilliant, they lost my bag", "no wifi", "flight no UA80"]
    together = score_clause_texts(pd.Series(texts))["valence"].to_numpy()
    alone = np.array([score_clause_texts(pd.Series([t]))["valence"].iloc[0] for t in texts])
    assert np.allclose(together, alone)


def test_score_units_takes_each_text_as_one_clause():
    lexicon = LexiconSentiment()
    units = lexicon.score_units(pd.Series(["great food", "rude staff", "great food, but rude staff"]))
    assert list(units["sentiment_label"][:2]) == ["positive", "negative"]
    assert list(units.columns) == ["sentiment", "sentiment_label"]


def test_trained_model_scores_units_like_short_texts():
    texts = ["great service", "awful service", "lovely staff", "terrible delay", "ok I guess",
             "fine", "amazing crew", "lost my bag"] * 3
    labels = ["positive", "negative", "positive", "negative", "neutral", "neutral", "positive", "negative"] * 3
    model = TrainedSentiment(cv=2, min_df=1).fit(texts, labels)
    units = model.score_units(pd.Series(["great service", ""]))
    assert units["sentiment_label"].iloc[1] == "neutral" and units["sentiment"].iloc[1] == 0
    assert units["sentiment"].iloc[0] == pytest.approx(model.transform(["great service"])["sentiment"].iloc[0])
