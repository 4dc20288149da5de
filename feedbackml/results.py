"""The output contract: :class:`Results`, the documented columns, versions, fingerprints, warnings.

Everything an analysis hands to its readers (the CLI's output folder, the report, a
notebook) is defined here, once, so every engine (in-memory ``analyze``, streaming and
Dask ``apply``) produces the same tables with the same columns.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._version import __version__
from .errors import DataError
from .report import render_report
from .run.outputs import write_folder, write_report

log = logging.getLogger("feedbackml")

#: Columns :meth:`feedbackml.FeedbackAnalyzer.analyze` adds to the input's columns in ``comments``.
COMMENT_COLUMNS = ["row", "clean_text", "is_nonanswer", "is_duplicate", "sentiment",
                   "sentiment_label", "mixed", "theme_id", "theme_label", "theme_score", "themes",
                   "nps_category"]
#: Columns of ``themes.csv`` / :attr:`Results.themes`.
#: ``mean_sentiment`` and ``negative_share`` are over the theme's comments (comment-level
#: sentiment); ``positive_mentions``, ``negative_mentions`` and ``mention_sentiment`` (mean)
#: are over the theme's mentions (the sentiment of the part that mentions the theme).
THEME_TABLE_COLUMNS = ["theme_id", "label", "keywords", "n", "share", "nps", "mean_sentiment",
                       "negative_share", "positive_mentions", "negative_mentions", "mention_sentiment",
                       "promoters", "passives", "detractors", "quotes"]
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


@dataclass
class Results:
    """What an analysis produced; the CLI writes exactly these tables.

    Attributes
    ----------
    comments : one row per accepted input row (input columns + :data:`COMMENT_COLUMNS`).
    themes : one row per theme (:data:`THEME_TABLE_COLUMNS`).
    drivers : one row per theme, most harmful first (see :mod:`feedbackml.stats.drivers`).
    summary : counts, score with CI, sentiment distribution, config, versions, ``warnings``.
    rejects : ``row, column, value, reason`` for every input row not analysed.
    extra : tables by name (``aspect_drivers``, ``quotes``, ``segments``, ``trends``,
        ``decomposition`` …), written as ``<name>.csv``.
    mentions : one row per (comment, theme) mention (:data:`MENTION_COLUMNS`), written as
        ``mentions.parquet`` (empty when a streamed run wrote it chunk by chunk).
    """

    comments: pd.DataFrame
    themes: pd.DataFrame
    drivers: pd.DataFrame
    summary: dict[str, Any]
    rejects: pd.DataFrame
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    mentions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MENTION_COLUMNS))

    @property
    def aspect_drivers(self) -> pd.DataFrame:
        """Drivers per (theme, polarity of its mention) — ``aspect_drivers.csv``."""
        return self.extra.get("aspect_drivers", pd.DataFrame())

    @property
    def warnings(self) -> list[dict[str, str]]:
        """The reasons not to trust a number (``summary["warnings"]``)."""
        return self.summary.get("warnings", [])

    def to_folder(self, path: str | Path, csv: bool = True, comments: bool = True) -> Path:
        """Write the output-folder contract and return the folder.

        ``comments=False`` leaves out ``comments.*`` and ``rejects.csv`` (a streamed run
        writes those chunk by chunk). See :func:`feedbackml.run.outputs.write_folder`.
        """
        # a streamed run's comments are already in path/comments.parquet: the report reads them there
        return write_folder(self, path, csv=csv, comments=comments,
                            html=render_report(self, folder=None if comments else path))

    @classmethod
    def from_folder(cls, path: str | Path) -> Results:
        """Read back an analysis folder written by :meth:`to_folder`."""
        folder = Path(path)
        # comments.parquet is a file, or a folder of parts (``apply --engine dask``)
        missing = [f for f in ("comments.parquet", "themes.csv", "drivers.csv", "summary.json",
                               "rejects.csv") if not (folder / f).exists()]
        if missing:
            raise DataError(f"not an analysis folder (missing {', '.join(missing)})", file=folder)

        def read(name):
            return pd.read_csv(folder / name, keep_default_na=False, na_values=[""])

        extra = {p.stem: pd.read_csv(p) for p in sorted(folder.glob("*.csv"))
                 if p.name not in {"comments.csv", "themes.csv", "drivers.csv", "rejects.csv"}}
        mentions = (pd.read_parquet(folder / "mentions.parquet") if (folder / "mentions.parquet").exists()
                    else pd.DataFrame(columns=MENTION_COLUMNS))
        return cls(comments=pd.read_parquet(folder / "comments.parquet"), themes=read("themes.csv"),
                   drivers=read("drivers.csv"), rejects=read("rejects.csv"),
                   summary=json.loads((folder / "summary.json").read_text("utf-8")), extra=extra,
                   mentions=mentions)

    def to_html(self, path: str | Path) -> Path:
        """Write the self-contained HTML report to ``path``."""
        return write_report(path, render_report(self))
