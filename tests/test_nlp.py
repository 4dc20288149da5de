from feedbackml.nlp import lemmatize, split_clauses


def test_lemmas_are_lower_case_without_punctuation_or_numbers():
    assert lemmatize(["The parcels WERE delivered 3 days late!"]).tolist() == ["the parcel be deliver day late"]


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
