import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from feedbackml.themes.vectors import TOKEN_PATTERN, CommentVectors, count_terms, spread_weights

DOCS = np.array(["courier lose parcel", "parcel arrive late courier", "late parcel courier",
                 "staff friendly helpful", "friendly staff", "helpful staff lovely",
                 "parcel late", "staff lovely friendly"] * 5, dtype=object)


def test_words_used_together_get_similar_vectors():
    cv = CommentVectors(n_components=4, min_df=1).fit(DOCS)
    vocab = list(cv.vocabulary)
    vec = {w: cv.word_vectors_[vocab.index(w)] for w in ("courier", "parcel", "staff", "friendly")}
    assert vec["courier"] @ vec["parcel"] > vec["courier"] @ vec["staff"]
    assert vec["staff"] @ vec["friendly"] > vec["staff"] @ vec["parcel"]


def test_comment_vectors_are_unit_length_or_zero_without_known_words():
    cv = CommentVectors(n_components=4, min_df=1).fit(DOCS)
    out = cv.transform(np.array(["courier parcel", "zzz", ""], dtype=object))
    assert np.isclose(np.linalg.norm(out[0]), 1, atol=1e-5)
    assert not out[1].any() and not out[2].any()


def test_sample_weight_counts_like_repeated_comments():
    unique, counts = np.unique(DOCS, return_counts=True)
    a = CommentVectors(n_components=4, min_df=1).fit(DOCS)
    b = CommentVectors(n_components=4, min_df=1).fit(unique, sample_weight=counts)
    assert np.allclose(a.idf_, b.idf_)
    assert np.allclose(np.abs(a.transform(unique)), np.abs(b.transform(unique)), atol=1e-5)


def test_a_repeated_one_word_answer_is_frequent_enough_for_the_vocabulary():
    docs = np.array(["alright parcel", "courier parcel", "courier late"], dtype=object)
    cv = CommentVectors(n_components=2, min_df=3).fit(docs, sample_weight=np.array([5, 1, 1]))
    assert "alright" in set(cv.vocabulary)


def test_words_spread_over_every_cluster_lose_weight():
    presence = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1]], dtype=float))
    weights = spread_weights(presence, np.array([0, 0, 1, 1]), np.ones(4), 2)
    assert weights[0] < 0.1 < 0.5 < weights[1] and np.isclose(weights[1], weights[2])


def test_transform_is_deterministic_and_keeps_feature_names():
    a = CommentVectors(n_components=3, min_df=1, random_state=4).fit(DOCS)
    b = CommentVectors(n_components=3, min_df=1, random_state=4).fit(pd.Series(DOCS).to_numpy())
    assert np.array_equal(a.transform(DOCS), b.transform(DOCS))
    assert list(a.get_feature_names_out()) == ["dim0", "dim1", "dim2"]


TRICKY = np.array(["late parcel late again", "", "don't stop-me now", "x\ty\nz  double  space",
                 "Éclair ÉCLAIR café", "_under_score 12ab ab12 a", "it's o'clock", "the and of"], dtype=object)


def test_term_counts_equal_scikit_learns_count_vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    stop = ["the", "and", "of", "again"]
    reference = CountVectorizer(token_pattern=TOKEN_PATTERN, stop_words=stop, dtype=np.float64)
    expected = reference.fit_transform(TRICKY)
    counts, names = count_terms(TRICKY, None, stop)
    assert names.tolist() == reference.get_feature_names_out().tolist()
    assert (counts != expected).nnz == 0 and counts.dtype == np.float64
    fixed = count_terms(TRICKY[:3], reference.vocabulary_, stop)[0]
    assert (fixed != reference.transform(TRICKY[:3])).nnz == 0 and fixed.has_sorted_indices


def test_term_counts_of_stop_words_only_is_an_error_like_scikit_learns():
    with pytest.raises(ValueError, match="empty vocabulary"):
        count_terms(np.array(["the and", ""], dtype=object), None, ["the", "and"])


def _reference_pairs(doc: str, stop: set) -> list[str]:
    import re

    tokens = re.findall(TOKEN_PATTERN, doc.lower())
    return [f"{a} {b}" for a, b in zip(tokens, tokens[1:]) if a not in stop and b not in stop]


def test_word_pairs_are_consecutive_tokens_that_are_no_stop_words():
    stop = {"the", "and", "of", "again"}
    docs = np.concatenate([TRICKY, np.array(["late delivery of the parcel late delivery",
                                             "late  delivery", "check-in desk", "parcel . late"], dtype=object)])
    counts, names = count_terms(docs, None, sorted(stop), bigrams=True)
    words, word_names = count_terms(docs, None, sorted(stop))
    column = dict(zip(names.tolist(), range(len(names))))
    assert (counts[:, [column[w] for w in word_names]] != words).nnz == 0  # the words are unchanged
    for row, doc in enumerate(docs):
        expected = pd.Series(_reference_pairs(doc, stop), dtype=object).value_counts().to_dict()
        found = {names[j]: counts[row, j] for j in counts[row].indices if " " in names[j]}
        assert found == expected
    assert counts[len(TRICKY), column["late delivery"]] == 2 and "parcel late" in column
    assert "delivery parcel" not in column  # "of the" breaks the pair
    fixed = count_terms(docs[::-1], column, sorted(stop), bigrams=True)[0]
    assert (fixed != counts[::-1]).nnz == 0


def test_word_pairs_are_vector_terms_weighted_by_bigram_weight():
    docs = np.array(["late delivery parcel", "late delivery courier", "friendly staff help",
                     "friendly staff smile"] * 5 + ["slow parcel"], dtype=object)
    with_pairs = CommentVectors(n_components=3, min_df=2).fit(docs)
    words_only = CommentVectors(n_components=3, min_df=2, bigram_weight=0).fit(docs)
    assert {"late delivery", "friendly staff"} <= set(with_pairs.vocabulary)
    assert not any(" " in w for w in words_only.vocabulary)
    assert "slow parcel" not in set(with_pairs.vocabulary)  # min_df applies to pairs too
    counts = with_pairs.count(docs[:1])
    assert with_pairs.n_words(counts).tolist() == [3] and counts.nnz == 5  # 3 words, 2 pairs
    pair = list(with_pairs.vocabulary).index("late delivery")
    word = list(with_pairs.vocabulary).index("late")
    assert with_pairs.kind_weights_[pair] == with_pairs.bigram_weight and with_pairs.kind_weights_[word] == 1
    assert with_pairs.word_vectors_.shape[0] == len(with_pairs.vocabulary)


@pytest.mark.parametrize("weight", [-0.5, "0.5", True, float("nan")])
def test_a_bad_bigram_weight_is_an_error_at_fit(weight):
    with pytest.raises(ValueError, match="bigram_weight"):
        CommentVectors(n_components=2, min_df=1, bigram_weight=weight).fit(DOCS)


def test_word_pairs_never_push_words_out_of_the_vocabulary():
    words_only = CommentVectors(n_components=2, min_df=1, max_features=4, bigram_weight=0).fit(DOCS)
    with_pairs = CommentVectors(n_components=2, min_df=1, max_features=4).fit(DOCS)
    pairs = [t for t in with_pairs.vocabulary if " " in t]
    assert [t for t in with_pairs.vocabulary if " " not in t] == list(words_only.vocabulary)
    assert 0 < len(pairs) <= 4 and with_pairs.word_vectors_.shape[0] == 4 + len(pairs)
