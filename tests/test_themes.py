import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from feedbackml.lang import load_list
from feedbackml.text.cleaning import TextCleaner
from feedbackml.themes.codeframe import Codeframe, CodeframeTheme
from feedbackml.themes.model import NO_THEME, ThemeModel, stop_words
from feedbackml.themes.parts import split_segments
from feedbackml.themes.quotes import select_quotes

SAMPLE = "data/sample_feedback.csv"
SEEDED = Codeframe(themes=(CodeframeTheme(0, ("courier", "parcel", "delivery")),
                           CodeframeTheme(1, ("charge", "invoice", "billing")),
                           CodeframeTheme(2, ("staff", "friendly"))))
PURE = {"delivery": "the courier lost my parcel", "billing": "I was charged twice on my invoice",
        "staff": "the staff were friendly and helpful"}


def usable(texts: pd.Series) -> pd.Series:
    """What the pipeline gives ThemeModel: cleaned text, empty for non-answers."""
    cleaned = TextCleaner().transform(texts)
    return cleaned["clean_text"].where(~cleaned["is_nonanswer"], "")


@pytest.fixture(scope="module")
def sample_texts() -> pd.Series:
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / SAMPLE
    return usable(pd.read_csv(path, dtype=str, keep_default_na=False)["comment"])


@pytest.fixture(scope="module")
def sample_model(sample_texts) -> ThemeModel:
    return ThemeModel(random_state=0).fit(sample_texts)


WORDS = {
    "delivery": ["courier", "parcel", "delivery", "tracking", "driver", "package", "arrived", "late"],
    "billing": ["invoice", "charged", "refund", "billing", "card", "payment", "overcharged", "bill"],
    "staff": ["staff", "friendly", "helpful", "polite", "manager", "assistant", "rude", "team"],
}
FRAMES = ["the {} and the {} were {}", "{} {} {}", "my {} and {} {} again", "{}, {} and {} today",
          "honestly the {} {} {}"]


def make_topics(n_per_topic: int = 60, seed: int = 0) -> pd.Series:
    """Comments whose words come from three topic vocabularies in varied combinations,
    so words of one topic co-occur the way they do in real comments."""
    import random

    rng = random.Random(seed)
    texts = [rng.choice(FRAMES).format(*rng.sample(words, 3))
             for words in WORDS.values() for _ in range(n_per_topic)]
    rng.shuffle(texts)
    return usable(pd.Series(texts + ["n/a", "", "nothing"]))


@pytest.fixture(scope="module")
def small() -> pd.Series:
    return make_topics()


@pytest.fixture(scope="module")
def small_model(small) -> ThemeModel:
    return ThemeModel(n_themes=3, random_state=0).fit(small)


@pytest.fixture(scope="module")
def seeded_model(small) -> ThemeModel:
    return ThemeModel(codeframe=SEEDED, random_state=0).fit(small)


def theme_of(model: ThemeModel) -> dict[str, int]:
    """The theme ID of each planted topic, found by applying the model to a clear comment."""
    ids = model.predict(pd.Series(list(PURE.values())))
    return dict(zip(PURE, ids.tolist()))


# -- automatic k, labels, quotes -------------------------------------------------------------
def test_auto_k_finds_the_six_planted_topics_of_the_bundled_sample_as_groups(sample_model):
    assert abs(sample_model.groups_.shape[0] - 6) <= 1
    assert sample_model.themes_.shape[0] > sample_model.groups_.shape[0]
    evidence = sample_model.auto_k_
    assert evidence["chosen_k"] == sample_model.themes_.shape[0] <= evidence["initial_k"]
    assert evidence["stability"]["ari"] > evidence["stability"]["null_ari"]


def test_bundled_sample_themes_each_carry_one_planted_topic_word(sample_model):
    words = {"delivery": "deliver|parcel|courier", "billing": "charge|refund|invoice|bill",
             "staff": "staff|helpful|friendly", "app": r"\bapp\b|crash|update",
             "price": "price|value|expensive", "quality": "quality|made|make"}
    labels = sample_model.themes_["label"]
    found = {topic for topic, pattern in words.items() if labels.str.contains(pattern).any()}
    assert len(found) >= 5


