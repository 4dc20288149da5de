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


#: Options that only shape the analysis (not what a model learned): this run's config wins.
ANALYSIS_OPTIONS = ("metric", "period", "ci_method", "n_boot")


def _score(analyzer: FeedbackAnalyzer, df, config: Config, input) -> Results:
    analyzer.set_params(**{name: getattr(config, name) for name in ANALYSIS_OPTIONS})
    return analyzer.analyze(df, text=config.text, score=config.score, segment=config.segment,
                            date=config.date, id=config.id, source=str(input),
                            input_sha256=df.attrs.get("sha256"), outcome=config.outcome)


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


def fit_file(input: str | Path, model: str | Path, config: Config) -> FeedbackAnalyzer:
    """``feedbackml fit``: learn from ``input`` (or a seeded sample of ``config.sample`` rows
    of it, read in chunks) and save the model directory ``model``."""
    df = _read(input) if config.sample is None else _sample(input, config)
    analyzer = FeedbackAnalyzer.from_config(config).fit(df, text=config.text)
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


def stream_apply_file(input: str | Path, model: str | Path, out: str | Path, config: Config,
                      allow_version_mismatch: bool = False) -> Results:
    """``feedbackml apply``: score ``input`` (a file, a glob or ``-``) with a saved model, chunk
    by chunk in flat memory (``config.engine`` local) or on a Dask cluster (``dask``).

    Writes the same files as :func:`apply_file`, with equal content; the returned
    :class:`Results` has every table but ``comments`` (read ``out/comments.parquet``).
    """
    analyzer = models.load(model, allow_version_mismatch)
    analyzer.set_params(**{name: getattr(config, name) for name in ANALYSIS_OPTIONS})
    names = dict(text=config.text, score=config.score, segment=config.segment, date=config.date,
                 id=config.id, outcome=config.outcome)
    if config.engine == "dask":
        from .dask_engine import dask_apply

        return dask_apply(analyzer, input, out, scheduler=config.scheduler, n_workers=config.n_jobs,
                          chunk_size=config.chunk_size, **names)
    from .streaming import stream_apply

    return stream_apply(analyzer, input, out, chunk_size=config.chunk_size, n_jobs=config.n_jobs, **names)


def _sample(input: str | Path, config: Config):
    from .streaming import sample_rows

    df = sample_rows(input, config.sample, config.random_state, config.chunk_size)
    log.info("fitting on a sample of %d rows (seed %d)", len(df), config.random_state)
    return df


def rebuild_report(folder: str | Path) -> Path:
    """``feedbackml report``: re-render ``folder/report.html`` from the folder's tables."""
    return Results.from_folder(folder).to_html(Path(folder) / "report.html")
