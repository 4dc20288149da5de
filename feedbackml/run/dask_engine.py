"""Dask engine: map a fitted model over the partitions of a dataset on a Dask cluster.

``feedbackml apply 'exports/*.parquet' --model DIR --engine dask [--scheduler ADDRESS]``
plugs into an existing cluster (or starts a ``LocalCluster``) instead of inventing its
own workers, and writes the same files as the local engine (``comments.parquet`` as a
folder of parts; no ``comments.csv``).

**Parquet datasets** (every input file Parquet): the partitions are the files' row groups,
bundled up to ``chunk_size`` rows (their row numbers are known from the metadata), and
the workers read and write them. Two passes run on the workers:

1. each partition returns the hashes of its distinct comments (and its row count), so
   the driver knows which comments repeat one of an earlier partition — ``is_duplicate``
   means "same text as an earlier comment" across the whole input, as locally;
2. each partition is scored chunk by chunk with :func:`feedbackml.run.chunks.score_chunk`,
   written to ``comments.parquet/part-NNNNN.parquet``, and returns its
   :class:`~feedbackml.run.counts.RunningCounts` and rejects.

**Other inputs** (CSV/TSV, whose rows cannot be split without reading them): the driver
reads the files in chunks as the local engine does, the workers score the chunks (a few
in flight), and the driver marks duplicates, counts and writes one part per chunk.

Either way the driver merges the counts in input order and writes ``themes.csv``,
``drivers.csv``, ``summary.json`` and the other tables from them — the same files, with
the same content, as the local engine. The output folder must be writable by the
workers (a shared file system) for Parquet datasets.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import io as fio
from ..errors import UsageError
from ..io.schema import validate
from .chunks import ChunkAccumulator, SeenComments, duplicate_keys, score_chunk
from .counts import Columns
from .outputs import staged_folder
from .streaming import DEFAULT_CHUNK_SIZE, input_files, input_sha256, stream_files
from .tables import build_results
from .writers import ChunkWriter

if TYPE_CHECKING:
    from ..analyzer import FeedbackAnalyzer
    from ..results import Results

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Partition:
    """A piece of a Parquet dataset one task reads: some row groups of one file."""

    index: int
    path: str
    row_groups: tuple[int, ...]
    rows: int

    def chunks(self, chunk_size: int, first_row: int = 1):
        return fio.iter_parquet(Path(self.path), chunk_size, first_row, list(self.row_groups))


def partitions(files: list[Path], chunk_size: int) -> list[Partition]:
    """The partitions of Parquet files, in input order: row groups bundled up to ``chunk_size`` rows."""
    import pyarrow.parquet as pq

    parts: list[Partition] = []
    for path in files:
        meta = pq.ParquetFile(path).metadata
        group, rows = [], 0
        for g in range(meta.num_row_groups):
            n = meta.row_group(g).num_rows
            if group and rows + n > chunk_size:
                parts.append(Partition(len(parts), str(path), tuple(group), rows))
                group, rows = [], 0
            group.append(g)
            rows += n
        if group or not parts or parts[-1].path != str(path):
            parts.append(Partition(len(parts), str(path), tuple(group), rows))
    return parts


# -- tasks (run on the workers) ----------------------------------------------------------
def partition_keys(part: Partition, analyzer: FeedbackAnalyzer, columns: Columns,
                   chunk_size: int) -> tuple[np.ndarray, int]:
    """Hashes of the distinct (non-answer excluded) comments of a partition, and its row count."""
    keys, last = [], 0
    for chunk in part.chunks(chunk_size):
        accepted, _ = validate(chunk, columns.score, analyzer.metric, columns.outcome, columns.event)
        cleaned = analyzer.cleaner().transform(accepted[columns.text])
        hashes = duplicate_keys(cleaned["clean_text"])
        keys.append(hashes[~cleaned["is_nonanswer"].to_numpy(bool)])
        last = chunk.attrs["last_row"]
    return (np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.uint64)), int(last)


def score_partition(part: Partition, first_row: int, seen_before: np.ndarray, analyzer: FeedbackAnalyzer,
                    columns: Columns, chunk_size: int, folder: str, mention_folder: str):
    """Score one partition into ``folder/part-NNNNN.parquet``; its counts, rejects and an empty
    comments table (the columns)."""
    seen = SeenComments()
    seen.add(seen_before)
    rejects = []
    path = Path(folder) / f"part-{part.index:05d}.parquet"
    writer = ChunkWriter(path, None, Path(os.devnull), Path(mention_folder) / path.name)
    acc = ChunkAccumulator(analyzer, columns, writer, seen)
    try:
        for chunk in part.chunks(chunk_size, first_row):
            scored = score_chunk(analyzer, chunk, columns)
            acc.add(scored)
            rejects.append(scored.rejects)
    finally:
        writer.close()
    return acc.counts, pd.concat(rejects, ignore_index=True), acc.template


# -- driver ------------------------------------------------------------------------------
def _client(scheduler: str | None, n_workers: int):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("the Dask engine needs dask and distributed: pip install 'feedbackml[dask]'") from None
    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    return Client(cluster), cluster


def dask_apply(analyzer: FeedbackAnalyzer, source: str | os.PathLike, out: str | os.PathLike, *,
               text=None, score=None, segment=None, date=None, id=None, outcome=None,
               chunk_size: int = DEFAULT_CHUNK_SIZE, scheduler: str | None = None,
               n_workers: int = -1, client=None) -> Results:
    """Score ``source`` (a file or a glob of Parquet/CSV files) on a Dask cluster into ``out``.

    ``client``: a ``dask.distributed.Client`` to use; else one for ``scheduler``, else a
    ``LocalCluster`` with ``n_workers`` single-threaded worker processes (−1 or 1: one
    per core). Returns the :class:`Results` without ``comments`` (they are in
    ``out/comments.parquet/``, one part per partition).
    """
    if str(source) == "-":
        raise UsageError("--engine dask reads files, not standard input")
    with staged_folder(out, [source]) as folder:  # all old or all new
        return _dask_apply(analyzer, source, folder, names=dict(text=text, score=score, segment=segment,
                                                               date=date, id=id, outcome=outcome),
                           chunk_size=chunk_size, scheduler=scheduler, n_workers=n_workers, client=client)


def _dask_apply(analyzer, source, out: Path, *, names, chunk_size, scheduler, n_workers, client) -> Results:
    files = input_files(source)
    columns = analyzer.resolve_columns(fio.read_header(files[0]), **names)
    if columns.questions:
        raise UsageError("--engine dask analyses one text column; pass one --text (or use --engine local)")
    metric, score_info = analyzer.resolve_metric(next(fio.iter_table(files[0], chunk_size)), columns.score)
    own, cluster = client is None, None
    if own:
        workers = n_workers if n_workers > 1 else (os.cpu_count() or 1)
        client, cluster = _client(scheduler, workers)
    parts_dir = Path(tempfile.mkdtemp(prefix=".comments.parquet.", suffix=".tmp", dir=out))
    mention_dir = Path(tempfile.mkdtemp(prefix=".mentions.parquet.", suffix=".tmp", dir=out))
    try:
        if all(fio.READERS.get(f.suffix.lower()) == "parquet" for f in files):
            with analyzer.reading_with(metric):
                results = _apply_partitions(client, analyzer, files, columns, chunk_size, parts_dir, source, out,
                                            mention_dir, score_info)
        else:  # the driver reads the files in chunks, the workers score them
            results = stream_files(analyzer, files, out, str(source), input_sha256(files), chunk_size,
                                   False, names, client=client, parts=parts_dir, mention_parts=mention_dir)
        _replace(out / "comments.parquet", parts_dir)
        _replace(out / "mentions.parquet", mention_dir)
    except BaseException:
        shutil.rmtree(parts_dir, ignore_errors=True)
        shutil.rmtree(mention_dir, ignore_errors=True)
        raise
    finally:
        if own:
            client.close()
        if cluster is not None:
            cluster.close()
    with contextlib.suppress(FileNotFoundError):
        (out / "comments.csv").unlink()  # a local run's; would not match these comments
    results.to_folder(out, comments=False)
    return results


def _apply_partitions(client, analyzer, files, columns, chunk_size, parts_dir, source, out,
                      mention_dir, score_info=None) -> Results:
    """Parquet datasets: the workers read, score and write their partitions (two passes)."""
    parts = partitions(files, chunk_size)
    model = client.scatter(analyzer, broadcast=True)
    log.info("dask: %d partition(s) on %s", len(parts), client)
    keyed = client.gather(client.map(partition_keys, parts, analyzer=model, columns=columns,
                                     chunk_size=chunk_size, pure=False))
    seen, before, starts, row = SeenComments(), [], [], 1
    for keys, rows in keyed:
        before.append(keys[seen.earlier(keys)])
        seen.add(keys)
        starts.append(row)
        row += rows
    futures = client.map(score_partition, parts, starts, before, analyzer=model, columns=columns,
                         chunk_size=chunk_size, folder=str(parts_dir), mention_folder=str(mention_dir),
                         pure=False)
    counts, rejects, template = None, [], None
    for part_counts, part_rejects, part_template in client.gather(futures):
        counts = part_counts if counts is None else counts + part_counts
        rejects.append(part_rejects)
        template = part_template if template is None else template
    results = build_results(analyzer, counts, columns, source=str(source),
                            input_sha256=input_sha256(files), comments=template,
                            rejects=pd.concat(rejects, ignore_index=True), score_info=score_info)
    fio.write_csv(out / "rejects.csv", results.rejects)
    return results


def _replace(target: Path, new: Path) -> None:
    """Put the folder ``new`` at ``target`` (a file or folder there is removed after the swap)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=".old.", dir=target.parent)) / target.name
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old.parent, ignore_errors=True)
