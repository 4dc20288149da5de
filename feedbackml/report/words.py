"""The words a report uses for its metric and its outcome, so a CSAT report says CSAT.

Every title, axis, legend, finding and table head of the page takes its wording from one
:class:`Words`, built from ``summary.json``: the score's name (NPS, CSAT, CES), what the
three score categories are called for that score (detractor / passive / promoter only for
NPS), and, when the drivers explain a named outcome (``--outcome``), the outcome's name
in place of "detractor" in every rate, lift and test.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Who each score category is, per metric, as a noun phrase ("come from …") and as a
#: short legend word; keys are the internal category names every table uses.
PEOPLE = {
    "nps": {"detractor": ("detractors", "detractors"), "passive": ("passives", "passives"),
            "promoter": ("promoters", "promoters")},
    "csat": {"detractor": ("dissatisfied customers", "dissatisfied"),
             "passive": ("neutral customers", "neutral"),
             "promoter": ("satisfied customers", "satisfied")},
    "ces": {"detractor": ("customers who found it difficult", "difficult"),
            "passive": ("neutral customers", "neutral"),
            "promoter": ("customers who found it easy", "easy")},
}
CATEGORIES = ("detractor", "passive", "promoter")


@dataclass(frozen=True)
class Words:
    """Names for one report. ``metric`` is "NPS", "CSAT" or "CES"; ``event`` is what the
    rate, lift and significance columns count (the metric's low category, or the outcome)."""

    metric: str
    key: str
    labels: dict      # category -> label with its range, "dissatisfied (1–2)"
    people: dict      # category -> noun phrase, "dissatisfied customers"
    short: dict       # category -> legend word, "dissatisfied"
    event: str        # "detractors", "dissatisfied", or the outcome's name ("churned")
    event_people: str  # "detractors", "dissatisfied customers", "comments marked “churned”"
    outcome: str | None = None

    @property
    def nps(self) -> bool:
        return self.key == "nps" and self.outcome is None

    @property
    def rate_head(self) -> str:
        """Table head of ``detractor_rate``."""
        return "Detractor rate" if self.nps else f"% {self.event}"

    @property
    def lift_head(self) -> str:
        """Table head and axis of ``detractor_lift``."""
        return "Detractor lift" if self.nps else f"Lift in % {self.event}"

    @property
    def impact_head(self) -> str:
        return f"{self.metric} impact"

    @property
    def title(self) -> str:
        return f"What drives {self.outcome or self.metric}"


def _outcome_name(summary: dict) -> str | None:
    """The outcome's own name: summary.json's ``event_label`` ("churned", "Recommended IND = 0"),
    else the event the export names, else its column."""
    out = summary.get("outcome")
    if not isinstance(out, dict):
        return None
    for key in ("event_label", "name", "label", "event"):
        if isinstance(out.get(key), str) and out[key].strip():
            return out[key].strip()
    column, value = out.get("column"), out.get("value")
    if column and value not in (None, ""):
        return f"{column} = {value}"
    return str(column) if column else "the outcome"


def words_for(summary: dict) -> Words:
    """The :class:`Words` of a report from its ``summary.json``."""
    score = summary.get("score") if isinstance(summary.get("score"), dict) else {}
    key = str(score.get("metric") or (summary.get("config") or {}).get("metric") or "nps").lower()
    metric = str(score.get("name") or key.upper())
    cats = score.get("categories") if isinstance(score.get("categories"), dict) else {}
    table = PEOPLE.get(key)
    labels, people, short = {}, {}, {}
    for c in CATEGORIES:
        label = str(cats.get(c) or (f"{c} ({'0-6' if c == 'detractor' else '7-8' if c == 'passive' else '9-10'})"
                                    if key == "nps" else c))
        labels[c] = label.replace("-", "–")
        word = label.split(" (")[0]
        people[c], short[c] = table[c] if table else (f"{word} customers", word)
    outcome = _outcome_name(summary)
    if outcome:
        event, event_people = outcome, f"customers marked “{outcome}”"
    else:
        event, event_people = short["detractor"], people["detractor"]
    return Words(metric=metric, key=key, labels=labels, people=people, short=short, event=event,
                 event_people=event_people, outcome=outcome)
