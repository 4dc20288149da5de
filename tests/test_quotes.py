"""Quotes that tell a theme's story (themes/quotes.py)."""

import pandas as pd

from feedbackml.themes.quotes import (
    BAD,
    CANDIDATE_COLUMNS,
    GOOD,
    OTHER,
    best_candidates,
    quote_key,
    respondents,
    story_quotes,
)


def pool(rows):
    return pd.DataFrame([dict(zip(CANDIDATE_COLUMNS, r)) for r in rows]).assign(
        key=lambda d: quote_key(d["text"]))


ROWS = [  # theme, polarity, respondent, alone, closeness, key, row, text
    (0, "positive", GOOD, True, 0.99, "", 1, "legroom was great on this flight"),
    (0, "negative", GOOD, True, 0.90, "", 2, "legroom was poor but the crew made up for it"),
    (0, "negative", BAD, True, 0.50, "", 3, "no legroom at all, my knees hurt"),
    (0, "negative", BAD, False, 0.95, "", 4, "cramped seats and awful food, never again"),
    (0, "negative", BAD, True, 0.40, "", 5, "No legroom at ALL - my knees hurt!!"),
    (0, "negative", OTHER, True, 0.80, "", 6, "seat pitch is terrible for anyone tall"),
    (1, "positive", GOOD, True, 0.30, "", 7, "the crew were lovely and kind"),
    (1, "negative", BAD, True, 0.99, "", 8, "the crew ignored my call button"),
    (1, "positive", BAD, True, 0.90, "", 9, "the crew were friendly, call me on 07700 900123"),
]


def test_a_harmful_theme_is_quoted_from_detractors_negative_mentions_first():
    quotes = story_quotes(pool(ROWS), {0: "harmful", 1: "helpful"}, n=3)
    legroom = quotes[quotes["theme_id"] == 0]
    assert legroom["row"].tolist() == [3, 4, 6]  # bad first (alone before several), then other
    assert (legroom["polarity"] == "negative").all()


def test_a_harmful_theme_never_shows_praise_of_it():
    quotes = story_quotes(pool(ROWS), {0: "harmful"}, n=10)
    assert 1 not in quotes["row"].tolist() and (quotes.loc[quotes["theme_id"] == 0, "polarity"] == "negative").all()


def test_a_helpful_theme_is_quoted_from_promoters_positive_mentions_first():
    quotes = story_quotes(pool(ROWS), {1: "helpful"}, n=2)
    assert quotes.loc[quotes["theme_id"] == 1, "row"].tolist() == [7, 9]


def test_quotes_equal_up_to_case_punctuation_and_numbers_are_one_quote():
    assert quote_key(["No legroom at ALL - my knees hurt!!"])[0] == quote_key(["no legroom at all, my knees hurt"])[0]
    assert quote_key(["waited 2 hours"])[0] == quote_key(["waited 3 hours."])[0]
    quotes = story_quotes(pool(ROWS), {0: "harmful"}, n=10)
    assert 5 not in quotes["row"].tolist()


def test_quotes_are_pii_redacted():
    quotes = story_quotes(pool(ROWS), {1: "helpful"}, n=3)
    assert not quotes["text"].str.contains("07700").any()


def test_candidates_of_chunks_are_the_candidates_of_the_whole():
    rows = pool(ROWS * 3).assign(row=range(1, 28))
    whole = best_candidates(rows, n=1)
    merged = best_candidates(pd.concat([best_candidates(rows.iloc[:10], 1), best_candidates(rows.iloc[10:], 1)]), 1)
    pd.testing.assert_frame_equal(whole, merged)


def test_respondents_come_from_the_outcome_when_there_is_one():
    category = pd.Series(["detractor", "promoter", "passive", None], dtype=object)
    assert respondents(category).tolist() == [BAD, GOOD, OTHER, OTHER]
    event = pd.Series([False, True, None, True], dtype="boolean")
    assert respondents(category, event).tolist() == [GOOD, BAD, OTHER, BAD]
