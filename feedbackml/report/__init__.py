"""Self-contained HTML report: one file, no network, every piece of user text escaped.

The page carries its stylesheet and a small table-sorting script inline; both are allowed
by a Content-Security-Policy that lists their sha256 hashes (computed here at render time),
so nothing else — in particular nothing that came from a comment — can run or load.
Charts are inline SVG from :mod:`feedbackml.report.charts`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from . import charts

if TYPE_CHECKING:
    from ..results import Results

__all__ = ["render_report", "content_security_policy", "impact_interval", "charts"]

MAX_REJECTS = 200
N_QUOTES = 3


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
    env.filters["signed"] = lambda v, digits=1: "–" if _missing(v) else f"{float(v):+.{digits}f}".replace("-", "−")
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
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


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
    if isinstance(value, (list, tuple, np.ndarray)):
        items = [str(v) for v in value]
    else:
        items = str(value).split(" | ")
    return [q for q in (s.strip() for s in items) if q][:n]


def _scalar(value) -> str:
    """A compact, readable rendering of a summary value (escaped later by the template)."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
        return text if len(text) <= 400 else text[:399] + "…"
    return str(value)


def _weight(summary: dict) -> float:
    """Detractor weight of the headline score: 1 for NPS, 0 for CSAT and CES (% satisfied, % easy)."""
    metric = (summary.get("score") or {}).get("metric") or (summary.get("config") or {}).get("metric") or "nps"
    return 1.0 if metric == "nps" else 0.0


def _drivers(results: Results) -> dict[str, Any]:
    d = results.drivers
    cols = set(d.columns)
    ci = charts.IMPACT_CI if set(charts.IMPACT_CI) <= cols else None
    return {
        "rows": _records(d),
        "chart": charts.driver_chart(d),
        "impact_ci": ci,
        "has": {c: c in cols for c in ("shapley_impact", "odds_ratio", "adjusted_or", "small_sample",
                                      "n_scored")},
    }


def _findings(results: Results) -> list[dict]:
    """One sentence each for the most harmful and the most helpful significant theme."""
    d = results.drivers
    if d.empty or "significant" not in d or "nps_impact" not in d:
        return []
    sig = d[d["significant"].fillna(False).astype(bool) & d["nps_impact"].notna()]
    out = []
    harm = sig[sig["nps_impact"] < 0].sort_values("nps_impact", kind="stable").head(2)
    for _, r in harm.iterrows():
        out.append(_finding("harm", r))
    helps = sig[sig["nps_impact"] > 0].sort_values("nps_impact", ascending=False, kind="stable").head(1)
    for _, r in helps.iterrows():
        out.append(_finding("help", r))
    return out


def _finding(kind: str, r: pd.Series) -> dict:
    get = lambda c: None if c not in r or _missing(r[c]) else r[c]  # noqa: E731
    return {"kind": kind, "label": r["label"], "impact": r["nps_impact"], "lift": get("detractor_lift"),
            "rate": get("detractor_rate"), "q": get("q_value"), "n": get("n")}


def _themes(results: Results) -> list[dict]:
    t = results.themes
    if t.empty:
        return []
    per = results.drivers.set_index("theme_id") if "theme_id" in results.drivers else pd.DataFrame()
    rows = []
    for r in _records(t):
        tid = r["theme_id"]
        drv = per.loc[tid] if tid in per.index else None
        r["quote_list"] = _quotes(r.get("quotes"))
        r["impact"] = None if drv is None else drv.get("nps_impact")
        r["significant"] = False if drv is None or _missing(drv.get("significant")) else bool(drv.get("significant"))
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
    return {"n": len(rj), "reasons": grouped, "rows": _records(rj.head(MAX_REJECTS)),
            "shown": min(len(rj), MAX_REJECTS)}


def _trends(results: Results, labels: dict) -> dict[str, Any] | None:
    trends = results.extra.get("trends")
    alerts = results.summary.get("alerts") or []
    if (trends is None or trends.empty) and not alerts:
        return None
    info = results.summary.get("trends") if isinstance(results.summary.get("trends"), dict) else {}
    moving = [t for t in (info.get("themes") or []) if isinstance(t, dict) and t.get("direction")]
    decomposition = results.extra.get("decomposition")
    meta = results.summary.get("decomposition") if isinstance(results.summary.get("decomposition"), dict) else {}
    return {"nps_chart": charts.trend_chart(trends),
            "share_chart": charts.theme_share_chart(trends, labels, alerts),
            "alerts": [_alert(a, labels) for a in alerts if isinstance(a, dict)],
            "moving": moving, "period": info.get("period"),
            "decomposition_chart": charts.decomposition_chart(decomposition),
            "decomposition": meta}


ALERT_KEYS = {"theme_id", "label", "period", "kind", "n", "share", "baseline_mean", "baseline_sd", "threshold"}


