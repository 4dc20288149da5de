"""Theme mentions: the part of each comment that mentions each of its themes, and its sentiment."""

import numpy as np
import pandas as pd
import pytest

import feedbackml as fml
from feedbackml.results import MENTION_COLUMNS, Results
from feedbackml.sentiment import LexiconSentiment
from feedbackml.themes.codeframe import parse_codeframe
from feedbackml.themes.mentions import mention_rows, mention_table, polarity_membership

FOOD = ["the food was delicious", "tasty food and fresh bread", "the pasta was cold and bland",
        "great food", "the soup was tasteless", "lovely dessert and fresh food"]
STAFF = ["the staff were rude", "friendly staff", "the waiter ignored us", "helpful waiter",
         "rude staff at the door", "the staff were lovely"]


@pytest.fixture(scope="module")
def restaurant():
    rng = np.random.default_rng(0)
    texts = [FOOD[i] for i in rng.integers(0, len(FOOD), 80)] + [STAFF[i] for i in rng.integers(0, len(STAFF), 80)]
    codeframe = parse_codeframe({"themes": [{"id": 0, "name": "food", "seeds": ["food", "dessert", "pasta"]},
                                            {"id": 1, "name": "staff", "seeds": ["staff", "waiter"]}]})
    analyzer = fml.FeedbackAnalyzer(n_themes=2, codeframe=codeframe).fit(pd.DataFrame({"comment": texts}))
    return analyzer


def test_opposite_aspects_of_one_comment_get_opposite_mention_sentiment(restaurant):
    res = restaurant.analyze(pd.DataFrame({"comment": ["great food, rude staff", "the staff were lovely but the food was bland"]}))
    m = res.mentions.set_index(["row", "theme_id"])["sentiment_label"]
    assert m[(1, 0)] == "positive" and m[(1, 1)] == "negative"
    assert m[(2, 0)] == "negative" and m[(2, 1)] == "positive"
    assert list(res.mentions.columns) == MENTION_COLUMNS


def test_every_theme_of_every_comment_is_one_mention(restaurant):
    df = pd.DataFrame({"comment": FOOD + STAFF + ["great food, rude staff", "n/a", "great food, rude staff"]})
    res = restaurant.analyze(df)
    pairs = {(r, t) for r, themes in zip(res.comments["row"], res.comments["themes"]) for t in themes}
    assert set(zip(res.mentions["row"], res.mentions["theme_id"])) == pairs
    assert len(res.mentions) == len(pairs)
    assert res.mentions["row"].is_monotonic_increasing
    repeated = res.mentions[res.mentions["row"].isin([13, 15])]
    assert repeated[repeated["row"] == 13].drop(columns="row").reset_index(drop=True).equals(
        repeated[repeated["row"] == 15].drop(columns="row").reset_index(drop=True))


def test_theme_table_counts_mentions_by_their_own_sentiment(restaurant):
    res = restaurant.analyze(pd.DataFrame({"comment": ["great food, rude staff"] * 3 + ["tasty food"]}))
    themes = res.themes.set_index("theme_id")
    assert themes.loc[0, "positive_mentions"] == 4 and themes.loc[0, "negative_mentions"] == 0
    assert themes.loc[1, "negative_mentions"] == 3 and themes.loc[1, "positive_mentions"] == 0
    assert themes.loc[1, "mention_sentiment"] < 0 < themes.loc[0, "mention_sentiment"]
    mean = res.mentions.groupby("theme_id")["sentiment"].mean()
    assert np.allclose(themes.loc[mean.index, "mention_sentiment"], mean)


def test_analysis_folder_has_mentions_and_aspect_drivers(restaurant, tmp_path):
    res = restaurant.analyze(pd.DataFrame({"comment": FOOD + STAFF + ["great food, rude staff"],
                                           "nps": [9, 10, 2, 9, 3, 10, 1, 9, 2, 10, 3, 9, 4]}), score="nps")
    res.to_folder(tmp_path / "out")
    back = Results.from_folder(tmp_path / "out")
    pd.testing.assert_frame_equal(back.mentions, res.mentions.reset_index(drop=True))
    aspects = pd.read_csv(tmp_path / "out" / "aspect_drivers.csv")
    assert set(aspects["polarity"]) <= {"negative", "positive"} and "detractor_lift" in aspects


