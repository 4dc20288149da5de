"""Read feedback exports (CSV/TSV/XLSX/Parquet/JSONL or stdin) into a DataFrame with row numbers."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError, UsageError
from .checks import check_header, refuse_binary, refuse_nested_frame, refuse_nested_schema
from .encoding import byte_chunks, detect_encoding, stray_rows
from .surveys import read_layout

log = logging.getLogger(__name__)

READERS = {".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "excel",
           ".xlsm": "excel", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".json": "jsonl"}


def sniff_encoding(data: bytes | Path) -> str:
    """The codec to decode ``data`` with (see :func:`feedbackml.io.encoding.detect_encoding`;
    a UTF-8 file with stray bytes is ``utf-8``, decoded with ``errors="replace"``)."""
    return detect_encoding(data).codec


DELIMITERS = ",;\t|"


def sniff_delimiter(sample: str, default: str = ",") -> str:
    """The field delimiter of a delimited text sample (comma, semicolon, tab or pipe).

    The header decides when exactly one of them appears in it outside quotes ("id,comment,nps"):
    the rows below may hold anything (a comment ``";,late parcel"`` made ``csv.Sniffer``
    read a comma file as semicolon-separated, one column of whole lines). Otherwise, and
    for a header without any, ``csv.Sniffer`` reads the sample."""
    unquoted = re.sub(r'"[^"]*"', '""', sample)  # a doubled quote inside: two quoted runs
    header = unquoted.lstrip("\ufeff").splitlines()[0] if unquoted.strip() else ""
    present = [d for d in DELIMITERS if d in header]
    if len(present) == 1:
        return present[0]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
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
        return _finish(df, "<stdin>")
    path = Path(source)
    kind = check_path(path)
    if kind in {"csv", "tsv", "jsonl"}:
        refuse_binary(path, kind.upper() if kind != "jsonl" else "JSON")
    try:
        if kind in {"csv", "tsv"}:
            raw = path.read_bytes()
            df = _read_delimited(raw, path, "\t" if kind == "tsv" else None)
            df.attrs["sha256"] = hashlib.sha256(raw).hexdigest()
            df.attrs["source"] = str(path)
            return _finish(df, path)
        if kind == "excel":  # "n/a", "NA" … stay text, as in CSV; repeated header names come back as name, name.1 …
            df = pd.read_excel(path, dtype=object, keep_default_na=False)
        elif kind == "parquet":
            import pyarrow.parquet as pq

            refuse_nested_schema(pq.read_schema(path), path)
            df = pd.read_parquet(path)
        else:
            from .jsonl import read_json_rows

            df = read_json_rows(path)
            refuse_nested_frame(df, path)
    except DataError:
        raise
    except Exception as exc:  # the readers raise many unrelated types
        raise DataError(f"cannot read the file as {kind}: {one_line(exc)}", file=path) from None
    if df.shape[1] == 0:
        raise DataError("the file has no columns", file=path)
    df.index = pd.RangeIndex(1, len(df) + 1, name="row")
    df.attrs["bad_rows"] = []
    df.attrs["encoding"] = None
    df.attrs["sha256"] = file_sha256(path)
    df.attrs["source"] = str(path)
    return _finish(df, path) if kind == "excel" else df


def _finish(df: pd.DataFrame, name: Any) -> pd.DataFrame:
    """The table as analysed: a survey layout's extra header rows dropped (rows renumbered as
    respondents, :func:`~feedbackml.io.surveys.read_layout`), and ``attrs["warnings"]`` about the
    encoding, naming the rows where stray bytes were replaced."""
    found = df.attrs.pop("found_encoding", None)
    df = read_layout(df)
    df.attrs["warnings"] = _encoding_warnings(found, df, name) if found is not None else []
    return df


#: Rows per chunk when a table is read in pieces (see :func:`iter_table`).
def file_sha256(path: str | os.PathLike) -> str:
    """sha256 of a file's bytes, read in 1 MiB chunks."""
    h = hashlib.sha256()
    for chunk in byte_chunks(Path(path)):
        h.update(chunk)
    return h.hexdigest()


def one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]


