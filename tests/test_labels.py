import numpy as np
import pytest

from feedbackml.text.nlp import RARE_LOG_PROB, common_words, word_classes
from feedbackml.themes.labels import as_written, build_label, label_terms, nounlike, respell, spelling_fixes

WORDS = ["delivery", "delivry", "quality", "qaulity", "flight", "fight", "legroom", "legrom"]
COUNTS = [120, 6, 90, 4, 900, 9, 60, 30]


def test_a_rare_misspelling_of_a_common_word_takes_its_spelling():
    fixes = spelling_fixes(["delivry", "qaulity", "delivery"], WORDS, COUNTS, common_words())
    assert fixes == {"delivry": "delivery", "qaulity": "quality"}


def test_a_stretched_word_is_the_word_written_once_or_twice():
    words, counts = ["so", "great", "cool", "son", "soon", "soo", "greeeat", "coool"], [900, 50, 40, 10, 30, 2, 1, 1]
    fixes = spelling_fixes(["soo", "greeeat", "coool", "soon"], words, counts, common_words())
    assert fixes == {"soo": "so", "greeeat": "great", "coool": "cool"}  # "soon" is a word, commoner than "son"


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


@pytest.mark.parametrize("term", ["legroom", "bag", "wifi", "call", "rebook", "wait time", "reschedule flight",
                                  "late delivery"])
def test_a_word_that_can_be_a_noun_or_is_no_dictionary_word_is_nounlike(term):
    assert nounlike(term)


@pytest.mark.parametrize("term", ["happen", "unfortunately", "decent", "existent", "suppose", "slow", "pre"])
def test_verbs_adjectives_adverbs_and_fragments_are_not(term):
    assert not nounlike(term)


def test_a_label_starts_from_a_noun_and_leaves_out_the_commonest_words():
    assert label_terms(["happen", "bite", "jet"]) == ["bite", "jet", "happen"]
    assert label_terms(["slow", "delivery", "week"]) == ["delivery", "slow", "week"]
    assert label_terms(["update", "slow"]) == ["update", "slow"]
    assert label_terms(["time", "people", "wait time", "queue"]) == ["wait time", "queue"]
    # nothing nounlike, nothing left: the terms as they were
    assert label_terms(["slow", "decent"]) == ["slow", "decent"]
    assert label_terms(["like", "time"]) == ["like", "time"]
    assert label_terms([]) == []


def test_after_the_head_a_term_that_names_or_describes_comes_before_a_common_verb_or_adverb():
    assert label_terms(["sit", "plane", "tarmac"]) == ["plane", "tarmac", "sit"]
    assert label_terms(["menu", "include", "steak"]) == ["menu", "steak", "include"]
    assert label_terms(["week", "unfortunately", "arrangement"]) == ["week", "arrangement", "unfortunately"]
    # adjectives describe, rarer verbs are specific, phrases name: they keep their place
    assert label_terms(["update", "slow", "app"]) == ["update", "slow", "app"]
    assert label_terms(["luggage", "locate", "tag"]) == ["luggage", "locate", "tag"]
    assert label_terms(["bag", "lose bag", "carry"]) == ["bag", "lose bag", "carry"]


def test_a_label_term_never_shortens_a_word_already_in_it():
    assert build_label(["confirmation", "conf", "email"], set()) == "confirmation / email"
    assert build_label(["information", "info desk", "gate"], set()) == "information / gate"
    # a short word that is another word stays
    assert build_label(["news", "new plane"], set()) == "news / new plane"
    assert build_label(["plane", "plan"], set()) == "plane / plan"


def test_two_top_words_that_make_a_phrase_label_as_the_phrase():
    assert label_terms(["sum", "dim", "dim sum", "rush"]) == ["dim sum", "rush"]
    assert label_terms(["room", "leg room", "leg", "stretch"]) == ["leg room", "stretch"]
    # a phrase of words further down leaves the label as it is
    assert label_terms(["bag", "luggage", "tag", "fee", "bag fee"]) == ["bag", "luggage", "tag", "fee", "bag fee"]


def test_word_classes_list_the_dictionary_words_of_each_class():
    classes = word_classes()
    assert {"noun", "verb", "adj", "adv"} <= set(classes)
    assert "luggage" in classes["noun"] and "happen" in classes["verb"] and "happen" not in classes["noun"]
    assert all(" " not in w and "_" not in w for w in classes["adj"])


def test_a_phrase_labels_only_when_the_comments_write_its_words_side_by_side():
    from sklearn.feature_extraction.text import CountVectorizer

    units = np.array(["the dim sum be great", "dim sum again", "fall apart after a month",
                      "it fall apart after a month", "apart month"], dtype=object)
    vec = CountVectorizer(ngram_range=(1, 2), stop_words=["the", "be", "after", "a", "it", "again"])
    presence = vec.fit_transform(units)
    written = as_written(units, vec.get_feature_names_out(), presence)
    assert written("dim sum")
    assert not written("apart month")  # 1 of the 3 texts with the term writes it so
    assert not written("no such phrase")
    assert label_terms(["month", "apart", "apart month"], written=written) == ["month", "apart", "apart month"]
    assert label_terms(["sum", "dim", "dim sum"], written=written) == ["dim sum"]
