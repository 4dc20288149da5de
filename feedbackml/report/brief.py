"""A short Markdown brief of an analysis: the score, the rows, the themes that cost the most.

Used for the README's figures of the bundled sample (``make readme`` rewrites them from
the analysis ``make demo`` writes, so the README cannot drift from what the tool prints),
and handy to paste an analysis into a chat or a ticket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .headline import scored_unit

if TYPE_CHECKING:
    from ..results import Results


def _num(value, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.{digits}f}".replace("-", "−")


def markdown_brief(results: Results, top: int = 3) -> str:
    """The brief as Markdown lines: headline score with its interval, rows, themes, top drivers."""
    s = results.summary
    score = s.get("score") or {}
    rows = s.get("rows") or {}
    name = score.get("name", "NPS")
    lines = [f"- **{name} {_num(score.get('value'))}** (95% CI {_num(score.get('ci_low'))} to "
             f"{_num(score.get('ci_high'))}) on {score.get('n', 0):,} {scored_unit(s)}",
             f"- {rows.get('in', 0):,} rows in: {rows.get('analysed', 0):,} analysed, "
             f"{rows.get('rejected', 0):,} rejected (see `rejects.csv`), {rows.get('nonanswers', 0):,} non-answers",
             f"- {(s.get('themes') or {}).get('n', 0)} themes; "
             f"{_num(100 * ((s.get('themes') or {}).get('no_theme_share') or 0), 0)}% of comments have none"]
    d = results.drivers
    if len(d) and "nps_impact" in d:
        harm = d[d["significant"].fillna(False).astype(bool) & (d["nps_impact"] < 0)].head(top)
        for _, r in harm.iterrows():
            lines.append(f"- “{r['label']}”: {name} impact {_num(r['nps_impact'])} points, "
                         f"{r['n']:,} comments, detractor lift {_num(r['detractor_lift'], 2)}×")
    return "\n".join(lines)
