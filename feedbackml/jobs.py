"""File-to-folder jobs behind the CLI commands: read, validate, analyse, write.

Each job is one call a script or notebook can make too; the CLI only parses options.
"""

from __future__ import annotations

import logging
from pathlib import Path

from . import models
from .config import Config
from .io import read_table
from .pipeline import FeedbackAnalyzer, Results

log = logging.getLogger(__name__)


def _read(input: str | Path):
    df = read_table(input)
    log.info("read %d rows from %s", len(df) + len(df.attrs.get("bad_rows") or []), input)
    return df


def _score(analyzer: FeedbackAnalyzer, df, config: Config, input) -> Results:
    return analyzer.analyze(df, text=config.text, score=config.score, segment=config.segment,
                            date=config.date, id=config.id, source=str(input),
                            input_sha256=df.attrs.get("sha256"))


def analyze_file(input: str | Path, out: str | Path, config: Config,
                 model: str | Path | None = None, allow_version_mismatch: bool = False) -> Results:
    """``feedbackml analyze``: fit themes on ``input`` (or use ``model``) and write ``out``."""
    df = _read(input)
    if model is not None:
        analyzer = models.load(model, allow_version_mismatch)
    else:
        analyzer = FeedbackAnalyzer.from_config(config).fit(df, text=config.text)
    results = _score(analyzer, df, config, input)
    results.to_folder(out)
    return results


def fit_file(input: str | Path, model: str | Path, config: Config,
             previous: str | Path | None = None) -> FeedbackAnalyzer:
    """``feedbackml fit``: learn from ``input`` and save the model directory ``model``.

    With ``previous`` (a model directory) themes that match the old model's keep their IDs
    and labels, and ``theme_changes.csv`` in ``model`` says what was kept, new, split,
    merged or gone.
    """
    old = models.load(previous) if previous is not None else None
    df = _read(input)
    analyzer = FeedbackAnalyzer.from_config(config).fit(df, text=config.text, previous=old)
    models.save(analyzer, model)
    return analyzer


def apply_file(input: str | Path, model: str | Path, out: str | Path, config: Config,
               allow_version_mismatch: bool = False) -> Results:
    """``feedbackml apply``: score ``input`` with a saved model and write ``out``."""
    analyzer = models.load(model, allow_version_mismatch)
    df = _read(input)
    results = _score(analyzer, df, config, input)
    results.to_folder(out)
    return results


def rebuild_report(folder: str | Path) -> Path:
    """``feedbackml report``: re-render ``folder/report.html`` from the folder's tables."""
    return Results.from_folder(folder).to_html(Path(folder) / "report.html")
