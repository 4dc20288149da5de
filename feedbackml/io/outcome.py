"""The outcome the drivers explain instead of detractors, with its event named explicitly.

``--outcome COL=VALUE`` says which value of ``COL`` is the event (``--outcome "Recommended
IND=0"``, ``--outcome churned=yes``): rows holding that value are events, rows holding any
other value are not, empty cells are unknown. A bare ``--outcome COL`` is accepted only for a
clearly boolean column (``1/0``, ``true/false``, ``yes/no``, ``y/n``, ``t/f``) and then means
its true value; the choice is logged and recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import UsageError

log = logging.getLogger(__name__)

#: Values an outcome column may hold (compared after strip + lower case).
OUTCOME_TRUE = ("1", "1.0", "true", "yes", "y", "t")
OUTCOME_FALSE = ("0", "0.0", "false", "no", "n", "f")
EMPTY = ("", "nan", "none", "null", "na", "n/a")
#: A bare ``--outcome COL`` needs at least this share of boolean values (the rest are rejected).
BOOLEAN_SHARE = 0.9


@dataclass(frozen=True)
class Outcome:
    """An outcome column and the value that is its event (``event`` None = the true value)."""

    column: str
    event: str | None = None

    @property
    def label(self) -> str:
        """What the event is called in titles and findings: ``churned`` for a boolean column
        (its true value), ``Recommended IND = 0`` for an explicit value."""
        return self.column if self.event is None else f"{self.column} = {self.event}"


def parse_spec(spec: str | None, columns) -> Outcome | None:
    """``--outcome`` as given: ``COL`` or ``COL=VALUE`` (a column whose name holds ``=`` is
    taken whole). Unknown columns are a usage error that lists the available ones."""
    if spec is None:
        return None
    if isinstance(spec, Outcome):
        return spec
    columns = [str(c) for c in columns]
    spec = str(spec)
    if spec in columns or "=" not in spec:
        column, event = spec, None
    else:
        column, event = (part.strip() for part in spec.rsplit("=", 1))
        if column not in columns and spec.strip() in columns:
            column, event = spec.strip(), None
    if column not in columns:
        raise UsageError(f"no outcome column {column!r}; available columns: {', '.join(columns) or '(none)'}")
    if event == "":
        raise UsageError(f"--outcome {spec!r} names no event value", hint=f"write --outcome '{column}=VALUE'")
    return Outcome(column, event)


def _norm(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.lower()
    return text.str.replace(r"^([+-]?\d+)\.0+$", r"\1", regex=True)


def parse_outcome(values: pd.Series, event: str | None = None,
                  column: str | None = None) -> tuple[pd.Series, pd.Series]:
    """``(outcome, reason)`` aligned with ``values``: a nullable boolean (True = the event)
    and why a value was rejected ("" when valid or empty).

    With ``event`` every non-empty value is valid (the event or not); an event value that
    no row holds is a usage error. Without it the column must be boolean: at least
    :data:`BOOLEAN_SHARE` of the non-empty values are true/false words, the others are
    rejected; otherwise a usage error asks for ``COL=VALUE``.
    """
    text = _norm(values)
    empty = (text.isna() | text.isin(EMPTY)).to_numpy(bool)
    name = column or values.name
    if event is not None:
        wanted = _norm(pd.Series([event])).iloc[0]
        hit = (text == wanted).fillna(False).to_numpy(bool)
        if not hit.any():
            seen = ", ".join(repr(v) for v in pd.unique(values.astype("string")[~empty])[:8])
            raise UsageError(f"no row of outcome column {name!r} holds the event value {event!r} "
                             f"(values: {seen or 'none'})", hint=f"write --outcome '{name}=VALUE' with one of them")
        outcome = pd.array(np.where(empty, False, hit), dtype="boolean")
        outcome[empty] = pd.NA
        return (pd.Series(outcome, index=values.index),
                pd.Series("", index=values.index, dtype=object))
    yes = text.isin(OUTCOME_TRUE).fillna(False).to_numpy(bool)
    no = text.isin(OUTCOME_FALSE).fillna(False).to_numpy(bool)
    filled = int((~empty).sum())
    if filled and (yes | no).sum() < BOOLEAN_SHARE * filled:
        distinct = pd.unique(values.astype("string")[~empty])
        seen = ", ".join(repr(v) for v in distinct[:8])
        raise UsageError(f"outcome column {name!r} is not a yes/no column (values: {seen}); say which "
                         "value is the event",
                         hint=f"write --outcome '{name}=VALUE', e.g. --outcome '{name}={str(distinct[0]).strip()}'")
    bad = ~empty & ~yes & ~no
    outcome = pd.array(np.where(yes, True, False), dtype="boolean")
    outcome[empty | bad] = pd.NA
    reason = np.where(bad, "not a 0/1 outcome (expected 1/0, true/false or yes/no)", "")
    return pd.Series(outcome, index=values.index), pd.Series(reason, index=values.index, dtype=object)


def outcome_summary(outcome: Outcome, event: pd.Series) -> dict:
    """summary.json ``outcome``: column, event value, what it is called, n, events and rate."""
    known = event.notna()
    n, hits = int(known.sum()), int(event.fillna(False).sum())
    return {"column": outcome.column, "event": outcome.event if outcome.event is not None else "true",
            "event_label": outcome.label, "n": n, "events": hits,
            "rate": round(hits / n, 4) if n else None}
