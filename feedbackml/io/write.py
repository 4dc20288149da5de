"""Write outputs atomically (a temporary file next to the target, renamed into place on
success) and safely: every CSV quotes its text fields, so a carriage return, a line feed, the
delimiter or a quote inside a value cannot break a row, and text that a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) gets a leading apostrophe,
as OWASP recommends. The exact values stay in the Parquet files; :func:`restore_text` undoes
the apostrophe when an analysis folder is read back.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd


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
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno is not None and exc.filename in (None, tmp):
            raise OSError(exc.errno, exc.strerror, str(path)) from None  # name the file, not the temporary one
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def write_json(path: str | os.PathLike, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False, default=json_default) + "\n")


def json_default(obj: Any) -> Any:
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


#: Text a spreadsheet would run as a formula (after any apostrophes already there, so that
#: :func:`restore_text` can tell ours from the user's) …
FORMULA_START = r"^'*[=+\-@\t\r]"
#: … unless it is a plain number such as -2 or +3.5, which a spreadsheet reads as a number.
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_OURS = r"^'+[=+\-@\t\r]"


def _risky(values: pd.Series) -> pd.Series:
    text = values.astype(object)
    return (text.str.match(FORMULA_START).fillna(False).astype(bool)
            & ~text.str.match(_PLAIN_NUMBER).fillna(False).astype(bool))


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names cannot run as formulas: those starting
    with ``=``, ``+``, ``-``, ``@``, tab or CR (plain numbers excepted) get a leading ``'``."""
    out = df.copy(deep=False)
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            risky = _risky(s)
            if risky.any():
                out.isetitem(i, s.astype(object).where(~risky, "'" + s.astype(object).where(risky, "")))
    names = pd.Series([str(c) for c in df.columns], dtype=object)
    risky = _risky(names)
    if risky.any():
        out.columns = names.where(~risky, "'" + names).tolist()
    return out


def restore_text(df: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`spreadsheet_safe` on a table read back from a CSV output (names and cells)."""
    out = df.copy(deep=False)
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            ours = s.astype(object).str.match(_OURS).fillna(False).astype(bool)
            if ours.any():
                out.isetitem(i, s.astype(object).where(~ours, s.astype(object).str[1:]))
    names = pd.Series([str(c) for c in df.columns], dtype=object)
    ours = names.str.match(_OURS)
    if ours.any():
        out.columns = names.where(~ours, names.str[1:]).tolist()
    return out


def to_csv(df: pd.DataFrame, sink, header: bool = True) -> None:
    """``df`` as CSV to a path or open text file: spreadsheet-safe, text fields quoted, ``\n`` line ends."""
    spreadsheet_safe(df).to_csv(sink, index=False, header=header, lineterminator="\n",
                                encoding="utf-8", quoting=csv.QUOTE_NONNUMERIC)


def write_csv(path: str | os.PathLike, df: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        to_csv(df, tmp)


def write_comments_csv(sink, df: pd.DataFrame, header: bool = True) -> None:
    """Append ``df`` as CSV to an open binary file, fast (pyarrow's writer, ≈7× pandas).

    For the large per-comment tables: every text value is quoted, booleans are written
    ``true``/``false``, missing values as empty fields, list columns joined by ``;``; text
    and names are made spreadsheet-safe as in :func:`spreadsheet_safe` (on Arrow).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    table = pa.Table.from_pandas(df, preserve_index=False)
    for i, f in enumerate(table.schema):
        if pa.types.is_list(f.type):
            joined = pc.binary_join(table.column(i).cast(pa.list_(pa.string())), ";")
            table = table.set_column(i, f.name, joined)
    for i, f in enumerate(table.schema):
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            col = table.column(i)
            risky = pc.and_(pc.match_substring_regex(col, FORMULA_START),
                            pc.invert(pc.match_substring_regex(col, _PLAIN_NUMBER)))
            if pc.any(risky).as_py():
                table = table.set_column(i, f.name, pc.if_else(risky, pc.binary_join_element_wise(pa.scalar("'", col.type), col, pa.scalar("", col.type)), col))
    safe_names = spreadsheet_safe(pd.DataFrame(columns=table.column_names)).columns
    table = table.rename_columns([str(c) for c in safe_names])
    pcsv.write_csv(table, sink, pcsv.WriteOptions(include_header=header, quoting_style="needed"))


def write_parquet(path: str | os.PathLike, df: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
