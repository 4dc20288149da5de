"""Running counts: the sufficient statistics of an analysis, mergeable across chunks and workers.

Every table of an analysis (themes, drivers, segments, trends, decomposition, alerts,
summary) depends on the comments only through the number of comments per distinct
(theme membership pattern, score, outcome, segment, period), the sum of their sentiment,
a few totals and the best quote candidates of each theme. :class:`RunningCounts` holds
exactly that: built from one chunk of scored comments (:meth:`RunningCounts.from_chunk`),
merged with ``+`` in input order, and turned into the tables once at the end
(:func:`feedbackml.run.tables.build_results`) by the statistics functions, given the
counts as ``weight``. So a streamed or distributed run gives the same
numbers as :meth:`feedbackml.FeedbackAnalyzer.analyze` on the whole export, in memory
that grows with the number of distinct keys, not with the number of comments.

Counts are whole numbers, so their sums are exact in any order; sentiment is summed in
fixed point (units of 2⁻³², :func:`fixed_point`) for the same reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..io.schema import parse_dates
from ..stats.scores import nps_category
from ..stats.segments import segment_codes
from ..stats.trends import PERIODS, to_periods
from ..themes.mentions import polarity_membership
from ..themes.quotes import N_QUOTES, best_candidates, quote_candidates, respondents

log = logging.getLogger(__name__)

#: Sentiment is summed as integers in units of 1 / SENTIMENT_SCALE, so sums are exact.
SENTIMENT_SCALE = 2.0**32
#: Key values standing for "missing": no score, no outcome, no date (pandas' NaT ordinal).
NO_SCORE, NO_OUTCOME, NO_PERIOD = -1, -1, np.iinfo(np.int64).min
TOTALS = ("rows_in", "analysed", "rejected", "nonanswers", "duplicates", "without_theme",
          "multi_theme", "mixed", "negative", "neutral", "positive", "bad_dates", "comments", "labelled")
#: Per-key sums kept besides the key columns (comments, fixed-point sentiment, negatives).
VALUES = ["n", "sentiment", "negative"]


def fixed_point(values) -> np.ndarray:
    """Values as int64 multiples of 1 / :data:`SENTIMENT_SCALE` (missing counts as 0)."""
    x = np.nan_to_num(np.asarray(values, dtype=float))
    return np.rint(x * SENTIMENT_SCALE).astype(np.int64)


def theme_sums(member: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Exact integer sum of ``values`` (int64 per row) over each theme's rows."""
    member = np.asarray(member, dtype=bool)
    rows, ks = np.nonzero(member)
    out = np.zeros(member.shape[1], dtype=np.int64)
    np.add.at(out, ks, np.asarray(values, dtype=np.int64)[rows])
    return out


