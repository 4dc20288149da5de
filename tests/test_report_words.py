"""The report's words: the metric's own names, "detractor" only for NPS, the outcome's name."""

from __future__ import annotations

from feedbackml.report.words import words_for


def summary(metric, name, cats, outcome=None):
    s = {"score": {"metric": metric, "name": name, "categories": cats}}
    if outcome:
        s["outcome"] = outcome
    return s


CSAT = {"detractor": "dissatisfied (1-2)", "passive": "neutral (3-3)", "promoter": "satisfied (4-5)"}


def test_a_csat_report_never_says_detractor():
    w = words_for(summary("csat", "CSAT", CSAT))
    heads = [w.title, w.rate_head, w.lift_head, w.impact_head, w.event, w.event_people, *w.labels.values()]
    assert w.title == "What drives CSAT" and w.labels["detractor"] == "dissatisfied (1–2)"
    assert not any(word in h.lower() for h in heads for word in ("detractor", "promoter", "passive", "nps"))


def test_an_nps_report_says_detractor():
    w = words_for({})
    assert (w.metric, w.rate_head, w.lift_head, w.event) == ("NPS", "Detractor rate", "Detractor lift", "detractors")


def test_a_named_outcome_replaces_the_event_everywhere():
    w = words_for(summary("nps", "NPS", {}, {"column": "churned", "event": "churned", "n": 10}))
    assert w.title == "What drives churned" and w.rate_head == "% churned" and "churned" in w.lift_head
    assert "detractor" not in (w.rate_head + w.lift_head + w.event_people).lower()


def test_an_outcome_without_a_name_uses_its_column_and_value():
    w = words_for(summary("ces", "CES", {}, {"column": "cancelled", "value": "yes"}))
    assert w.event == "cancelled = yes" and w.metric == "CES"