def _alert(alert: dict, labels: dict) -> dict:
    """One readable line per spike alert; keys this report does not know are listed as they are."""
    tid = alert.get("theme_id")
    label = alert.get("label") or (labels.get(int(float(tid))) if charts._int_like(tid) else None)
    title = f"{int(float(tid))} · {label}" if charts._int_like(tid) and label else (label or "Theme")
    get = lambda k: None if _missing(alert.get(k)) else alert.get(k)  # noqa: E731
    parts = []
    if get("period") is not None:
        share = f"{100 * float(get('share')):.1f}% of comments" if isinstance(get("share"), (int, float)) else ""
        count = f" ({_num(get('n'))})" if isinstance(get("n"), (int, float)) else ""
        parts.append(f"in {get('period')}: {share}{count}".rstrip(": "))
    if isinstance(get("baseline_mean"), (int, float)):
        usual = f"usually {100 * float(get('baseline_mean')):.1f}%"
        if isinstance(get("baseline_sd"), (int, float)):
            usual += f" ± {100 * float(get('baseline_sd')):.1f}%"
        parts.append(usual)
    if isinstance(get("threshold"), (int, float)):
        parts.append(f"alert above {100 * float(get('threshold')):.1f}%")
    parts += [f"{k} {_scalar(v)}" for k, v in alert.items() if k not in ALERT_KEYS and not _missing(v)]
    kind = str(get("kind") or "spike")
    return {"title": title, "kind": kind[:1].upper() + kind[1:], "details": parts}


def _segments(results: Results) -> dict[str, Any] | None:
    seg = results.extra.get("segments")
    if seg is None or seg.empty:
        return None
    overall = (results.summary.get("nps") or {}).get("nps")
    return {"chart": charts.segment_chart(seg, overall), "rows": _records(seg),
            "columns": [c for c in seg.columns],
            "column": (results.summary.get("segments") or {}).get("column")
            or (results.summary.get("input") or {}).get("segment_column")
            or (results.summary.get("config") or {}).get("segment")}


def _sentiment(results: Results) -> dict[str, Any]:
    s = dict(results.summary.get("sentiment") or {})
    total = sum(v for k, v in s.items() if k in ("negative", "neutral", "positive") and isinstance(v, (int, float)))
    mixed = None
    if "mixed" in results.comments:
        mixed = int(results.comments["mixed"].fillna(False).astype(bool).sum())
    return {"counts": s, "total": total, "mixed": mixed}


def _headline(summary: dict) -> dict[str, Any]:
    """The headline score: ``summary["score"]`` (any metric) when present, else ``summary["nps"]``."""
    nps = summary.get("nps") or {}
    score = summary.get("score") if isinstance(summary.get("score"), dict) else {}
    out = {k: nps.get(k) for k in ("n", "promoters", "passives", "detractors", "ci_low", "ci_high", "confidence")}
    out.update({"value": nps.get("nps"), "name": "NPS", "definition": None, "ci_method": None,
                "names": ("detractors (0–6)", "passives (7–8)", "promoters (9–10)"),
                "plural": ("detractors", "passives", "promoters")})
    if score:
        out.update({k: score[k] for k in ("n", "promoters", "passives", "detractors", "value", "ci_low",
                                          "ci_high", "confidence", "definition", "ci_method") if k in score})
        out["name"] = str(score.get("name") or out["name"])
        cats = score.get("categories") or {}
        if all(k in cats for k in ("detractor", "passive", "promoter")):
            out["names"] = tuple(str(cats[k]).replace("-", "–") for k in ("detractor", "passive", "promoter"))
            out["plural"] = tuple(str(cats[k]).split(" (")[0] for k in ("detractor", "passive", "promoter"))
    if str(out["name"]).upper() == "NPS":
        out["plural"] = ("detractors", "passives", "promoters")
    return out


def render_report(results: Results) -> str:
    """The report of ``results`` as one self-contained HTML string (deterministic)."""
    summary = results.summary
    css, js = _asset("report.css"), _asset("report.js")
    headline = _headline(summary)
    labels = {}
    if not results.themes.empty:
        labels = {int(k): str(v) for k, v in zip(results.themes["theme_id"], results.themes["label"])}
    sent = summary.get("sentiment") or {}
    themes_info = {k: v for k, v in (summary.get("themes") or {}).items() if k not in {"n", "no_theme_share"}}
    return _environment().get_template("report.html.j2").render(
        summary=summary,
        metric=headline["name"],
        headline=headline,
        csp=content_security_policy(css, js),
        css=Markup(css),  # our own static files: hashed above, never user text
        js=Markup(js),
        findings=_findings(results),
        drivers=_drivers(results),
        themes=_themes(results),
        score_chart=charts.score_chart(results.themes, summary.get("nps"), headline["names"],
                                       headline["name"], _weight(summary)),
        trends=_trends(results, labels),
        segments=_segments(results),
        sentiment=_sentiment(results),
        nps_mix=charts.mix_bar([(headline.get("detractors") or 0, charts.HARM, headline["plural"][0]),
                                (headline.get("passives") or 0, charts.PASSIVE, headline["plural"][1]),
                                (headline.get("promoters") or 0, charts.HELP, headline["plural"][2])]),
        sentiment_mix=charts.mix_bar([(sent.get("negative") or 0, charts.HARM, "negative"),
                                      (sent.get("neutral") or 0, charts.PASSIVE, "neutral"),
                                      (sent.get("positive") or 0, charts.HELP, "positive")]),
        rejects=_rejects(results),
        themes_info=[(k, _scalar(v)) for k, v in themes_info.items()],
        config=[(k, _scalar(v)) for k, v in sorted((summary.get("config") or {}).items())],
    )