def mean_from_fixed(totals: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Means from fixed-point sums and counts (NaN where n = 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.asarray(totals, dtype=float) / SENTIMENT_SCALE) / np.asarray(n, dtype=float)


def theme_mean_sentiment(member: np.ndarray, sentiment) -> np.ndarray:
    """Mean sentiment of each theme's comments, summed exactly (same in chunks or at once)."""
    member = np.asarray(member, dtype=bool)
    return mean_from_fixed(theme_sums(member, fixed_point(sentiment)), member.sum(axis=0))


def pattern_words(member: np.ndarray) -> np.ndarray:
    """Each row of a boolean comments × themes matrix packed into uint64 words (rows × words)."""
    member = np.asarray(member, dtype=bool)
    n, k = member.shape
    width = max(1, -(-k // 64))
    packed = np.zeros((n, width * 8), dtype=np.uint8)
    if k:
        packed[:, :-(-k // 8)] = np.packbits(member, axis=1)
    return packed.view(np.uint64)


def words_to_member(words: np.ndarray, k: int) -> np.ndarray:
    """Inverse of :func:`pattern_words`."""
    words = np.ascontiguousarray(words, dtype=np.uint64)
    raw = words.view(np.uint8).reshape(len(words), words.shape[1] * 8)
    return np.unpackbits(raw, axis=1, count=k).astype(bool) if k else np.zeros((len(words), 0), bool)


@dataclass(frozen=True)
class Columns:
    """The input columns an analysis uses (resolved names; None when not used)."""

    text: str
    score: str | None = None
    segment: str | None = None
    date: str | None = None
    id: str | None = None
    outcome: str | None = None
    event: str | None = None  # the outcome value that is the event (None: the true value of a yes/no column)
    questions: tuple[str, ...] = ()  # open-text columns pooled under ``text`` (see feedbackml.text.pool)
    wording: tuple[str, ...] = ()  # each question's wording (survey exports), aligned with ``questions``
    dayfirst: bool | None = None  # how numeric dates of ``date`` are read (decided once for every chunk)


@dataclass
class RunningCounts:
    """Mergeable sufficient statistics of an analysis (see the module docstring).

    Attributes
    ----------
    n_themes : number of themes (columns of the membership patterns).
    table : one row per distinct key — pattern words ``p0…``, ``score`` (−1 none),
        ``outcome`` (−1 unknown, 0, 1), ``segment`` (normalised, "" without a segment
        column), ``period`` (ordinal, :data:`NO_PERIOD` without a date) — with ``n``
        comments and their fixed-point ``sentiment`` sum.
    totals : the counts of :data:`TOTALS` (rows in, analysed, rejected, non-answers …).
        The key also holds ``neg0…`` and ``pos0…``: the themes the comment has a negative /
        a positive mention of (for ``aspect_drivers.csv``).
    totals : the counts of :data:`TOTALS` (rows in, analysed, rejected, non-answers …).
    quotes : quote candidates (:func:`feedbackml.themes.quotes.quote_candidates`).
    first_bad_date : (row, value) of the first value of the date column that is not a date.
    first_label : the first score written as an end-point label ("Very satisfied (5)").
    mention_sentiment : per theme, the fixed-point sum of its mentions' sentiment.
    """

    n_themes: int
    table: pd.DataFrame
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOTALS, 0))
    quotes: pd.DataFrame | None = None
    first_bad_date: tuple[int, Any] | None = None
    mention_sentiment: np.ndarray | None = None
    questions: pd.DataFrame | None = None  # per-question sums (feedbackml.text.pool.question_counts)
    first_label: str | None = None

    # -- building ------------------------------------------------------------------
    @classmethod
    def from_chunk(cls, analyzer, comments: pd.DataFrame, accepted: pd.DataFrame,
                   rejects: pd.DataFrame, rows_in: int, columns: Columns,
                   mentions: pd.DataFrame | None = None) -> RunningCounts:
        """Counts of one chunk: ``comments`` scored by ``analyzer`` from the validated rows
        ``accepted`` (same order), with ``rejects`` and ``rows_in`` input rows in all.

        ``comments["is_duplicate"]`` must already be right across chunks (a comment seen in
        an earlier chunk is a duplicate), because quotes and the duplicate count use it.
        ``mentions`` are the chunk's (:meth:`~feedbackml.FeedbackAnalyzer.score_mentions`;
        computed when not given).

        With several text columns (``columns.questions``) ``comments`` holds one row per
        answer (``row`` = the answer's number, :func:`feedbackml.text.pool.answer_ids`) and the
        keys are per respondent (:func:`feedbackml.text.pool.respondent_view`); the totals of
        comments (non-answers, sentiment labels …) and the quotes come from the answers.
        """
        if mentions is None:
            mentions = analyzer.score_mentions(comments)
        answers = comments
        member = analyzer.membership(answers)
        theme_ids = analyzer.themes_["theme_id"].to_numpy()
        polarity = polarity_membership(mentions, answers["row"].to_numpy(), theme_ids)
        k = len(columns.questions) or 1
        question_sums = None
        if columns.questions:
            from ..text.pool import question_counts, respondent_view

            question_sums = question_counts(answers, member, columns.questions)
            comments, member = respondent_view(answers, member, k)
            polarity = [p.reshape(len(comments), k, p.shape[1]).any(axis=1) for p in polarity]
        n = len(comments)
        words = pattern_words(member)
        key = {f"p{j}": words[:, j] for j in range(words.shape[1])}
        for name, polar in zip(("neg", "pos"), polarity):
            polar_words = pattern_words(polar)
            key.update({f"{name}{j}": polar_words[:, j] for j in range(polar_words.shape[1])})
        column = pd.Index(theme_ids).get_indexer(mentions["theme_id"].to_numpy())
        mention_sum = np.zeros(len(theme_ids), dtype=np.int64)
        np.add.at(mention_sum, column[column >= 0], fixed_point(mentions["sentiment"].to_numpy())[column >= 0])
        score = accepted["_score"].reset_index(drop=True) if "_score" in accepted else pd.Series([pd.NA] * n)
        key["score"] = pd.to_numeric(score, errors="coerce").fillna(NO_SCORE).to_numpy(np.int64)
        if columns.outcome is not None:
            event = accepted["_outcome"].reset_index(drop=True).astype("boolean")
            key["outcome"] = event.astype("Int8").fillna(NO_OUTCOME).to_numpy(np.int8)
        else:
            key["outcome"] = np.full(n, NO_OUTCOME, dtype=np.int8)
        if columns.segment is not None:
            codes, names = segment_codes(accepted[columns.segment])
            key["segment"] = np.asarray(names, dtype=object)[codes] if n else np.array([], dtype=object)
        else:
            key["segment"] = np.full(n, "", dtype=object)
        first_bad, bad_dates = None, 0
        if columns.date is not None:
            raw = accepted[columns.date]
            dates = parse_dates(raw, column=columns.date, strict=False, dayfirst=columns.dayfirst)
            periods = to_periods(dates.reset_index(drop=True), analyzer.period)
            key["period"] = np.where(periods.isna().to_numpy(), NO_PERIOD,
                                     np.asarray(periods.array.asi8, dtype=np.int64))
            text = raw.astype("string").str.strip()
            bad = (~(text.isna() | (text == "")) & dates.isna()).to_numpy(bool)
            bad_dates = int(bad.sum())
            if bad_dates:
                i = int(np.argmax(bad))
                first_bad = (int(accepted.index[i]), raw.iloc[i])
        else:
            key["period"] = np.full(n, NO_PERIOD, dtype=np.int64)
        frame = pd.DataFrame(key)
        frame["n"] = np.ones(n, dtype=np.int64)
        frame["sentiment"] = fixed_point(comments["sentiment"].to_numpy())
        frame["negative"] = (comments["sentiment_label"] == "negative").to_numpy(np.int64)
        labels = answers["sentiment_label"].value_counts()
        totals = {
            "rows_in": int(rows_in), "analysed": n, "rejected": int(len(rejects)),
            "nonanswers": int(answers["is_nonanswer"].sum()),
            "duplicates": int(answers["is_duplicate"].sum()),
            "without_theme": int((answers["theme_id"] == -1).sum()),
            "multi_theme": int((answers["themes"].str.len() > 1).sum()),
            "mixed": int(answers["mixed"].sum()),
            **{k: int(labels.get(k, 0)) for k in ("negative", "neutral", "positive")},
            "bad_dates": bad_dates, "comments": int(len(answers)), "labelled": 0,
        }
        event = accepted["_outcome"].reset_index(drop=True) if columns.outcome is not None else None
        who = respondents(nps_category(pd.to_numeric(score, errors="coerce"), analyzer.metric)
                          .astype(object).where(score.notna().to_numpy(), None), event)
        quotes = quote_candidates(mentions, answers, columns.text, np.repeat(who, k), N_QUOTES)
        return cls(int(member.shape[1]), _group(frame), totals, quotes, first_bad, mention_sum, question_sums)

    def __add__(self, other: RunningCounts) -> RunningCounts:
        """Counts of this chunk followed by ``other`` (later rows)."""
        if other.n_themes != self.n_themes:
            raise ValueError("cannot merge counts of models with different themes")
        table = _group(pd.concat([self.table, other.table], ignore_index=True))
        totals = {k: self.totals.get(k, 0) + other.totals.get(k, 0) for k in TOTALS}
        parts = [q for q in (self.quotes, other.quotes) if q is not None and len(q)]
        quotes = best_candidates(pd.concat(parts, ignore_index=True), N_QUOTES) if parts else self.quotes
        first = self.first_bad_date if self.first_bad_date is not None else other.first_bad_date
        sums = [s for s in (self.mention_sentiment, other.mention_sentiment) if s is not None]
        questions = (other.questions if self.questions is None else self.questions if other.questions is None
                     else self.questions.add(other.questions, fill_value=0).astype(np.int64)
                     .reindex(self.questions.index))
        return RunningCounts(self.n_themes, table, totals, quotes, first, sum(sums) if sums else None,
                             questions, self.first_label if self.first_label is not None else other.first_label)

    # -- results -------------------------------------------------------------------
    def arrays(self, metric: str, period: str) -> dict[str, Any]:
        """The table as the per-row inputs of the statistics functions, with ``weight``."""
        t = self.table
        words = t[[c for c in t.columns if c.startswith("p") and c[1:].isdigit()]].to_numpy(np.uint64)
        polar = {name: words_to_member(t[[c for c in t.columns if c.startswith(name) and c[3:].isdigit()]]
                                       .to_numpy(np.uint64), self.n_themes) for name in ("neg", "pos")}
        score = pd.Series(t["score"].to_numpy(), dtype="Int64").mask(t["score"].to_numpy() == NO_SCORE)
        outcome = t["outcome"].to_numpy()
        event = pd.array(np.where(outcome == NO_OUTCOME, False, outcome == 1), dtype="boolean")
        event[outcome == NO_OUTCOME] = pd.NA
        ordinal = t["period"].to_numpy(np.int64)
        periods = pd.Series(pd.PeriodIndex.from_ordinals(ordinal, freq=PERIODS[period]))
        return {"member": words_to_member(words, self.n_themes), "score": score,
                "category": nps_category(score, metric).astype(object).where(score.notna(), None),
                "event": pd.Series(event), "segment": t["segment"].reset_index(drop=True),
                "periods": periods, "weight": t["n"].to_numpy(float),
                "sentiment": t["sentiment"].to_numpy(np.int64),
                "negative": t["negative"].to_numpy(np.int64),
                "negative_member": polar["neg"], "positive_member": polar["pos"]}

def _group(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with the same key summed; sorted by key so the table does not depend on row order."""
    keys = [c for c in frame.columns if c not in VALUES]
    if not len(frame):
        return frame.reset_index(drop=True)
    return frame.groupby(keys, sort=True, dropna=False, observed=True)[VALUES].sum().reset_index()
