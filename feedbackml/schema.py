"""Column names of the contracts, column detection, and validation of scores.

Validation never drops a row silently: every input row ends up either accepted or in
the rejects table (``row, column, value, reason``).
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from .errors import UsageError

log = logging.getLogger(__name__)

TEXT_CANDIDATES = ("comment", "comments", "feedback", "text", "verbatim", "verbatims", "response",
                   "review", "review_text", "answer", "open_text", "open_ended", "reason",
                   "why", "message", "body", "content")
SCORE_CANDIDATES = ("nps", "nps_score", "score", "likelihood_to_recommend", "ltr", "recommend",
                    "rating", "csat", "ces", "overall_rating", "stars")
REJECT_COLUMNS = ["row", "column", "value", "reason"]

#: Valid score ranges per metric (inclusive) and the categories their values fall in.
METRIC_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def detect_column(df: pd.DataFrame, kind: str, given: str | None, *, required: bool) -> str | None:
    """The column to use for ``kind`` ("text" or "score"): ``given`` if set, else by name.

    An unknown ``given`` name, or a required column that cannot be found, is a usage
    error that lists the available columns.
    """
    columns = [str(c) for c in df.columns]
    available = ", ".join(columns) or "(none)"
    if given is not None:
        if given in columns:
            return given
        raise UsageError(f"no {kind} column {given!r} in the input; available columns: {available}")
    candidates = TEXT_CANDIDATES if kind == "text" else SCORE_CANDIDATES
    by_norm = {}
    for col in columns:
        by_norm.setdefault(_norm(col), col)
    for cand in candidates:
        if cand in by_norm:
            log.info("using column %r as the %s column", by_norm[cand], kind)
            return by_norm[cand]
    if required:
        raise UsageError(f"cannot tell which column holds the {kind}; pass --{kind} COLUMN "
                         f"(available columns: {available})")
    log.warning("no %s column found; continuing without it", kind)
    return None


def parse_scores(values: pd.Series, metric: str = "nps") -> tuple[pd.Series, pd.Series]:
    """Parse raw scores into whole numbers in the metric's range, vectorised.

    Returns ``(score, reason)`` aligned with ``values``: ``score`` is a nullable
    ``Int64`` series (missing when empty or invalid) and ``reason`` says why an invalid
    value was rejected (empty string for valid or empty values). ``9``, ``"9"`` and
    ``9.0`` are 9; ``"11"``, ``"-1"``, ``"ten"`` and ``9.5`` are invalid for NPS.
    """
    low, high = METRIC_RANGES[metric]
    text = values.astype("string").str.strip()
    empty = text.isna() | (text == "") | text.str.lower().isin(["nan", "none", "null", "na", "n/a"])
    number = pd.to_numeric(text.where(~empty), errors="coerce").astype("float64")
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


def make_rejects(rows: pd.Index | np.ndarray, column: str | None, values, reasons) -> pd.DataFrame:
    """A rejects table: one line per rejected input row."""
    return pd.DataFrame({
        "row": np.asarray(rows, dtype="int64"),
        "column": column if column is not None else "",
        "value": pd.Series(values, dtype=object).astype(str).to_numpy(),
        "reason": np.asarray(reasons, dtype=object),
    }, columns=REJECT_COLUMNS)


def validate(df: pd.DataFrame, score: str | None, metric: str = "nps") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``df`` into accepted rows (with a parsed ``_score`` column) and rejects.

    Rows the reader could not parse (``df.attrs["bad_rows"]``) are added to the rejects.
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
    rejected = pd.concat(rejects, ignore_index=True).sort_values("row", kind="stable")
    return accepted, rejected.reset_index(drop=True)
