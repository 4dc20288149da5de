"""The output contract at the bottom of the package: column lists, versions, fingerprints, warnings.

What every engine writes and every reader relies on, defined once; it imports nothing of
the package, so any module can use it. :class:`feedbackml.results.Results` holds the tables.
"""

from __future__ import annotations

import hashlib
import logging
import platform

import numpy as np
import pandas as pd

from ._version import __version__

log = logging.getLogger("feedbackml")

#: Segments the report shows at most (the largest, with a ``many_segments`` warning); the
#: segments table keeps all.
REPORT_SEGMENTS = 50
#: Columns :meth:`feedbackml.FeedbackAnalyzer.analyze` adds to the input's columns in ``comments``.
COMMENT_COLUMNS = ["row", "clean_text", "is_nonanswer", "is_duplicate", "sentiment",
                   "sentiment_label", "mixed", "theme_id", "theme_label", "theme_score", "themes",
                   "group_id", "group_label", "nps_category"]
#: Columns of ``themes.csv`` / :attr:`Results.themes`.
#: ``mean_sentiment`` and ``negative_share`` are over the theme's comments (comment-level
#: sentiment); ``positive_mentions``, ``negative_mentions`` and ``mention_sentiment`` (mean)
#: are over the theme's mentions (the sentiment of the part that mentions the theme).
THEME_TABLE_COLUMNS = ["theme_id", "label", "keywords", "group_id", "group_label", "n", "share", "nps",
                       "mean_sentiment", "negative_share", "positive_mentions", "negative_mentions",
                       "mention_sentiment", "promoters", "passives", "detractors", "quotes"]
#: Columns of ``groups.csv``: the theme-table columns per theme group, and its themes' IDs.
GROUP_TABLE_COLUMNS = ["group_id", "label", "keywords", "themes", "n", "share", "nps", "mean_sentiment",
                       "negative_share", "promoters", "passives", "detractors", "quotes"]
#: Columns of ``mentions.parquet`` / :attr:`Results.mentions`: one row per (comment, theme).
MENTION_COLUMNS = ["row", "theme_id", "group_id", "text", "sentiment", "sentiment_label"]
#: The tables of an analysis folder besides ``comments.*``; ``Results.extra`` holds the optional ones.
CORE_TABLES = ("themes", "drivers", "rejects")


def package_versions() -> dict[str, str]:
    """Versions that decide whether results and saved models are comparable."""
    import joblib
    import sklearn
    import spacy

    return {"feedbackml": __version__, "python": platform.python_version(),
            "scikit-learn": sklearn.__version__, "spacy": spacy.__version__,
            "pandas": pd.__version__, "numpy": np.__version__, "joblib": joblib.__version__}


def fingerprint(df: pd.DataFrame) -> str:
    """sha256 of a DataFrame's content (values, columns and row order)."""
    h = hashlib.sha256()
    h.update("\x1f".join(map(str, df.columns)).encode())
    h.update(pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()


def rounded(value):
    """A JSON-ready scalar: NaN → None, floats rounded to 4 decimals."""
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else round(float(value), 4)
    return value


def records(table: pd.DataFrame) -> list[dict]:
    """Rows of a table as JSON-ready dicts (NaN → None, floats rounded to 4 decimals)."""
    return [{k: rounded(v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
            for row in table.astype(object).where(table.notna(), None).to_dict(orient="records")]


def add_warning(summary: dict, code: str, message: str) -> None:
    """Record a reason not to trust a number: in ``summary["warnings"]`` and on stderr.

    ``code`` is a short stable identifier (``metric_inferred``, ``high_reject_share`` …)
    that scripts can test; ``message`` is one plain sentence for people. The same code
    is recorded once. Warnings are logged at WARNING level, so the CLI shows them even
    with ``--quiet``.
    """
    warnings = summary.setdefault("warnings", [])
    if any(w.get("code") == code and w.get("message") == message for w in warnings):
        return
    warnings.append({"code": code, "message": message})
    log.warning("%s", message)
