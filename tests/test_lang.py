"""Language data: one object per language, its files read once, patterns that say their dialect."""

from importlib import resources

import pytest

from feedbackml.lang import get_language
from feedbackml.validation import available_languages


def test_one_object_per_language():
    assert get_language("en") is get_language("en")
    assert available_languages() == ("en",)


def test_negations_are_never_stop_words():
    en = get_language("en")
    assert {"not", "no", "never"} <= en.negations
    assert "the" in en.stop_words and not (set(en.stop_words) & en.negations)


def test_one_contrast_table_gives_markers_and_weights():
    contrast = get_language("en").contrast
    assert contrast["but"] == (0.5, 1.5) and contrast["although"] == (1.0, 0.7)
    assert "on the other hand" in contrast  # phrases are single-spaced keys


@pytest.mark.parametrize("name", ["pii.tsv", "sentiment_patterns.tsv"])
def test_each_pattern_file_states_its_regex_dialect(name):
    header = resources.files("feedbackml.lang").joinpath("en", name).read_text("utf-8").split("\n")[:4]
    assert any("RE2" in line for line in header if line.startswith("#"))