def test_labels_are_unique_short_and_never_only_stop_words(sample_model, small_model):
    stop = set(stop_words()) | set(load_list("negations")) | set(load_list("label_fillers"))
    for model in (sample_model, small_model):
        labels = model.themes_["label"]
        assert labels.is_unique
        for label in labels:
            words = label.replace("/", " ").split()
            assert 1 <= len(words) <= 4
            assert not set(words) <= stop, label


def test_keywords_list_distinctive_terms_of_each_theme(small_model):
    topic = theme_of(small_model)
    keywords = small_model.themes_.set_index("theme_id")["keywords"]
    assert any(w in keywords[topic["delivery"]] for w in ("parcel", "courier", "delivery", "late"))
    assert any(w in keywords[topic["billing"]] for w in ("charge", "invoice", "refund", "billing"))
    assert "staff" in keywords[topic["staff"]]


def test_quotes_skip_near_duplicates_and_prefer_comments_close_to_the_centre():
    pool = pd.DataFrame({
        "theme_id": [0, 0, 0, 0, 1],
        "theme_score": [0.9, 0.89, 0.5, 0.4, 0.7],
        "clean_text": ["delivery was late again today", "Delivery was late again, today!",
                       "the courier lost my parcel", "parcel came two weeks late", "staff were lovely"],
    })
    chosen = select_quotes(pool, n=2)
    assert chosen.loc[chosen["theme_id"] == 0, "clean_text"].tolist() == [
        "delivery was late again today", "the courier lost my parcel"]
    assert chosen.loc[chosen["theme_id"] == 1, "clean_text"].tolist() == ["staff were lovely"]


# -- assignment ------------------------------------------------------------------------------
def test_a_comment_about_two_topics_gets_both_themes(seeded_model):
    topic = theme_of(seeded_model)
    assert topic == {"delivery": 0, "billing": 1, "staff": 2}
    out = seeded_model.transform(pd.Series([
        "the courier lost my parcel and I was charged twice on my invoice",
        "the staff were friendly and helpful, but delivery was late again",
    ]))
    assert set(out["themes"][0]) == {topic["delivery"], topic["billing"]}
    assert set(out["themes"][1]) == {topic["staff"], topic["delivery"]}
    assert all(themes[0] == primary for themes, primary in zip(out["themes"], out["theme_id"]))


def test_a_one_topic_comment_gets_one_theme(small_model):
    out = small_model.transform(pd.Series(list(PURE.values())))
    assert out["themes"].map(len).tolist() == [1, 1, 1]


def test_only_empty_and_wordless_comments_get_no_theme(small_model):
    out = small_model.transform(pd.Series(["", "and the", "delivery", "absolutely fine zzzz qqqq"]))
    assert out["theme_id"].tolist()[:2] == [NO_THEME, NO_THEME]
    assert out["theme_id"][2] != NO_THEME
    assert out["themes"][0] == [] and out["theme_score"][0] == 0


def test_a_weakly_fitting_comment_goes_to_a_theme_with_a_low_score(small_model):
    out = small_model.transform(pd.Series(["the courier lost my parcel", "parcel"]))
    assert out["theme_id"][1] == out["theme_id"][0]
    assert out["theme_score"][1] < out["theme_score"][0]


def test_transform_of_the_training_data_gives_the_fitted_theme_sizes(small, small_model):
    """Apply = fit: assigning the training comments again reproduces what fit found."""
    again = small_model.transform(small)["theme_id"]
    counts = again[again != NO_THEME].value_counts().sort_index()
    pd.testing.assert_series_equal(counts, small_model.train_sizes_.sort_index(), check_names=False,
                                   check_dtype=False)


def test_same_data_and_seed_give_identical_themes_and_assignments(small):
    a = ThemeModel(random_state=3).fit(small)
    b = ThemeModel(random_state=3).fit(small.copy())
    pd.testing.assert_frame_equal(a.themes_, b.themes_)
    pd.testing.assert_frame_equal(a.transform(small), b.transform(small))
    assert a.auto_k_ == b.auto_k_


