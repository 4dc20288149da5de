"""SVG building blocks for the report's charts: the palette, escaped elements, nice ticks, and the two widths.

Every chart is drawn twice, for a desktop column (``WIDE`` units) and for a phone
(``NARROW`` units); :func:`responsive` wraps both and the stylesheet shows the one that
fits, so no chart is a shrunken picture or scrolls sideways. Coordinates have one decimal,
so the same input gives the same bytes; every piece of text goes through
:func:`markupsafe.escape`.

The palette is safe for colour-blind readers (Okabe–Ito blue and vermillion, never red
against green) and never the only cue: harm and help also differ by position (left or
right of zero) and by the sign printed beside them, a significant theme is a solid shape
and the rest are outlines, and lines carry different markers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

WIDE, NARROW = 1000, 400
HARM = "#b84a00"      # pulls the score down (vermillion, 5.2:1 on white)
HELP = "#0072b2"      # lifts it (blue, 5.2:1 on white)
MUTED = "#6b7785"     # outline of what is not significant
PASSIVE = "#d5dbe2"
INK = "#1f2933"
SOFT = "#52606d"      # 6.5:1 on white
GRID = "#e4e7eb"
AXIS = "#8a93a0"
BAND = "#f5f7fa"
LINES = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#1f2933", "#8a6d3b"]
MARKERS = ["circle", "square", "triangle", "diamond", "circle-open", "square-open", "triangle-open", "cross"]
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def f(x: float) -> str:
    """A coordinate with one decimal."""
    return f"{float(x):.1f}"


def missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, (float, np.floating)) and math.isnan(v))


def short(text, n: int = 38) -> str:
    text = "" if missing(text) else str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def signed(v, digits: int = 1) -> str:
    return "–" if missing(v) else f"{float(v):+.{digits}f}".replace("-", "−")


def svg(width: int, height: float, body: Iterable[str], title: str, desc: str = "") -> Markup:
    """A scalable SVG with an accessible name (``title``) and description."""
    d = f"<desc>{escape(desc)}</desc>" if desc else ""
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {f(height)}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" font-size="13">'
        f"<title>{escape(title)}</title>{d}" + "".join(body) + "</svg>")


def responsive(draw: Callable[..., Markup], *args, **kwargs) -> Markup:
    """``draw(*args, width=…)`` for a desktop and for a phone, shown by the stylesheet."""
    wide, narrow = draw(*args, width=WIDE, **kwargs), draw(*args, width=NARROW, **kwargs)
    if not wide:
        return Markup("")
    return Markup(f'<div class="fig"><div class="wide">{wide}</div><div class="narrow">{narrow}</div></div>')


def text(x, y, value, anchor="start", size=None, fill=INK, weight=None) -> str:
    attrs = f'x="{f(x)}" y="{f(y)}" fill="{fill}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size:
        attrs += f' font-size="{size}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    return f"<text {attrs}>{escape(value)}</text>"


def line(x1, y1, x2, y2, stroke=GRID, width=1, dash=None) -> str:
    d = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<line x1="{f(x1)}" y1="{f(y1)}" x2="{f(x2)}" y2="{f(y2)}" stroke="{stroke}" stroke-width="{width}"{d}/>'


def tip(value) -> str:
    return f"<title>{escape(value)}</title>" if value else ""


def rect(x, y, w, h, fill, title=None, rx=2, stroke=None) -> str:
    if w <= 0 or h <= 0:
        return ""
    s = f' stroke="{stroke}" stroke-width="1.5"' if stroke else ""
    return f'<rect x="{f(x)}" y="{f(y)}" width="{f(w)}" height="{f(h)}" rx="{rx}" fill="{fill}"{s}>{tip(title)}</rect>'


def bar(x, y, w, h, colour, solid: bool, title=None) -> str:
    """A bar: solid when significant, an outline otherwise (the second cue beside colour)."""
    if solid:
        return rect(x, y, max(w, 1.5), h, colour, title)
    return rect(x + 0.75, y + 0.75, max(w - 1.5, 1.5), h - 1.5, "#ffffff", title, stroke=colour)


def circle(x, y, r, fill, title=None, stroke="#ffffff", width=1.5) -> str:
    return (f'<circle cx="{f(x)}" cy="{f(y)}" r="{r}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{width}">{tip(title)}</circle>')


def marker(shape: str, x, y, colour, title=None, r: float = 4.5) -> str:
    """A point in one of :data:`MARKERS`, so lines differ by shape as well as colour."""
    hollow = shape.endswith("-open")
    base = shape.removesuffix("-open")
    fill, stroke = ("#ffffff", colour) if hollow else (colour, "#ffffff")
    if base == "circle":
        return circle(x, y, r, fill, title, stroke, 1.8 if hollow else 1.2)
    if base == "square":
        return rect(x - r, y - r, 2 * r, 2 * r, fill, title, rx=0, stroke=stroke)
    if base == "triangle":
        pts = f"{f(x)},{f(y - r * 1.2)} {f(x + r * 1.1)},{f(y + r * 0.9)} {f(x - r * 1.1)},{f(y + r * 0.9)}"
    elif base == "diamond":
        pts = f"{f(x)},{f(y - r * 1.3)} {f(x + r * 1.1)},{f(y)} {f(x)},{f(y + r * 1.3)} {f(x - r * 1.1)},{f(y)}"
    else:  # cross
        return (f'<path d="M{f(x - r)},{f(y - r)}L{f(x + r)},{f(y + r)}M{f(x - r)},{f(y + r)}L{f(x + r)},{f(y - r)}" '
                f'stroke="{colour}" stroke-width="2.5">{tip(title)}</path>')
    return f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}" stroke-width="1.5">{tip(title)}</polygon>'


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
    v, out = math.ceil(lo / step - 1e-9) * step, []
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


def tick_label(v: float) -> str:
    return f"{v:g}".replace("-", "−") if abs(v) >= 1 or v == 0 else f"{v:.2g}".replace("-", "−")


def numbers(df: pd.DataFrame, column: str | None, default=np.nan) -> np.ndarray:
    """A numeric column as floats (``default`` where the column is absent)."""
    if column is None or column not in df:
        return np.full(len(df), default, dtype=float)
    return pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)


def flags(df: pd.DataFrame, column: str) -> np.ndarray:
    if column not in df:
        return np.zeros(len(df), dtype=bool)
    return df[column].fillna(False).astype(bool).to_numpy()


def int_like(v) -> bool:
    try:
        return not missing(v) and float(v) == int(float(v))
    except (TypeError, ValueError):
        return False


def theme_name(row) -> str:
    """What people read for a theme: its label, no ID (the ID is on the row's note line)."""
    return str(row.get("label"))


def theme_ref(row) -> str:
    """"theme 4": the ID that ties a chart row to themes.csv and drivers.csv ("" when none)."""
    tid = row.get("theme_id")
    return f"theme {int(float(tid))}" if int_like(tid) and int(float(tid)) >= 0 else ""
