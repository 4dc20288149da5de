import pickle

import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from feedbackml.text.cleaning import TextCleaner


def clean(texts):
    return TextCleaner().fit_transform(pd.Series(texts, dtype=object))


@pytest.mark.parametrize("text", ["n/a", "N/A", "nothing", "-", "no comment", "None.", "", None, "...", "  ", "na"])
def test_non_answers_are_marked_not_dropped(text):
    out = clean([text, "the delivery was late"])
    assert len(out) == 2
    assert out["is_nonanswer"].tolist() == [True, False]


def test_negations_survive_cleaning():
    out = clean(["I was NOT happy, wasn't slow, never arrived, didn't get my refund"])
    text = out.loc[0, "clean_text"]
    for word in ("NOT", "wasn't", "never", "didn't"):
        assert word in text


def test_html_is_unescaped_and_stripped():
    out = clean(["fast &amp; friendly<br><b>great</b>", "<script>alert(1)</script> bad"])
    assert out.loc[0, "clean_text"] == "fast & friendly great"
    assert "<" not in out.loc[1, "clean_text"]


def test_pii_is_replaced_by_placeholders():
    out = clean(["mail jane.doe@example.com or call 07700 900123, see https://example.com/o/1"])
    text = out.loc[0, "clean_text"]
    assert "[email]" in text and "[phone]" in text and "[url]" in text
    assert "jane" not in text and "07700" not in text


def test_repeats_are_squeezed_and_emoji_named():
    out = clean(["sooooo slow!!!!!!! 😀"])
    assert out.loc[0, "clean_text"] == "soo slow!!! grinning face"


def test_exact_duplicates_are_flagged_after_the_first():
    out = clean(["Great service", "great service", "n/a", "n/a", "other"])
    assert out["is_duplicate"].tolist() == [False, True, False, False, False]


def test_index_is_kept():
    texts = pd.Series(["a comment", "n/a"], index=[10, 20])
    assert TextCleaner().transform(texts).index.tolist() == [10, 20]


def test_follows_the_estimator_contract():
    cleaner = TextCleaner(redact_pii=False)
    assert clone(cleaner).get_params() == cleaner.get_params()
    assert cleaner.fit(["x"]) is cleaner
    assert list(cleaner.get_feature_names_out()) == ["clean_text", "is_nonanswer", "is_duplicate"]
    again = pickle.loads(pickle.dumps(cleaner))
    assert again.transform(["call 07700 900123"]).loc[0, "clean_text"] == "call 07700 900123"
    assert len(Pipeline([("clean", cleaner)]).fit_transform(["a b"])) == 1


def test_the_emoji_search_pattern_starts_at_exactly_the_first_characters_of_the_emoji_lexicon():
    from feedbackml.text.cleaning import _emoji_table

    starts, names, _ = _emoji_table()
    firsts = {emoji[0] for emoji in names}
    around = {chr(ord(c) + d) for c in firsts for d in (-1, 0, 1)}
    assert {c for c in around if starts.match(c)} == firsts


def test_whitespace_runs_of_any_kind_become_one_space_and_the_ends_are_trimmed():
    texts = pd.Series(["a  b", "a\tb", "a\r\n\nb", " a b ", "a\fb", "a b"])
    assert TextCleaner(emoji=False).clean(texts).tolist() == ["a b"] * 6


def test_duplicate_keys_of_clean_texts_are_their_non_answer_keys_cached_or_not():
    import pyarrow as pa

    from feedbackml.text.cleaning import duplicate_key_strings, nonanswer_key

    cleaned = TextCleaner().transform(pd.Series(["Great, STAFF!", "n/a"]))["clean_text"].tolist()
    texts = cleaned + ["Never cleaned -- before"]
    assert duplicate_key_strings(texts) == nonanswer_key(pa.array(texts)).to_pylist()
    assert duplicate_key_strings(texts)[0] == "great staff"


def test_cleaning_the_same_texts_again_gives_an_equal_table_with_the_new_index():
    texts = pd.Series(["Great staff!!!!", "n/a", "Great staff!!!!"])
    first = TextCleaner().transform(texts)
    again = TextCleaner().transform(texts.set_axis([7, 8, 9]))
    assert again.index.tolist() == [7, 8, 9]
    assert again.reset_index(drop=True).equals(first.reset_index(drop=True))
    first.loc[0, "clean_text"] = "changed by the caller"
    assert TextCleaner().transform(texts).loc[0, "clean_text"] == "Great staff!!!"
