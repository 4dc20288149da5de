from feedbackml.text.nlp import lemmatize, split_clauses


def test_lemmas_are_lower_case_without_punctuation_or_numbers():
    assert lemmatize(["The parcels WERE delivered 3 days late!"]).tolist() == ["the parcel be deliver day late"]


def test_nouns_the_lookup_table_reads_as_verbs_keep_their_form():
    # spaCy's lookup table: does -> doe, number -> numb, crew -> crow, ground -> grind
    assert lemmatize(["does the crew count the number of ground staff"]).tolist() == [
        "do the crew count the number of ground staff"]


def test_negations_become_not():
    assert "not" in lemmatize(["wasn't happy"])[0].split()


def test_identical_texts_get_identical_lemmas():
    out = lemmatize(["Late delivery", "late delivery", ""])
    assert out[0] == out[1] and out[2] == ""


def test_clauses_split_on_sentences_and_contrast_markers():
    out = split_clauses(["The app is great but delivery took three weeks. Staff were lovely!", "",
                         "staff were lovely, shame about the double charge"])
    assert out["doc"].tolist() == [0, 0, 0, 2, 2]
    assert out["text"].tolist() == ["The app is great", "but delivery took three weeks.",
                                    "Staff were lovely!", "staff were lovely", "shame about the double charge"]
    assert out["after_contrast"].tolist() == [False, True, False, False, True]
    assert out["clause"].tolist() == [0, 1, 2, 0, 1]


def test_a_comment_without_markers_is_one_clause():
    out = split_clauses(["not bad at all"])
    assert out["text"].tolist() == ["not bad at all"] and not out["after_contrast"].any()


TRICKY = ["e-mail me at a@b.com!", "don't can't won't", "(hello) world...", "http://x.com/a b",
          "12 3rd 4.5", "u.s.a. ok", ":) :-(", "o'clock", "... !!!", "a . b", "two  spaces",
          " lead", "trail ", "no\u00a0break", "tab\there", "", "Ünïcödé café’s naïve", "emoji 👍 ok"]


def test_lemmas_word_by_word_equal_spacy_on_the_whole_text():
    from feedbackml.text.nlp import _lemmatize_docs, _lemmatize_unique

    texts = [t.lower() for t in TRICKY]
    assert _lemmatize_unique(texts, "en", 100).tolist() == _lemmatize_docs(texts, "en", 100).tolist()


def test_splitting_gives_the_same_clauses_for_ascii_and_other_texts():
    # ASCII texts are split by Arrow's RE2, the others by Python's re: same rules
    ascii_out = split_clauses(["Great staff but slow, though fine.Next one"])
    other_out = split_clauses(["Gréat staff but slow, though fine.Next one"])
    assert ascii_out["text"].str.replace("Great", "Gréat").tolist() == other_out["text"].tolist()
    assert ascii_out["after_contrast"].tolist() == other_out["after_contrast"].tolist()
    assert ascii_out["text"].tolist() == ["Great staff", "but slow", "though fine.", "Next one"]


def test_the_same_texts_in_another_order_get_the_clauses_of_their_own_split():
    import feedbackml.text.nlp as nlp

    texts = ["Fast delivery but the box was torn.", "Great staff", "Slow app, though cheap. Would not use",
             "Über gut but late"]
    order = [2, 0, 3, 1]
    split_clauses(texts)  # remembered: the next call reorders it
    reordered = split_clauses([texts[i] for i in order])
    nlp._LAST_SPLIT.clear()
    fresh = split_clauses([texts[i] for i in order])
    assert reordered.equals(fresh)
    assert reordered[reordered["doc"] == 0]["text"].tolist() == ["Slow app", "though cheap.", "Would not use"]
