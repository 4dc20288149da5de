"""Scoring one chunk, and what every engine does with the scored chunks, in input order.

:func:`score_chunk` validates and scores the rows of one chunk exactly as
:meth:`~feedbackml.FeedbackAnalyzer.analyze` scores an export (``analyze`` calls it on its
whole input); :class:`ChunkAccumulator` marks comments already seen in earlier chunks
as duplicates, hands the chunk to a writer and adds its :class:`~feedbackml.run.counts.RunningCounts`.
In-memory ``analyze``, streaming ``apply`` and the Dask engine all run these two, so
they differ only in who executes them.

A comment that repeats one of an earlier chunk is a duplicate, as in the in-memory
path: the 64-bit hashes of the distinct comments seen so far are kept (8 bytes each;
two different comments share a hash with a probability of about n²/2⁶⁵).
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..io.labels import first_labelled, labelled_count
from ..io.schema import validate
from ..text import caches
from ..text.cleaning import duplicate_key_strings
from .counts import Columns, RunningCounts

if TYPE_CHECKING:
    from ..analyzer import FeedbackAnalyzer
    from .writers import ChunkWriter

#: Texts the cleaning and lemma caches keep while streaming (bounded: memory stays flat).
STREAM_CACHE = 100_000


@dataclass
class ScoredChunk:
    """One chunk after validation and scoring (what a worker sends back)."""

    comments: pd.DataFrame
    accepted: pd.DataFrame  # only the columns the counts need
    rejects: pd.DataFrame
    rows_in: int
    broken: int  # rows the reader could not parse (in rejects too)
    keys: np.ndarray  # 64-bit hash of each comment's duplicate key
    mentions: pd.DataFrame | None = None  # one row per (comment, theme): analyzer.score_mentions
    labelled: int = 0  # accepted scores written as end-point labels ("10 - Extremely likely")
    first_label: str | None = None  # the first of them, quoted by the warning


def score_chunk(analyzer: FeedbackAnalyzer, chunk: pd.DataFrame, columns: Columns,
                cache_limit: int | None = STREAM_CACHE) -> ScoredChunk:
    """Validate and score one chunk (index = input row numbers) as ``analyze`` does.

    The text caches (cleaning, lemmas) are capped at ``cache_limit`` texts each (None:
    their usual size, for in-memory runs), in whichever process runs this, so memory
    stays flat however many rows stream through.
    """
    accepted, rejects = validate(chunk, columns.score, analyzer.metric, columns.outcome, columns.event)
    with caches.limited(cache_limit) if cache_limit is not None else contextlib.nullcontext():
        comments = _score(analyzer, accepted if len(accepted) else _stand_in(chunk, accepted), columns)
        if not len(accepted):  # every row rejected: a stand-in row gave the columns and their types
            comments = comments.iloc[:0]
    keep = [c for c in ("_score", "_outcome", columns.segment, columns.date) if c is not None and c in accepted]
    return ScoredChunk(comments=comments, accepted=accepted[list(dict.fromkeys(keep))], rejects=rejects,
                       rows_in=len(chunk) + len(chunk.attrs.get("bad_rows") or []),
                       broken=len(chunk.attrs.get("bad_rows") or []), keys=duplicate_keys(comments["clean_text"]),
                       mentions=analyzer.score_mentions(comments),
                       labelled=labelled_count(accepted[columns.score]) if columns.score is not None else 0,
                       first_label=first_labelled(accepted[columns.score]) if columns.score is not None else None)


def _score(analyzer: FeedbackAnalyzer, accepted: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """The comments of validated rows: one per row, or one per answer when several text
    columns are pooled (``question`` says which; ``row`` is the answer's number until
    :class:`ChunkAccumulator` has counted it, then the respondent's, see :mod:`feedbackml.text.pool`)."""
    if not columns.questions:
        return analyzer.score_comments(accepted, columns.text)
    from ..text.pool import QUESTION, pool_answers

    answers, ids = pool_answers(accepted, columns.questions, columns.text)
    comments = analyzer.score_comments(answers, columns.text)
    comments["row"] = ids
    first = [QUESTION, columns.text]
    return comments[first + [c for c in comments.columns if c not in first]]


def _stand_in(chunk: pd.DataFrame, accepted: pd.DataFrame) -> pd.DataFrame:
    """One row shaped like ``accepted`` (the chunk's first row, or empty strings) without a score."""
    row = chunk.iloc[:1].copy() if len(chunk) else pd.DataFrame([[""] * chunk.shape[1]], columns=chunk.columns)
    for name in ("_score", "_outcome"):
        if name in accepted:
            row[name] = pd.array([pd.NA], dtype=accepted[name].dtype)
    return row


def duplicate_keys(clean_text: pd.Series) -> np.ndarray:
    """64-bit hash of the key duplicates are found by (:func:`feedbackml.text.cleaning.nonanswer_key`)."""
    codes, uniques = pd.factorize(clean_text.fillna("").astype(str), use_na_sentinel=False)
    if not len(uniques):
        return np.zeros(0, dtype=np.uint64)
    keys = duplicate_key_strings(uniques.tolist())
    return pd.util.hash_array(np.asarray(keys, dtype=object))[codes]


class SeenComments:
    """The duplicate keys of the comments of earlier chunks (a sorted array of hashes)."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint64)

    def earlier(self, keys: np.ndarray) -> np.ndarray:
        """Whether each key was seen in an earlier chunk."""
        pos = np.searchsorted(self.keys, keys)
        found = np.zeros(len(keys), dtype=bool)
        inside = pos < len(self.keys)
        found[inside] = self.keys[pos[inside]] == keys[inside]
        return found

    def mark(self, comments: pd.DataFrame, keys: np.ndarray) -> None:
        """Set ``is_duplicate`` for comments seen in earlier chunks, then remember this chunk's."""
        first = ~comments["is_nonanswer"].to_numpy(bool) & ~comments["is_duplicate"].to_numpy(bool)
        seen = first & self.earlier(keys)
        if seen.any():
            comments["is_duplicate"] = comments["is_duplicate"].to_numpy(bool) | seen
        self.add(keys[first & ~seen])

    def add(self, keys: np.ndarray) -> None:
        new = np.unique(keys)
        new = new[~self.earlier(new)]
        self.keys = np.insert(self.keys, np.searchsorted(self.keys, new), new)


def scored_chunks(analyzer: FeedbackAnalyzer, chunks: Iterable[pd.DataFrame], columns: Columns,
                  n_jobs: int = 1, client=None) -> Iterator[ScoredChunk]:
    """:func:`score_chunk` over ``chunks``, in order; with ``n_jobs`` > 1 in worker processes,
    or on the workers of a Dask ``client`` (a few chunks in flight at a time)."""
    if client is not None:
        yield from _dask_scored(client, analyzer, chunks, columns)
        return
    if n_jobs == 1:
        for chunk in chunks:
            yield score_chunk(analyzer, chunk, columns)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="n_jobs")
    yield from parallel(delayed(score_chunk)(analyzer, chunk, columns) for chunk in chunks)


