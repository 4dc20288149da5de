"""Streaming apply: score an export chunk by chunk with a fitted model, in flat memory.

The input (one file, a glob of files read in sorted order, or standard input) is read in
chunks (:func:`feedbackml.io.iter_table`); each chunk is validated and scored exactly as
:meth:`~feedbackml.FeedbackAnalyzer.analyze` would score its rows, its comments are
appended to ``comments.parquet`` / ``comments.csv`` and its rejects to ``rejects.csv``
(temporary files in the output folder, renamed into place at the end), and only its
:class:`~feedbackml.run.counts.RunningCounts` are kept. The themes, drivers, segments,
trends and summary are computed once from the merged counts, so they equal the
in-memory analysis of the whole export while memory stays flat.

Scoring and counting are those of :mod:`feedbackml.run.chunks`, the tables those of
:mod:`feedbackml.run.tables` — the code in-memory ``analyze`` runs.
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
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import io as fio
from ..errors import DataError, UsageError
from ..io.checks import short_list
from .chunks import ChunkAccumulator, scored_chunks
from .outputs import staged_folder
from .tables import build_results
from .writers import ChunkWriter, PartsWriter

if TYPE_CHECKING:
    from ..analyzer import FeedbackAnalyzer
    from ..results import Results

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = fio.DEFAULT_CHUNK_SIZE
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
                                f"({short_list(chunk.columns)} vs {short_list(columns)})",
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
    if chunk_size < 1:
        raise UsageError(f"chunk size must be at least 1, not {chunk_size}")
    if n_jobs == 0 or n_jobs < -1:
        raise UsageError(f"n_jobs must be a positive number or -1 (all cores), not {n_jobs}")
    with staged_folder(out, [source]) as folder, contextlib.ExitStack() as inputs:  # all old or all new
        out = folder
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
                 parts: Path | None = None, mention_parts: Path | None = None) -> Results:
    """The streaming run behind :func:`stream_apply` (and the Dask engine's for CSV input).

    Writes ``comments.parquet`` and ``mentions.parquet`` (or, with ``parts`` and
    ``mention_parts``, one ``part-NNNNN.parquet`` per chunk in those folders),
    ``comments.csv`` and ``rejects.csv``; returns the Results.
    """
    chunks = iter_chunks(files, chunk_size)
    head, first = first_chunks(chunks)
    columns = analyzer.resolve_columns(first, **names)
    metric, score_info = analyzer.resolve_metric(first, columns.score)
    notes = list(first.attrs.get("warnings") or [])
    if columns.date is not None:
        from ..io.date_order import date_warning

        notes += [w for w in [date_warning(first[columns.date], columns.date)] if w]
    with contextlib.ExitStack() as stack:
        stack.enter_context(analyzer.reading_with(metric))
        names_out = ("rejects.csv",) + (("comments.parquet", "mentions.parquet") if parts is None else ()) + (
            ("comments.csv",) if csv and parts is None else ())
        paths = {name: stack.enter_context(fio.atomic_path(out / name)) for name in names_out}
        writer = (ChunkWriter(paths["comments.parquet"], paths.get("comments.csv"), paths["rejects.csv"],
                              paths["mentions.parquet"])
                  if parts is None else PartsWriter(parts, paths["rejects.csv"], mention_parts))
        stack.callback(writer.close)  # runs before the renames
        acc = ChunkAccumulator(analyzer, columns, writer)
        for scored in scored_chunks(analyzer, itertools.chain(head, chunks), columns, n_jobs, client):
            acc.add(scored)
            log.info("scored %s rows", f"{acc.rows:,}")
        if acc.broken:
            log.warning("%s: %d row(s) with the wrong number of fields go to rejects", source, acc.broken)
        results = build_results(analyzer, acc.counts, columns, source=source, input_sha256=sha,
                                comments=acc.template, notes=notes, score_info=score_info,
                                survey=first.attrs.get("survey"))
        writer.close()
        results.rejects = read_rejects(paths["rejects.csv"])  # for the report (usually few)
    return results


def first_chunks(chunks: Iterator[pd.DataFrame]) -> tuple[list[pd.DataFrame], pd.DataFrame]:
    """The first chunks, up to :data:`~feedbackml.io.columns.INFER_ROWS` rows, and those rows as
    one frame (the first chunk's attrs): what columns, metric and date order are inferred from,
    as :meth:`~feedbackml.FeedbackAnalyzer.analyze` does on the first rows of the whole input."""
    from ..io.columns import INFER_ROWS

    head, rows = [], 0
    for chunk in chunks:
        head.append(chunk)
        rows += len(chunk)
        if rows >= INFER_ROWS:
            break
    first = pd.concat(head).iloc[:INFER_ROWS] if len(head) > 1 else head[0].iloc[:INFER_ROWS]
    first.attrs = dict(head[0].attrs)
    return head, first


def read_rejects(path: Path) -> pd.DataFrame:
    """A rejects.csv written by :class:`ChunkWriter`, as a rejects table."""
    return fio.restore_text(pd.read_csv(path, dtype={"row": "int64", "column": str, "value": str, "reason": str},
                                        keep_default_na=False, na_filter=False))


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
