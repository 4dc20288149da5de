"""Read JSON Lines (one object per line) or a JSON array of objects into a table.

Errors name the line: a line that is not JSON, or not an object, is a DataError saying
which. Bytes that are not UTF-8 (a lone surrogate pasted from another program) are
replaced by U+FFFD in their line only, with a warning naming the lines, so one bad
character costs neither the file nor the row.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from ..errors import DataError

log = logging.getLogger(__name__)


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = raw.split(b"\n")
    bad = []
    for number, line in enumerate(lines, start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
    log.warning("%s: line(s) %s hold bytes that are not UTF-8; they were replaced by U+FFFD",
                path, ", ".join(map(str, bad[:20])) + (" …" if len(bad) > 20 else ""))
    return raw.decode("utf-8-sig", errors="replace")


def read_json_rows(path: Path) -> pd.DataFrame:
    """A JSON Lines file, or a JSON array of objects (``.json``), as a DataFrame (values as read)."""
    text = _decode(path.read_bytes(), path)
    if text.lstrip().startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", file=path) from None
        if not isinstance(records, list):
            raise DataError("a JSON file must hold an array of objects, one per response", file=path)
        lines = None
    else:
        records, lines = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DataError(f"line {number} is not valid JSON: {exc.msg} (column {exc.colno})",
                                file=path, hint="each line must hold one JSON object") from None
            lines.append(number)
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            where = f"line {lines[i]}" if lines is not None else f"item {i + 1} of the array"
            raise DataError(f"{where} is a JSON {type(record).__name__}, not an object", file=path,
                            hint="each response must be a JSON object of field: value")
    if not records:
        raise DataError("the file holds no JSON objects", file=path)
    return pd.DataFrame.from_records(records)
