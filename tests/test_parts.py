"""Parts of comments: what themes are assigned to and mention sentiment is read from."""

import pandas as pd

from feedbackml.themes.parts import split_parts, split_segments


def test_an_aside_in_brackets_is_a_part_of_its_own():
    parts = split_segments(pd.Series(["While the food was good (certainly no Il Mulino) the service was horrendous.",
                                      "Café très bon (mais cher) et fin"]))
    assert parts["text"].tolist() == ["While the food was good", "certainly no Il Mulino",
                                      "the service was horrendous.", "Café très bon", "mais cher", "et fin"]


def test_a_bracket_that_is_not_opened_or_closed_at_a_word_still_cuts():
    parts = split_segments(pd.Series(["Good food (a bit expensive, but great for a date)."]))
    assert parts["text"].tolist() == ["Good food", "a bit expensive", "but great for a date)."]


def test_parts_know_their_clause_and_whether_it_follows_a_contrast():
    parts = split_parts(pd.Series(["the staff were lovely and helpful but the food was cold, sadly"]))
    assert parts["text"].tolist() == ["the staff were lovely", "helpful", "but the food was cold", "sadly"]
    assert parts["clause"].tolist() == [0, 0, 1, 1]
    assert parts["after_contrast"].tolist() == [False, False, True, True]
    assert parts["part"].tolist() == [0, 1, 2, 3]
