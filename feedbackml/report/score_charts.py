"""The score drawn: its category mix per theme, per segment, and the thin bars of the cards."""

from __future__ import annotations

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from . import svg as d
from .words import Words


def score_mix_chart(themes: pd.DataFrame, overall: dict | None, words: Words, width: int = d.WIDE) -> Markup:
    """Score mix per theme as diverging bars: the low category left of zero, the high one
    right, the middle centred; worst score first (the theme table's ``nps``), all scored
    comments on top (``overall``: ``summary["score"]``)."""
    if themes is None or themes.empty or not {"promoters", "passives", "detractors"} <= set(themes):
        return Markup("")
    rows = []
    if overall and overall.get("n"):
        rows.append(("All scored comments", overall["promoters"], overall["passives"], overall["detractors"], True,
                     overall.get("value", overall.get("nps"))))
    t = themes.assign(_n=themes[["promoters", "passives", "detractors"]].sum(axis=1), _s=d.numbers(themes, "nps"))
    if not (t["_n"] > 0).any():
        return Markup("")
    t = t.sort_values(["_s", "theme_id"], kind="stable", na_position="last")
    rows += [(d.theme_name(r), r["promoters"], r["passives"], r["detractors"], False, r["_s"]) for _, r in t.iterrows()]
    wide = width >= d.WIDE
    names = [words.labels[c] for c in ("detractor", "passive", "promoter")]
    colours = (d.HARM, d.PASSIVE, d.HELP)
    row_h = 32 if wide else 44
    top = 44 if wide else 62
    c0, c1 = (330.0, 870.0) if wide else (8.0, width - 56.0)
    mid, half = (c0 + c1) / 2, (c1 - c0) / 2
    out = [d.text(width - 8, 17 if wide else 52, words.metric, "end", 11.5, d.SOFT, "600")]
    for k, (colour, name) in enumerate(zip(colours, names)):
        lx, ly = (c0 + 175 * k, 8) if wide else (8, 4 + 15 * k)
        out += [d.rect(lx, ly, 10, 10, colour), d.text(lx + 15, ly + 9, name + (" (left)" if k == 0 else " (right)" if k == 2 else ""),
                                                      size=11.5, fill=d.SOFT)]
    bottom = top + row_h * len(rows)
    for pct in (-100, -50, 0, 50, 100):
        xx = mid + pct / 100 * half
        out += [d.line(xx, top - 6, xx, bottom, d.AXIS if pct == 0 else d.GRID),
                d.text(xx, bottom + 16, f"{abs(pct)}%", "middle", 11, d.SOFT)]
    for i, (label, p, pa, dt, is_all, score) in enumerate(rows):
        y = top + i * row_h
        n = int(p) + int(pa) + int(dt)
        if is_all:
            out.append(d.rect(0, y, width, row_h, "#eef2f6", rx=0))
        if wide:
            out.append(d.text(310, y + row_h / 2 + 4, d.short(label), "end", 13, d.INK, "600" if is_all else None))
            cy = y + row_h / 2
        else:
            out.append(d.text(c0, y + 14, d.short(label, 44), size=12.5, weight="600" if is_all else None))
            cy = y + 30
        if n == 0:
            out.append(d.text(mid, cy + 4, "no scored comments", "middle", 11.5, d.SOFT))
            continue
        sp, spa, sd = p / n, pa / n, dt / n
        for xx, share, fill, name, count in [(mid - (sd + spa / 2) * half, sd, d.HARM, names[0], dt),
                                              (mid - spa / 2 * half, spa, d.PASSIVE, names[1], pa),
                                              (mid + spa / 2 * half, sp, d.HELP, names[2], p)]:
            w = share * half
            out.append(d.rect(xx, cy - 9, w, 18, fill, f"{label}: {int(count):,} {name} ({100 * share:.0f}%)", rx=0))
            if share >= (0.08 if wide else 0.14):
                out.append(d.text(xx + w / 2, cy + 4, f"{100 * share:.0f}%", "middle", 11,
                                  d.INK if fill == d.PASSIVE else "#ffffff"))
        if not d.missing(score) and np.isfinite(float(score)):
            out.append(d.text(width - 8, cy + 4, d.signed(score), "end", 13, d.HARM if score < 0 else d.HELP, "600"))
        if wide:
            out.append(d.text(935, cy + 4, f"n {n:,}", "end", 11, d.SOFT))
    return d.svg(width, bottom + 28, out, f"Score mix and {words.metric} by theme")


