"""The drivers drawn: impact bars (one measure at a time, with its interval when the driver
table has one), the lift beside them, and impact against volume.

A :class:`Measure` names one impact column of ``drivers.csv`` in the report's own words;
:func:`measures` lists the ones a driver table has, the overlap-free one first. The report
draws; every number comes from the table (intervals included), nothing is computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from markupsafe import Markup

from . import svg as d
from .words import Words


@dataclass(frozen=True)
class Measure:
    """One impact column: ``harm`` is the sign that hurts (−1 for a score, +1 for an event rate)."""

    key: str
    column: str
    ci: tuple[str, str] | None
    harm: int
    name: str
    unit: str
    explain: str


def _ci(drivers: pd.DataFrame, *pairs: tuple[str, str]) -> tuple[str, str] | None:
    return next(((lo, hi) for lo, hi in pairs if lo in drivers and hi in drivers), None)


def _has(drivers: pd.DataFrame, column: str) -> bool:
    return column in drivers and np.isfinite(d.numbers(drivers, column)).any()


def measures(drivers: pd.DataFrame, words: Words) -> list[Measure]:
    """The impact measures ``drivers`` has, the one to show first at the front."""
    if drivers is None or drivers.empty:
        return []
    m = words.metric
    score = []
    if _has(drivers, "shapley_impact"):
        score.append(Measure(
            "shapley", "shapley_impact",
            _ci(drivers, ("shapley_ci_low", "shapley_ci_high"), ("shapley_impact_ci_low", "shapley_impact_ci_high")),
            -1, f"Overlap-free {m} impact", "points",
            f"each theme's share of the gap between the {m} of all comments and the {m} of the comments "
            f"that mention no theme; a comment in two themes is shared between them, so the parts add up"))
    if _has(drivers, "nps_impact"):
        score.append(Measure(
            "leaveout", "nps_impact",
            _ci(drivers, ("nps_impact_ci_low", "nps_impact_ci_high"), ("impact_ci_low", "impact_ci_high")),
            -1, f"Leave-out {m} impact", "points",
            f"the {m} of all comments minus the {m} without the theme's comments; two themes that share "
            f"comments both count them, so these overlap and do not add up"))
    event = []
    if words.outcome and _has(drivers, "event_impact"):
        event.append(Measure(
            "event", "event_impact", _ci(drivers, ("event_impact_ci_low", "event_impact_ci_high")),
            1, f"Impact on % {words.event}", "percentage points",
            f"the % {words.event} of all comments minus the % {words.event} without the theme's comments"))
    return event + score


def _tone(sig: bool, value: float, harm: int) -> tuple[str, bool]:
    if not sig or d.missing(value) or value == 0:
        return d.MUTED, False
    return (d.HARM if value * harm > 0 else d.HELP), True


def _qtext(q) -> str:
    return "" if d.missing(q) else ("q < 0.001" if float(q) < 0.001 else f"q = {float(q):.3f}")


def legend(width: int, y: float = 14) -> list[str]:
    """Key of the driver colours and the outline cue."""
    items = [(d.HARM, True, "significant, hurts"), (d.HELP, True, "significant, helps"),
             (d.MUTED, False, "not significant")]
    out, x = [], 0.0
    step = 150 if width >= d.WIDE else 128
    for colour, solid, name in items:
        out += [d.bar(x + 2, y - 9, 12, 12, colour, solid), d.text(x + 19, y + 1, name, size=11.5, fill=d.SOFT)]
        x += step
    return out


def impact_chart(drivers: pd.DataFrame, measure: Measure, words: Words, width: int = d.WIDE,
                 label_col: str = "label", lift: bool = True) -> Markup:
    """Bars of ``measure`` per row of ``drivers`` (most harmful first) with its interval, and,
    on a desktop, the lift with its 95% CI on a log scale beside them."""
    if drivers is None or drivers.empty or measure.column not in drivers:
        return Markup("")
    t = drivers.assign(_v=d.numbers(drivers, measure.column))
    t = t[np.isfinite(t["_v"])]
    if t.empty:
        return Markup("")
    t = t.assign(_k=t["_v"] * -measure.harm).sort_values("_k", kind="stable").reset_index(drop=True)
    v = t["_v"].to_numpy(float)
    lo, hi = (d.numbers(t, measure.ci[0]), d.numbers(t, measure.ci[1])) if measure.ci else (v, v)
    sig = d.flags(t, "significant")
    wide = width >= d.WIDE
    show_lift = lift and wide and "detractor_lift" in t and np.isfinite(d.numbers(t, "detractor_lift")).any()
    row_h = 38 if wide else 44
    top = 70 if wide else 62
    bottom = top + row_h * len(t)
    if wide:
        a0, a1 = 330.0, (630.0 if show_lift else 960.0)
    else:
        a0, a1 = 8.0, width - 8.0
    vals = np.concatenate([v, lo, hi])
    vals = vals[np.isfinite(vals)]
    reach = max(float(np.abs(vals).max()), 1.0)
    step = d.nice_step(2 * reach, 6 if wide else 4)
    reach = math.ceil(reach / step) * step
    pad = 44.0
    x = lambda z: a0 + pad + (z + reach) / (2 * reach) * (a1 - a0 - 2 * pad)  # noqa: E731
    ci_note = " · line: 95% CI" if measure.ci else ""
    out = legend(width)
    out += [d.text(a0, 40, f"{measure.name} ({measure.unit})", size=13 if wide else 12.5, weight="600"),
            d.text(a0, 56, ("most harmful first" + ci_note), size=11.5, fill=d.SOFT)]
    out += [d.rect(0, top + i * row_h, width, row_h, d.BAND, rx=0) for i in range(0, len(t), 2)]
    for tk in d.ticks(-reach, reach, 6 if wide else 4):
        out.append(d.line(x(tk), top - 4, x(tk), bottom, d.GRID))
        out.append(d.text(x(tk), bottom + 17, d.signed(tk, 0 if step >= 1 else 1) if tk else "0", "middle", 11, d.SOFT))
    out.append(d.line(x(0), top - 4, x(0), bottom, d.AXIS))
    if show_lift:
        out += _lift_panel(t, sig, measure, words, top, row_h)
    for i, r in t.iterrows():
        y = top + i * row_h
        colour, solid = _tone(bool(sig[i]), v[i], measure.harm)
        name = d.theme_name(r) if label_col == "label" else str(r[label_col])
        note = " · ".join(x for x in (d.theme_ref(r) if label_col == "label" else "",
                                      f"n = {int(r['n']):,}" if "n" in t and not d.missing(r["n"]) else "") if x)
        q = _qtext(r.get("q_value"))
        note += (" · " + q if q else "") + (" · significant" if sig[i] else "")
        title = f"{name}: {d.signed(v[i], 2)} {measure.unit}"
        if measure.ci and np.isfinite(lo[i]) and np.isfinite(hi[i]):
            title += f" (95% CI {d.signed(lo[i], 2)} to {d.signed(hi[i], 2)})"
        if wide:
            out.append(d.text(310, y + row_h / 2 - 2, d.short(name, 44), "end", 12.5 if len(name) > 38 else 13, d.INK,
                              "600" if sig[i] else None))
            out.append(d.text(310, y + row_h / 2 + 13, note, "end", 11, d.SOFT))
            cy = y + row_h / 2
        else:
            out.append(d.text(a0, y + 15, d.short(name, 52), size=12.5, weight="600" if sig[i] else None))
            cy = y + 30
        x0, x1 = sorted((x(0), x(v[i])))
        out.append(d.bar(x0, cy - 8, x1 - x0, 16, colour, solid, title))
        if measure.ci and np.isfinite(lo[i]) and np.isfinite(hi[i]):
            out += [d.line(x(lo[i]), cy, x(hi[i]), cy, d.INK, 1.4),
                    d.line(x(lo[i]), cy - 5, x(lo[i]), cy + 5, d.INK, 1.4),
                    d.line(x(hi[i]), cy - 5, x(hi[i]), cy + 5, d.INK, 1.4)]
        right = v[i] >= 0
        ends = [x(v[i])] + ([x(hi[i]) if right else x(lo[i])] if measure.ci and np.isfinite(lo[i]) and np.isfinite(hi[i]) else [])
        edge = max(ends) if right else min(ends)
        out.append(d.text(edge + (5 if right else -5), cy + 4, d.signed(v[i]), "start" if right else "end", 11.5,
                          colour if solid else d.SOFT, "600"))
    title = f"{measure.name} per theme" + (f" and {words.lift_head.lower()}" if show_lift else "")
    return d.svg(width, bottom + 28, out, title)


def _lift_panel(t: pd.DataFrame, sig: np.ndarray, measure: Measure, words: Words, top: float, row_h: float) -> list[str]:
    b0, b1 = 680.0, 975.0
    lift, llo, lhi = (d.numbers(t, c) for c in ("detractor_lift", "lift_ci_low", "lift_ci_high"))
    allv = np.concatenate([lift, llo, lhi])
    allv = allv[np.isfinite(allv) & (allv > 0)]
    lmin = max(min(float(allv.min()) if allv.size else 0.5, 0.8), 0.01)
    lmax = min(max(float(allv.max()) if allv.size else 2.0, 1.25), 100.0)
    a, b = math.log(lmin / 1.15), math.log(lmax * 1.15)
    xl = lambda z: b0 + (math.log(min(max(z, lmin / 1.15), lmax * 1.15)) - a) / (b - a) * (b1 - b0)  # noqa: E731
    bottom = top + row_h * len(t)
    out = [d.text(b0, 40, f"{words.lift_head} (95% CI, log scale)", weight="600"),
           d.text(b0, 56, f"% {words.event} in the theme ÷ outside it", size=11.5, fill=d.SOFT)]
    marks = (0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100) if math.log10(lmax / lmin) > 2 else \
        (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
    for m in marks:
        if lmin / 1.15 <= m <= lmax * 1.15:
            out += [d.line(xl(m), top - 4, xl(m), bottom, d.GRID), d.text(xl(m), bottom + 17, f"{m:g}×", "middle", 11, d.SOFT)]
    out.append(d.line(xl(1), top - 4, xl(1), bottom, d.AXIS))
    for i in range(len(t)):
        cy = top + i * row_h + row_h / 2
        if not (np.isfinite(lift[i]) and lift[i] > 0):
            continue
        colour, solid = _tone(bool(sig[i]), lift[i] - 1, 1)
        name = d.theme_name(t.iloc[i])
        title = f"{name}: lift {lift[i]:.2f}×"
        if np.isfinite(llo[i]) and np.isfinite(lhi[i]) and llo[i] > 0:
            title += f" (95% CI {llo[i]:.2f} to {lhi[i]:.2f})"
            out.append(d.line(xl(llo[i]), cy, xl(lhi[i]), cy, colour, 2.5))
        out.append(d.circle(xl(lift[i]), cy, 5.5, colour if solid else "#ffffff", title,
                            "#ffffff" if solid else colour, 1.5 if solid else 2))
    return out


def impact_volume_chart(drivers: pd.DataFrame, measure: Measure, words: Words, width: int = d.WIDE) -> Markup:
    """Impact (up = helps, down = hurts) against the theme's share of comments: the themes
    that are both common and costly sit bottom right."""
    if drivers is None or drivers.empty or "share" not in drivers or measure.column not in drivers:
        return Markup("")
    t = drivers.assign(_v=d.numbers(drivers, measure.column) * -measure.harm, _s=d.numbers(drivers, "share"))
    t = t[np.isfinite(t["_v"]) & np.isfinite(t["_s"])].reset_index(drop=True)
    if len(t) < 2:
        return Markup("")
    wide = width >= d.WIDE
    left, right, top, bottom = (70.0, width - 30.0, 30.0, 380.0) if wide else (44.0, width - 12.0, 30.0, 300.0)
    smax = float(t["_s"].max()) * 1.1
    sx = lambda s: left + s / smax * (right - left)  # noqa: E731
    vlo, vhi, vt = d.nice_range(min(float(t["_v"].min()), 0.0), max(float(t["_v"].max()), 0.0), 5)
    sy = lambda z: bottom - (z - vlo) / (vhi - vlo) * (bottom - top)  # noqa: E731
    sig = d.flags(t, "significant")
    out = []
    for tk in vt:
        out += [d.line(left, sy(tk), right, sy(tk), d.AXIS if tk == 0 else d.GRID),
                d.text(left - 6, sy(tk) + 4, d.tick_label(tk), "end", 11, d.SOFT)]
    for tk in d.ticks(0, smax, 5 if wide else 3):
        out += [d.line(sx(tk), top, sx(tk), bottom, d.GRID), d.text(sx(tk), bottom + 16, f"{100 * tk:.0f}%", "middle", 11, d.SOFT)]
    out.append(d.text((left + right) / 2, bottom + 34, "share of comments that mention the theme", "middle", 11.5, d.SOFT))
    out.append(d.text(left if wide else 8, 16, f"{measure.name} ({measure.unit}; up helps, down hurts)" if wide
                      else f"{measure.unit} (up helps, down hurts)", size=12, weight="600"))
    out.append(d.text(right - 4, bottom - 8, "common and costly: fix first", "end", 11.5, d.HARM, "600"))
    out.append(d.text(right - 4, top + 14, "common and liked: protect", "end", 11.5, d.HELP, "600"))
    order = np.argsort(-np.abs(t["_v"].to_numpy()), kind="stable")
    n_labels = 12 if wide else 6
    placed: list[tuple[float, float, float]] = []
    for rank, i in enumerate(order):
        r = t.iloc[i]
        cx, cy = sx(r["_s"]), sy(r["_v"])
        colour, solid = _tone(bool(sig[i]), r["_v"], -1)
        name = d.theme_name(r)
        title = f"{name}: {d.signed(r['_v'] * -measure.harm, 2)} {measure.unit}, {100 * r['_s']:.1f}% of comments"
        out.append(d.circle(cx, cy, 7 if wide else 6, colour if solid else "#ffffff", title,
                            "#ffffff" if solid else colour, 1.5 if solid else 2))
        if rank < n_labels:
            label = d.short(r["label"], 26 if wide else 18)
            w = 6.6 * len(label)
            lx, anchor = (cx + 10, "start") if cx + 10 + w < right else (cx - 10, "end")
            ly = cy + 4
            x0 = lx if anchor == "start" else lx - w
            for _ in range(8):
                if not any(abs(ly - py) < 13 and x0 < px1 and x0 + w > px0 for px0, px1, py in placed):
                    break
                ly += 13
            placed.append((x0, x0 + w, ly))
            out.append(d.text(lx, ly, label, anchor, 11.5, d.INK))
    return d.svg(width, bottom + 44, out, f"{measure.name} against share of comments, per theme")
