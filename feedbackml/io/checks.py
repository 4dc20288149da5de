"""What the readers refuse before a wrong read can happen, each with one clear line.

- a header that names a column twice (every reader path: a silent rename or a shifted
  column would make ``--text comment`` pick the wrong one);
- binary content under a text extension (a Parquet or Excel file named ``.csv``), said
  without printing the bytes;
- nested values (lists, structs, maps in Parquet or JSON), which have no place in a table
  of comments;
- column lists too long for one readable line are cut (:func:`short_list`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import DataError

#: File signatures of formats that are not text.
MAGIC = ((b"PAR1", "a Parquet file", ".parquet"), (b"PK\x03\x04", "a zip archive (an Excel workbook?)", ".xlsx"),
         (b"\x1f\x8b", "a gzip-compressed file", "the uncompressed file"),
         (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook", ".xlsx (save it again from Excel)"),
         (b"%PDF", "a PDF document", "a CSV export"))
#: Names shown before "… and N more" in a message.
MAX_LISTED = 20


def short_list(names: Iterable[Any], limit: int = MAX_LISTED) -> str:
    """``a, b, c`` — at most ``limit`` names, then ``… and N more``; each name at most 60 characters."""
    names = [str(n) if len(str(n)) <= 60 else str(n)[:57] + "..." for n in names]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", … and {len(names) - limit} more"


def check_header(names: Iterable[Any], file: Any = None) -> None:
    """Raise DataError when a column name appears more than once (positions are 1-based).

    Empty names may repeat: survey exports (SurveyMonkey's sub-columns) leave them blank, and
    the survey reader names them from their second header row.
    """
    positions: dict[Any, list[int]] = {}
    for i, name in enumerate(names, start=1):
        if name is None or str(name).strip() == "":
            continue
        positions.setdefault(name, []).append(i)
    repeated = {name: where for name, where in positions.items() if len(where) > 1}
    if repeated:
        shown = "; ".join(f"{str(name)[:60]!r} (columns {', '.join(map(str, where))})"
                          for name, where in list(repeated.items())[:5])
        raise DataError(f"the header names a column more than once: {shown}", file=file,
                        hint="rename the repeated columns in the export")


def refuse_binary(path: Path, kind: str) -> None:
    """Raise DataError when a file read as text starts like a binary format."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    for magic, what, instead in MAGIC:
        if head.startswith(magic):
            raise DataError(f"this is {what}, not {kind} text", file=path,
                            hint=f"name it {instead}" if instead.startswith(".") else f"give {instead}")


def refuse_nested_schema(schema, file: Any = None) -> None:
    """Raise DataError for Arrow columns holding lists, structs or maps."""
    import pyarrow as pa

    nested = [f.name for f in schema if pa.types.is_nested(f.type)]
    if nested:
        kinds = {f.name: str(f.type)[:40] for f in schema if f.name in nested}
        raise DataError(f"column(s) {short_list(repr(n) + ' (' + kinds[n] + ')' for n in nested)} hold nested "
                        "values (lists or records), which a table of comments cannot hold", file=file,
                        hint="flatten or drop those columns before the analysis")
    check_header(schema.names, file)


def refuse_nested_frame(df, file: Any = None) -> None:
    """Raise DataError for object columns holding lists or dicts (JSON input)."""
    nested = []
    for i, name in enumerate(df.columns):
        s = df.iloc[:, i]
        if s.dtype == object and s.map(lambda v: isinstance(v, (list, dict))).any():
            nested.append(name)
    if nested:
        raise DataError(f"column(s) {short_list(repr(n) for n in nested)} hold nested values (lists or "
                        "objects), which a table of comments cannot hold", file=file,
                        hint="flatten or drop those fields before the analysis")
