"""Read feedback exports (CSV/TSV/XLSX/Parquet/JSONL or stdin) and write outputs atomically."""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd

from .errors import DataError, UsageError

log = logging.getLogger(__name__)

READERS = {".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "excel",
           ".xlsm": "excel", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".json": "jsonl"}
_CHUNK = 1 << 20


def sniff_encoding(data: bytes | Path) -> str:
    """Name of the encoding of ``data``: utf-8-sig, utf-16, utf-8, or cp1252/latin-1.

    A file that decodes as UTF-8 is UTF-8; otherwise cp1252 (Windows exports), and
    latin-1 for the five bytes cp1252 leaves undefined.
    """
    head = data[:4] if isinstance(data, bytes) else _read_head(data, 4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in _chunks(data):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _read_head(path: Path, n: int) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def _chunks(data: bytes | Path) -> Iterator[bytes]:
    if isinstance(data, bytes):
        for start in range(0, len(data), _CHUNK):
            yield data[start:start + _CHUNK]
        return
    with open(data, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            yield chunk


def sniff_delimiter(sample: str, default: str = ",") -> str:
    """The field delimiter of a delimited text sample (comma, semicolon, tab or pipe)."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return default


def read_table(source: str | os.PathLike, *, stdin: Any = None) -> pd.DataFrame:
    """Read an export into a DataFrame, every value kept as read (text as ``str``).

    ``source`` is a path or ``"-"`` for CSV on standard input. Raises ``DataError``
    (naming the file, and the row when known) for empty, unreadable or broken files.
    The index holds the 1-based input row number (``row``, header not counted). Rows
    with the wrong number of fields are not dropped: they are returned in
    ``df.attrs["bad_rows"]`` as ``(row, raw_text)`` pairs so the caller can reject them.
    """
    if str(source) == "-":
        raw = (stdin or sys.stdin.buffer).read()
        df = _read_delimited(raw, "<stdin>", None)
        df.attrs["sha256"] = hashlib.sha256(raw).hexdigest()
        df.attrs["source"] = "<stdin>"
        return df
    path = Path(source)
    kind = _check_path(path)
    try:
        if kind in {"csv", "tsv"}:
            raw = path.read_bytes()
            df = _read_delimited(raw, path, "\t" if kind == "tsv" else None)
            df.attrs["sha256"] = hashlib.sha256(raw).hexdigest()
            df.attrs["source"] = str(path)
            return df
        if kind == "excel":
            df = pd.read_excel(path, dtype=object)
        elif kind == "parquet":
            df = pd.read_parquet(path)
        else:
            df = pd.read_json(path, lines=True, dtype=False)
    except DataError:
        raise
    except Exception as exc:  # the readers raise many unrelated types
        raise DataError(f"cannot read the file as {kind}: {_one_line(exc)}", file=path) from None
    if df.shape[1] == 0:
        raise DataError("the file has no columns", file=path)
    df.index = pd.RangeIndex(1, len(df) + 1, name="row")
    df.attrs["bad_rows"] = []
    df.attrs["encoding"] = None
    df.attrs["sha256"] = file_sha256(path)
    df.attrs["source"] = str(path)
    return df


#: Rows per chunk when a table is read in pieces (see :func:`iter_table`).
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
    for chunk in _iter_table(Path(source), chunk_size, first_row):
        chunk.attrs["source"] = str(source)
        yield chunk


def _iter_table(path: Path, chunk_size: int, first_row: int) -> Iterator[pd.DataFrame]:
    kind = _check_path(path)
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
        raise DataError(f"cannot read the file as {kind}: {_one_line(exc)}", file=path) from None
    yield from _split(read_table(path), chunk_size, first_row)


def read_header(source: str | os.PathLike) -> pd.DataFrame:
    """The columns of an export as an empty DataFrame, without parsing its rows (CSV/TSV/Parquet)."""
    header = _read_header(Path(source))
    header.attrs["source"] = str(source)
    return header


def _read_header(path: Path) -> pd.DataFrame:
    kind = _check_path(path)
    try:
        if kind in {"csv", "tsv"}:
            if not _has_text(path):
                raise DataError("the file is empty", file=path, hint="export the survey again with a header row")
            encoding = sniff_encoding(path)
            with open(path, encoding=encoding, newline="") as fh:
                sep = "\t" if kind == "tsv" else sniff_delimiter(fh.read(65536))
            return pd.read_csv(path, nrows=0, sep=sep, dtype=str, encoding=encoding, engine="c")
        if kind == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).schema_arrow.empty_table().to_pandas()
    except (DataError, UsageError):
        raise
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", file=path) from None
    except Exception as exc:
        raise DataError(f"cannot read the file as {kind}: {_one_line(exc)}", file=path) from None
    return next(iter_table(path)).head(0)


def _check_path(path: Path) -> str:
    """The reader kind of ``path`` after the checks :func:`read_table` makes."""
    if not path.exists():
        raise UsageError(f"input file {path} does not exist")
    if path.is_dir():
        raise UsageError(f"input {path} is a folder, not a file")
    if path.stat().st_size == 0:
        raise DataError("the file is empty", file=path, hint="export the survey again with a header row")
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"cannot read {path}: unknown file type {path.suffix!r} "
                         f"(use one of {', '.join(sorted(set(READERS)))})")
    return kind


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
    return any(chunk.strip() for chunk in _chunks(path))


def _iter_delimited(path: Path, sep: str | None, chunk_size: int, first_row: int) -> Iterator[pd.DataFrame]:
    if not _has_text(path):
        raise DataError("the file is empty", file=path, hint="export the survey again with a header row")
    encoding = sniff_encoding(path)
    if encoding not in {"utf-8", "utf-8-sig"}:
        log.info("%s: read as %s (not UTF-8)", path, encoding)
    with open(path, encoding=encoding, newline="") as fh:
        sep = sep or sniff_delimiter(fh.read(65536))
    options = dict(sep=sep, dtype=str, keep_default_na=False, na_filter=False, engine="c",
                   encoding=encoding)
    if _needs_strict_read(path, options, chunk_size):
        yield from _iter_delimited_tolerant(path, encoding, sep, chunk_size, first_row)
        return
    shift = first_row - 1
    last, columns = shift, None
    for chunk in pd.read_csv(path, chunksize=chunk_size, **options):
        chunk.index = pd.Index(chunk.index.to_numpy(dtype="int64") + first_row, name="row")
        last = int(chunk.index[-1]) if len(chunk) else last
        columns = chunk.columns
        chunk.attrs = {"bad_rows": [], "encoding": encoding, "last_row": last}
        yield chunk
    if columns is None:  # a header without rows
        empty = pd.read_csv(path, nrows=0, **options)
        empty.index = pd.Index([], dtype="int64", name="row")
        empty.attrs = {"bad_rows": [], "encoding": encoding, "last_row": last}
        yield empty


def _needs_strict_read(path: Path, options: dict, chunk_size: int) -> bool:
    """Whether :func:`read_table` would re-read ``path`` with the strict reader: a parse error,
    or a quoted line break anywhere (one fast pass of the C parser) in a file whose quoting
    is not strictly right (one pass of :func:`strictly_quoted`)."""
    line_breaks = False
    try:
        for chunk in pd.read_csv(path, chunksize=chunk_size, **options):
            line_breaks = line_breaks or any(chunk[c].str.contains("\n", regex=False).any() for c in chunk.columns)
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", file=path) from None
    except pd.errors.ParserError:
        return True
    if not line_breaks:
        return False
    with open(path, encoding=options["encoding"], newline="") as fh:
        return not strictly_quoted(iter(lambda: fh.read(2**20), ""), options["sep"])


def _iter_delimited_tolerant(path: Path, encoding: str, sep: str, chunk_size: int,
                             first_row: int) -> Iterator[pd.DataFrame]:
    """Chunks of :func:`_read_delimited_tolerant`: good rows numbered as read, bad ones kept aside."""
    with open(path, encoding=encoding, newline="") as fh:
        yield from _tolerant_chunks(fh, path, sep, chunk_size, first_row, encoding)


def _tolerant_chunks(stream, name: Any, sep: str, chunk_size: int, first_row: int,
                     encoding: str | None) -> Iterator[pd.DataFrame]:
    """The strict reader: good rows in chunks numbered as read, rows with the wrong number
    of fields in ``attrs["bad_rows"]``; a broken quote is a DataError that says where the
    row holding it starts."""
    shift = first_row - 1
    reader = csv.reader(stream, delimiter=sep, strict=True)
    rows, bad, good_index, number, yielded, start = [], [], [], 0, False, 1
    try:
        header = next(reader)
        start = reader.line_num + 1
        for number, fields in enumerate(reader, start=1):
            if len(fields) == len(header):
                rows.append(fields)
                good_index.append(number + shift)
                if len(rows) == chunk_size:
                    yield _tolerant_chunk(rows, header, good_index, bad, encoding, number + shift)
                    rows, bad, good_index, yielded = [], [], [], True
            elif fields:
                bad.append((number + shift, sep.join(fields)))
            start = reader.line_num + 1
    except csv.Error as exc:
        where = "the header" if start == 1 else f"row {number + 1 + shift}, which starts on line {start}"
        raise DataError(f"broken CSV near line {reader.line_num}: {exc} (in {where})", file=name,
                        hint="check for an unclosed double quote") from None
    except StopIteration:
        raise DataError("the file is empty", file=name) from None
    if rows or bad or not yielded:
        yield _tolerant_chunk(rows, header, good_index, bad, encoding, number + shift)


def _tolerant_chunk(rows, header, index, bad, encoding, last_row) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=header, dtype=str, index=pd.Index(index, name="row", dtype="int64"))
    df.attrs = {"bad_rows": list(bad), "encoding": encoding, "last_row": last_row}
    return df


def iter_parquet(path: Path, chunk_size: int, first_row: int = 1,
                 row_groups: list[int] | None = None) -> Iterator[pd.DataFrame]:
    """Chunks of a Parquet file (or of some of its row groups) as :func:`iter_table` gives them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    schema = parquet.schema_arrow
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


def file_sha256(path: str | os.PathLike) -> str:
    """sha256 of a file's bytes, read in 1 MiB chunks."""
    h = hashlib.sha256()
    for chunk in _chunks(Path(path)):
        h.update(chunk)
    return h.hexdigest()


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]


def _read_delimited(raw: bytes, name: Any, sep: str | None) -> pd.DataFrame:
    if not raw.strip():
        raise DataError("the file is empty", file=name, hint="export the survey again with a header row")
    encoding = sniff_encoding(raw)
    text = raw.decode(encoding)
    if encoding not in {"utf-8", "utf-8-sig"}:
        log.info("%s: read as %s (not UTF-8)", name, encoding)
    sep = sep or sniff_delimiter(text[:65536])
    try:
        df = _read_arrow(raw, text, encoding, sep)
        if df is None:
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                             na_filter=False, engine="c")
        df.index = pd.RangeIndex(1, len(df) + 1, name="row")
        bad_rows: list[tuple[int, str]] = []
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", file=name) from None
    except pd.errors.ParserError:
        df, bad_rows = _read_delimited_tolerant(text, name, sep)
    else:
        # A quoted field with a line break may be an unclosed quote that swallowed the
        # following rows: if the quoting is not strictly right, re-read strictly so that
        # such a file fails loudly instead.
        if (any(df[c].str.contains("\n", regex=False).any() for c in df.columns)
                and not strictly_quoted(text, sep)):
            df, bad_rows = _read_delimited_tolerant(text, name, sep)
    df.attrs["bad_rows"] = bad_rows
    df.attrs["encoding"] = encoding
    if bad_rows:
        log.warning("%s: %d row(s) with the wrong number of fields go to rejects", name, len(bad_rows))
    return df


