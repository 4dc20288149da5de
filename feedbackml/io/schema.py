"""Column names of the contracts, column detection, and validation of scores.

Validation never drops a row silently: every input row ends up either accepted or in
the rejects table (``row, column, value, reason``).
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from ..errors import UsageError
from .checks import short_list
from .labels import METRIC_RANGES, SCORE_CANDIDATES, TEXT_CANDIDATES, label_numbers  # noqa: F401 (re-exported)
from .outcome import parse_outcome as _parse_outcome

log = logging.getLogger(__name__)

REJECT_COLUMNS = ["row", "column", "value", "reason"]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def detect_column(df: pd.DataFrame, kind: str, given: str | None, *, required: bool) -> str | None:
    """The column to use for ``kind`` ("text", "score", "segment" …): ``given`` if set (a
    column name, or a survey question's exact wording), else for text and score found by
    name, question wording and values (:func:`feedbackml.io.columns.find_columns`).

    An unknown ``given`` name, or a required column that cannot be found, is a usage
    error that lists the available columns.
    """
    if given is not None:
        return _given_column(df, kind, given)
    found = detect_columns(df, kind, None, required=required)
    return found[0] if found else None


def detect_columns(df: pd.DataFrame, kind: str, given, *, required: bool) -> list[str]:
    """Like :func:`detect_column`, for a role that may take several columns (the text: every
    open question of a survey export, or each column of ``given``, a name or a list)."""
    from .columns import find_columns

    if given is not None:
        names = [given] if isinstance(given, str) else list(given)
        out = list(dict.fromkeys(_given_column(df, kind, name) for name in names))
        if not out:
            raise UsageError(f"--{kind} names no column")
        return out
    columns = [str(c) for c in df.columns]
    source = df.attrs.get("source") or "the input"  # the file, when the reader said
    found = find_columns(df, kind) if kind in {"text", "score"} else []
    if found:
        log.info("using column%s %s as the %s column%s", "s" if len(found) > 1 else "",
                 ", ".join(map(repr, found)), kind, "s" if len(found) > 1 else "")
        return found
    if required:
        raise UsageError(f"cannot tell which column of {source} holds the {kind}; pass --{kind} COLUMN "
                         f"(available columns: {short_list(columns) or '(none)'})")
    log.warning("no %s column found; continuing without it", kind)
    return []


def _given_column(df: pd.DataFrame, kind: str, given: str) -> str:
    """``given`` as a column of ``df``: its name, or the wording of one survey question."""
    columns = [str(c) for c in df.columns]
    if given in columns:
        return given
    questions = (df.attrs.get("survey") or {}).get("questions") or {}
    wanted = " ".join(str(given).split()).casefold()
    matches = [c for c, w in questions.items() if " ".join(str(w).split()).casefold() == wanted and c in columns]
    if len(matches) == 1:
        log.info("using column %r (%s) as the %s column", matches[0], questions[matches[0]], kind)
        return matches[0]
    source = df.attrs.get("source") or "the input"
    if len(matches) > 1:
        raise UsageError(f"{len(matches)} columns of {source} ask {given!r} ({', '.join(matches)}); "
                         f"pass --{kind} with one of those column names")
    raise UsageError(f"no {kind} column {given!r} in {source}; available columns: {short_list(columns) or '(none)'}")


def parse_scores(values: pd.Series, metric: str = "nps") -> tuple[pd.Series, pd.Series]:
    """Parse raw scores into whole numbers in the metric's range, vectorised.

    Returns ``(score, reason)`` aligned with ``values``: ``score`` is a nullable
    ``Int64`` series (missing when empty or invalid) and ``reason`` says why an invalid
    value was rejected (empty string for valid or empty values). ``9``, ``"9"`` and
    ``9.0`` are 9; ``"11"``, ``"-1"``, ``"ten"`` and ``9.5`` are invalid for NPS. End-point
    labels are read as their number: ``"10 - Extremely likely"`` is 10, ``"Very satisfied (5)"``
    5 (:func:`feedbackml.io.columns.label_numbers`).
    """
    codes, distinct = pd.factorize(values.astype("string"), use_na_sentinel=False)
    if len(distinct) < len(values):  # exports hold a handful of distinct scores: parse those
        score, reason = parse_scores(pd.Series(distinct, dtype="string"), metric)
        return (pd.Series(score.array.take(codes), index=values.index),
                pd.Series(reason.to_numpy(object)[codes], index=values.index, dtype=object))
    low, high = METRIC_RANGES[metric]
    text = values.astype("string").str.strip()
    empty = text.isna() | (text == "") | text.str.lower().isin(["nan", "none", "null", "na", "n/a"])
    number = pd.to_numeric(label_numbers(text.where(~empty)), errors="coerce").astype("float64")
    not_number = ~empty & number.isna()
    not_whole = ~empty & ~not_number & (number != np.floor(number))
    out_of_range = ~empty & ~not_number & ~not_whole & ((number < low) | (number > high))
    reason = np.select(
        [not_number.to_numpy(bool), not_whole.to_numpy(bool), out_of_range.to_numpy(bool)],
        ["not a number", "not a whole number",
         f"outside the {metric.upper()} range {low}-{high}"],
        default="",
    )
    valid = ~(empty | not_number | not_whole | out_of_range)
    score = number.where(valid).round().astype("Int64")
    return score, pd.Series(reason, index=values.index, dtype=object)


def parse_outcome(values: pd.Series, event: str | None = None) -> tuple[pd.Series, pd.Series]:
    """The outcome as a nullable boolean (True = the event) and the reason of each rejected
    value; see :func:`feedbackml.io.outcome.parse_outcome`."""
    return _parse_outcome(values, event)


def make_rejects(rows: pd.Index | np.ndarray, column: str | None, values, reasons) -> pd.DataFrame:
    """A rejects table: one line per rejected input row."""
    return pd.DataFrame({
        "row": np.asarray(rows, dtype="int64"),
        "column": column if column is not None else "",
        "value": pd.Series(values, dtype=object).astype(str).to_numpy(),
        "reason": np.asarray(reasons, dtype=object),
    }, columns=REJECT_COLUMNS)


def validate(df: pd.DataFrame, score: str | None, metric: str = "nps",
             outcome: str | None = None, event: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``df`` into accepted rows (with a parsed ``_score`` column) and rejects.

    Rows the reader could not parse (``df.attrs["bad_rows"]``) are added to the rejects.
    With ``outcome``, its parsed value is in ``_outcome`` and a row with a valid score but
    an invalid outcome is rejected too (each row at most once).
    """
    bad = df.attrs.get("bad_rows") or []
    rejects = [make_rejects([r for r, _ in bad], None, [v for _, v in bad],
                            ["wrong number of fields (broken CSV row)"] * len(bad))]
    accepted = df.copy()
    if score is not None:
        parsed, reason = parse_scores(df[score], metric)
        bad_score = reason != ""
        rejects.append(make_rejects(df.index[bad_score], score, df.loc[bad_score, score],
                                    reason[bad_score]))
        accepted = accepted.loc[~bad_score].copy()
        accepted["_score"] = parsed[~bad_score]
    else:
        accepted["_score"] = pd.array([pd.NA] * len(accepted), dtype="Int64")
    if outcome is not None:
        parsed, reason = parse_outcome(accepted[outcome], event)
        bad_outcome = reason != ""
        rejects.append(make_rejects(accepted.index[bad_outcome], outcome,
                                    accepted.loc[bad_outcome, outcome], reason[bad_outcome]))
        accepted = accepted.loc[~bad_outcome].copy()
        accepted["_outcome"] = parsed[~bad_outcome]
    rejected = pd.concat(rejects, ignore_index=True).sort_values("row", kind="stable")
    return accepted, rejected.reset_index(drop=True)


def _to_datetime(values: pd.Series, **kwargs) -> pd.Series:
    """pd.to_datetime with errors coerced; mixed time zones are converted to UTC wall time."""
    try:
        parsed = pd.to_datetime(values, errors="coerce", **kwargs)
    except (ValueError, TypeError):
        parsed = pd.to_datetime(values, errors="coerce", utc=True, **kwargs)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed


def parse_dates(values: pd.Series, column: str | None = None, strict: bool = True,
                dayfirst: bool | None = None) -> pd.Series:
    """Dates from a column, parsed once per distinct value: ISO 8601 first, then other forms.

    Empty or unparseable values become ``NaT`` (such rows are kept, but left out of the
    trends; a warning gives their count and the first row). A column in which no value is
    a date is a :class:`~feedbackml.errors.DataError` naming the first row. Numeric dates
    such as ``03/01/2025`` are read day first when ``dayfirst`` is True, else month first
    (decide it with :func:`feedbackml.io.date_order.date_order`); time zones are dropped
    (local wall time kept; mixed offsets become UTC). ``strict=False`` neither raises nor
    warns (for one chunk of a streamed export, checked once at the end).
    """
    from ..errors import DataError

    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
        if isinstance(out.dtype, pd.DatetimeTZDtype):
            out = out.dt.tz_localize(None)
        return out
    text = values.astype("string").str.strip()
    empty = text.isna() | (text == "")
    uniques = pd.Series(text[~empty].unique(), dtype=object)
    parsed = _to_datetime(uniques, format="ISO8601")
    retry = parsed.isna()
    if retry.any():
        parsed[retry] = _to_datetime(uniques[retry], format="mixed", dayfirst=bool(dayfirst))
    lookup = pd.Series(parsed.to_numpy(), index=uniques.to_numpy())
    out = pd.Series(lookup.reindex(text.where(~empty)).to_numpy(), index=values.index, name=values.name)
    bad = ~empty & out.isna()
    if strict and bad.any():
        first = bad.idxmax()
        if out.notna().sum() == 0:
            raise DataError(f"no value is a date (first: {values[first]!r})", row=first, column=column,
                            hint="pass --date with the column that holds response dates")
        log.warning("%d value(s) in column %r are not dates (first at row %s: %r); those rows are "
                    "left out of the trends", int(bad.sum()), column, first, values[first])
    return out
