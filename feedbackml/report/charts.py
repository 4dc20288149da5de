"""The report's charts for use outside the page (a notebook, a slide): each returns one SVG
string drawn for a desktop column, in the words of the analysis's metric.

``summary`` (``res.summary``) names the metric and the outcome; without it the charts say
NPS. The page itself draws every chart twice (desktop and phone) from the same functions.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from . import svg
from .driver_charts import impact_chart, impact_volume_chart, measures
from .score_charts import score_mix_chart
from .score_charts import segment_chart as _segment_chart
from .time_charts import decomposition_chart, share_chart
from .time_charts import trend_chart as _trend_chart
from .words import words_for

__all__ = ["driver_chart", "impact_volume", "score_chart", "segment_chart", "trend_chart", "share_chart",
           "decomposition_chart"]


def _measure(drivers: pd.DataFrame, summary: dict | None, which: str | None):
    ms = measures(drivers, words_for(summary or {}))
    if which:
        ms = [m for m in ms if m.key == which]
    return ms[0] if ms else None


def driver_chart(drivers: pd.DataFrame, summary: dict | None = None, measure: str | None = None,
                 width: int = svg.WIDE) -> Markup:
    """Impact per theme (overlap-free first; ``measure="leaveout"`` or ``"event"`` for the
    others) beside the lift with its 95% CI."""
    m = _measure(drivers, summary, measure)
    return impact_chart(drivers, m, words_for(summary or {}), width) if m else Markup("")


def impact_volume(drivers: pd.DataFrame, summary: dict | None = None, measure: str | None = None,
                  width: int = svg.WIDE) -> Markup:
    """Impact against the theme's share of comments."""
    m = _measure(drivers, summary, measure)
    return impact_volume_chart(drivers, m, words_for(summary or {}), width) if m else Markup("")


def score_chart(themes: pd.DataFrame, overall: dict | None = None, summary: dict | None = None,
                width: int = svg.WIDE) -> Markup:
    """Score mix per theme, worst first (``overall``: ``res.summary["score"]``)."""
    return score_mix_chart(themes, overall, words_for(summary or {}), width)


def segment_chart(segments: pd.DataFrame, overall: float | None = None, summary: dict | None = None,
                  width: int = svg.WIDE) -> Markup:
    """Score per segment with its 95% CI against the overall score."""
    return _segment_chart(segments, overall, words_for(summary or {}), width)


def trend_chart(trends: pd.DataFrame, summary: dict | None = None, width: int = svg.WIDE) -> Markup:
    """Score per period with its 95% CI band."""
    return _trend_chart(trends, words_for(summary or {}), width)
