"""The HTML report (:func:`render_report`) and the workbook (:mod:`feedbackml.report.xlsx`).

:mod:`.page` builds the page from a :class:`~feedbackml.results.Results`; :mod:`.words` names
the metric and the outcome; :mod:`.svg` draws, :mod:`.driver_charts`, :mod:`.score_charts`
and :mod:`.time_charts` chart; :mod:`.headline`, :mod:`.methods` and :mod:`.explorer` write
the answer, the Methods and the comment explorer's data.
"""

from .page import content_security_policy, render_report

__all__ = ["render_report", "content_security_policy"]
