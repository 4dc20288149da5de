"""Excel workbook of an analysis (comments, themes, drivers …) that is safe to open.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(CSV/formula injection), so every such text cell — header cells too — gets a leading
apostrophe, as OWASP recommends; numbers stay numbers. Control characters that a workbook
cannot hold (``\x01``, ``\x0b`` … pasted from other programs) are dropped from its cells. The file is byte-identical for the same results:
zip entry times and document dates are fixed.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import io as fio

if TYPE_CHECKING:
    from ..results import Results

log = logging.getLogger(__name__)

EXCEL_MAX_ROWS = 1_048_576
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_FORMULA = re.compile(r"^[=+\-@\t\r]")
#: What openpyxl refuses in a cell (XML 1.0 has no such characters).
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_CORE_DATES = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as formulas, lists joined by ``;``.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    apostrophe; numeric, boolean and missing cells are unchanged.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.astype(str).where(s.notna(), None)
            continue
        values = s.astype(object)
        is_list = values.map(lambda v: isinstance(v, (list, tuple, np.ndarray)))
        if is_list.any():
            values = values.where(~is_list, values[is_list].map(lambda v: ";".join(map(str, v))))
        missing = values.isna()
        text = values.astype(str).str.replace(CONTROL, "", regex=True)
        values = values.where(missing | ~values.map(lambda v: isinstance(v, str)), text)
        risky = text.str.match(_FORMULA) & ~missing
        out[col] = values.where(~risky, "'" + text).where(~missing, None)
    return out


def _sheets(results: Results) -> dict[str, pd.DataFrame]:
    sheets = {"comments": results.comments, "themes": results.themes, "drivers": results.drivers}
    for name in ("segments", "trends"):
        if name in results.extra:
            sheets[name] = results.extra[name]
    sheets["rejects"] = results.rejects
    return sheets


def write_xlsx(results: Results, path: str | Path) -> Path:
    """Write ``results`` as an Excel workbook (one sheet per table) atomically; return the path."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    for name, table in _sheets(results).items():
        ws = wb.create_sheet(name)
        safe = neutralise_formulas(table)
        if len(safe) >= EXCEL_MAX_ROWS:
            log.warning("the %s sheet keeps the first %d of %d rows (Excel's limit); the CSV has them all",
                        name, EXCEL_MAX_ROWS - 1, len(safe))
            safe = safe.head(EXCEL_MAX_ROWS - 1)
        for i, col in enumerate(safe.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = 48 if col in ("quotes", "clean_text") else 16
        ws.freeze_panes = "A2"
        ws.append(neutralise_formulas(pd.DataFrame([[str(c) for c in safe.columns]])).iloc[0].tolist())
        for row in safe.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    with fio.atomic_path(path) as tmp:
        tmp.write_bytes(_reproducible(buffer.getvalue()))
    return Path(path)


def _cell(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _reproducible(data: bytes) -> bytes:
    """The same workbook with fixed entry times and document dates (no 'now' inside)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(r"\g<1>1980-01-01T00:00:00Z\g<3>", content.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, content)
    return out.getvalue()