def _dask_scored(client, analyzer, chunks, columns) -> Iterator[ScoredChunk]:
    model = client.scatter(analyzer, broadcast=True)
    window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
    pending: deque = deque()
    for chunk in chunks:
        pending.append(client.submit(score_chunk, model, chunk, columns, pure=False))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class ChunkAccumulator:
    """Takes scored chunks in input order: marks repeats of earlier chunks' comments as
    duplicates, writes each chunk (when given a ``writer``) and sums the running counts.

    Attributes
    ----------
    counts : the merged :class:`~feedbackml.run.counts.RunningCounts` (None before a chunk).
    template : the comments table's columns (an empty frame), from the first chunk.
    rows, broken : input rows seen, and rows the reader could not parse.
    """

    def __init__(self, analyzer: FeedbackAnalyzer, columns: Columns, writer: ChunkWriter | None = None,
                 seen: SeenComments | None = None):
        self.analyzer, self.columns, self.writer = analyzer, columns, writer
        self.seen = seen if seen is not None else SeenComments()
        self.counts: RunningCounts | None = None
        self.template: pd.DataFrame | None = None
        self.rows = self.broken = 0

    def add(self, scored: ScoredChunk) -> None:
        self.seen.mark(scored.comments, scored.keys)
        part = RunningCounts.from_chunk(self.analyzer, scored.comments, scored.accepted, scored.rejects,
                                        scored.rows_in, self.columns, mentions=scored.mentions)
        part.totals["labelled"], part.first_label = scored.labelled, scored.first_label
        if self.columns.questions:  # counted per answer: the outputs name the respondent's row
            from ..text.pool import respondent_rows

            respondent_rows(scored, len(self.columns.questions))
        if self.writer is not None:
            self.writer.write(scored.comments, scored.rejects, scored.mentions)
        self.counts = part if self.counts is None else self.counts + part
        if self.template is None:
            self.template = scored.comments.head(0)
        self.rows += scored.rows_in
        self.broken += scored.broken
