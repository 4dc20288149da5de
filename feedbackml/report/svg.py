"""SVG building blocks for the report's charts: palette, elements with escaped text, nice axis ticks, number formats."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

HARM = "#c8414b"        # significant and pulls the score down
HELP = "#1f8a70"        # significant and lifts the score
MUTED = "#a3acb9"       # not significant
PASSIVE = "#d5dbe2"
INK = "#243b53"
GRID = "#e6e9ee"
SOFT = "#627d98"
PALETTE = ["#3d5a80", "#e07a5f", "#2a9d8f", "#e9c46a", "#8e6ac8", "#5fa8d3", "#bc4b51", "#6b9080"]


WIDTH = 1000
LABEL_CHARS = 38


def num(x: float) -> str:
    """A coordinate with one decimal, so the same input gives the same bytes."""
    return f"{float(x):.1f}"


def missing(v) -> bool:
    return v is None or (isinstance(v, (float, np.floating)) and math.isnan(v)) or v is pd.NA


def short(text, n: int = LABEL_CHARS) -> str:
    text = "" if missing(text) else str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def figure(height: float, body: Iterable[str], title: str) -> Markup:
    """Wrap ``body`` (already escaped pieces) in a scalable SVG with an accessible title."""
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {num(height)}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="13">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


def text(x, y, text, anchor="start", size=None, fill=INK, weight=None, extra="") -> str:
    attrs = f'x="{num(x)}" y="{num(y)}" fill="{fill}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size:
        attrs += f' font-size="{size}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    return f"<text {attrs}{extra}>{escape(text)}</text>"


def line(x1, y1, x2, y2, stroke=GRID, width=1, dash=None) -> str:
    d = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
            f'stroke="{stroke}" stroke-width="{width}"{d}/>')


def rect(x, y, w, h, fill, tip=None, rx=2) -> str:
    if w <= 0 or h <= 0:
        return ""
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" rx="{rx}" '
            f'fill="{fill}">{title}</rect>')


def circle(x, y, r, fill, tip=None, stroke="#ffffff", width=1.5) -> str:
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (f'<circle cx="{num(x)}" cy="{num(y)}" r="{r}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{width}">{title}</circle>')


def nice_step(span: float, target: int = 5) -> float:
    """A round tick step (1, 2 or 5 × 10^k) giving about ``target`` ticks over ``span``."""
    if not span > 0:
        return 1.0
    raw = span / target
    base = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * base:
            return m * base
    return 10 * base


def ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    step = nice_step(hi - lo, target)
    start = math.ceil(lo / step - 1e-9) * step
    out, v = [], start
    while v <= hi + 1e-9:
        out.append(round(v, 10) + 0.0)
        v += step
    return out


def nice_range(lo: float, hi: float, target: int = 5) -> tuple[float, float, list[float]]:
    """Round bounds that contain ``lo``…``hi`` and the ticks between them."""
    if not hi > lo:
        lo, hi = lo - 1, hi + 1
    step = nice_step(hi - lo, target)
    vmin, vmax = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
    return vmin, vmax, ticks(vmin, vmax, target)


def fmt_tick(v: float) -> str:
    return f"{v:g}" if abs(v) >= 1 or v == 0 else f"{v:.2g}"


def signed(v: float, digits: int = 1) -> str:
    return "–" if missing(v) else f"{v:+.{digits}f}".replace("-", "−")


def tone(significant: bool, value: float) -> str:
    if not significant or missing(value):
        return MUTED
    return HARM if value < 0 else HELP