def test_row_order_does_not_change_themes(small):
    shuffled = small.sample(frac=1, random_state=7)
    a = ThemeModel(n_themes=3).fit(small)
    b = ThemeModel(n_themes=3).fit(shuffled)
    pd.testing.assert_frame_equal(a.themes_, b.themes_)
    pd.testing.assert_frame_equal(a.transform(small), b.transform(small))


def test_split_segments_breaks_clauses_at_commas_and_joining_words():
    parts = split_segments(pd.Series(["late delivery and a rude driver, sadly", "great"]))
    assert parts["text"].tolist() == ["late delivery", "a rude driver", "sadly", "great"]
    assert parts["doc"].tolist() == [0, 0, 0, 1]


# -- codeframe and retraining ------------------------------------------------------------------
def test_a_seeded_theme_exists_and_keeps_its_name_and_id(small):
    codeframe = Codeframe(themes=(CodeframeTheme(7, ("refund", "invoice"), "Billing"),), n_themes=3)
    model = ThemeModel(codeframe=codeframe).fit(small)
    table = model.themes_.set_index("theme_id")
    assert table.loc[7, "label"] == "Billing"
    assert model.predict(pd.Series(["still waiting for my refund"]))[0] == 7
    assert set(table.index) == {7, 8, 9}


def test_a_merged_theme_disappears_into_its_target(small):
    codeframe = Codeframe(themes=(
        CodeframeTheme(0, ("delivery", "parcel", "courier"), "Delivery and billing", merge=(1,)),
        CodeframeTheme(1, ("invoice", "charge", "billing")),
        CodeframeTheme(2, ("staff", "friendly")),
    ), n_themes=3)
    model = ThemeModel(codeframe=codeframe).fit(small)
    assert model.themes_["theme_id"].tolist() == [0, 2]
    ids = model.predict(pd.Series(list(PURE.values())))
    assert ids.tolist() == [0, 0, 2]
    assert model.themes_.set_index("theme_id").loc[0, "label"] == "Delivery and billing"


def test_excluded_words_never_appear_in_labels_or_keywords(small):
    model = ThemeModel(n_themes=3, codeframe=Codeframe(exclude=("staff", "parcel"))).fit(small)
    text = " ".join(model.themes_["label"]) + " " + " ".join(model.themes_["keywords"])
    assert "staff" not in text and "parcel" not in text


def test_the_written_codeframe_reproduces_the_fit(small, small_model):
    again = ThemeModel(codeframe=small_model.codeframe_).fit(small)
    assert again.themes_["theme_id"].tolist() == small_model.themes_["theme_id"].tolist()
    before = small_model.transform(small)["theme_id"]
    after = again.transform(small)["theme_id"]
    assert (before == after).mean() > 0.95


def test_retraining_on_a_90_percent_subsample_keeps_theme_ids(sample_texts, sample_model):
    subset = sample_texts.sample(frac=0.9, random_state=1)
    retrained = ThemeModel(random_state=5).fit(subset, previous=sample_model)
    changes = retrained.changes_
    kept = changes[changes["status"] == "kept"]
    assert (kept["theme_id"] == kept["previous_id"]).all()
    before = sample_model.transform(sample_texts)["theme_id"]
    after = retrained.transform(sample_texts)["theme_id"]
    themed = before != -1
    assert (before[themed] == after[themed]).mean() >= 0.7
    labels = sample_model.themes_.set_index("theme_id")["label"]
    assert (retrained.themes_.set_index("theme_id").loc[kept["theme_id"], "label"]
            == labels.loc[kept["previous_id"]].to_numpy()).all()


