"""Self-contained HTML report: one file, no network, every piece of user text escaped.

The page carries its stylesheet and one script inline; both are allowed by a
Content-Security-Policy that lists their sha256 hashes (computed here at render time), so
nothing else — in particular nothing that came from a comment — can run or load. The
comments of the explorer sit in a JSON block (data, never run) that the script reads.
Charts are inline SVG, drawn for a desktop and for a phone. The report draws what the
analysis wrote: every number comes from the results' tables and summary.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from ..contract import REPORT_SEGMENTS
from . import svg as d
from .driver_charts import impact_chart, impact_volume_chart, measures
from .explorer import explorer_sample
from .headline import answer, spikes, warnings
from .methods import choice_of_k, docs_base, engine, statistics
from .score_charts import mix_bar, score_mix_chart, segment_chart
from .time_charts import decomposition_chart, share_chart, trend_chart
from .words import Words, words_for

if TYPE_CHECKING:
    from ..results import Results

MAX_REJECTS = 200
N_QUOTES = 3
SCRIPTS = ("report.js", "explorer.js")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("feedbackml.report", "templates"),
        autoescape=True,  # user text never reaches the page unescaped
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    env.filters["signed"] = lambda v, digits=1: d.signed(v, digits)
    env.filters["q"] = lambda v: "–" if _missing(v) else ("< 0.001" if float(v) < 0.001 else f"{float(v):.3f}")
    env.filters["sortkey"] = lambda v: "" if _missing(v) else (f"{float(v):.6g}" if not isinstance(v, str) else v)
    return env


@cache
def _asset(name: str) -> str:
    return resources.files("feedbackml.report").joinpath("templates", name).read_text("utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(css: str, js: str) -> str:
    """The page's policy: nothing loads from anywhere; only our own style and script run."""
    return (f"default-src 'none'; style-src '{_sha256(css)}'; script-src '{_sha256(js)}'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def _missing(value) -> bool:
    return d.missing(value)


def _num(value, digits: int = 1) -> str:
    if _missing(value):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    return f"{float(value):,.{digits}f}".replace("-", "−")


def _pct(value, digits: int = 0) -> str:
    return "–" if _missing(value) else f"{100 * float(value):.{digits}f}%"


def _records(df: pd.DataFrame | None) -> list[dict]:
    if df is None or df.empty:
        return []
    return df.astype(object).where(df.notna(), None).to_dict(orient="records")


def _quotes(value, n: int = N_QUOTES) -> list[str]:
    if _missing(value):
        return []
    items = [str(v) for v in value] if isinstance(value, (list, tuple, np.ndarray)) else str(value).split(" | ")
    return [q for q in (s.strip() for s in items) if q][:n]


def _scalar(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
        return text if len(text) <= 400 else text[:399] + "…"
    return str(value)


def _headline(summary: dict, words: Words) -> dict[str, Any]:
    """The headline score: ``summary["score"]`` (any metric) when present, else ``summary["nps"]``."""
    nps = summary.get("nps") or {}
    score = summary.get("score") if isinstance(summary.get("score"), dict) else {}
    out = {k: nps.get(k) for k in ("n", "promoters", "passives", "detractors", "ci_low", "ci_high", "confidence")}
    out.update(value=nps.get("nps"), definition=None, ci_method=None)
    out.update({k: score[k] for k in ("n", "promoters", "passives", "detractors", "value", "ci_low", "ci_high",
                                      "confidence", "definition", "ci_method") if k in score})
    out["name"] = words.metric
    return out


def _findings(drivers: pd.DataFrame, measure, words: Words) -> list[dict]:
    """One sentence each for the two most harmful and the most helpful significant theme."""
    if measure is None or drivers.empty or "significant" not in drivers:
        return []
    t = drivers.assign(_v=d.numbers(drivers, measure.column))
    sig = t[d.flags(t, "significant") & np.isfinite(t["_v"])]
    harm = sig[sig["_v"] * measure.harm > 0].assign(_k=lambda x: -x["_v"] * measure.harm).sort_values("_k", kind="stable").head(2)
    helps = sig[sig["_v"] * measure.harm < 0].assign(_k=lambda x: x["_v"] * measure.harm).sort_values("_k", kind="stable").head(1)
    out = []
    for kind, rows in (("harm", harm), ("help", helps)):
        for _, r in rows.iterrows():
            get = {c: None if c not in r or _missing(r[c]) else r[c] for c in ("detractor_rate", "detractor_lift", "q_value", "n")}
            out.append({"kind": kind, "label": r["label"], "value": abs(float(r["_v"])), "rate": get["detractor_rate"],
                        "lift": get["detractor_lift"], "q": get["q_value"], "n": get["n"]})
    return out


def _drivers(results: Results, words: Words, ms: list) -> dict[str, Any]:
    dr = results.drivers
    aspects = results.extra.get("aspect_drivers")
    cols = set(dr.columns)
    views = [{"key": m.key, "name": m.name, "unit": m.unit, "explain": m.explain,
              "chart": d.responsive(impact_chart, dr, m, words)} for m in ms]
    aspect_chart = Markup("")
    if aspects is not None and not aspects.empty and ms and "polarity" in aspects:
        a = aspects.assign(_label=[f"{lab} ({pol})" for lab, pol in zip(aspects["label"], aspects["polarity"])])
        same = [m for m in measures(a, words) if m.key == ms[0].key]
        if same:
            aspect_chart = d.responsive(impact_chart, a, same[0], words, label_col="_label", lift=False)
    return {
        "rows": _records(dr),
        "views": views,
        "aspect_chart": aspect_chart,
        "bubble": d.responsive(impact_volume_chart, dr, ms[0], words) if ms else Markup(""),
        "ci": {m.key: m.ci for m in ms},
        "has": {c: c in cols for c in ("shapley_impact", "odds_ratio", "adjusted_or", "small_sample",
                                      "n_scored", "event_impact", "nps_impact")},
    }


def _groups(results: Results, ms: list) -> list[dict]:
    """The groups → themes taxonomy, when the analysis has one (``groups.csv`` + group ids)."""
    t = results.themes
    if t.empty or "group_id" not in t:
        return []
    groups = results.extra.get("groups")
    per = results.drivers.set_index("theme_id") if "theme_id" in results.drivers else pd.DataFrame()
    col = ms[0].column if ms else None
    info = {} if groups is None or groups.empty or "group_id" not in groups else \
        {r["group_id"]: r for r in _records(groups)}
    out = []
    for gid, members in t.groupby("group_id", sort=True, dropna=False):
        g = info.get(gid, {})
        label = g.get("label") or g.get("group_label") or (members["group_label"].iloc[0] if "group_label" in members else gid)
        themes = []
        for r in _records(members):
            tid = r["theme_id"]
            impact = per.loc[tid].get(col) if col and tid in per.index else None
            themes.append({"theme_id": tid, "label": r.get("label"), "n": r.get("n"), "score": r.get("nps"), "impact": impact})
        out.append({"label": label, "n": g.get("n", members["n"].sum() if "n" in members else None),
                    "score": g.get("nps"), "themes": themes})
    return out


def _themes(results: Results, ms: list) -> list[dict]:
    t = results.themes
    if t.empty:
        return []
    per = results.drivers.set_index("theme_id") if "theme_id" in results.drivers else pd.DataFrame()
    col = ms[0].column if ms else "nps_impact"
    rows = []
    for r in _records(t):
        drv = per.loc[r["theme_id"]] if r["theme_id"] in per.index else None
        r["quote_list"] = _quotes(r.get("quotes"))
        r["impact"] = None if drv is None else drv.get(col)
        r["significant"] = False if drv is None or _missing(drv.get("significant")) else bool(drv.get("significant"))
        harm = ms[0].harm if ms else -1
        r["good"] = r["significant"] and r["impact"] is not None and not _missing(r["impact"]) and r["impact"] * harm < 0
        rows.append(r)
    return rows


def _rejects(results: Results) -> dict[str, Any]:
    rj = results.rejects
    if rj.empty:
        return {"n": 0, "reasons": [], "rows": [], "shown": 0}
    keys = [c for c in ("reason", "column") if c in rj]
    grouped = []
    for i, (key, g) in enumerate(rj.groupby(keys, sort=True, dropna=False)):
        key = key if isinstance(key, tuple) else (key,)
        grouped.append({"anchor": f"reject-{i + 1}", "reason": key[0], "column": key[1] if len(key) > 1 else None,
                        "n": len(g), "examples": [str(v) for v in g["row"].head(8)] if "row" in g else []})
    return {"n": len(rj), "reasons": grouped, "rows": _records(rj.head(MAX_REJECTS)), "shown": min(len(rj), MAX_REJECTS)}


def _changes(results: Results, words: Words, labels: dict) -> dict[str, Any] | None:
    trends = results.extra.get("trends")
    alerts = results.summary.get("alerts") or []
    info = results.summary.get("trends") if isinstance(results.summary.get("trends"), dict) else {}
    if (trends is None or trends.empty) and not alerts:
        return None
    moving = [t for t in (info.get("themes") or []) if isinstance(t, dict) and t.get("direction")]
    meta = results.summary.get("decomposition") if isinstance(results.summary.get("decomposition"), dict) else {}
    return {"trend_chart": d.responsive(trend_chart, trends, words),
            "share_chart": d.responsive(share_chart, trends, labels, alerts),
            "spikes": spikes(alerts, labels), "moving": moving, "period": info.get("period"),
            "decomposition_chart": d.responsive(decomposition_chart, results.extra.get("decomposition"), words),
            "decomposition": meta}


def _segments(results: Results, words: Words) -> dict[str, Any] | None:
    seg = results.extra.get("segments")
    if seg is None or seg.empty:
        return None
    if len(seg) > REPORT_SEGMENTS and "n" in seg:  # the largest; segments.csv keeps them all
        seg = seg.sort_values("n", ascending=False, kind="stable").head(REPORT_SEGMENTS)
    overall = (results.summary.get("score") or {}).get("value", (results.summary.get("nps") or {}).get("nps"))
    heads = {"segment": "Segment", "n": "Comments", "n_scored": "Scored", "nps": words.metric,
             "nps_ci_low": f"{words.metric} CI low", "nps_ci_high": f"{words.metric} CI high",
             "nps_rest": f"{words.metric} of the rest", "difference": "Difference", "p_value": "p-value",
             "q_value": "q-value", "differs": "Differs", "detractor_rate": words.rate_head,
             "top_drivers": "Top drivers", "too_few": "Too few",
             "detractor_rate_ci_low": f"{words.rate_head} CI low", "detractor_rate_ci_high": f"{words.rate_head} CI high"}
    return {"chart": d.responsive(segment_chart, seg, overall, words), "rows": _records(seg),
            "columns": [(c, heads.get(c) or _head(c, words)) for c in seg.columns],
            "column": (results.summary.get("segments") or {}).get("column")}


def _head(column: str, words: Words) -> str:
    """A table head for a column this report does not know, in the report's words."""
    parts = [{"nps": words.metric, "detractor": words.event, "detractors": words.event,
              "ci": "CI"}.get(p, p) for p in column.split("_")]
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


def _sentiment(results: Results) -> dict[str, Any]:
    s = dict(results.summary.get("sentiment") or {})
    total = sum(v for k, v in s.items() if k in ("negative", "neutral", "positive") and isinstance(v, (int, float)))
    mixed = (results.summary.get("sentiment_model") or {}).get("mixed")
    if mixed is None and "mixed" in results.comments:
        mixed = int(results.comments["mixed"].fillna(False).astype(bool).sum())
    return {"counts": s, "total": total, "mixed": mixed}


def render_report(results: Results, folder=None) -> str:
    """The report of ``results`` as one self-contained HTML string (deterministic).

    ``folder``: the analysis folder, where the explorer reads its comments from
    ``comments.parquet`` when ``results`` carries none (a streamed run)."""
    summary = results.summary
    words = words_for(summary)
    css = _asset("report.css")
    js = "\n".join(_asset(name) for name in SCRIPTS)
    headline = _headline(summary, words)
    labels = {} if results.themes.empty else \
        {int(k): str(v) for k, v in zip(results.themes["theme_id"], results.themes["label"])}
    ms = measures(results.drivers, words)
    main = ms[0] if ms else None
    segments = _segments(results, words)
    changes = _changes(results, words, labels)
    sent = summary.get("sentiment") or {}
    cfg = summary.get("config") or {}
    return _environment().get_template("report.html.j2").render(
        summary=summary, words=words, metric=words.metric, headline=headline, cfg=cfg,
        csp=content_security_policy(css, js), css=Markup(css), js=Markup(js),  # our own files, hashed above
        answer=answer(summary, words, results.drivers, main, results.extra.get("aspect_drivers"),
                      results.extra.get("trends"), headline),
        checks=warnings(summary),
        findings=_findings(results.drivers, main, words),
        drivers=_drivers(results, words, ms), main=main, groups=_groups(results, ms),
        themes=_themes(results, ms),
        score_chart=d.responsive(score_mix_chart, results.themes, summary.get("score") or summary.get("nps"), words),
        changes=changes, segments=segments, sentiment=_sentiment(results),
        score_mix=mix_bar([(headline.get("detractors") or 0, d.HARM, words.short["detractor"]),
                           (headline.get("passives") or 0, d.PASSIVE, words.short["passive"]),
                           (headline.get("promoters") or 0, d.HELP, words.short["promoter"])]),
        sentiment_mix=mix_bar([(sent.get("negative") or 0, d.HARM, "negative"),
                               (sent.get("neutral") or 0, d.PASSIVE, "neutral"),
                               (sent.get("positive") or 0, d.HELP, "positive")]),
        explorer=explorer_sample(results.comments, summary, results.themes, folder=folder),
        rejects=_rejects(results),
        statistics=statistics(summary, words, results.drivers, segments is not None, changes is not None, ms),
        choice_of_k=choice_of_k(summary), engine=engine(summary),
        docs=docs_base(),
        config=[(k, _scalar(v)) for k, v in sorted(cfg.items())],
    )
