"""Running counts: exact, mergeable sufficient statistics of an analysis."""

import numpy as np
import pandas as pd
import pytest

import feedbackml as fml
from feedbackml.run.chunks import SeenComments, score_chunk
from feedbackml.run.counts import Columns, RunningCounts, pattern_words, theme_mean_sentiment, words_to_member

from conftest import make_feedback


@pytest.mark.parametrize("k", [1, 7, 64, 70])
def test_membership_patterns_pack_into_words_and_back(k):
    member = np.random.default_rng(k).random((50, k)) < 0.3
    words = pattern_words(member)
    assert words.dtype == np.uint64 and words.shape == (50, -(-k // 64))
    assert np.array_equal(words_to_member(words, k), member)


def test_mean_sentiment_is_the_same_however_the_rows_are_summed():
    rng = np.random.default_rng(0)
    member = rng.random((10_000, 4)) < 0.3
    sentiment = rng.uniform(-1, 1, 10_000)
    whole = theme_mean_sentiment(member, sentiment)
    assert np.allclose(whole, (member * sentiment[:, None]).sum(axis=0) / member.sum(axis=0), atol=1e-9)
    order = rng.permutation(10_000)
    assert np.array_equal(theme_mean_sentiment(member[order], sentiment[order]), whole)


@pytest.fixture(scope="module")
def analyzer():
    return fml.FeedbackAnalyzer(n_themes=3, metric="nps").fit(make_feedback())


def counts_of(analyzer, df, columns, seen):
    scored = score_chunk(analyzer, df, columns)
    seen.mark(scored.comments, scored.keys)  # a repeat of an earlier chunk is a duplicate
    return RunningCounts.from_chunk(analyzer, scored.comments, scored.accepted, scored.rejects,
                                    scored.rows_in, columns)


def test_counts_of_two_chunks_merge_into_the_counts_of_both(analyzer):
    df = make_feedback(seed=3)
    df["id"] = df["id"].str.slice(1)
    df = df.set_axis(pd.RangeIndex(1, len(df) + 1, name="row"))
    df.loc[4, "nps"] = "eleven"
    columns = Columns(text="comment", score="nps", segment="channel")
    whole = counts_of(analyzer, df, columns, SeenComments())
    seen = SeenComments()
    merged = counts_of(analyzer, df.iloc[:90], columns, seen) + counts_of(analyzer, df.iloc[90:], columns, seen)
    pd.testing.assert_frame_equal(merged.table, whole.table)
    pd.testing.assert_frame_equal(merged.quotes, whole.quotes)
    assert np.array_equal(merged.mention_sentiment, whole.mention_sentiment)
    assert merged.totals == whole.totals and whole.totals["rejected"] == 1
    assert whole.table["n"].sum() == len(df) - 1 and len(whole.table) < len(df) / 2  # rows collapse into keys