def _parts(rows):
    return pd.DataFrame(rows, columns=["doc", "part", "theme_id", "text", "clause_text", "fit", "score"])


def test_a_neutral_part_takes_the_sentiment_of_its_clause_then_of_the_comment():
    lexicon = LexiconSentiment()
    parts = _parts([(0, 0, 5, "the price", "the price was a rip off", True, 0.9),
                    (1, 0, 5, "the price", "the price", True, 0.9)])
    comment = pd.DataFrame({"sentiment": [-0.5, 0.6], "sentiment_label": ["negative", "positive"]})
    table = mention_table(parts, [[5], [5]], comment, lexicon)
    assert table["sentiment_label"].tolist() == ["negative", "positive"]
    assert table["sentiment"].iloc[1] == 0.6  # the whole comment's


def test_a_theme_found_only_in_the_whole_comment_has_the_comments_sentiment():
    comment = pd.DataFrame({"sentiment": [0.4], "sentiment_label": ["positive"]})
    table = mention_table(_parts([]), [[3]], comment, LexiconSentiment())
    assert table["text"].isna().all() and table["sentiment_label"].tolist() == ["positive"]
    rows = mention_rows(table, np.array([0, 0]), np.array([7, 9]), np.array(["all of it"], dtype=object))
    assert rows["text"].tolist() == ["all of it", "all of it"] and rows["row"].tolist() == [7, 9]


def test_parts_that_fit_win_over_parts_that_only_lean_to_the_theme():
    parts = _parts([(0, 0, 1, "rude staff", "rude staff", True, 0.8),
                    (0, 1, 1, "lovely view", "lovely view", False, 0.3)])
    comment = pd.DataFrame({"sentiment": [0.1], "sentiment_label": ["positive"]})
    table = mention_table(parts, [[1]], comment, LexiconSentiment())
    assert table["text"].tolist() == ["rude staff"] and table["sentiment_label"].tolist() == ["negative"]


def test_polarity_membership_marks_negative_and_positive_mentions():
    mentions = pd.DataFrame({"row": [1, 1, 2, 3], "theme_id": [0, 4, 4, 0],
                             "sentiment_label": ["negative", "positive", "neutral", "negative"]})
    negative, positive = polarity_membership(mentions, [1, 2, 3], [0, 4])
    assert negative.tolist() == [[True, False], [False, False], [True, False]]
    assert positive.tolist() == [[False, True], [False, False], [False, False]]


def test_mentions_parquet_bytes_do_not_depend_on_the_chunks(tmp_path, monkeypatch):
    from feedbackml.run import writers

    monkeypatch.setattr(writers, "MENTION_ROW_GROUP", 5)
    mentions = pd.DataFrame({"row": np.arange(1, 18), "theme_id": np.arange(17) % 3, "group_id": -1,
                             "text": [f"part {i}" for i in range(17)], "sentiment": np.linspace(-1, 1, 17),
                             "sentiment_label": ["negative"] * 8 + ["positive"] * 9})
    writers.write_mentions(tmp_path / "whole.parquet", mentions)
    chunked = writers.MentionWriter(tmp_path / "chunks.parquet")
    for start in range(0, 17, 3):
        chunked.write(mentions.iloc[start:start + 3])
    chunked.close()
    assert (tmp_path / "whole.parquet").read_bytes() == (tmp_path / "chunks.parquet").read_bytes()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "whole.parquet"), mentions)


def test_aspect_rows_are_quoted_from_their_own_side(restaurant):
    comments = FOOD + STAFF + ["great food, rude staff", "lovely food but the staff were rude"]
    nps = [9, 10, 2, 9, 3, 10, 1, 9, 2, 10, 3, 9, 4, 2]
    res = restaurant.analyze(pd.DataFrame({"comment": comments, "nps": nps}), score="nps")
    quotes, aspects = res.extra["quotes"], res.aspect_drivers
    assert "quotes" in aspects and (aspects["quotes"] != "").any()
    who = res.comments.set_index("row")["nps_category"]
    for r in aspects.itertuples(index=False):
        side = quotes[(quotes["theme_id"] == r.theme_id) & (quotes["polarity"] == r.polarity)]
        assert r.quotes == " | ".join(side["text"])
        mentioned = res.mentions.set_index(["row", "theme_id"])["sentiment_label"]
        assert all(mentioned[(row, r.theme_id)] == r.polarity for row in side["row"])
        if r.polarity == "negative" and (who.reindex(side["row"]) == "detractor").any():
            assert who[side["row"].iloc[0]] == "detractor"  # detractors tell the harm first


