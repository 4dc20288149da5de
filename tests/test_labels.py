from feedbackml.text.nlp import RARE_LOG_PROB, common_words
from feedbackml.themes.labels import respell, spelling_fixes

WORDS = ["delivery", "delivry", "quality", "qaulity", "flight", "fight", "legroom", "legrom"]
COUNTS = [120, 6, 90, 4, 900, 9, 60, 30]


def test_a_rare_misspelling_of_a_common_word_takes_its_spelling():
    fixes = spelling_fixes(["delivry", "qaulity", "delivery"], WORDS, COUNTS, common_words())
    assert fixes == {"delivry": "delivery", "qaulity": "quality"}


def test_a_real_word_never_becomes_its_neighbour():
    # "fight" is commoner in English than "flight", however many flights the comments hold
    assert spelling_fixes(["fight"], WORDS, COUNTS, common_words()) == {}


def test_a_variant_used_almost_as_often_is_kept():
    # "legrom" is a third of the uses of "legroom" here: under the 3x it takes to call it a typo
    assert spelling_fixes(["legrom"], WORDS, COUNTS, common_words()) == {}


def test_without_word_probabilities_nothing_is_respelt():
    assert spelling_fixes(["delivry"], WORDS, COUNTS, {}) == {}


def test_respelt_terms_keep_their_first_place_and_lose_repeats():
    fixes = {"delivry": "delivery"}
    assert respell(["delivry slot", "miss", "delivery slot", "delivry"], fixes) == [
        "delivery slot", "miss", "delivery"]


def test_common_words_hold_ordinary_words_with_their_log_probability():
    words = common_words()
    assert words["quality"] > words["legroom"] >= RARE_LOG_PROB
    assert "qaulity" not in words and "delivry" not in words
