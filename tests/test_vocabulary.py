import numpy as np
import pandas as pd

from feedbackml.themes.labels import build_label
from feedbackml.themes.vocabulary import (
    emoji_words,
    metadata_words,
    name_words,
    opinion_words,
    theme_text,
    theme_word_weights,
)


def test_theme_text_drops_handles_placeholders_numbers_and_hash_signs():
    out = theme_text(pd.Series(["@united my bag #fail [url] XXXX on 12/3", "plain text"], index=[5, 9]))
    assert out.tolist() == ["my bag fail on", "plain text"] and out.index.tolist() == [5, 9]


def test_words_capitalised_mid_sentence_are_names():
    texts = pd.Series(["we flew Southwest to Denver via PHL", "great crew on Southwest today, NO delay",
                       "Southwest lost my bag in Denver at PHL", "booked with Southwest again via Denver",
                       "the bag was lost, no delay", "Lost my Bag again, no food", "PHL again", "LOST"])
    names = name_words(texts)
    assert {"southwest", "denver", "phl"} <= names and not {"bag", "lost", "no"} & names


def test_hashtags_and_names_after_a_hyphen_are_names():
    texts = pd.Series(["win #DestinationDragons tickets", "seeing #destinationdragons in LA",
                       "#DestinationDragons again", "the seat was fine #fail", "what a fail",
                       "such a fail today", "flew Newark-Berlin", "then Air Berlin", "on to Berlin"])
    names = name_words(texts)
    assert {"destinationdragons", "berlin"} <= names
    assert "fail" not in names  # one use in three is a hashtag


def test_a_name_blocks_its_lemma_but_not_a_word_used_on_its_own():
    texts = pd.Series(["we flew to Las Vegas", "the flight to Vegas was late", "back from Vegas again",
                       "I have Miles to burn", "my Miles expired", "so many Miles gone",
                       "a mile to the gate", "one mile walk", "another mile"])
    names = name_words(texts)
    assert {"vegas", "vega"} <= names  # labels are lemmas: "Vegas" is "vega"
    assert "miles" in names and "mile" not in names


def test_words_of_emoji_names_are_emoji_words_unless_used_on_their_own():
    texts = pd.Series(["terrible value pouting face", "the app crashed again pouting face",
                       "lovely staff raising hands", "my hand luggage was lost", "hand luggage fees",
                       "no hand luggage allowed", "face the facts", "a brave face", "my face hurt"])
    words = emoji_words(texts)
    assert {"pouting", "pout", "raising", "hands"} <= words  # the cleaner's names of 😡 and 🙌
    assert not {"hand", "face", "luggage", "value"} & words  # "face" is used on its own 3 times in 5


def test_emoji_names_that_are_ordinary_phrases_keep_their_words():
    # 🛂 is "passport control" and 🍨 "ice cream": no word marks them as emoji descriptions
    words = emoji_words(pd.Series(["long queue at passport control", "passport control was slow",
                                   "the soft ice cream was melted", "thumbs up for the crew thumbs up"]))
    assert not {"passport", "control", "cream"} & words and {"thumbs", "thumb"} <= words


def test_a_label_term_that_misspells_a_word_of_the_label_is_skipped():
    assert build_label(["delivery", "delivry", "parcel"], set()) == "delivery / parcel"
    assert build_label(["staff", "stuff"], set()) == "staff / stuff"  # short words: two words


def test_opinion_words_hold_tone_not_aspects():
    words = opinion_words()
    assert {"great", "terrible", "love", "very"} <= words
    assert not {"delivery", "refund", "legroom", "late"} & words


def test_opinion_words_weigh_less_than_aspect_words_in_theme_vectors():
    weight = theme_word_weights(np.array([True, False, True]), opinion_weight=0.25)
    assert weight.tolist() == [0.25, 1.0, 0.25]


def test_metadata_words_are_the_lower_cased_words_of_values():
    assert metadata_words(["Virgin America", "US Airways", 7]) == {
        "virgin", "america", "virginamerica", "us", "airways", "usairways"}
