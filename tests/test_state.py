"""Model state as data (model.json + arrays.npz): round trips exactly, builds only allowed types."""

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

import feedbackml as fml
from feedbackml.io import state


@pytest.fixture(scope="module")
def fitted():
    from conftest import make_feedback

    df = make_feedback(40)
    return df, fml.FeedbackAnalyzer(n_themes=3, sentiment="weak").fit(df, text="comment", score="nps")


def test_a_fitted_analyzer_round_trips_to_the_same_bytes_and_results(fitted):
    df, analyzer = fitted
    tree, arrays = state.dump(analyzer)
    assert state.dump(analyzer) == (tree, arrays)  # deterministic bytes
    back = state.load(tree, arrays)
    assert state.dump(back) == (tree, arrays)
    a, b = analyzer.analyze(df), back.analyze(df)
    pd.testing.assert_frame_equal(a.comments, b.comments)
    pd.testing.assert_frame_equal(a.drivers, b.drivers)


def test_the_trained_sentiment_model_and_its_estimators_are_held(fitted):
    tree = json.loads(state.dump(fitted[1])[0])
    names = set()

    def walk(node):
        if isinstance(node, dict):
            if "$object" in node:
                names.add(node["$object"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(tree)
    assert {"FeedbackAnalyzer", "ThemeModel", "TrainedSentiment", "sklearn.LinearSVC",
            "sklearn.LogisticRegression", "sklearn.TfidfVectorizer"} <= names
    assert names <= set(state.allowed_types())


def _tampered(fitted, change):
    tree, arrays = state.dump(fitted[1])
    doc = json.loads(tree)
    change(doc["root"])
    return json.dumps(doc).encode(), arrays


@pytest.mark.parametrize("change, words", [
    (lambda root: root["state"].update(theme_model_={"$object": "os.system", "state": {}}), "os.system"),
    (lambda root: root["state"].update(__class__={"$object": "ThemeModel", "state": {}}), "attribute name"),
    (lambda root: root["state"].update(x={"$reduce": ["os.system", ["id"]]}), "not a known node"),
    (lambda root: root["state"].update(x={"$array": "a99999"}), "missing array"),
    (lambda root: root["state"].update(x={"$type": "builtins.eval"}), "unknown type"),
])
def test_a_tree_with_anything_but_data_and_allowed_types_is_refused(fitted, change, words):
    with pytest.raises(state.StateError, match=words):
        state.load(*_tampered(fitted, change))


def test_an_array_that_would_need_pickle_is_refused(fitted):
    tree, _ = state.dump(fitted[1])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        payload = io.BytesIO()
        np.lib.format.write_array(payload, np.array([{"a": 1}], dtype=object), allow_pickle=True)
        archive.writestr("a0.npy", payload.getvalue())
    with pytest.raises(state.StateError, match="arrays"):
        state.load(tree, buffer.getvalue())


def test_values_the_format_cannot_hold_are_refused_at_save():
    with pytest.raises(state.StateError, match="not a type"):
        state.dump({"f": print}, types={})
    with pytest.raises(state.StateError, match="cannot store an array"):
        state.dump({"a": np.array([{"k": 1}], dtype=object)}, types={})


def test_tables_and_nullable_columns_round_trip():
    df = pd.DataFrame({"id": [1, 2], "n": pd.array([1, None], dtype="Int64"), "s": ["x", None]},
                      index=pd.RangeIndex(1, 3, name="row"))
    back = state.load(*state.dump({"df": df, "t": (1, np.float32(0.5)), "k": {1: "a"}}, types={}))
    pd.testing.assert_frame_equal(back["df"], df)
    assert back["t"] == (1, np.float32(0.5)) and isinstance(back["t"][1], np.float32) and back["k"] == {1: "a"}


def test_memory_addresses_are_never_stored_so_every_process_writes_the_same_bytes():
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(stop_words=["the"]).fit(["the late parcel", "the rude staff"])
    vectorizer._check_stop_words_consistency(vectorizer.stop_words, vectorizer.build_preprocessor(),
                                             vectorizer.build_tokenizer())
    assert hasattr(vectorizer, "_stop_words_id")  # id(stop_words): differs between processes
    tree, _ = state.dump(vectorizer)
    assert b"_stop_words_id" not in tree
    assert state.load(*state.dump(vectorizer)).transform(["late staff"]).toarray().tolist() == [[1, 0, 0, 1]]  # late parcel rude staff