def test_a_new_topic_after_retraining_gets_a_new_id(sample_texts):
    # automatic k, as `fit --previous` runs: the retrain starts from the previous themes and
    # still over-clusters, so the app comments the previous export lacked find a theme
    without_app = sample_texts[~sample_texts.str.contains(r"\bapp\b", case=False)]
    old = ThemeModel(random_state=0).fit(without_app)
    new = ThemeModel(random_state=0).fit(sample_texts, previous=old)
    changes = new.changes_
    assert (changes["status"] == "kept").sum() == len(old.themes_)
    fresh = changes.loc[changes["status"].isin(["new", "split"]), "theme_id"].tolist()
    assert fresh and min(fresh) >= old.next_theme_id_
    assert new.predict(pd.Series(["the app keeps crashing at checkout"]))[0] in fresh


def test_a_retrain_at_a_larger_fixed_k_keeps_the_old_ids_and_numbers_new_themes_after_them(sample_texts):
    without_app = sample_texts[~sample_texts.str.contains(r"\bapp\b", case=False)]
    old = ThemeModel(n_themes=5, random_state=0).fit(without_app)
    new = ThemeModel(n_themes=7, random_state=0).fit(sample_texts, previous=old)
    changes = new.changes_
    assert (changes["status"] == "kept").sum() >= 4
    fresh = changes.loc[changes["status"].isin(["new", "split"]), "theme_id"].tolist()
    assert fresh and min(fresh) >= old.next_theme_id_
    assert new.predict(pd.Series(["the app keeps crashing at checkout"]))[0] in fresh


# -- estimator contract ------------------------------------------------------------------------
def test_theme_model_follows_the_estimator_contract(small, tmp_path):
    model = ThemeModel(n_themes=3, random_state=1)
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        model.transform(small)
    assert model.fit(small) is model
    assert list(model.get_feature_names_out()) == ["theme_id", "theme_score", "themes", "group_id"]
    joblib.dump(model, tmp_path / "m.joblib")
    back = joblib.load(tmp_path / "m.joblib")
    pd.testing.assert_frame_equal(back.transform(small), model.transform(small))


def test_too_few_comments_is_a_clear_error():
    with pytest.raises(ValueError, match="at least two comments"):
        ThemeModel().fit(pd.Series(["", "only one comment"]))


def test_a_negative_bigram_weight_is_a_clear_error_at_fit(small):
    with pytest.raises(ValueError, match="bigram_weight"):
        ThemeModel(bigram_weight=-1.0).fit(small)


def test_word_pairs_are_vector_terms_unless_bigram_weight_is_zero(small, small_model):
    assert any(" " in term for term in small_model.vectors_.vocabulary)
    words_only = ThemeModel(n_themes=3, random_state=0, bigram_weight=0.0).fit(small)
    assert not any(" " in term for term in words_only.vectors_.vocabulary)


def test_a_seed_word_absent_from_the_comments_is_a_clear_error(small):
    codeframe = Codeframe(themes=(CodeframeTheme(0, ("zeppelin",), "Airships"),))
    with pytest.raises(ValueError, match="Airships"):
        ThemeModel(codeframe=codeframe).fit(small)


def test_theme_scores_are_cosines(small, small_model):
    scores = small_model.transform(small)["theme_score"]
    assert scores.between(-1, 1.0001).all()
    assert np.isfinite(scores).all()


# -- end to end ------------------------------------------------------------------------------------
def test_shuffling_rows_changes_no_theme_label_or_count():
    import feedbackml as fml

    texts = make_topics(n_per_topic=40, seed=5)
    df = pd.DataFrame({"comment": pd.concat([texts, texts.str.upper().head(20)], ignore_index=True)})
    a = fml.analyze(df, n_themes=3)
    b = fml.analyze(df.sample(frac=1, random_state=9).reset_index(drop=True), n_themes=3)
    columns = ["theme_id", "label", "keywords", "n"]
    pd.testing.assert_frame_equal(a.themes[columns], b.themes[columns])


def test_quotes_about_one_theme_come_before_comments_about_several():
    pool = pd.DataFrame({"theme_id": [0, 0], "theme_score": [0.9, 0.5], "themes": [[0, 1], [0]],
                         "clean_text": ["late delivery and a double charge", "the courier lost my parcel"]})
    assert select_quotes(pool, n=1)["clean_text"].tolist() == ["the courier lost my parcel"]


