"""The top of the report: the answer in a few plain sentences, the checks to make before
sharing it, and one "what changed" panel (score change, spikes, rising themes).

Everything here reads numbers the analysis wrote (``summary.json``, the driver, aspect,
period and decomposition tables); nothing is estimated.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import svg as d
from .driver_charts import Measure
from .time_charts import all_comments
from .words import Words


def _num(v) -> float | None:
    try:
        return None if d.missing(v) else float(v)
    except (TypeError, ValueError):
        return None


def costs(drivers: pd.DataFrame, measure: Measure | None, aspects: pd.DataFrame | None = None,
          n: int = 2) -> list[dict]:
    """The ``n`` significant themes (or aspects of themes, when the analysis has them) that
    cost the most by ``measure``: ``label``, ``value``, ``polarity`` (aspects only)."""
    if measure is None:
        return []
    for table, is_aspect in ((aspects, True), (drivers, False)):
        if table is None or table.empty or measure.column not in table:
            continue
        t = table.assign(_v=d.numbers(table, measure.column))
        harmful = t[d.flags(t, "significant") & np.isfinite(t["_v"]) & (t["_v"] * measure.harm > 0)]
        if is_aspect and "polarity" in harmful:
            harmful = harmful[harmful["polarity"].astype(str).str.lower() != "positive"]
        if harmful.empty:
            continue
        top = harmful.assign(_k=-harmful["_v"] * measure.harm).sort_values("_k", kind="stable").head(n)
        return [{"label": str(r["label"]), "value": float(r["_v"]),
                 "polarity": str(r["polarity"]) if is_aspect and "polarity" in top else None}
                for _, r in top.iterrows()]
    return []


def score_change(summary: dict, trends: pd.DataFrame | None) -> dict | None:
    """The change between the last two periods (``summary["decomposition"]``), with the
    last period's interval and ``too_few`` flag from the period table when it has them."""
    dec = summary.get("decomposition")
    if not isinstance(dec, dict) or _num(dec.get("change")) is None:
        return None
    out = {k: dec.get(k) for k in ("from", "to", "score_from", "score_to", "change")}
    out.update(ci_low=None, ci_high=None, too_few=bool(dec.get("too_few")), n=None)
    if trends is not None and not trends.empty and "period" in trends:
        a = trends[all_comments(trends)]
        last = a[a["period"].astype(str) == str(dec.get("to"))]
        prev = a[a["period"].astype(str) == str(dec.get("from"))]
        if not last.empty:
            r = last.iloc[0]
            out["ci_low"], out["ci_high"] = _num(r.get("nps_ci_low")), _num(r.get("nps_ci_high"))
            out["n"] = _num(r.get("n_scored", r.get("n")))
            out["too_few"] = out["too_few"] or bool(r.get("too_few") is True or r.get("too_few") == 1)
        if not prev.empty and (prev.iloc[0].get("too_few") is True or prev.iloc[0].get("too_few") == 1):
            out["too_few"] = True
    return out


def warnings(summary: dict) -> list[dict]:
    """``summary["warnings"]`` as ``{code, message}`` (a bare string is a message)."""
    out = []
    for w in summary.get("warnings") or []:
        if isinstance(w, dict) and (w.get("message") or w.get("code")):
            out.append({"code": str(w.get("code") or ""), "message": str(w.get("message") or w.get("code"))})
        elif isinstance(w, str) and w.strip():
            out.append({"code": "", "message": w.strip()})
    return out


def spikes(alerts: list, labels: dict) -> list[dict]:
    """Spike alerts grouped by theme, latest period first: one line per theme."""
    groups: dict[Any, dict] = {}
    for a in alerts or []:
        if not isinstance(a, dict):
            continue
        tid = int(float(a["theme_id"])) if d.int_like(a.get("theme_id")) else None
        label = a.get("label") or (labels.get(tid) if tid is not None else None) or "a theme"
        g = groups.setdefault(tid if tid is not None else str(label), {"theme_id": tid, "label": str(label), "events": []})
        g["events"].append({"period": None if d.missing(a.get("period")) else str(a.get("period")),
                            "kind": str(a.get("kind") or "spike"), "share": _num(a.get("share")),
                            "usual": _num(a.get("baseline_mean")), "n": _num(a.get("n"))})
    out = []
    for g in groups.values():
        g["events"].sort(key=lambda e: e["period"] or "", reverse=True)
        out.append(g)
    out.sort(key=lambda g: g["events"][0]["period"] or "", reverse=True)
    return out


def answer(summary: dict, words: Words, drivers: pd.DataFrame, measure: Measure | None,
           aspects: pd.DataFrame | None, trends: pd.DataFrame | None, headline: dict) -> dict:
    """What the answer sentences need: score, outcome, change since the last period, costs."""
    outcome = summary.get("outcome") if isinstance(summary.get("outcome"), dict) else None
    return {"score": headline if headline.get("n") else None,
            "outcome": outcome if outcome and _num(outcome.get("rate")) is not None else None,
            "change": score_change(summary, trends),
            "costs": costs(drivers, measure, aspects),
            "measure": measure,
            "scored_unit": scored_unit(summary)}


def scored_unit(summary: dict) -> str:
    """What the score's n counts: respondents when several open-text questions are pooled (a
    respondent then gives several comments but one score), comments otherwise."""
    pooled = len((summary.get("input") or {}).get("text_columns") or []) > 1
    return "scored respondents" if pooled else "scored comments"
