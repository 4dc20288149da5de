"""Which columns hold the comments and the score, and how the score is read (the metric).

Nothing here guesses silently: every choice is logged and recorded, and a choice that cannot
be made is a usage error that names the flag to pass.

Columns, when ``--text`` / ``--score`` are not given (:func:`find_columns`):

* the metadata columns of a survey platform (response ids, dates, IP addresses …) are never
  candidates;
* a column counts as **text** when fewer than half of its non-empty values are numbers, and
  as a **score** when at least 80 % of them are whole numbers (after end-point labels such as
  ``10 - Extremely likely`` are read, see :func:`~feedbackml.io.labels.label_numbers`) — or,
  for a column named exactly like a score (``nps`` …), when it is not text (its invalid
  values are then rejected with their reasons);
* by name first (``comment``, ``feedback``, ``verbatim`` … / ``nps``, ``score``, ``rating`` …,
  exact, then as one word of the name, so ``verified_reviews`` is a text column, unless several
  columns have such a word: then ``--text`` / ``--score`` must say which); then by the
  question wording (``lang/en/survey_questions.tsv``: "How likely are you to recommend …" is
  an NPS question, "What is the main reason for your score?" an open one). Every open
  question of a survey export is used (see :mod:`feedbackml.text.pool`); a name match gives
  one column.

The metric, when ``--metric`` is not given (:func:`infer_metric`), from the values and the
question: see that function. With ``--metric``, :func:`check_metric` refuses a column whose
values do not fit it.
"""

from __future__ import annotations

import logging
import re
from functools import cache

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..lang import load_table
from .checks import short_list
from .labels import METRIC_RANGES, label_numbers
from .labels import SCORE_CANDIDATES as SCORE_NAMES
from .labels import TEXT_CANDIDATES as TEXT_NAMES

log = logging.getLogger(__name__)

#: Rows the inference looks at: the first ones of the input, whatever the engine or chunk size
#: (so ``analyze`` and a streamed ``apply`` of one file choose alike).
INFER_ROWS = 10_000

METRIC_NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}

def _norm(name) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _numbers(values: pd.Series) -> tuple[pd.Series, int]:
    """(numbers of the non-empty values, NaN where not one; count of non-empty values)."""
    text = values.astype("string").str.strip()
    text = text[text.notna() & (text != "")]
    return pd.to_numeric(label_numbers(text), errors="coerce").astype("float64"), len(text)


@cache
def _question_patterns(language: str) -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((kind, re.compile(pattern, re.I)) for kind, pattern in load_table("survey_questions", language))


def question_kind(wording: str, language: str = "en") -> str | None:
    """``nps``, ``ces``, ``csat`` or ``open`` for a question's wording (or a column name), else None."""
    text = " ".join(str(wording).split())
    for kind, pattern in _question_patterns(language):
        if pattern.search(text):
            return kind
    return None


def _is_text(values: pd.Series) -> bool:
    numbers, n = _numbers(values.head(INFER_ROWS))
    return n == 0 or numbers.notna().sum() < 0.5 * n  # an empty column: nothing contradicts its name


def _is_varied(values: pd.Series) -> bool:
    """Free text, not a category: at least :data:`FREE_TEXT_DISTINCT` of 20 or more non-empty
    values are distinct ("Timely response?" of Yes/No, "Company response to consumer" of a few
    set phrases are categories)."""
    text = values.head(INFER_ROWS).astype("string").str.strip()
    text = text[text.notna() & (text != "")]
    return len(text) < 20 or text.nunique() >= FREE_TEXT_DISTINCT * len(text)


#: Share of distinct values below which a column named like text is a category, not comments.
FREE_TEXT_DISTINCT = 0.1


def _is_score(values: pd.Series) -> bool:
    numbers, n = _numbers(values.head(INFER_ROWS))
    whole = numbers.notna() & (numbers == np.floor(numbers))
    return n == 0 or whole.sum() >= 0.8 * n


