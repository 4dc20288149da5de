import pyarrow as pa
import pytest

from feedbackml.sentiment.lexicon_model import LexiconSentiment
from feedbackml.sentiment.spelling import lexicon_word, respell_lexicon_words


@pytest.mark.parametrize("typed, meant", [
    ("dissapointed", "disappointed"), ("recomend", "recommend"), ("excelent", "excellent"),  # doubled or not
    ("sloooow", "slow"), ("amazingg", "amazing"),  # stretched
    ("fustrated", "frustrated"), ("horible", "horrible"),  # a letter left out
    ("exicted", "excited"),  # two neighbours swapped, in a word the language does not know
])
def test_a_typing_slip_of_a_lexicon_word_reads_as_that_word(typed, meant):
    assert lexicon_word(typed) == meant


@pytest.mark.parametrize("word", ["beaming", "billing", "spain", "boeing"])
def test_a_word_of_its_own_is_never_taken_for_its_neighbour(word):
    # a letter changed or added is no slip
    assert lexicon_word(word) is None


def test_listed_words_and_short_or_known_tokens_stay_as_written():
    tokens = pa.array(["the", "supper", "was", "rood", "but", "dissapointed", "great"])
    assert respell_lexicon_words(tokens).to_pylist() == [
        "the", "supper", "was", "rood", "but", "disappointed", "great"]


def test_misspelt_opinion_words_carry_their_sentiment():
    out = LexiconSentiment().fit().transform([
        "The food was horible.", "Very dissapointed with the service", "excelent service, highly recomend",
        "Drinks way over priced.", "We had supper at eight.", "I asked Denise"])
    assert out["sentiment_label"].tolist() == ["negative", "negative", "positive", "negative", "neutral",
                                               "neutral"]  # a capitalised word inside a text is a name