def test_transform_of_no_comments_gives_an_empty_table():
    from tests.conftest import make_feedback

    model = ThemeModel(n_themes=3).fit(make_feedback()["comment"])
    out = model.transform(pd.Series([], dtype=object))
    assert len(out) == 0 and list(out.columns) == ["theme_id", "theme_score", "themes", "group_id"]


# -- taxonomy, membership, labels ------------------------------------------------------------
def test_every_theme_belongs_to_one_group_and_groups_have_labels(sample_model):
    groups = sample_model.groups_
    assert set(sample_model.themes_["group_id"]) == set(groups["group_id"])
    labels = groups.set_index("group_id")["label"]
    assert (sample_model.themes_["group_label"] == labels.loc[sample_model.themes_["group_id"]].to_numpy()).all()
    assert groups["label"].str.len().gt(0).all() and groups["label"].is_unique


def test_the_taxonomy_is_nested_a_comments_theme_is_in_the_group_nearest_the_whole_comment(sample_model,
                                                                                         sample_texts):
    model = sample_model
    out = model.transform(sample_texts)
    themed = out[out["theme_id"] != NO_THEME]
    vecs = model.vectors_.transform(model._parts(sample_texts.loc[themed.index].reset_index(drop=True))[1])
    nearest = (vecs @ model.group_centers_.T).argmax(axis=1)  # group centre nearest the whole comment
    cluster = pd.Index(model.cluster_theme_).get_indexer(themed["theme_id"])
    share = (model.cluster_group_[cluster] == nearest).mean()
    assert share > 0.95  # the rest: comments no theme of their group fits, placed by their clear parts
    theme_group = dict(zip(model.themes_["theme_id"], model.themes_["group_id"]))
    assert (themed["group_id"] == themed["theme_id"].map(theme_group)).all()


def test_mentions_say_which_part_of_a_comment_mentions_which_theme(sample_model):
    texts = pd.Series(["The courier was late and the parcel never arrived, the staff were lovely though",
                       "n/a", "They charged me twice"])
    mentions = sample_model.mentions(texts)
    assert list(mentions.columns) == ["doc", "part", "text", "theme_id", "score"]
    out = sample_model.transform(texts)
    for doc, themes in enumerate(out["themes"]):
        assert set(mentions.loc[mentions["doc"] == doc, "theme_id"]) <= set(themes)
    first = mentions[mentions["doc"] == 0]
    assert first["theme_id"].nunique() >= 2  # delivery and staff, from different parts
    assert first["text"].str.contains("staff").any() and (mentions["doc"] != 1).all()


def test_a_comment_is_a_member_of_a_theme_exactly_when_one_of_its_parts_mentions_it(sample_model):
    texts = pd.Series(["The courier was late and the parcel never arrived, the staff were lovely though",
                       "they charged me twice for one invoice", "n/a", "parcel", "the manager was rude, refund please"])
    out = sample_model.transform(texts)
    mentions = sample_model.mentions(texts)
    for doc, themes in enumerate(out["themes"]):
        assert set(mentions.loc[mentions["doc"] == doc, "theme_id"]) == set(themes)
        assert len(themes) <= sample_model.max_themes


def test_the_mention_step_reuses_the_part_assignment_transform_made(sample_model, monkeypatch):
    texts = pd.Series(["the staff were rude and the parcel was late", "my refund never came"])
    calls = []
    cut = ThemeModel._parts
    monkeypatch.setattr(ThemeModel, "_parts", lambda self, t: calls.append(len(t)) or cut(self, t))
    themes = sample_model.transform(texts)["themes"]
    parts = sample_model.part_themes(texts)
    assert calls == [2]  # cut and assigned once
    fit = parts[parts["fit"]]
    assert [sorted(set(fit.loc[fit["doc"] == d, "theme_id"])) for d in range(2)] == [sorted(t) for t in themes]


