"""Quotes that tell a theme's story (themes/quotes.py)."""

import pandas as pd

from feedbackml.themes.quotes import (
    BAD,
    CANDIDATE_COLUMNS,
    GOOD,
    OTHER,
    best_candidates,
    joined_quotes,
    quote_key,
    respondents,
    side_quotes,
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


def side(quotes, theme, polarity):
    return quotes[(quotes["theme_id"] == theme) & (quotes["polarity"] == polarity)]


def test_a_harmful_story_is_quoted_from_detractors_negative_mentions_first():
    quotes = story_quotes(pool(ROWS), n=3)
    legroom = side(quotes, 0, "negative")
    assert legroom["row"].tolist() == [3, 4, 6]  # bad first (alone before several), then other
    assert legroom["respondent"].tolist() == [BAD, BAD, OTHER]


def test_a_quote_whose_own_words_say_its_side_comes_before_one_that_inherits_it():
    rows = [(0, "negative", BAD, True, 0.99, "", 1, "Flew IAD-VIE on Austrian last week"),
            (0, "negative", BAD, True, 0.50, "", 2, "the seat was cramped and uncomfortable"),
            (0, "negative", BAD, False, 0.40, "", 3, "terrible legroom, my knees hurt")]
    quotes = story_quotes(pool(rows), n=3)
    # the route says nothing, however close to the theme: it comes after the complaints
    assert side(quotes, 0, "negative")["row"].tolist() == [2, 3, 1]


def test_a_helpful_story_is_quoted_from_promoters_positive_mentions_first():
    quotes = story_quotes(pool(ROWS), n=2)
    assert side(quotes, 1, "positive")["row"].tolist() == [7, 9]


def test_every_theme_has_both_sides_and_neither_shows_the_other_tone():
    quotes = story_quotes(pool(ROWS), n=10)
    assert set(zip(quotes["theme_id"], quotes["polarity"])) == {(0, "negative"), (0, "positive"),
                                                                (1, "negative"), (1, "positive")}
    assert 1 not in side(quotes, 0, "negative")["row"].tolist()  # praise of legroom never tells its harm
    assert set(side(quotes, 0, "positive")["row"]) == {1}


def test_themes_csv_shows_the_side_of_the_themes_direction():
    quotes = story_quotes(pool(ROWS), n=2)
    shown = joined_quotes(quotes, {0: "helpful", 1: "harmful"})
    assert shown[0] == "legroom was great on this flight"
    assert shown[1] == "the crew ignored my call button"
    assert joined_quotes(quotes, {})[1] == "the crew ignored my call button"  # harmful by default


def test_an_aspect_row_is_quoted_from_its_own_side_whatever_the_themes_direction():
    quotes = story_quotes(pool(ROWS), n=2)
    told = side_quotes(quotes)
    # legroom helps by membership, but "negative mentions of legroom" tells the detractors' story
    assert told[(0, "negative")] == "no legroom at all, my knees hurt | cramped seats and awful food, never again"
    assert told[(0, "positive")] == "legroom was great on this flight"


def test_quotes_equal_up_to_case_punctuation_and_numbers_are_one_quote():
    assert quote_key(["No legroom at ALL - my knees hurt!!"])[0] == quote_key(["no legroom at all, my knees hurt"])[0]
    assert quote_key(["waited 2 hours"])[0] == quote_key(["waited 3 hours."])[0]
    quotes = story_quotes(pool(ROWS), n=10)
    assert 5 not in quotes["row"].tolist()


def test_quotes_are_pii_redacted():
    quotes = story_quotes(pool(ROWS), n=3)
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