def _read_delimited(raw: bytes, name: Any, sep: str | None) -> pd.DataFrame:
    if not raw.strip():
        raise DataError("the file is empty", file=name, hint="export the survey again with a header row")
    found = detect_encoding(raw, name)
    encoding = found.codec
    text = raw.decode(encoding, found.errors)
    if encoding not in {"utf-8", "utf-8-sig"}:
        log.info("%s: read as %s (not UTF-8)", name, encoding)
    sep = sep or sniff_delimiter(text[:65536])
    # pyarrow reads every well-formed file; anything else (a row longer or shorter than the
    # header anywhere, the first included; an odd header; stray bytes) goes to the strict reader,
    # which rejects ragged rows with their row numbers. No reader ever infers an index column.
    df = _read_arrow(raw, text, encoding, sep, name) if not found.stray else None
    if df is None:
        df, bad_rows = _read_delimited_tolerant(text, name, sep)
    else:
        df.index = pd.RangeIndex(1, len(df) + 1, name="row")
        bad_rows: list[tuple[int, str]] = []
        # A quoted field with a line break may be an unclosed quote that swallowed the
        # following rows: if the quoting is not strictly right, re-read strictly so that
        # such a file fails loudly instead.
        if (any(df[c].str.contains("\n", regex=False).any() for c in df.columns)
                and not strictly_quoted(text, sep)):
            df, bad_rows = _read_delimited_tolerant(text, name, sep)
    df.attrs["bad_rows"] = bad_rows
    df.attrs["encoding"] = encoding
    df.attrs["found_encoding"] = found
    if bad_rows:
        log.warning("%s: %d row(s) with the wrong number of fields go to rejects", name, len(bad_rows))
    return df


def _encoding_warnings(found, df: pd.DataFrame, name: Any) -> list[tuple[str, str]]:
    """``(code, message)`` about the encoding: guessed, or stray bytes replaced (rows named)."""
    out = [w for w in [found.warning(name)] if w is not None]
    if found.stray:
        rows = stray_rows(df)
        where = f"row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))}" if rows else "the header"
        out.append(("encoding_replaced", f"{name}: {found.stray} byte(s) that are not UTF-8 replaced by \ufffd "
                    f"(in {where}); the other rows are read as UTF-8"))
    return out


def _read_arrow(raw: bytes, text: str, encoding: str, sep: str, name: Any = None) -> pd.DataFrame | None:
    """A file read by pyarrow's multi-threaded CSV reader (≈3× pandas' C parser; other
    encodings are given to it as UTF-8), every value a string; None when the strict reader
    must read it: a header with empty names, or any row pyarrow cannot parse (a row with
    the wrong number of fields, a broken quote). A header naming a column twice is a DataError."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    header = next(csv.reader(io.StringIO(text[:2**20], newline=""), delimiter=sep), [])
    check_header(header, name)
    if not header or "" in header:
        return None
    if encoding == "utf-8-sig":
        raw = raw[len(codecs.BOM_UTF8):]
    elif encoding != "utf-8":
        raw = text.encode("utf-8")
    try:
        table = pcsv.read_csv(
            io.BytesIO(raw),
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
    (df,) = tolerant_chunks(io.StringIO(text, newline=""), name, sep, sys.maxsize, 1, None)
    bad = df.attrs["bad_rows"]
    df.attrs = {}
    return df, bad


def check_path(path: Path) -> str:
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


def tolerant_chunks(stream, name: Any, sep: str, chunk_size: int, first_row: int,
                     encoding: str | None) -> Iterator[pd.DataFrame]:
    """The strict reader: good rows in chunks numbered as read, rows with the wrong number
    of fields in ``attrs["bad_rows"]``; a broken quote is a DataError that says where the
    row holding it starts."""
    shift = first_row - 1
    reader = csv.reader(stream, delimiter=sep, strict=True)
    rows, bad, good_index, number, yielded, start = [], [], [], 0, False, 1
    try:
        header = next(reader)
        check_header(header, name)
        header = [h if h != "" else f"Unnamed: {i}" for i, h in enumerate(header)]  # as pandas names them
        start = reader.line_num + 1
        for number, fields in enumerate(reader, start=1):
            if len(fields) == len(header):
                rows.append(fields)
                good_index.append(number + shift)
                if len(rows) == chunk_size:
                    yield tolerant_chunk(rows, header, good_index, bad, encoding, number + shift)
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
        yield tolerant_chunk(rows, header, good_index, bad, encoding, number + shift)


def tolerant_chunk(rows, header, index, bad, encoding, last_row) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=header, dtype=str, index=pd.Index(index, name="row", dtype="int64"))
    df.attrs = {"bad_rows": list(bad), "encoding": encoding, "last_row": last_row}
    return df