def find_columns(df: pd.DataFrame, kind: str, language: str = "en") -> list[str]:
    """The columns of ``df`` that hold ``kind`` ("text" or "score"), best first; [] if none.

    For text, every open question of a survey export is returned (several columns); else one.
    """
    survey = df.attrs.get("survey") or {}
    metadata = set(survey.get("metadata_columns") or [])
    questions = survey.get("questions") or {}
    columns = [c for c in map(str, df.columns) if c not in metadata]
    names, check = (TEXT_NAMES, _is_text) if kind == "text" else (SCORE_NAMES, _is_score)
    by_norm = {}
    for col in columns:
        by_norm.setdefault(_norm(col), col)
    # 1. the name, exactly: a score column so named is used unless it holds text (its invalid
    # values are then rejected, with their reasons), a text column unless it holds numbers
    by_name = check if kind == "text" else (lambda values: not _is_text(values))
    for name in names:
        col = by_norm.get(name)
        if col is not None and by_name(df[col]):
            return [col]
    kinds = {c: question_kind(questions.get(c, c), language) for c in columns}  # 2. the wording
    if kind == "text":
        found = [c for c in columns if kinds[c] == "open" and check(df[c])]
        if found:
            if len(found) > 1 and not survey.get("platform"):
                one = len(found) == 2
                log.info("%s %s also read%s like %s and %s left out; repeat --text for each to analyse "
                         "them together", "column" if one else "columns", short_list([repr(c) for c in found[1:]]),
                         "s" if one else "", "an open question" if one else "open questions", "is" if one else "are")
            return found if survey.get("platform") else found[:1]
    else:
        for wanted in ("nps", "ces", "csat"):
            found = [c for c in columns if kinds[c] == wanted and check(df[c])]
            if found:
                return found[:1]
    singular = {n.rstrip("s") for n in names}
    # 3. one word of the name ("verified_reviews"): one such column, else the choice is the user's
    found = [col for col in columns if {w.rstrip("s") for w in _norm(col).split("_")} & singular and check(df[col])
             and (kind != "text" or _is_varied(df[col]))]
    if len(found) > 1:
        source = df.attrs.get("source") or "the input"
        raise UsageError(f"cannot tell which column of {source} holds the {kind}: {len(found)} columns could "
                         f"({short_list(found)}); pass --{kind} COLUMN")
    return found


def metric_hint(column: str, wording: str | None = None, language: str = "en") -> str | None:
    """The metric a column's wording or name suggests (nps, ces, csat), or None."""
    for text in (wording, column):
        if text:
            kind = question_kind(text, language)
            if kind in METRIC_RANGES:
                return kind
    return None


def _range_text(low, high) -> str:
    return f"{low:g}–{high:g}" if low != high else f"{low:g}"


def _seen(numbers: pd.Series, lo: float, hi: float) -> str:
    """The range of the values, and how many fall outside ``lo``–``hi`` when some do."""
    text = _range_text(float(numbers.min()), float(numbers.max()))
    outside = int((~numbers.between(lo, hi)).sum())
    return f"{text}; {outside} of {len(numbers)} outside {lo:g}–{hi:g}" if outside else text


def infer_metric(values: pd.Series, column: str, wording: str | None = None,
                 language: str = "en") -> tuple[str, str]:
    """``(metric, why)`` for a score column whose metric was not given.

    From the whole numbers it holds (end-point labels read) and what its wording or name
    says (``hint``: recommend → nps, easy/effort → ces, satisfied/rating → csat):

    ========================================  =======================================
    values                                    metric
    ========================================  =======================================
    within the hint's range                   the hint's metric
    some 0, highest 7–10                      NPS (only NPS starts at 0)
    lowest ≥ 1, highest ≤ 5                   CSAT (1–5)
    lowest ≥ 1, highest 6 or 7                CES (1–7)
    lowest ≥ 1, highest 8–10 (a 1–10 scale)   cannot tell: exit 2, pass ``--metric``
    fractions, negatives, above 10, 0–6       cannot tell: exit 2, pass ``--metric``
    ========================================  =======================================
    """
    numbers, n = _numbers(values)
    numbers = numbers[numbers.notna()]
    hint = metric_hint(column, wording, language)
    if numbers.empty and hint is not None:  # nothing to read, but the name says: every row is rejected
        return hint, f"its {'wording' if wording else 'name'} (it holds no valid score)"
    if numbers.empty:
        raise UsageError(f"cannot tell how to read the score column {column!r}: it holds no numbers",
                         hint="pass --score with the column that holds the scores, and --metric nps|csat|ces")
    whole = bool((numbers == np.floor(numbers)).mean() >= 0.8)
    if hint == "nps" and _five_point(numbers):
        raise UsageError(
            f"the score column {column!r} reads like the recommend question (its "
            f"{'wording' if wording else 'name'}) but {_five_point_text(numbers)}: as NPS (0–10) "
            "nearly every answer would be a detractor",
            hint="pass --metric csat to read it as a 1–5 scale, or --score with the 0–10 column")
    if whole and hint is not None:
        lo, hi = METRIC_RANGES[hint]
        if numbers.between(lo, hi).mean() >= 0.8:
            return hint, f"its values ({_seen(numbers, lo, hi)}) and its {'wording' if wording else 'name'}"
    # The scale from the values that fall in 0-10: a few invalid ones (−1, 11) do not change it.
    core = numbers[numbers.between(0, 10) & (numbers == np.floor(numbers))]
    seen = _seen(numbers, 0, 10)
    if whole and len(core) >= 0.9 * len(numbers):
        low, high = float(core.min()), float(core.max())
        if low == 0 and high >= 7:
            return "nps", f"its values ({seen}: only NPS starts at 0)"
        if low >= 1 and 3 <= high <= 5:
            return "csat", f"its values ({seen})"
        if low >= 1 and high in (6, 7):
            return "ces", f"its values ({seen})"
    if hint is not None and not numbers.between(0, 10).any():  # no value fits any scale: the name decides
        return hint, f"its {'wording' if wording else 'name'} (no value fits a scale: {seen})"
    if whole and len(core) >= 0.9 * len(numbers) and core.min() >= 1 and core.max() >= 8:
        raise UsageError(
            f"cannot tell which metric the score column {column!r} holds: its values ({seen}) look like a "
            "1–10 rating, which is not NPS (0–10), CSAT (1–5) or CES (1–7)",
            hint="pass --metric nps if it is the 0–10 recommend question, else --score with another column")
    raise UsageError(
        f"cannot tell which metric the score column {column!r} holds (values {seen}"
        f"{'' if whole else ', not whole numbers'}): NPS is 0–10, CSAT 1–5, CES 1–7",
        hint="pass --metric nps|csat|ces (or --score with another column)")