def test_changed_membership_parameters_are_not_answered_from_the_last_scoring(sample_model):
    import copy

    texts = pd.Series(["The courier was late and the parcel never arrived, the staff were lovely though"])
    model = copy.deepcopy(sample_model)
    assert len(model.transform(texts)["themes"].iloc[0]) >= 2
    model.set_params(max_themes=1)
    assert len(model.transform(texts)["themes"].iloc[0]) == 1


def test_a_comment_gets_at_most_three_themes(sample_model, sample_texts):
    assert sample_model.transform(sample_texts)["themes"].str.len().max() <= 3


def test_tone_does_not_split_an_aspect():
    texts = pd.Series(["the legroom was great", "no legroom at all", "legroom was terrible",
                        "loved the legroom", "legroom awful and cramped seat"] * 8
                       + ["the food was great", "food was terrible", "loved the food, tasty meal",
                          "awful food and a cold meal", "meal was great"] * 8)
    model = ThemeModel(n_themes=2).fit(texts)
    ids = model.predict(texts)
    legroom, food = set(ids[:40]) - {-1}, set(ids[40:]) - {-1}
    assert len(legroom) == 1 and len(food) == 1 and legroom != food


def test_labels_never_hold_handles_placeholders_digits_or_metadata():
    texts = pd.Series(["@delta lost my bag at [url] again", "my bag was lost on flight 1234",
                       "XXXX lost luggage claim", "a380 seat legroom was tight",
                       "the seat legroom on the a380 is tight", "delta baggage claim took forever"] * 6)
    model = ThemeModel(n_themes=2, blocked_words=("Delta",)).fit(texts)
    text = " ".join(model.themes_["label"]) + " " + " ".join(model.themes_["keywords"])
    assert "@" not in text and "url" not in text and "xx" not in text.lower()
    assert "delta" not in text and not any(ch.isdigit() for ch in text)


def test_names_shape_the_vectors_but_never_make_labels_or_keywords():
    texts = pd.Series(["they broke the Reporting Act with my credit report", "the Reporting Act says my report is wrong",
                       "my credit report breaks the Reporting Act", "my bag was lost and never found",
                       "lost bag, still no news of it", "they lost my bag on the way home"] * 6)
    model = ThemeModel(n_themes=2).fit(texts)
    assert "act" in model.names_found_ and "act" in set(model.vectors_.vocabulary)
    words = set(" ".join(model.themes_["label"]).replace("/", " ").split()) | set(
        " ".join(model.themes_["keywords"]).replace(",", " ").split())
    assert "act" not in words


def test_labels_say_what_a_theme_is_about_not_what_it_is_not_nor_its_emoji():
    texts = pd.Series(["the app was not slow after the update", "app not slow since the update",
                       "not slow at all after the update", "the update made the app not slow",
                       "my parcel never came pouting face", "the courier lost my parcel pouting face",
                       "parcel left in the rain pouting face", "the parcel came a week late"] * 6)
    model = ThemeModel(n_themes=2).fit(texts)
    labels = model.themes_["label"].tolist() + model.groups_["label"].tolist()
    assert any("not slow" in k for k in model.themes_["keywords"])  # a keyword, never a label
    assert not any({"not", "never"} & set(lab.replace("/", " ").split()) for lab in labels)
    assert not any(w in lab.split() for lab in labels for w in ("pout", "pouting", "face"))


def test_labels_and_keywords_spell_words_as_the_comments_mostly_do():
    texts = pd.Series(["the delivery slot was missed", "missed delivery slot again", "delivery slot missed twice",
                       "the delivry slot was missed", "refund never came", "still waiting on my refund",
                       "no refund after a month", "my refnd is late", "definately no refund yet"] * 6)
    model = ThemeModel(n_themes=2).fit(texts)
    words = set(" ".join(model.themes_["label"]).replace("/", " ").split()) | set(
        " ".join(model.themes_["keywords"]).replace(",", " ").split())
    assert {"delivery", "refund"} <= words
    assert not {"delivry", "refnd", "definately", "definitely"} & words  # an intensifier's typo is dropped too
