"""Read big inputs in chunks (CSV/TSV with a strict re-read of broken quoting, Parquet row groups); row numbers continue across chunks."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ..errors import DataError, UsageError
from .checks import check_header, refuse_binary, refuse_nested_schema
from .encoding import byte_chunks, detect_encoding
from .read import (
    check_path,
    one_line,
    read_table,
    sniff_delimiter,
    sniff_encoding,
    strictly_quoted,
    tolerant_chunks,
)
from .surveys import layout_chunks

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 100_000


def iter_table(source: str | os.PathLike, chunk_size: int = DEFAULT_CHUNK_SIZE,
               first_row: int = 1) -> Iterator[pd.DataFrame]:
    """Read an export in chunks of at most ``chunk_size`` rows, in flat memory.

    The chunks hold the same values, row numbers (index ``row``) and broken rows
    (``attrs["bad_rows"]`` of the chunk they fall in) as :func:`read_table` on the whole
    file: CSV/TSV are sniffed the same way and read by pandas' C parser in chunks, or —
    when :func:`read_table` would re-read the file strictly (a quoted line break, or a
    row with the wrong number of fields) — by the same strict reader, row by row. Parquet
    is read by row batches. XLSX and JSONL cannot be read in pieces: they are read whole
    and then split. Row numbers start at ``first_row`` (to continue a previous file);
    ``attrs["last_row"]`` of each chunk is the last input row number consumed so far. A
    file without data rows gives one empty chunk with its columns.
    """
    for chunk in layout_chunks(_iter_table(Path(source), chunk_size, first_row)):
        chunk.attrs["source"] = str(source)
        yield chunk


def _iter_table(path: Path, chunk_size: int, first_row: int) -> Iterator[pd.DataFrame]:
    kind = check_path(path)
    if chunk_size < 1:
        raise UsageError(f"chunk size must be at least 1, not {chunk_size}")
    try:
        if kind in {"csv", "tsv"}:
            yield from _iter_delimited(path, "\t" if kind == "tsv" else None, chunk_size, first_row)
            return
        if kind == "parquet":
            yield from iter_parquet(path, chunk_size, first_row)
            return
    except (DataError, UsageError):
        raise
    except Exception as exc:  # the readers raise many unrelated types
        raise DataError(f"cannot read the file as {kind}: {one_line(exc)}", file=path) from None
    yield from _split(read_table(path), chunk_size, first_row)


def read_header(source: str | os.PathLike) -> pd.DataFrame:
    """The columns of an export as an empty DataFrame, without parsing its rows (CSV/TSV/Parquet)."""
    header = _read_header(Path(source))
    header.attrs["source"] = str(source)
    return header


def _read_header(path: Path) -> pd.DataFrame:
    kind = check_path(path)
    try:
        if kind in {"csv", "tsv"}:
            if not _has_text(path):
                raise DataError("the file is empty", file=path, hint="export the survey again with a header row")
            encoding = sniff_encoding(path)
            with open(path, encoding=encoding, errors="replace", newline="") as fh:
                sep = "\t" if kind == "tsv" else sniff_delimiter(fh.read(65536))
            refuse_binary(path, kind.upper())
            header = _csv_header(path, encoding, sep)
            check_header(header, path)
            return pd.read_csv(path, nrows=0, sep=sep, dtype=str, encoding=encoding, engine="c", index_col=False,
                               encoding_errors="replace")
        if kind == "parquet":
            import pyarrow.parquet as pq

            schema = pq.ParquetFile(path).schema_arrow
            refuse_nested_schema(schema, path)
            return schema.empty_table().to_pandas()
    except (DataError, UsageError):
        raise
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", file=path) from None
    except Exception as exc:
        raise DataError(f"cannot read the file as {kind}: {one_line(exc)}", file=path) from None
    return next(iter_table(path)).head(0)


def _split(df: pd.DataFrame, chunk_size: int, first_row: int) -> Iterator[pd.DataFrame]:
    """Chunks of a table already in memory, renumbered from ``first_row`` (broken rows go
    with the first chunk)."""
    shift = first_row - 1
    bad = [(r + shift, v) for r, v in df.attrs.get("bad_rows") or []]
    last = max([int(df.index.max()) if len(df) else 0] + [r for r, _ in df.attrs.get("bad_rows") or []])
    starts = range(0, max(len(df), 1), chunk_size)
    for i, start in enumerate(starts):
        chunk = df.iloc[start:start + chunk_size].copy()
        chunk.index = pd.Index(chunk.index.to_numpy(dtype="int64") + shift, name="row")
        chunk.attrs = {"bad_rows": bad if i == 0 else [], "encoding": df.attrs.get("encoding"),
                       "last_row": (last if i == len(starts) - 1 else int(chunk.index[-1]) - shift) + shift}
        yield chunk


def _has_text(path: Path) -> bool:
    """Whether the file holds anything but whitespace (read in 1 MiB pieces)."""
    return any(chunk.strip() for chunk in byte_chunks(path))


def _iter_delimited(path: Path, sep: str | None, chunk_size: int, first_row: int) -> Iterator[pd.DataFrame]:
    if not _has_text(path):
        raise DataError("the file is empty", file=path, hint="export the survey again with a header row")
    found = detect_encoding(path)
    encoding = found.codec
    if encoding not in {"utf-8", "utf-8-sig"}:
        log.info("%s: read as %s (not UTF-8)", path, encoding)
    refuse_binary(path, "CSV")
    notes = [w for w in [found.warning(path)] if w] + ([(
        "encoding_replaced", f"{path}: {found.stray} byte(s) that are not UTF-8 replaced by \ufffd; the "
        "other rows are read as UTF-8")] if found.stray else [])
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        sep = sep or sniff_delimiter(fh.read(65536))
    header = _csv_header(path, encoding, sep)
    check_header(header, path)
    options = dict(sep=sep, dtype=str, keep_default_na=False, na_filter=False, engine="c",
                   encoding=encoding, index_col=False, encoding_errors="replace")
    if "" in header or _needs_strict_read(path, options, header):
        yield from _iter_delimited_tolerant(path, encoding, sep, chunk_size, first_row)
        return
    shift = first_row - 1
    last, columns = shift, None
    for chunk in pd.read_csv(path, chunksize=chunk_size, **options):
        chunk.index = pd.Index(chunk.index.to_numpy(dtype="int64") + first_row, name="row")
        last = int(chunk.index[-1]) if len(chunk) else last
        columns = chunk.columns
        chunk.attrs = {"bad_rows": [], "encoding": encoding, "last_row": last, "warnings": notes}
        yield chunk
    if columns is None:  # a header without rows
        empty = pd.read_csv(path, nrows=0, **options)
        empty.index = pd.Index([], dtype="int64", name="row")
        empty.attrs = {"bad_rows": [], "encoding": encoding, "last_row": last, "warnings": notes}
        yield empty


def _csv_header(path: Path, encoding: str, sep: str) -> list[str]:
    import csv

    with open(path, encoding=encoding, newline="") as fh:
        try:
            return next(csv.reader(fh, delimiter=sep), [])
        except csv.Error:
            return []  # a broken quote in the header: the strict reader says where


def _needs_strict_read(path: Path, options: dict, header: list[str]) -> bool:
    """Whether :func:`read_table` would read ``path`` with the strict reader: a row pyarrow
    cannot parse (one streaming pass; pandas' C parser would silently pad a short row or
    drop a long first one), or a quoted line break anywhere in a file whose quoting is not
    strictly right (one pass of :func:`strictly_quoted`)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    if not header:
        return True
    line_breaks = False
    try:
        reader = pcsv.open_csv(
            path, read_options=pcsv.ReadOptions(encoding=options["encoding"].replace("utf-8-sig", "utf-8")),
            parse_options=pcsv.ParseOptions(delimiter=options["sep"], newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
        if reader.schema.names != header:
            return True
        for batch in reader:
            line_breaks = line_breaks or any(pc.any(pc.match_substring(col, "\n")).as_py()
                                             for col in batch.columns)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return True
    if not line_breaks:
        return False
    with open(path, encoding=options["encoding"], errors="replace", newline="") as fh:
        return not strictly_quoted(iter(lambda: fh.read(2**20), ""), options["sep"])


def _iter_delimited_tolerant(path: Path, encoding: str, sep: str, chunk_size: int,
                             first_row: int) -> Iterator[pd.DataFrame]:
    """Chunks of :func:`_read_delimited_tolerant`: good rows numbered as read, bad ones kept aside."""
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        yield from tolerant_chunks(fh, path, sep, chunk_size, first_row, encoding)


def iter_parquet(path: Path, chunk_size: int, first_row: int = 1,
                 row_groups: list[int] | None = None) -> Iterator[pd.DataFrame]:
    """Chunks of a Parquet file (or of some of its row groups) as :func:`iter_table` gives them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    schema = parquet.schema_arrow
    refuse_nested_schema(schema, path)
    if len(schema) == 0:
        raise DataError("the file has no columns", file=path)
    row = first_row
    batches = parquet.iter_batches(batch_size=chunk_size, row_groups=row_groups)
    first = True
    for batch in batches:
        if batch.num_rows == 0 and not first:
            continue
        df = pa.Table.from_batches([batch], schema=schema).to_pandas()
        df.index = pd.RangeIndex(row, row + len(df), name="row")
        row += len(df)
        df.attrs = {"bad_rows": [], "encoding": None, "last_row": row - 1}
        first = False
        yield df
    if first:
        df = schema.empty_table().to_pandas()
        df.index = pd.RangeIndex(row, row, name="row")
        df.attrs = {"bad_rows": [], "encoding": None, "last_row": row - 1}
        yield df
