"""Streaming apply: score an export chunk by chunk with a fitted model, in flat memory.

The input (one file, a glob of files read in sorted order, or standard input) is read in
chunks (:func:`feedbackml.io.iter_table`); each chunk is validated and scored exactly as
:meth:`~feedbackml.FeedbackAnalyzer.analyze` would score its rows, its comments are
appended to ``comments.parquet`` / ``comments.csv`` and its rejects to ``rejects.csv``
(temporary files in the output folder, renamed into place at the end), and only its
:class:`~feedbackml.counts.RunningCounts` are kept. The themes, drivers, segments,
trends and summary are computed once from the merged counts, so they equal the
in-memory analysis of the whole export while memory stays flat.

A comment that repeats one of an earlier chunk is a duplicate, as in the in-memory
path: the 64-bit hashes of the distinct comments seen so far are kept (8 bytes each;
two different comments share a hash with a probability of about n²/2⁶⁵).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import itertools
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from . import io as fio
from .cleaning import nonanswer_key
from .counts import Columns, RunningCounts
from .errors import DataError, UsageError
from .pipeline import FeedbackAnalyzer, Results
from .schema import validate

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = fio.DEFAULT_CHUNK_SIZE
#: Texts the cleaning and lemma caches keep while streaming (bounded: memory stays flat).
STREAM_CACHE = 100_000
_GLOB_CHARS = set("*?[")


# -- inputs ------------------------------------------------------------------------
def input_files(source: str | os.PathLike) -> list[Path]:
    """The files of ``source``: itself, or the sorted matches of a glob such as ``exports/*.parquet``."""
    text = str(source)
    if Path(text).exists() or not (_GLOB_CHARS & set(text)):
        return [Path(text)]
    matches = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
    if not matches:
        raise UsageError(f"no input file matches {text!r}")
    return matches


def input_sha256(files: list[Path]) -> str:
    """sha256 of the input: of the file's bytes, or of ``name<TAB>sha256`` lines for several files."""
    if len(files) == 1:
        return fio.file_sha256(files[0])
    lines = "".join(f"{f.name}\t{fio.file_sha256(f)}\n" for f in files)
    return hashlib.sha256(lines.encode()).hexdigest()


def iter_chunks(files: list[Path], chunk_size: int) -> Iterator[pd.DataFrame]:
    """Chunks of several files read one after the other; row numbers continue across files."""
    first_row, columns = 1, None
    for path in files:
        last = first_row - 1
        for chunk in fio.iter_table(path, chunk_size, first_row):
            if columns is None:
                columns = list(chunk.columns)
            elif list(chunk.columns) != columns:
                raise DataError(f"the columns differ from those of {files[0]} "
                                f"({', '.join(map(str, chunk.columns))} vs {', '.join(map(str, columns))})",
                                file=path, hint="give files of one export with the same header")
            last = chunk.attrs["last_row"]
            yield chunk
        first_row = last + 1


@contextlib.contextmanager
def spooled_stdin(folder: Path, stdin=None) -> Iterator[Path]:
    """Standard input copied to a temporary CSV file in ``folder`` (removed afterwards)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".stdin.", suffix=".csv", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            shutil.copyfileobj(stdin or sys.stdin.buffer, fh, 1 << 20)
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


# -- scoring one chunk -------------------------------------------------------------
@dataclass
class ScoredChunk:
    """One chunk after validation and scoring (what a worker sends back)."""

    comments: pd.DataFrame
    accepted: pd.DataFrame  # only the columns the counts need
    rejects: pd.DataFrame
    rows_in: int
    broken: int  # rows the reader could not parse (in rejects too)
    keys: np.ndarray  # 64-bit hash of each comment's duplicate key


def score_chunk(analyzer: FeedbackAnalyzer, chunk: pd.DataFrame, columns: Columns) -> ScoredChunk:
    """Validate and score one chunk (index = input row numbers) as ``analyze`` would.

    The text caches (cleaning, lemmas) are capped at :data:`STREAM_CACHE` texts each, in
    whichever process runs this, so memory stays flat however many rows stream through.
    """
    from . import caches

    accepted, rejects = validate(chunk, columns.score, analyzer.metric, columns.outcome)
    with caches.limited(STREAM_CACHE):
        if len(accepted):
            comments = analyzer._score_comments(accepted, columns.text)
        else:  # every row rejected: score a stand-in row for the columns and their types
            comments = analyzer._score_comments(_stand_in(chunk, accepted), columns.text).iloc[:0]
    keep = [c for c in ("_score", "_outcome", columns.segment, columns.date) if c is not None and c in accepted]
    return ScoredChunk(comments=comments, accepted=accepted[list(dict.fromkeys(keep))], rejects=rejects,
                       rows_in=len(chunk) + len(chunk.attrs.get("bad_rows") or []),
                       broken=len(chunk.attrs.get("bad_rows") or []), keys=duplicate_keys(comments["clean_text"]))


def _stand_in(chunk: pd.DataFrame, accepted: pd.DataFrame) -> pd.DataFrame:
    """One row shaped like ``accepted`` (the chunk's first row, or empty strings) without a score."""
    row = chunk.iloc[:1].copy() if len(chunk) else pd.DataFrame([[""] * chunk.shape[1]], columns=chunk.columns)
    for name in ("_score", "_outcome"):
        if name in accepted:
            row[name] = pd.array([pd.NA], dtype=accepted[name].dtype)
    return row


def duplicate_keys(clean_text: pd.Series) -> np.ndarray:
    """64-bit hash of the key duplicates are found by (:func:`feedbackml.cleaning.nonanswer_key`)."""
    codes, uniques = pd.factorize(clean_text.fillna("").astype(str), use_na_sentinel=False)
    if not len(uniques):
        return np.zeros(0, dtype=np.uint64)
    keys = nonanswer_key(pa.array(list(uniques), type=pa.large_string()))
    hashes = pd.util.hash_array(np.asarray(keys.to_pylist(), dtype=object))
    return hashes[codes]


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
    from collections import deque

    model = client.scatter(analyzer, broadcast=True)
    window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
    pending: deque = deque()
    for chunk in chunks:
        pending.append(client.submit(score_chunk, model, chunk, columns, pure=False))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


# -- writing -----------------------------------------------------------------------
#: Arrow types of our output columns, used when the first chunk cannot tell (all empty).
OUTPUT_TYPES = {"row": pa.int64(), "clean_text": pa.large_string(), "is_nonanswer": pa.bool_(),
                "is_duplicate": pa.bool_(), "sentiment": pa.float64(), "sentiment_label": pa.string(),
                "theme_id": pa.int64(), "theme_label": pa.string(), "theme_score": pa.float64(),
                "themes": pa.list_(pa.int64()), "nps_category": pa.string()}


def _schema(table: pa.Table) -> pa.Schema:
    """The first chunk's schema with types that all-empty columns could not reveal filled in."""
    fields = []
    for f in table.schema:
        t = f.type
        if pa.types.is_null(t) or (pa.types.is_list(t) and pa.types.is_null(t.value_type)):
            t = OUTPUT_TYPES.get(f.name, pa.list_(pa.string()) if pa.types.is_list(t) else pa.string())
        fields.append(pa.field(f.name, t))
    return pa.schema(fields, metadata=table.schema.metadata)


class ChunkWriter:
    """Appends comments (Parquet + CSV) and rejects (CSV) chunk by chunk to given paths."""

    def __init__(self, parquet: Path, csv: Path | None, rejects: Path):
        self.parquet_path, self.csv_path, self.rejects_path = parquet, csv, rejects
        self._parquet = None
        self._schema: pa.Schema | None = None
        self._empty: pd.DataFrame | None = None  # the columns, until a chunk has comments
        self._csv = open(csv, "wb") if csv is not None else None
        self._rejects = open(rejects, "w", encoding="utf-8", newline="")
        self._first = True

    def write(self, comments: pd.DataFrame, rejects: pd.DataFrame) -> None:
        if len(comments):
            self._write_parquet(comments)
        elif self._empty is None:
            self._empty = comments  # types are known once a chunk has rows
        if self._csv is not None and (len(comments) or self._first):
            fio.write_comments_csv(self._csv, comments, header=self._first)
        if len(rejects) or self._first:
            rejects.to_csv(self._rejects, index=False, header=self._first, lineterminator="\n")
        self._first = False

    def _write_parquet(self, comments: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        if self._parquet is None:
            self._schema = _schema(pa.Table.from_pandas(comments, preserve_index=False))
            self._parquet = pq.ParquetWriter(self.parquet_path, self._schema, compression="zstd")
        self._parquet.write_table(pa.Table.from_pandas(comments, schema=self._schema, preserve_index=False))

    def close(self) -> None:
        if self._parquet is None and self._empty is not None:
            self._write_parquet(self._empty)  # no comments at all: an empty file with the columns
        if self._parquet is not None:
            self._parquet.close()
            self._parquet, self._empty = None, None
        for fh in (self._csv, self._rejects):
            if fh is not None and not fh.closed:
                fh.close()


class PartsWriter(ChunkWriter):
    """Like :class:`ChunkWriter`, but each chunk's comments go to their own
    ``part-NNNNN.parquet`` in ``folder`` (a partitioned dataset); no comments.csv."""

    def __init__(self, folder: Path, rejects: Path):
        super().__init__(Path(folder), None, rejects)
        self._parts = 0

    def _write_parquet(self, comments: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        if self._schema is None:
            self._schema = _schema(pa.Table.from_pandas(comments, preserve_index=False))
        table = pa.Table.from_pandas(comments, schema=self._schema, preserve_index=False)
        pq.write_table(table, self.parquet_path / f"part-{self._parts:05d}.parquet", compression="zstd")
        self._parts += 1

    def close(self) -> None:
        if self._parts == 0 and self._empty is not None:
            self._write_parquet(self._empty)
        self._empty = None
        if not self._rejects.closed:
            self._rejects.close()


# -- the whole run -----------------------------------------------------------------
def stream_apply(analyzer: FeedbackAnalyzer, source: str | os.PathLike, out: str | os.PathLike, *,
                 text=None, score=None, segment=None, date=None, id=None, outcome=None,
                 chunk_size: int = DEFAULT_CHUNK_SIZE, n_jobs: int = 1, csv: bool = True,
                 stdin=None) -> Results:
    """Score ``source`` (a file, a glob, or ``"-"``) with a fitted ``analyzer`` into ``out``.

    Writes the output-folder contract like :meth:`Results.to_folder` and returns the
    :class:`Results` with every table but ``comments`` and ``rejects`` (empty here: they
    are in ``out``). ``n_jobs`` > 1 scores chunks in that many worker processes.
    """
    out = Path(out)
    if chunk_size < 1:
        raise UsageError(f"chunk size must be at least 1, not {chunk_size}")
    if n_jobs == 0 or n_jobs < -1:
        raise UsageError(f"n_jobs must be a positive number or -1 (all cores), not {n_jobs}")
    with contextlib.ExitStack() as inputs:
        if str(source) == "-":
            files = [inputs.enter_context(spooled_stdin(out, stdin))]
        else:
            files = input_files(source)
        sha = input_sha256(files)
        results = stream_files(analyzer, files, out, str(source), sha, chunk_size, csv,
                               dict(text=text, score=score, segment=segment, date=date, id=id,
                                    outcome=outcome), n_jobs=n_jobs)
    results.to_folder(out, csv=csv, comments=False)
    return results


def stream_files(analyzer, files: list[Path], out: Path, source: str, sha: str, chunk_size: int,
                 csv: bool, names: dict, *, n_jobs: int = 1, client=None,
                 parts: Path | None = None) -> Results:
    """The streaming run behind :func:`stream_apply` (and the Dask engine's for CSV input).

    Writes ``comments.parquet`` (or, with ``parts``, one ``part-NNNNN.parquet`` per chunk
    in that folder), ``comments.csv`` and ``rejects.csv``; returns the Results.
    """
    chunks = iter_chunks(files, chunk_size)
    first = next(chunks)
    columns = analyzer.resolve_columns(first, **names)
    counts: RunningCounts | None = None
    seen = SeenComments()
    rows = bad = 0
    with contextlib.ExitStack() as stack:
        names_out = ("rejects.csv",) + (("comments.parquet",) if parts is None else ()) + (
            ("comments.csv",) if csv and parts is None else ())
        paths = {name: stack.enter_context(fio.atomic_path(out / name)) for name in names_out}
        writer = (ChunkWriter(paths["comments.parquet"], paths.get("comments.csv"), paths["rejects.csv"])
                  if parts is None else PartsWriter(parts, paths["rejects.csv"]))
        stack.callback(writer.close)  # runs before the renames
        template = None
        for scored in scored_chunks(analyzer, itertools.chain([first], chunks), columns, n_jobs, client):
            seen.mark(scored.comments, scored.keys)
            writer.write(scored.comments, scored.rejects)
            part = RunningCounts.from_chunk(analyzer, scored.comments, scored.accepted, scored.rejects,
                                            scored.rows_in, columns)
            counts = part if counts is None else counts + part
            template = scored.comments.head(0) if template is None else template
            rows += scored.rows_in
            bad += scored.broken
            log.info("scored %s rows", f"{rows:,}")
        if bad:
            log.warning("%s: %d row(s) with the wrong number of fields go to rejects", source, bad)
        results = counts.results(analyzer, columns, source=source, input_sha256=sha, comments=template)
        writer.close()
        results.rejects = read_rejects(paths["rejects.csv"])  # for the report (usually few)
    return results


def read_rejects(path: Path) -> pd.DataFrame:
    """A rejects.csv written by :class:`ChunkWriter`, as a rejects table."""
    return pd.read_csv(path, dtype={"row": "int64", "column": str, "value": str, "reason": str},
                       keep_default_na=False, na_filter=False)


# -- fitting on a sample -------------------------------------------------------------
def sample_rows(source: str | os.PathLike, n: int, random_state: int = 0,
                chunk_size: int = DEFAULT_CHUNK_SIZE, stdin=None) -> pd.DataFrame:
    """``n`` rows drawn at random without replacement, reading ``source`` in chunks.

    Each row gets a seeded uniform key and the ``n`` smallest keys are kept (bottom-k
    sampling), so memory holds ``n`` rows plus one chunk and the sample depends only on
    the seed and the input, not on the chunk size. Rows come back in input order, with
    their input row numbers as index; rows the reader could not parse are never drawn.
    """
    rng = np.random.default_rng(random_state)
    kept: pd.DataFrame | None = None
    with contextlib.ExitStack() as stack:
        if str(source) == "-":
            files = [stack.enter_context(spooled_stdin(Path(tempfile.gettempdir()), stdin))]
        else:
            files = input_files(source)
        for chunk in iter_chunks(files, chunk_size):
            chunk = chunk.assign(_key=rng.random(len(chunk)))
            both = chunk if kept is None else pd.concat([kept, chunk])
            kept = both.nsmallest(n, "_key", keep="first") if len(both) > n else both
    sample = kept.sort_index().drop(columns="_key")
    sample.attrs = {"bad_rows": [], "encoding": None}
    return sample
