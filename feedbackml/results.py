"""What an analysis produced: :class:`Results` (the output contract's names come from :mod:`feedbackml.contract`).

Everything an analysis hands to its readers (the CLI's output folder, the report, a
notebook) is defined here, once, so every engine (in-memory ``analyze``, streaming and
Dask ``apply``) produces the same tables with the same columns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .contract import (  # noqa: F401 (the contract's names, also importable from here)
    COMMENT_COLUMNS,
    CORE_TABLES,
    MENTION_COLUMNS,
    THEME_TABLE_COLUMNS,
    add_warning,
    fingerprint,
    package_versions,
    records,
    rounded,
)
from .errors import DataError
from .io.write import restore_text
from .report import render_report
from .run.outputs import recorded_files, staged_folder, write_folder, write_report


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
        """Write the output-folder contract as a whole (all old or all new) and return the folder.

        ``comments=False`` leaves out ``comments.*`` and ``rejects.csv`` (a streamed run
        writes those chunk by chunk). See :mod:`feedbackml.run.outputs`.
        """
        with staged_folder(path) as folder:
            # a streamed run's comments are already in folder/comments.parquet: the report reads them there
            write_folder(self, folder, csv=csv, comments=comments,
                         html=render_report(self, folder=None if comments else folder))
        written = recorded_files(Path(path))  # swapped in (not when a job stages the folder)
        if folder != Path(path).absolute() and written is not None:
            self.summary["files"] = sorted(written)
        return Path(path)

    @classmethod
    def from_folder(cls, path: str | Path) -> Results:
        """Read back an analysis folder written by :meth:`to_folder`: exactly the files its
        summary.json lists (``files``; a folder of an older version: the known output names)."""
        folder = Path(path)
        summary_path = folder / "summary.json"
        try:
            summary = json.loads(summary_path.read_text("utf-8")) if summary_path.is_file() else None
        except (OSError, ValueError) as exc:
            raise DataError(f"unreadable summary.json ({exc})", file=folder) from None
        if not isinstance(summary, dict):
            raise DataError("not an analysis folder (no summary.json)", file=folder)
        recorded = recorded_files(folder) or set()
        # comments.parquet is a file, or a folder of parts (``apply --engine dask``)
        missing = [f for f in ("comments.parquet", "themes.csv", "drivers.csv", "rejects.csv")
                   if f not in recorded or not (folder / f).exists()]
        if missing:
            raise DataError(f"not a complete analysis folder (missing {', '.join(missing)})", file=folder)

        def read(name):
            try:
                return restore_text(pd.read_csv(folder / name, keep_default_na=False, na_values=[""]))
            except (ValueError, OSError) as exc:  # pandas' parser errors are ValueErrors
                raise DataError(f"cannot read {name}: {' '.join(str(exc).split())[:200]}", file=folder) from None

        extra = {Path(name).stem: read(name) for name in sorted(recorded)
                 if name.endswith(".csv") and (folder / name).is_file()
                 and name not in {"comments.csv", "themes.csv", "drivers.csv", "rejects.csv"}}
        mentions = (pd.read_parquet(folder / "mentions.parquet")
                    if "mentions.parquet" in recorded and (folder / "mentions.parquet").exists()
                    else pd.DataFrame(columns=MENTION_COLUMNS))
        return cls(comments=pd.read_parquet(folder / "comments.parquet"), themes=read("themes.csv"),
                   drivers=read("drivers.csv"), rejects=read("rejects.csv"), summary=summary, extra=extra,
                   mentions=mentions)

    def to_html(self, path: str | Path) -> Path:
        """Write the self-contained HTML report to ``path``."""
        return write_report(path, render_report(self))
