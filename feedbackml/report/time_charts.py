"""Change over time drawn: the score per period, theme shares per period with spike alerts
ringed, and where a change between the last two periods came from."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from markupsafe import Markup

from . import svg as d
from .words import Words


def all_comments(trends: pd.DataFrame) -> pd.Series:
    """Rows of the period table that are for all comments (no theme)."""
    if "theme_id" not in trends:
        return pd.Series(True, index=trends.index)
    tid = trends["theme_id"]
    return tid.isna() | (tid.astype(str).str.strip() == "")


def _xs(n: int, left: float, right: float) -> list[float]:
    return [(left + right) / 2] if n == 1 else [left + i * (right - left) / (n - 1) for i in range(n)]


def _x_labels(periods: list[str], x: list[float], bottom: float, most: int) -> list[str]:
    every = max(1, math.ceil(len(periods) / most))
    keep = [i for i in range(len(periods)) if i % every == 0]
    if keep[-1] != len(periods) - 1:
        keep = keep[:-1] + [len(periods) - 1] if len(keep) > 1 and len(periods) - 1 - keep[-1] < every / 2 else keep + [len(periods) - 1]
    return [d.text(x[i], bottom + 20, d.short(periods[i], 12), "end" if i == len(periods) - 1 and len(periods) > 1 else
                   "start" if i == 0 and len(periods) > 1 else "middle", 11, d.SOFT) for i in keep]


def trend_chart(trends: pd.DataFrame, words: Words, width: int = d.WIDE) -> Markup:
    """The score per period for all comments with its 95% CI as a band; a period flagged
    ``too_few`` is a hollow point."""
    if trends is None or trends.empty or not {"period", "nps"} <= set(trends):
        return Markup("")
    a = trends[all_comments(trends)].copy()
    a = a.assign(period=a["period"].astype(str)).sort_values("period", kind="stable")
    a = a[np.isfinite(d.numbers(a, "nps"))].reset_index(drop=True)
    if a.empty:
        return Markup("")
    wide = width >= d.WIDE
    periods = a["period"].tolist()
    v, lo, hi = d.numbers(a, "nps"), d.numbers(a, "nps_ci_low"), d.numbers(a, "nps_ci_high")
    few = d.flags(a, "too_few")
    vals = np.concatenate([v, lo, hi])
    vals = vals[np.isfinite(vals)]
    left, right, top, bottom = (70.0, width - 40.0, 20.0, 250.0) if wide else (40.0, width - 14.0, 20.0, 200.0)
    vmin, vmax, tks = d.nice_range(float(vals.min()), float(vals.max()), 5)
    y = lambda z: bottom - (z - vmin) / (vmax - vmin) * (bottom - top)  # noqa: E731
    x = _xs(len(periods), left, right)
    out = []
    for tk in tks:
        out += [d.line(left, y(tk), right, y(tk), d.AXIS if tk == 0 else d.GRID),
                d.text(left - 8, y(tk) + 4, d.tick_label(tk), "end", 11, d.SOFT)]
    out += _x_labels(periods, x, bottom, 12 if wide else 4)
    ok = np.isfinite(lo) & np.isfinite(hi)
    if ok.sum() >= 2:
        idx = np.flatnonzero(ok)
        pts = [f"{d.f(x[i])},{d.f(y(hi[i]))}" for i in idx] + [f"{d.f(x[i])},{d.f(y(lo[i]))}" for i in idx[::-1]]
        out.append(f'<polygon points="{" ".join(pts)}" fill="{d.HELP}" fill-opacity="0.13"/>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{d.f(x[i])},{d.f(y(v[i]))}" for i in range(len(v)))
    out.append(f'<path d="{path}" fill="none" stroke="{d.HELP}" stroke-width="2.5"/>')
    ns = d.numbers(a, "n_scored") if "n_scored" in a else d.numbers(a, "n")
    for i, p in enumerate(periods):
        title = f"{p}: {words.metric} {v[i]:.1f}"
        if ok[i]:
            title += f" (95% CI {lo[i]:.1f} to {hi[i]:.1f})"
        if np.isfinite(ns[i]):
            title += f", n = {int(ns[i]):,}"
        if few[i]:
            title += " — too few comments to read"
        out.append(d.circle(x[i], y(v[i]), 4.5, "#ffffff" if few[i] else d.HELP, title,
                            d.HELP if few[i] else "#ffffff", 2 if few[i] else 1.5))
    if few.any():
        out += [d.circle(left + 6, bottom + 40, 4.5, "#ffffff", None, d.HELP, 2),
                d.text(left + 16, bottom + 44, "hollow: too few comments in the period to read", size=11, fill=d.SOFT)]
    return d.svg(width, bottom + (52 if few.any() else 34), out, f"{words.metric} per period with 95% confidence band")


def share_chart(trends: pd.DataFrame, labels: dict, alerts: list | None = None, max_themes: int = 6,
                width: int = d.WIDE) -> Markup:
    """Share of comments per period for the largest themes (and any that spiked), each line
    with its own colour and marker; spike alerts ringed."""
    if trends is None or trends.empty or not {"period", "share", "theme_id"} <= set(trends):
        return Markup("")
    t = trends[~all_comments(trends)].copy()
    t["theme_id"] = pd.to_numeric(t["theme_id"], errors="coerce")
    t = t[t["theme_id"].notna()]
    if t.empty:
        return Markup("")
    t["share"] = pd.to_numeric(t["share"], errors="coerce")
    t["period"] = t["period"].astype(str)
    periods = sorted(t["period"].unique())
    top_ids = (t.groupby("theme_id")["share"].mean().sort_values(ascending=False, kind="stable")
               .head(max_themes).index.tolist())
    alert_ids = {int(float(a["theme_id"])) for a in (alerts or []) if d.int_like(a.get("theme_id"))}
    ids = sorted(set(top_ids) | (alert_ids & set(t["theme_id"].astype(int))))[: len(d.LINES)]
    t = t[t["theme_id"].isin(ids)]
    wide = width >= d.WIDE
    left, right, top, bottom = (60.0, 700.0, 20.0, 260.0) if wide else (40.0, width - 14.0, 20.0, 200.0)
    vmax = float(t["share"].max()) if t["share"].notna().any() else 1.0
    vmin, vtop, tks = d.nice_range(0.0, max(vmax, 0.01) * 1.05, 5)
    y = lambda z: bottom - (z - vmin) / (vtop - vmin) * (bottom - top)  # noqa: E731
    x = dict(zip(periods, _xs(len(periods), left, right)))
    out = []
    for tk in tks:
        out += [d.line(left, y(tk), right, y(tk), d.GRID), d.text(left - 8, y(tk) + 4, f"{100 * tk:.0f}%", "end", 11, d.SOFT)]
    out += _x_labels(periods, list(x.values()), bottom, 12 if wide else 4)
    spikes = {(int(float(a["theme_id"])), str(a.get("period"))) for a in (alerts or []) if d.int_like(a.get("theme_id"))}
    key_y = top + 6 if wide else bottom + 44
    for k, tid in enumerate(ids):
        colour, shape = d.LINES[k % len(d.LINES)], d.MARKERS[k % len(d.MARKERS)]
        s = t[t["theme_id"] == tid].sort_values("period", kind="stable")
        s = s[s["share"].notna()]
        name = labels.get(int(tid), "") or f"theme {int(tid)}"
        if not s.empty:
            path = " ".join(f"{'M' if j == 0 else 'L'}{d.f(x[p])},{d.f(y(v))}" for j, (p, v) in enumerate(zip(s["period"], s["share"])))
            out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for p, v in zip(s["period"], s["share"]):
                out.append(d.marker(shape, x[p], y(v), colour, f"{name} — {p}: {100 * v:.1f}% of comments", 3.5))
                if (int(tid), p) in spikes:
                    out.append(d.circle(x[p], y(v), 9, "none", f"spike: {name} in {p}", d.HARM, 2))
        lx, ly = (730.0, key_y + k * 22) if wide else (14.0, key_y + k * 20)
        out += [d.line(lx - 8, ly - 4, lx + 8, ly - 4, colour, 2), d.marker(shape, lx, ly - 4, colour, None, 3.5),
                d.text(lx + 16, ly, d.short(name, 34 if wide else 44), size=12)]
    n_key = len(ids)
    if spikes:
        lx, ly = (730.0, key_y + n_key * 22 + 4) if wide else (14.0, key_y + n_key * 20)
        out += [d.circle(lx, ly - 4, 6, "none", None, d.HARM, 2), d.text(lx + 16, ly, "spike alert", size=12, fill=d.SOFT)]
        n_key += 1
    height = bottom + 34 if wide else key_y + n_key * 20
    return d.svg(width, max(height, top + n_key * 22 + 10), out, "Share of comments per theme and period")


def decomposition_chart(components: pd.DataFrame, words: Words, width: int = d.WIDE) -> Markup:
    """Where a change in the score between two periods came from, per theme: the part due to
    the theme's own score changing and the part due to its share of comments changing."""
    need = {"label", "score_effect", "volume_effect", "total"}
    if components is None or components.empty or not need <= set(components):
        return Markup("")
    c = components.assign(total=pd.to_numeric(components["total"], errors="coerce"))
    c = c[c["total"].notna()].sort_values(["total"], kind="stable").reset_index(drop=True)
    if c.empty:
        return Markup("")
    score, volume, total = d.numbers(c, "score_effect"), d.numbers(c, "volume_effect"), c["total"].to_numpy(float)
    score, volume = np.nan_to_num(score), np.nan_to_num(volume)
    reach = float(max(np.abs(np.concatenate([score, volume, total])).max(), 0.5))
    step = d.nice_step(2 * reach, 6)
    reach = math.ceil(reach / step) * step
    wide = width >= d.WIDE
    c0, c1, pad = (330.0, 900.0, 40.0) if wide else (8.0, width - 50.0, 24.0)
    xs = lambda z: c0 + pad + (z + reach) / (2 * reach) * (c1 - c0 - 2 * pad)  # noqa: E731
    row_h, top = (34, 40) if wide else (46, 52)
    bottom = top + row_h * len(c)
    dark, light = "#1f4e79", "#7fb3d5"
    key = [(dark, f"{words.metric} change within the theme"), (light, "change in the theme's share")]
    out = []
    for k, (colour, name) in enumerate(key):
        lx, ly = (c0 + 250 * k, 8) if wide else (8, 6 + 16 * k)
        out += [d.rect(lx, ly, 10, 10, colour), d.text(lx + 15, ly + 9, name + (" (upper bar)" if k == 0 else " (lower bar)"),
                                                      size=11.5, fill=d.SOFT)]
    out.append(d.text(width - 8, 17 if wide else 46, "total", "end", 11.5, d.SOFT, "600"))
    for tk in d.ticks(-reach, reach, 6 if wide else 4):
        out += [d.line(xs(tk), top - 6, xs(tk), bottom, d.AXIS if tk == 0 else d.GRID),
                d.text(xs(tk), bottom + 16, d.signed(tk, 0 if step >= 1 else 1) if tk else "0", "middle", 11, d.SOFT)]
    for i, r in c.iterrows():
        y = top + i * row_h
        if i % 2 == 0:
            out.append(d.rect(0, y, width, row_h, d.BAND, rx=0))
        label = d.theme_name(r)
        if wide:
            out.append(d.text(310, y + row_h / 2 + 4, d.short(label), "end", 13, d.INK))
            by = y + 7
        else:
            out.append(d.text(8, y + 14, d.short(label, 44), size=12.5))
            by = y + 20
        for k, (value, colour, name) in enumerate([(score[i], dark, "score change"), (volume[i], light, "share change")]):
            x0, x1 = sorted((xs(0), xs(value)))
            out.append(d.rect(x0, by + k * 11, max(x1 - x0, 1), 9, colour, f"{label}: {name} {d.signed(value, 2)} points", rx=1))
        out.append(d.text(width - 8, by + 14, d.signed(total[i]), "end", 13, d.HARM if total[i] < 0 else d.HELP, "600"))
    return d.svg(width, bottom + 28, out, f"Change in {words.metric} between the last two periods, per theme")
