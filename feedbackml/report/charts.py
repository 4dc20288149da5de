"""Charts for the report as hand-written inline SVG: no JavaScript, no download, no library.

Inline SVG keeps the report one small, deterministic file (fixed-precision coordinates,
no ids or timestamps), needs nothing from the network and passes a strict
Content-Security-Policy. Every piece of user text goes through :func:`markupsafe.escape`.
Each function takes a table with the documented output columns and returns ``Markup``
(an empty string when there is nothing to draw).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from . import svg
from .svg import GRID, HARM, HELP, INK, MUTED, PALETTE, PASSIVE, SOFT, WIDTH

#: Columns of drivers.csv holding the interval of the impact drawn as the main bar.
IMPACT_CI = ("nps_impact_ci_low", "nps_impact_ci_high")


def driver_chart(drivers: pd.DataFrame) -> Markup:
    """NPS impact per theme (bars, with CI whiskers when the table has them) beside the
    detractor lift with its 95% CI on a log scale; significant themes in colour."""
    if drivers is None or drivers.empty:
        return Markup("")
    d = drivers.reset_index(drop=True)
    ci = IMPACT_CI if set(IMPACT_CI) <= set(d.columns) else None
    sig = d["significant"].fillna(False).astype(bool).to_numpy() if "significant" in d else np.zeros(len(d), bool)
    impact = pd.to_numeric(d["nps_impact"], errors="coerce").to_numpy(dtype=float)
    lo_i = pd.to_numeric(d[ci[0]], errors="coerce").to_numpy(dtype=float) if ci else impact
    hi_i = pd.to_numeric(d[ci[1]], errors="coerce").to_numpy(dtype=float) if ci else impact
    lift = pd.to_numeric(d.get("detractor_lift"), errors="coerce").to_numpy(dtype=float) \
        if "detractor_lift" in d else np.full(len(d), np.nan)
    lift_lo = pd.to_numeric(d.get("lift_ci_low"), errors="coerce").to_numpy(dtype=float) \
        if "lift_ci_low" in d else lift
    lift_hi = pd.to_numeric(d.get("lift_ci_high"), errors="coerce").to_numpy(dtype=float) \
        if "lift_ci_high" in d else lift

    if not (np.isfinite(impact).any() or np.isfinite(lift).any()):
        return Markup("")  # no scores: nothing to draw
    row_h, top = 38, 58
    height = top + row_h * len(d) + 28
    a0, a1 = 330.0, 630.0          # impact panel
    b0, b1 = 680.0, 975.0          # lift panel
    finite = np.concatenate([impact, lo_i, hi_i])
    finite = finite[np.isfinite(finite)]
    reach = max(float(np.abs(finite).max()) if finite.size else 1.0, 1.0)
    step = svg.nice_step(2 * reach, 6)
    reach = math.ceil(reach / step) * step
    pad = 46.0                     # room for the value printed at the end of a bar
    xi = lambda v: a0 + pad + (v + reach) / (2 * reach) * (a1 - a0 - 2 * pad)  # noqa: E731
    lifts = np.concatenate([lift, lift_lo, lift_hi])
    lifts = lifts[np.isfinite(lifts) & (lifts > 0)]
    lmin = max(min(float(lifts.min()) if lifts.size else 0.5, 0.8), 0.01)
    lmax = min(max(float(lifts.max()) if lifts.size else 2.0, 1.25), 100.0)
    llo, lhi = math.log(lmin / 1.15), math.log(lmax * 1.15)
    xl = lambda v: b0 + (math.log(min(max(v, lmin / 1.15), lmax * 1.15)) - llo) / (lhi - llo) * (b1 - b0)  # noqa: E731

    out = [svg.text(a0, 20, "NPS impact (points)", weight="600"),
           svg.text(a0, 38, "NPS of all minus NPS without the theme" + (" · 95% CI" if ci else ""),
                 size=11.5, fill=SOFT),
           svg.text(b0, 20, "Detractor lift (95% CI, log scale)", weight="600"),
           svg.text(b0, 38, "detractor rate in the theme ÷ rate outside it", size=11.5, fill=SOFT)]
    bottom = top + row_h * len(d)
    digits = 0 if step >= 1 else 1
    for t in svg.ticks(-reach, reach, 6):
        out.append(svg.line(xi(t), top - 6, xi(t), bottom, GRID))
        out.append(svg.text(xi(t), bottom + 18, svg.signed(t, digits) if t else "0", "middle", 11, SOFT))
    out.append(svg.line(xi(0), top - 6, xi(0), bottom, "#9aa5b1"))
    span = math.log10(lmax / lmin)
    marks = (0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100) if span > 2 else (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
    for t in marks:
        if lmin / 1.15 <= t <= lmax * 1.15:
            out.append(svg.line(xl(t), top - 6, xl(t), bottom, GRID))
            out.append(svg.text(xl(t), bottom + 18, f"{t:g}×", "middle", 11, SOFT))
    out.append(svg.line(xl(1), top - 6, xl(1), bottom, "#9aa5b1"))
    for i, r in d.iterrows():
        y = top + i * row_h
        cy = y + row_h / 2
        if i % 2 == 0:
            out.append(svg.rect(0, y, WIDTH, row_h, "#f7f9fb", rx=0))
        colour = svg.tone(sig[i], impact[i])
        label = f"{r['theme_id']} · {r['label']}" if "theme_id" in d else str(r["label"])
        out.append(svg.text(310, cy - 2, svg.short(label), "end", 13, INK if sig[i] else "#52606d",
                         "600" if sig[i] else None, extra=""))
        note = f"n = {int(r['n']):,}" if "n" in d and not svg.missing(r["n"]) else ""
        if "q_value" in d and not svg.missing(r["q_value"]):
            note += f" · q {_qtext(r['q_value'])}"
        if sig[i]:
            note += " · significant"
        out.append(svg.text(310, cy + 13, note, "end", 11, SOFT))
        if not svg.missing(impact[i]):
            x0, x1 = sorted((xi(0), xi(impact[i])))
            tip = f"{label}: impact {svg.signed(impact[i], 2)} points"
            if ci and np.isfinite(lo_i[i]) and np.isfinite(hi_i[i]):
                tip += f" (95% CI {svg.signed(lo_i[i], 2)} to {svg.signed(hi_i[i], 2)})"
            out.append(svg.rect(x0, cy - 9, max(x1 - x0, 1.5), 18, colour, tip))
            if ci and np.isfinite(lo_i[i]) and np.isfinite(hi_i[i]):
                out.append(svg.line(xi(lo_i[i]), cy, xi(hi_i[i]), cy, INK, 1.5))
                out.append(svg.line(xi(lo_i[i]), cy - 5, xi(lo_i[i]), cy + 5, INK, 1.5))
                out.append(svg.line(xi(hi_i[i]), cy - 5, xi(hi_i[i]), cy + 5, INK, 1.5))
            right = impact[i] >= 0
            edge = max(xi(impact[i]), xi(hi_i[i]) if ci and np.isfinite(hi_i[i]) else -1e9) if right \
                else min(xi(impact[i]), xi(lo_i[i]) if ci and np.isfinite(lo_i[i]) else 1e9)
            out.append(svg.text(edge + (6 if right else -6), cy + 4, svg.signed(impact[i]),
                             "start" if right else "end", 11.5, colour if sig[i] else "#52606d", "600"))
        if np.isfinite(lift[i]) and lift[i] > 0:
            tip = f"{label}: lift {lift[i]:.2f}×"
            if np.isfinite(lift_lo[i]) and np.isfinite(lift_hi[i]):
                tip += f" (95% CI {lift_lo[i]:.2f} to {lift_hi[i]:.2f})"
                out.append(svg.line(xl(lift_lo[i]), cy, xl(lift_hi[i]), cy, colour, 2.5))
            out.append(svg.circle(xl(lift[i]), cy, 5.5, colour, tip))
    for k, (colour, name) in enumerate([(HARM, "significant, hurts"), (HELP, "significant, helps"),
                                        (MUTED, "not significant")]):
        out += [svg.rect(12, 6 + 15 * k, 10, 10, colour), svg.text(28, 15 + 15 * k, name, size=11.5, fill=SOFT)]
    return svg.figure(height, out, "Drivers: NPS impact and detractor lift per theme")


def _qtext(q) -> str:
    q = float(q)
    return "< 0.001" if q < 0.001 else f"= {q:.3f}"


def score_chart(themes: pd.DataFrame, overall: dict | None = None,
                names: tuple[str, str, str] = ("detractors (0–6)", "passives (7–8)", "promoters (9–10)"),
                metric: str = "NPS", weight: float = 1.0) -> Markup:
    """Score mix per theme as diverging bars: detractors left of zero, promoters right,
    passives centred; worst score first, with the overall mix on top for reference.
    ``weight`` is the detractor weight of the score (1 for NPS, 0 for CSAT and CES)."""
    if themes is None or themes.empty or not {"promoters", "passives", "detractors"} <= set(themes):
        return Markup("")
    rows = []
    if overall and overall.get("n"):
        rows.append(("All scored comments", overall["promoters"], overall["passives"],
                     overall["detractors"], True))
    t = themes.assign(_n=themes[["promoters", "passives", "detractors"]].sum(axis=1))
    t = t.assign(_nps=np.where(t["_n"] > 0, 100 * (t["promoters"] - weight * t["detractors"])
                               / t["_n"].where(t["_n"] > 0, 1), np.nan))
    if not (t["_n"] > 0).any():
        return Markup("")  # no scores: nothing to draw
    t = t.sort_values(["_nps", "theme_id"], kind="stable", na_position="last")
    for _, r in t.iterrows():
        rows.append((f"{r['theme_id']} · {r['label']}", r["promoters"], r["passives"], r["detractors"], False))
    row_h, top = 32, 44
    height = top + row_h * len(rows) + 30
    c0, c1 = 330.0, 880.0
    mid = (c0 + c1) / 2
    half = (c1 - c0) / 2
    out = [svg.text(990, 17, metric, "end", 11.5, SOFT, "600")]
    for k, (colour, name) in enumerate(zip((HARM, PASSIVE, HELP), names)):
        out += [svg.rect(c0 + 160 * k, 8, 10, 10, colour), svg.text(c0 + 160 * k + 15, 17, name, size=11.5, fill=SOFT)]
    bottom = top + row_h * len(rows)
    for pct in (-100, -50, 0, 50, 100):
        x = mid + pct / 100 * half
        out.append(svg.line(x, top - 6, x, bottom, "#9aa5b1" if pct == 0 else GRID))
        out.append(svg.text(x, bottom + 16, f"{abs(pct)}%", "middle", 11, SOFT))
    for i, (label, p, pa, dt, is_all) in enumerate(rows):
        y = top + i * row_h
        cy = y + row_h / 2
        n = int(p) + int(pa) + int(dt)
        if is_all:
            out.append(svg.rect(0, y, WIDTH, row_h, "#eef2f6", rx=0))
        out.append(svg.text(310, cy + 4, svg.short(label), "end", 13, INK, "600" if is_all else None))
        if n == 0:
            out.append(svg.text(mid, cy + 4, "no scored comments", "middle", 11.5, SOFT))
            continue
        sp, spa, sd = p / n, pa / n, dt / n
        segs = [(mid - (sd + spa / 2) * half, sd, HARM, names[0], dt),
                (mid - spa / 2 * half, spa, PASSIVE, names[1], pa),
                (mid + spa / 2 * half, sp, HELP, names[2], p)]
        for x, share, fill, name, count in segs:
            w = share * half
            out.append(svg.rect(x, cy - 10, w, 20, fill, f"{label}: {int(count):,} {name} ({100 * share:.0f}%)", rx=0))
            if share >= 0.08:
                colour = INK if fill == PASSIVE else "#ffffff"
                out.append(svg.text(x + w / 2, cy + 4, f"{100 * share:.0f}%", "middle", 11, colour))
        nps = 100 * (sp - weight * sd)
        out.append(svg.text(990, cy + 4, svg.signed(nps), "end", 13, HARM if nps < 0 else HELP, "600"))
        out.append(svg.text(935, cy + 4, f"n {n:,}", "end", 11, SOFT))
    return svg.figure(height, out, "Score mix and NPS by theme")


def _y_scale(lo: float, hi: float, y0: float, y1: float):
    lo, hi, ticks = svg.nice_range(lo, hi, 5)
    return (lambda v: y1 - (v - lo) / (hi - lo) * (y1 - y0)), ticks


def trend_chart(trends: pd.DataFrame) -> Markup:
    """NPS per period for all comments, with its 95% CI as a band."""
    if trends is None or trends.empty or not {"period", "nps"} <= set(trends):
        return Markup("")
    allrows = trends[_all_comments(trends)].copy()
    allrows = allrows.assign(period=allrows["period"].astype(str)).sort_values("period", kind="stable")
    allrows = allrows[pd.to_numeric(allrows["nps"], errors="coerce").notna()]
    if allrows.empty:
        return Markup("")
    periods = allrows["period"].tolist()
    nps = pd.to_numeric(allrows["nps"], errors="coerce").to_numpy(float)
    has_ci = {"nps_ci_low", "nps_ci_high"} <= set(allrows)
    lo = pd.to_numeric(allrows["nps_ci_low"], errors="coerce").to_numpy(float) if has_ci else nps
    hi = pd.to_numeric(allrows["nps_ci_high"], errors="coerce").to_numpy(float) if has_ci else nps
    vals = np.concatenate([nps, lo, hi])
    vals = vals[np.isfinite(vals)]
    left, right, top, bottom = 70.0, 960.0, 20.0, 250.0
    y, ticks = _y_scale(float(vals.min()), float(vals.max()), top, bottom)
    x = _x_positions(len(periods), left, right)
    out = []
    for t in ticks:
        out.append(svg.line(left, y(t), right, y(t), "#9aa5b1" if t == 0 else GRID))
        out.append(svg.text(left - 8, y(t) + 4, svg.fmt_tick(t), "end", 11, SOFT))
    out += _x_labels(periods, x, bottom)
    ok = np.isfinite(lo) & np.isfinite(hi)
    if has_ci and ok.sum() >= 2:
        idx = np.flatnonzero(ok)
        pts = [f"{svg.num(x[i])},{svg.num(y(hi[i]))}" for i in idx] + [f"{svg.num(x[i])},{svg.num(y(lo[i]))}" for i in idx[::-1]]
        out.append(f'<polygon points="{" ".join(pts)}" fill="#3d5a80" fill-opacity="0.14"/>')
    path = " ".join(f"{'M' if k == 0 else 'L'}{svg.num(x[i])},{svg.num(y(nps[i]))}" for k, i in enumerate(range(len(nps))))
    out.append(f'<path d="{path}" fill="none" stroke="#3d5a80" stroke-width="2.5"/>')
    ns = allrows["n"].tolist() if "n" in allrows else [None] * len(periods)
    for i, p in enumerate(periods):
        tip = f"{p}: NPS {nps[i]:.1f}"
        if has_ci and ok[i]:
            tip += f" (95% CI {lo[i]:.1f} to {hi[i]:.1f})"
        if ns[i] is not None and not svg.missing(ns[i]):
            tip += f", n = {int(ns[i]):,}"
        out.append(svg.circle(x[i], y(nps[i]), 4, "#3d5a80", tip))
    return svg.figure(bottom + 34, out, "NPS per period with 95% confidence band")


def _all_comments(trends: pd.DataFrame) -> pd.Series:
    if "theme_id" not in trends:
        return pd.Series(True, index=trends.index)
    tid = trends["theme_id"]
    return tid.isna() | (tid.astype(str).str.strip() == "")


def _x_positions(n: int, left: float, right: float) -> list[float]:
    if n == 1:
        return [(left + right) / 2]
    return [left + i * (right - left) / (n - 1) for i in range(n)]


def _x_labels(periods: list[str], x: list[float], bottom: float) -> list[str]:
    every = max(1, math.ceil(len(periods) / 12))
    return [svg.text(x[i], bottom + 20, svg.short(p, 12), "middle", 11, SOFT)
            for i, p in enumerate(periods) if i % every == 0 or i == len(periods) - 1]


def theme_share_chart(trends: pd.DataFrame, labels: dict, alerts: list | None = None,
                      max_themes: int = 6) -> Markup:
    """Share of comments per period for the largest themes; spiking themes ringed."""
    if trends is None or trends.empty or not {"period", "share", "theme_id"} <= set(trends):
        return Markup("")
    t = trends[~_all_comments(trends)].copy()
    if t.empty:
        return Markup("")
    t["theme_id"] = pd.to_numeric(t["theme_id"], errors="coerce")
    t = t[t["theme_id"].notna()]
    t["share"] = pd.to_numeric(t["share"], errors="coerce")
    t["period"] = t["period"].astype(str)
    periods = sorted(t["period"].unique())
    top_ids = (t.groupby("theme_id")["share"].mean().sort_values(ascending=False, kind="stable")
                .head(max_themes).index.tolist())
    alert_ids = {int(a["theme_id"]) for a in (alerts or []) if _int_like(a.get("theme_id"))}
    ids = sorted(set(top_ids) | (alert_ids & set(t["theme_id"].astype(int))))
    t = t[t["theme_id"].isin(ids)]
    if t.empty:
        return Markup("")
    left, right, top, bottom = 70.0, 700.0, 20.0, 250.0
    vmax = float(t["share"].max()) if t["share"].notna().any() else 1.0
    y, ticks = _y_scale(0.0, max(vmax, 0.01) * 1.05, top, bottom)
    x = dict(zip(periods, _x_positions(len(periods), left, right)))
    out = []
    for v in ticks:
        out.append(svg.line(left, y(v), right, y(v), GRID))
        out.append(svg.text(left - 8, y(v) + 4, f"{100 * v:.0f}%", "end", 11, SOFT))
    out += _x_labels(periods, list(x.values()), bottom)
    spikes = {(int(a["theme_id"]), str(a.get("period"))) for a in (alerts or [])
              if _int_like(a.get("theme_id"))}
    for k, tid in enumerate(ids):
        colour = PALETTE[k % len(PALETTE)]
        s = t[t["theme_id"] == tid].sort_values("period", kind="stable")
        s = s[s["share"].notna()]
        if s.empty:
            continue
        path = " ".join(f"{'M' if j == 0 else 'L'}{svg.num(x[p])},{svg.num(y(v))}"
                        for j, (p, v) in enumerate(zip(s["period"], s["share"])))
        out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        name = f"{int(tid)} · {labels.get(int(tid), '')}"
        for p, v in zip(s["period"], s["share"]):
            out.append(svg.circle(x[p], y(v), 3, colour, f"{name} — {p}: {100 * v:.1f}% of comments"))
            if (int(tid), p) in spikes:
                out.append(f'<circle cx="{svg.num(x[p])}" cy="{svg.num(y(v))}" r="9" fill="none" '
                           f'stroke="{HARM}" stroke-width="2"><title>{escape("spike: " + name + " in " + p)}'
                           f"</title></circle>")
        ly = top + 6 + k * 22
        out.append(svg.rect(730, ly - 9, 12, 12, colour))
        out.append(svg.text(748, ly + 1, svg.short(name, 34), size=12))
    if spikes:
        ly = top + 6 + len(ids) * 22 + 6
        out.append(f'<circle cx="736" cy="{svg.num(ly - 3)}" r="6" fill="none" stroke="{HARM}" stroke-width="2"/>')
        out.append(svg.text(748, ly + 1, "spike alert", size=12, fill=SOFT))
    return svg.figure(bottom + 34, out, "Share of comments per theme and period")


def _int_like(v) -> bool:
    try:
        return not svg.missing(v) and float(v) == int(float(v))
    except (TypeError, ValueError):
        return False


def segment_chart(segments: pd.DataFrame, overall_nps: float | None = None) -> Markup:
    """NPS per segment with its 95% CI; segments that differ from the rest in colour and
    the overall NPS as a dashed reference line."""
    if segments is None or segments.empty or not {"segment", "nps"} <= set(segments):
        return Markup("")
    s = segments.reset_index(drop=True)
    nps = pd.to_numeric(s["nps"], errors="coerce").to_numpy(float)
    has_ci = {"nps_ci_low", "nps_ci_high"} <= set(s)
    lo = pd.to_numeric(s["nps_ci_low"], errors="coerce").to_numpy(float) if has_ci else nps
    hi = pd.to_numeric(s["nps_ci_high"], errors="coerce").to_numpy(float) if has_ci else nps
    differs = s["differs"].fillna(False).astype(bool).to_numpy() if "differs" in s else np.zeros(len(s), bool)
    vals = np.concatenate([nps, lo, hi] + ([np.array([overall_nps], float)] if overall_nps is not None else []))
    vals = vals[np.isfinite(vals)]
    if not vals.size:
        return Markup("")
    vmin, vmax, ticks = svg.nice_range(max(-100.0, float(vals.min())), min(100.0, float(vals.max())), 6)
    c0, c1 = 330.0, 900.0
    xs = lambda v: c0 + (v - vmin) / (vmax - vmin) * (c1 - c0)  # noqa: E731
    row_h, top = 32, 30
    bottom = top + row_h * len(s)
    out = [svg.text(c0, 16, "NPS with 95% CI", weight="600")]
    for t in ticks:
        out.append(svg.line(xs(t), top - 4, xs(t), bottom, GRID))
        out.append(svg.text(xs(t), bottom + 18, svg.fmt_tick(t), "middle", 11, SOFT))
    if overall_nps is not None and np.isfinite(overall_nps):
        out.append(svg.line(xs(overall_nps), top - 4, xs(overall_nps), bottom, INK, 1.2, "4 3"))
        out.append(svg.text(xs(overall_nps), top - 8, f"all {overall_nps:.1f}", "middle", 11, INK))
    for i, r in s.iterrows():
        cy = top + i * row_h + row_h / 2
        if i % 2 == 0:
            out.append(svg.rect(0, cy - row_h / 2, WIDTH, row_h, "#f7f9fb", rx=0))
        ref = overall_nps if overall_nps is not None else 0.0
        colour = (HARM if nps[i] < ref else HELP) if differs[i] and np.isfinite(nps[i]) else MUTED
        n = f" (n = {int(r['n']):,})" if "n" in s and not svg.missing(r["n"]) else ""
        out.append(svg.text(310, cy + 4, svg.short(r["segment"], 28) + n, "end", 13, INK, "600" if differs[i] else None))
        if not np.isfinite(nps[i]):
            out.append(svg.text(c0, cy + 4, "no scored comments", size=11.5, fill=SOFT))
            continue
        tip = f"{r['segment']}: NPS {nps[i]:.1f}"
        if has_ci and np.isfinite(lo[i]) and np.isfinite(hi[i]):
            tip += f" (95% CI {lo[i]:.1f} to {hi[i]:.1f})"
            out.append(svg.line(xs(lo[i]), cy, xs(hi[i]), cy, colour, 2.5))
        out.append(svg.circle(xs(nps[i]), cy, 6, colour, tip))
        out.append(svg.text(990, cy + 4, f"{nps[i]:.1f}", "end", 12.5, colour if differs[i] else "#52606d", "600"))
    return svg.figure(bottom + 30, out, "NPS by segment")


def mix_bar(parts: list[tuple[float, str, str]]) -> Markup:
    """A thin 100% stacked bar of ``(count, colour, name)`` parts for the headline cards."""
    total = float(sum(c for c, _, _ in parts if not svg.missing(c)))
    if total <= 0:
        return Markup("")
    x, body = 0.0, []
    for count, colour, name in parts:
        w = 100 * float(count) / total
        body.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="8" fill="{colour}">'
                    f"<title>{escape(name)}: {int(count):,} ({w:.0f}%)</title></rect>")
        x += w
    return Markup('<svg class="mix" viewBox="0 0 100 8" preserveAspectRatio="none" '
                  'xmlns="http://www.w3.org/2000/svg" aria-hidden="true">' + "".join(body) + "</svg>")


def decomposition_chart(components: pd.DataFrame) -> Markup:
    """Where a change in the score between two periods came from, per theme: the part due
    to the theme's own score changing and the part due to its share of comments changing."""
    need = {"label", "score_effect", "volume_effect", "total"}
    if components is None or components.empty or not need <= set(components):
        return Markup("")
    c = components.assign(total=pd.to_numeric(components["total"], errors="coerce"))
    c = c[c["total"].notna()].sort_values(["total"], kind="stable").reset_index(drop=True)
    if c.empty:
        return Markup("")
    score = pd.to_numeric(c["score_effect"], errors="coerce").fillna(0).to_numpy(float)
    volume = pd.to_numeric(c["volume_effect"], errors="coerce").fillna(0).to_numpy(float)
    total = c["total"].to_numpy(float)
    reach = float(max(np.abs(np.concatenate([score, volume, total])).max(), 0.5))
    step = svg.nice_step(2 * reach, 6)
    reach = math.ceil(reach / step) * step
    c0, c1, pad = 330.0, 900.0, 40.0
    xs = lambda v: c0 + pad + (v + reach) / (2 * reach) * (c1 - c0 - 2 * pad)  # noqa: E731
    row_h, top = 34, 40
    bottom = top + row_h * len(c)
    out = [svg.rect(c0, 8, 10, 10, "#3d5a80"), svg.text(c0 + 15, 17, "score change within the theme", size=11.5, fill=SOFT),
           svg.rect(c0 + 215, 8, 10, 10, "#98c1d9"), svg.text(c0 + 230, 17, "change in the theme's share", size=11.5, fill=SOFT),
           svg.text(990, 17, "total", "end", 11.5, SOFT, "600")]
    digits = 0 if step >= 1 else 1
    for t in svg.ticks(-reach, reach, 6):
        out.append(svg.line(xs(t), top - 6, xs(t), bottom, "#9aa5b1" if t == 0 else GRID))
        out.append(svg.text(xs(t), bottom + 16, svg.signed(t, digits) if t else "0", "middle", 11, SOFT))
    for i, r in c.iterrows():
        y = top + i * row_h
        if i % 2 == 0:
            out.append(svg.rect(0, y, WIDTH, row_h, "#f7f9fb", rx=0))
        tid = r.get("theme_id")
        label = f"{int(tid)} · {r['label']}" if _int_like(tid) and int(float(tid)) >= 0 else str(r["label"])
        out.append(svg.text(310, y + row_h / 2 + 4, svg.short(label), "end", 13, INK))
        for k, (value, colour, name) in enumerate([(score[i], "#3d5a80", "score change"),
                                                    (volume[i], "#98c1d9", "share change")]):
            x0, x1 = sorted((xs(0), xs(value)))
            out.append(svg.rect(x0, y + 7 + k * 11, max(x1 - x0, 1), 9, colour,
                             f"{label}: {name} {svg.signed(value, 2)} points", rx=1))
        out.append(svg.text(990, y + row_h / 2 + 4, svg.signed(total[i]), "end", 13, HARM if total[i] < 0 else HELP, "600"))
    return svg.figure(bottom + 28, out, "Change in score between the last two periods, per theme")