def segment_chart(segments: pd.DataFrame, overall: float | None, words: Words, width: int = d.WIDE) -> Markup:
    """The score of each segment with its 95% CI; segments that differ from the rest solid,
    the overall score as a dashed line; a segment flagged ``too_few`` is drawn hollow and said so."""
    if segments is None or segments.empty or not {"segment", "nps"} <= set(segments):
        return Markup("")
    s = segments.reset_index(drop=True)
    v = d.numbers(s, "nps")
    lo, hi = d.numbers(s, "nps_ci_low"), d.numbers(s, "nps_ci_high")
    has_ci = {"nps_ci_low", "nps_ci_high"} <= set(s)
    differs, few = d.flags(s, "differs"), d.flags(s, "too_few")
    vals = np.concatenate([v, lo, hi] + ([np.array([overall], float)] if overall is not None else []))
    vals = vals[np.isfinite(vals)]
    if not vals.size:
        return Markup("")
    vmin, vmax, tks = d.nice_range(max(-100.0, float(vals.min())), min(100.0, float(vals.max())), 6 if width >= d.WIDE else 4)
    wide = width >= d.WIDE
    c0, c1 = (330.0, 900.0) if wide else (12.0, width - 50.0)
    xs = lambda z: c0 + (z - vmin) / (vmax - vmin) * (c1 - c0)  # noqa: E731
    row_h, top = (32, 34) if wide else (42, 34)
    bottom = top + row_h * len(s)
    out = [d.text(c0 if wide else 8, 14, f"{words.metric} with 95% CI", weight="600")]
    for tk in tks:
        out += [d.line(xs(tk), top - 4, xs(tk), bottom, d.GRID), d.text(xs(tk), bottom + 18, d.tick_label(tk), "middle", 11, d.SOFT)]
    if overall is not None and np.isfinite(overall):
        out += [d.line(xs(overall), top - 4, xs(overall), bottom, d.INK, 1.2, "4 3"),
                d.text(xs(overall), top - 8, f"all {overall:.1f}".replace("-", "−"), "middle", 11, d.INK)]
    for i, r in s.iterrows():
        y = top + i * row_h
        if i % 2 == 0:
            out.append(d.rect(0, y, width, row_h, d.BAND, rx=0))
        ref = overall if overall is not None else 0.0
        solid = bool(differs[i]) and np.isfinite(v[i]) and not few[i]
        colour = (d.HARM if v[i] < ref else d.HELP) if solid else d.MUTED
        n = f" (n = {int(r['n']):,})" if "n" in s and not d.missing(r["n"]) else ""
        label = d.short(r["segment"], 28) + n + (" · too few" if few[i] else "")
        if wide:
            out.append(d.text(310, y + row_h / 2 + 4, label, "end", 13, d.INK, "600" if solid else None))
            cy = y + row_h / 2
        else:
            out.append(d.text(8, y + 14, label, size=12.5, weight="600" if solid else None))
            cy = y + 29
        if not np.isfinite(v[i]):
            out.append(d.text(c0, cy + 4, "no scored comments", size=11.5, fill=d.SOFT))
            continue
        title = f"{r['segment']}: {words.metric} {v[i]:.1f}"
        if has_ci and np.isfinite(lo[i]) and np.isfinite(hi[i]):
            title += f" (95% CI {lo[i]:.1f} to {hi[i]:.1f})"
            out.append(d.line(xs(lo[i]), cy, xs(hi[i]), cy, colour, 2.5))
        out.append(d.circle(xs(v[i]), cy, 6, colour if solid else "#ffffff", title,
                            "#ffffff" if solid else colour, 1.5 if solid else 2))
        out.append(d.text(width - 8, cy + 4, f"{v[i]:.1f}".replace("-", "−"), "end", 12.5, colour if solid else d.SOFT, "600"))
    return d.svg(width, bottom + 30, out, f"{words.metric} by segment")


def mix_bar(parts: list[tuple[float, str, str]]) -> Markup:
    """A thin 100% stacked bar of ``(count, colour, name)`` parts for the headline cards."""
    total = float(sum(c for c, _, _ in parts if not d.missing(c)))
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
