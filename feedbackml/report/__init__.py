"""Self-contained HTML report: one file, no network, every piece of user text escaped."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import jinja2
import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..pipeline import Results


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("feedbackml.report", "templates"),
        autoescape=True,  # user text never reaches the page unescaped
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["num"] = _num
    env.filters["pct"] = lambda v, digits=0: "–" if _missing(v) else f"{100 * float(v):.{digits}f}%"
    return env


def _missing(value) -> bool:
    return value is None or (isinstance(value, (float, np.floating)) and np.isnan(value))


def _num(value, digits: int = 1) -> str:
    if _missing(value):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    return f"{float(value):,.{digits}f}"


def render_report(results: "Results") -> str:
    """The report of ``results`` as an HTML string."""
    themes = results.themes.assign(quote_list=results.themes["quotes"].fillna("").str.split(" | ", regex=False))
    return _environment().get_template("report.html.j2").render(
        summary=results.summary,
        drivers=results.drivers.to_dict(orient="records"),
        themes=themes.to_dict(orient="records"),
        rejects=results.rejects.head(200).to_dict(orient="records"),
        n_rejects=len(results.rejects),
    )