def check_metric(values: pd.Series, metric: str, column: str) -> None:
    """Refuse ``--metric`` for a column whose values do not fit it: more than half of the
    non-empty values are outside its range (or not numbers), or more than 5 % are while all
    of them fit another metric (the one the message suggests); and ``--metric nps`` for at
    least :data:`CSAT_AS_NPS_MIN` scores with no 0 and :data:`CSAT_AS_NPS_SHARE` of them within
    1–5 (as NPS nearly all detractors)."""
    numbers, n = _numbers(values)
    if n == 0:
        return
    low, high = METRIC_RANGES[metric]
    outside = ~numbers.between(low, high)
    share = float(outside.mean())
    ok = numbers.dropna()
    fits = [m for m, (lo, hi) in METRIC_RANGES.items()
            if m != metric and len(ok) == n and ok.between(lo, hi).all()]
    if share > 0.5 or (share > 0.05 and fits):
        seen = f"values {_range_text(float(ok.min()), float(ok.max()))}" if len(ok) else "it holds no numbers"
        raise UsageError(
            f"--metric {metric} reads {METRIC_NAMES[metric]} {low}–{high}, but {share:.0%} of the values "
            f"of column {column!r} are outside that range ({seen})",
            hint=(f"pass --metric {fits[0]}" if fits else "pass the --metric that fits the column")
            + " or leave --metric out to infer it")
    # NPS on a 1–5 column: every answer would be a detractor (NPS −100), a confident wrong answer
    if metric == "nps" and _five_point(ok):
        raise UsageError(
            f"--metric nps reads NPS 0–10, but {_five_point_text(ok)} in column {column!r}, a CSAT scale: "
            "as NPS (nearly) every answer would be a detractor",
            hint="pass --metric csat (values above 5 are then rejected) or leave --metric out to infer it")


def _five_point(numbers: pd.Series) -> bool:
    """A 1–5 scale, not NPS: at least :data:`CSAT_AS_NPS_MIN` numbers of three values or more
    (a constant column tells nothing), none 0, and :data:`CSAT_AS_NPS_SHARE` of them within 1–5."""
    ok = numbers.dropna()
    return (len(ok) >= CSAT_AS_NPS_MIN and ok.nunique() >= 3 and not (ok == 0).any()
            and ok.between(1, 5).mean() >= CSAT_AS_NPS_SHARE)


def _five_point_text(numbers: pd.Series) -> str:
    ok = numbers.dropna()
    low5 = float(ok.between(1, 5).mean())
    return (f"{'every' if low5 == 1 else f'{low5:.0%} of the'} value{'' if low5 == 1 else 's'} "
            f"{'is' if low5 == 1 else 'are'} within 1–5 and none is 0 (values "
            f"{_range_text(float(ok.min()), float(ok.max()))})")


#: ``--metric nps`` on at least this many scores, none 0 and at least this share within 1–5,
#: is refused: a 1–5 scale (perhaps with a few stray higher values), not NPS.
CSAT_AS_NPS_MIN = 10
CSAT_AS_NPS_SHARE = 0.95
