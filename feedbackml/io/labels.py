"""End-point labels of score cells: ``10 - Extremely likely`` is 10, ``Very satisfied (5)`` is 5.

Survey tools export the text of the chosen answer, and the scale's end points carry a
label: ``0 - Not at all likely``, ``10 - Extremely likely`` (Qualtrics, SurveyMonkey),
``0 = Not at all likely``, ``Very satisfied (5)``, ``5 (Very satisfied)``, ``Extremely likely
- 10``. Read as plain numbers they would all be rejected — and the NPS computed without
every 0 and 10.
"""

from __future__ import annotations

import re

import pandas as pd

TEXT_CANDIDATES = ("comment", "comments", "feedback", "text", "verbatim", "verbatims", "response",
                   "review", "review_text", "answer", "open_text", "open_ended", "reason",
                   "why", "message", "body", "content", "narrative")
SCORE_CANDIDATES = ("nps", "nps_score", "score", "likelihood_to_recommend", "ltr", "recommend",
                    "rating", "csat", "ces", "overall_rating", "stars")
#: Valid score ranges per metric (inclusive) and the categories their values fall in.
METRIC_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

# End-point labels: "10 - Extremely likely", "0 = Not at all likely", "Very satisfied (5)",
# "5 (Very satisfied)", "Extremely likely - 10".
_LABELLED = re.compile(
    r"^\s*(?P<a>[+-]?\d+(?:\.0+)?)\s*(?:[-–—=:.)]\s*|\(\s*)\D.*$"
    r"|^\s*\D.*?\(\s*(?P<b>[+-]?\d+(?:\.0+)?)\s*\)\s*$"
    r"|^\s*\D.*?\s[-–—=:]\s*(?P<c>[+-]?\d+(?:\.0+)?)\s*$", re.S)


def label_numbers(values: pd.Series) -> pd.Series:
    """The number in each end-point label (``"10 - Extremely likely"`` → ``"10"``), as text;
    values that are not such labels are left as they are."""
    text = values.astype("string")
    extracted = text.str.extract(_LABELLED)
    number = extracted["a"].fillna(extracted["b"]).fillna(extracted["c"])
    return number.where(number.notna(), text)


def first_labelled(values: pd.Series) -> str | None:
    """The first value that is an end-point label (the example a warning quotes), or None."""
    text = values.astype("string")
    found = text[text.str.match(_LABELLED).fillna(False).to_numpy(bool)]
    return str(found.iloc[0]).strip() if len(found) else None


def labelled_count(values: pd.Series) -> int:
    """How many values are end-point labels that :func:`label_numbers` turns into numbers."""
    text = values.astype("string")
    return int(text.str.match(_LABELLED).fillna(False).sum())