def _placed(rows):
    """Parts with their clause (order, text) and whether the clause opens with a contrast marker."""
    return pd.DataFrame(rows, columns=["doc", "part", "theme_id", "text", "clause_text", "clause", "after_contrast",
                                       "fit", "score"])


def test_a_neutral_part_of_an_enumeration_takes_the_sentiment_of_the_part_that_follows():
    clause = "the ambience was great, the food and service could have been a lot better"
    parts = _placed([(0, 0, 3, "the ambience was great", clause, 0, False, True, 0.9),
                     (0, 1, 0, "the food", clause, 0, False, True, 0.9),
                     (0, 2, 1, "service could have been a lot better", clause, 0, False, True, 0.9)])
    comment = pd.DataFrame({"sentiment": [0.6], "sentiment_label": ["positive"]})
    table = mention_table(parts, [[0, 1, 3]], comment, LexiconSentiment()).set_index("theme_id")
    assert table.loc[0, "sentiment_label"] == "negative" and table.loc[3, "sentiment_label"] == "positive"


def test_a_neutral_part_across_but_takes_the_opposite_of_the_other_side():
    parts = _placed([(0, 0, 1, "the service is a little scatty at times", "the service is a little scatty at times",
                      0, False, True, 0.9),
                     (0, 1, 0, "but all is forgiven when the food arrives", "but all is forgiven when the food arrives",
                      1, True, True, 0.9)])
    comment = pd.DataFrame({"sentiment": [0.5], "sentiment_label": ["positive"]})
    table = mention_table(parts, [[0, 1]], comment, LexiconSentiment()).set_index("theme_id")
    assert table.loc[1, "sentiment_label"] == "negative" and table.loc[1, "sentiment"] < 0


def test_a_neutral_part_after_a_concession_takes_the_opposite_of_the_concession():
    clause = "although the restaurant itself is nice, I prefer not to go for the food"
    parts = _placed([(0, 0, 3, "although the restaurant itself is nice", clause, 0, True, True, 0.9),
                     (0, 1, 0, "I prefer not to go for the food", clause, 0, True, True, 0.9)])
    comment = pd.DataFrame({"sentiment": [0.4], "sentiment_label": ["positive"]})
    table = mention_table(parts, [[0, 3]], comment, LexiconSentiment()).set_index("theme_id")
    assert table.loc[0, "sentiment_label"] == "negative"


def test_a_neutral_part_inside_a_concession_takes_the_opposite_of_its_point():
    clause = "while the place is not a hotspot hangout, the drinks are great value"
    parts = _placed([(0, 0, 3, "while the place is not a hotspot hangout", clause, 0, False, True, 0.9),
                     (0, 1, 0, "the drinks are great value", clause, 0, False, True, 0.9)])
    comment = pd.DataFrame({"sentiment": [0.6], "sentiment_label": ["positive"]})
    table = mention_table(parts, [[0, 3]], comment, LexiconSentiment()).set_index("theme_id")
    assert table.loc[3, "sentiment_label"] == "negative" and table.loc[0, "sentiment_label"] == "positive"


def test_an_enumeration_inside_a_concession_shares_the_concession():
    clause = "although the food and service were great, the place was noisy"
    parts = _placed([(0, 0, 0, "although the food", clause, 0, True, True, 0.9),
                     (0, 1, 1, "service were great", clause, 0, True, True, 0.9),
                     (0, 2, 3, "the place was noisy", clause, 0, True, True, 0.9)])
    comment = pd.DataFrame({"sentiment": [-0.2], "sentiment_label": ["negative"]})
    table = mention_table(parts, [[0, 1, 3]], comment, LexiconSentiment()).set_index("theme_id")
    assert table["sentiment_label"].to_dict() == {0: "positive", 1: "positive", 3: "negative"}