def _read_arrow(raw: bytes, text: str, encoding: str, sep: str) -> pd.DataFrame | None:
    """A UTF-8 file read by pyarrow's multi-threaded CSV reader (≈3× pandas' C parser), every
    value a string; None when pandas must read it: another encoding, a header with repeated
    or empty names (pandas renames them), or any row pyarrow cannot parse (pandas then
    reads it as before, and the strict reader reports or rejects the broken rows)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    if encoding not in {"utf-8", "utf-8-sig"}:
        return None
    header = next(csv.reader(io.StringIO(text[:2**20], newline=""), delimiter=sep), [])
    if not header or "" in header or len(set(header)) < len(header):
        return None
    try:
        table = pcsv.read_csv(
            io.BytesIO(raw[len(codecs.BOM_UTF8):] if encoding == "utf-8-sig" else raw),
            parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if table.column_names != header:
        return None
    return table.to_pandas()


def strictly_quoted(text: str | Iterable[str], sep: str) -> bool:
    """Whether ``csv.reader(strict=True)`` would read ``text`` (a string, or its pieces in
    order) without an error: every quoted field closes, followed by the delimiter or a line
    end. A whole text is checked by Arrow's RE2 (≈50× faster than the reader); pieces by
    Python regexes with possessive quantifiers (no backtracking, ≈10× faster).
    """
    if isinstance(text, str):
        import pyarrow as pa
        import pyarrow.compute as pc

        d = f"\\x{{{ord(sep):x}}}"
        field = rf'(?:"(?:[^"]|"")*"|[^{d}\r\n"][^{d}\r\n]*|)'
        pattern = rf"^(?:{field}(?:{d}{field})*(?:\r\n?|\n))*{field}(?:{d}{field})*$"
        return pc.match_substring_regex(pa.array([text], type=pa.large_string()), pattern)[0].as_py()
    d = re.escape(sep)
    field = rf'(?>"(?:[^"]|"")*+"|[^{d}\r\n"][^{d}\r\n]*+|)'
    records = re.compile(rf"(?:{field}(?:{d}{field})*+(?:\r\n?|\n))*+")
    rest = ""
    for piece in text:
        rest += piece
        rest = rest[records.match(rest).end():]  # an unfinished record waits for the next piece
        if len(rest) > _MAX_FIELD:
            return False  # a quote that never closes: the strict reader says where
    return re.fullmatch(rf"{field}(?:{d}{field})*+", rest) is not None


_MAX_FIELD = 32 * 2**20


def _read_delimited_tolerant(text: str, name: Any, sep: str) -> tuple[pd.DataFrame, list]:
    """Slow path for broken files: keep good rows, report each bad one with its row number."""
    (df,) = _tolerant_chunks(io.StringIO(text, newline=""), name, sep, sys.maxsize, 1, None)
    bad = df.attrs["bad_rows"]
    df.attrs = {}
    return df, bad


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are meant to be shared
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def write_json(path: str | os.PathLike, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False, default=_json_default) + "\n")


def _json_default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return None if np.isnan(obj) else float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (pd.Timestamp, Path)):
        return str(obj)
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


def write_csv(path: str | os.PathLike, df: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")


def write_comments_csv(sink, df: pd.DataFrame, header: bool = True) -> None:
    """Append ``df`` as CSV to an open binary file, fast (pyarrow's writer, ≈7× pandas).

    For the large per-comment tables: every text value is quoted, booleans are written
    ``true``/``false``, missing values as empty fields, list columns joined by ``;``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    table = pa.Table.from_pandas(df, preserve_index=False)
    for i, f in enumerate(table.schema):
        if pa.types.is_list(f.type):
            joined = pc.binary_join(table.column(i).cast(pa.list_(pa.string())), ";")
            table = table.set_column(i, f.name, joined)
    pcsv.write_csv(table, sink, pcsv.WriteOptions(include_header=header, quoting_style="needed"))


def write_parquet(path: str | os.PathLike, df: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
