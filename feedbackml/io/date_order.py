"""Day-first or month-first: decided from the dates themselves, or reported as ambiguous.

Survey platforms write local timestamps such as ``03/26/2025 03:17:42 PM`` (SurveyMonkey,
US) or ``26/03/2025 15:17`` (Microsoft Forms in a European locale). A value whose first
number is above 12 can only be day-first, one whose second number is above 12 only
month-first; :func:`date_order` looks at every distinct value of the column.
"""

from __future__ import annotations

import pandas as pd

#: ``d/m/y`` or ``m/d/y`` (``/``, ``.`` or ``-``; 2- or 4-digit year), optional time after.
_NUMERIC_DATE = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:\D|$)"


def date_order(values: pd.Series) -> tuple[bool | None, str]:
    """``(dayfirst, how)`` for the numeric dates among ``values`` (distinct values suffice).

    ``dayfirst`` is True or False when the data decide it ("decided"), False when no value
    decides (``how`` = "ambiguous": read month first, as pandas does, and say so), and None
    when the column holds no ``n/n/yyyy`` dates or holds both orders ("mixed").
    """
    text = pd.Series(values, dtype="string").dropna().drop_duplicates()
    parts = text.str.extract(_NUMERIC_DATE)
    parts = parts[parts[0].notna()]
    if parts.empty:
        return None, "none"
    first, second = parts[0].astype(int), parts[1].astype(int)
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first and month_first:
        return None, "mixed"
    if day_first or month_first:
        return day_first, "decided"
    return False, "ambiguous"


def date_warning(values: pd.Series, column: str) -> tuple[str, str] | None:
    """``("ambiguous_dates", message)`` when day and month of ``column`` cannot be told apart
    (or the column holds both orders), else None."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return None
    dayfirst, how = date_order(values)
    if how == "ambiguous":
        return ("ambiguous_dates", f"dates in column {column!r} could be day/month or month/day (no day "
                "above 12): read month first; check a few rows if the trends look shifted")
    if how == "mixed":
        return ("ambiguous_dates", f"dates in column {column!r} mix day/month and month/day orders: each "
                "value is read in the order it allows, month first when both fit")
    return None
