"""File-to-folder jobs behind the CLI commands: read, validate, analyse, write.

Each job is one call a script or notebook can make too; the CLI only parses options.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from ..analyzer import FeedbackAnalyzer
from ..config import Config
from ..io import models
from ..io.read import read_table
from ..results import Results
from ..text.nlp import get_nlp
from .outputs import folder_lock, record_files, staged_folder
from .progress import step

log = logging.getLogger(__name__)
XLSX_NAME = "results.xlsx"


def _read(input: str | Path, language: str | None = None):
    """Read the input; with ``language``, load spaCy meanwhile (pyarrow's reader and the
    checks release the GIL, so the second it takes to import is mostly hidden)."""
    with ThreadPoolExecutor(1) as pool:
        nlp = pool.submit(get_nlp, language) if language else None
        df = read_table(input)
        if nlp is not None:
            nlp.result()
    log.info("read %d rows from %s", len(df) + len(df.attrs.get("bad_rows") or []), input)
    return df


#: Options that only shape the analysis (not what a model learned): this run's config wins.
ANALYSIS_OPTIONS = ("metric", "period", "ci_method", "n_boot", "min_segment_n", "min_difference")


def _score(analyzer: FeedbackAnalyzer, df, config: Config, input) -> Results:
    analyzer.set_params(**{name: getattr(config, name) for name in ANALYSIS_OPTIONS})
    return analyzer.analyze(df, text=config.text, score=config.score, segment=config.segment,
                            date=config.date, id=config.id, source=str(input),
                            input_sha256=df.attrs.get("sha256"), outcome=config.outcome)


def analyze_file(input: str | Path, out: str | Path, config: Config,
                 model: str | Path | None = None, allow_version_mismatch: bool = False,
                 xlsx: bool = False, allow_unsafe_pickle: bool = False) -> Results:
    """``feedbackml analyze``: fit themes on ``input`` (or use ``model``) and write ``out``
    as a whole (see :mod:`feedbackml.run.outputs`)."""
    with staged_folder(out, [input]) as folder:
        return _analyze_file(input, folder, config, model, allow_version_mismatch, xlsx, allow_unsafe_pickle)


def _analyze_file(input, out, config, model, allow_version_mismatch, xlsx, allow_unsafe_pickle) -> Results:
    total = 4 + xlsx
    step("reading input", 1, total)
    df = _read(input, config.language)
    if model is not None:
        if config.codeframe is not None:
            log.warning("--codeframe is ignored with --model: the saved model's themes are used "
                        "(refit with `feedbackml fit --codeframe` to change them)")
        step("loading the model", 2, total)
        analyzer = models.load(model, allow_version_mismatch, allow_unsafe_pickle)
    else:
        step("fitting themes", 2, total)
        analyzer = FeedbackAnalyzer.from_config(config).fit(df, text=config.text, score=config.score,
                                                            sentiment_label=config.sentiment_label,
                                                            segment=config.segment)
    return _score_and_write(analyzer, df, config, input, out, xlsx, total)


def _score_and_write(analyzer: FeedbackAnalyzer, df, config: Config, input, out: str | Path,
                     xlsx: bool, total: int) -> Results:
    """The last steps of analyze and apply: score, write the folder (and the workbook)."""
    step("scoring comments", 3, total)
    results = _score(analyzer, df, config, input)
    step("writing outputs and report", 4, total)
    results.to_folder(out)
    if xlsx:
        _write_xlsx(results, out, 5, total)
    return results


def _write_xlsx(results: Results, out: str | Path, index: int, total: int) -> Path:
    from ..report.xlsx import write_xlsx

    step("writing the Excel workbook", index, total)
    return write_xlsx(results, Path(out) / XLSX_NAME)


def fit_file(input: str | Path, model: str | Path, config: Config,
             previous: str | Path | None = None) -> FeedbackAnalyzer:
    """``feedbackml fit``: learn from ``input`` (or a seeded sample of ``config.sample`` rows
    of it, read in chunks) and save the model directory ``model``.

    With ``previous`` (a model directory) themes that match the old model's keep their IDs
    and labels, and ``theme_changes.csv`` in ``model`` says what was kept, new, split,
    merged or gone.
    """
    old = models.load(previous) if previous is not None else None
    step("reading input", 1, 3)
    df = _read(input, config.language) if config.sample is None else _sample(input, config)
    step("fitting themes", 2, 3)
    analyzer = FeedbackAnalyzer.from_config(config).fit(df, text=config.text, score=config.score,
                                                        sentiment_label=config.sentiment_label,
                                                        previous=old, segment=config.segment)
    step("saving the model", 3, 3)
    models.save(analyzer, model)
    return analyzer


def stream_apply_file(input: str | Path, model: str | Path, out: str | Path, config: Config,
                      allow_version_mismatch: bool = False, xlsx: bool = False,
                      allow_unsafe_pickle: bool = False) -> Results:
    """``feedbackml apply``: score ``input`` (a file, a glob or ``-``) with a saved model, chunk
    by chunk in flat memory (``config.engine`` local) or on a Dask cluster (``dask``).

    Writes the same files as :func:`analyze_file` with ``model``, with equal content; the returned
    :class:`Results` has every table but ``comments`` (read ``out/comments.parquet``).
    """
    with staged_folder(out, [input]) as folder:
        return _stream_apply_file(input, model, folder, config, allow_version_mismatch, xlsx,
                                  allow_unsafe_pickle)


def _stream_apply_file(input, model, out, config, allow_version_mismatch, xlsx, allow_unsafe_pickle):
    total = 2 + xlsx
    step("loading the model", 1, total)
    analyzer = models.load(model, allow_version_mismatch, allow_unsafe_pickle)
    analyzer.set_params(**{name: getattr(config, name) for name in ANALYSIS_OPTIONS})
    names = dict(text=config.text, score=config.score, segment=config.segment, date=config.date,
                 id=config.id, outcome=config.outcome)
    step("scoring comments chunk by chunk", 2, total)
    if config.engine == "dask":
        from .dask_engine import dask_apply

        results = dask_apply(analyzer, input, out, scheduler=config.scheduler, n_workers=config.n_jobs,
                             chunk_size=config.chunk_size, **names)
    else:
        from .streaming import stream_apply

        results = stream_apply(analyzer, input, out, chunk_size=config.chunk_size,
                               n_jobs=config.n_jobs, **names)
    if xlsx:  # Excel holds about a million rows: the workbook reads the comments back
        results.comments = pd.read_parquet(Path(out) / "comments.parquet")
        _write_xlsx(results, out, 3, total)
    return results


def _sample(input: str | Path, config: Config):
    from .streaming import sample_rows

    df = sample_rows(input, config.sample, config.random_state, config.chunk_size)
    log.info("fitting on a sample of %d rows (seed %d)", len(df), config.random_state)
    return df


def rebuild_report(folder: str | Path, xlsx: bool = False) -> Path:
    """``feedbackml report``: re-render ``folder/report.html`` (and the workbook) from the folder's tables."""
    total = 2 + xlsx
    with folder_lock(folder):
        step("reading the analysis folder", 1, total)
        results = Results.from_folder(folder)
        step("rendering the report", 2, total)
        path = results.to_html(Path(folder) / "report.html")
        if xlsx:
            _write_xlsx(results, folder, 3, total)
            record_files(Path(folder), added=[XLSX_NAME])
    return path
