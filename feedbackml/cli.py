"""Command-line interface: a thin layer over :mod:`feedbackml.jobs`.

stdout carries only what a script may parse (the output folder, or JSON with --json);
logs go to stderr. Exit codes: 0 success, 1 data or model error, 2 usage error.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from ._version import __version__
from .config import load_config
from .errors import DataError, FeedbackMLError
from .io.write import json_default
from .run import jobs, progress

log = logging.getLogger("feedbackml")


def _setup_logging(quiet: bool) -> None:
    handler = progress.ProgressAwareHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("feedbackml: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    log.propagate = False


def column_options(func):
    """The column options shared by analyze, fit and apply."""
    options = [
        click.option("--text", metavar="COL", multiple=True,
                     help="Column with the comment text, or a survey question's wording (auto-detected); "
                          "repeat for several open questions, pooled into one set of comments."),
        click.option("--score", metavar="COL",
                     help="Column with the score: NPS 0–10, or see --metric (auto-detected)."),
        click.option("--segment", metavar="COL", help="Column to compare segments by, e.g. channel."),
        click.option("--date", metavar="COL", help="Column with the date of each response."),
        click.option("--id", "id_", metavar="COL", help="Column with a response identifier."),
        click.option("--metric", type=click.Choice(["nps", "csat", "ces"]),
                     help="How the score column is read: nps 0-10, csat 1-5, ces 1-7 "
                          "(default: inferred from the column, with a warning)."),
        click.option("--outcome", metavar="COL=VALUE",
                     help="What the drivers explain instead of detractors: the rows where COL is VALUE "
                          "(e.g. 'Recommended IND=0', churned=yes); a bare COL only for a yes/no column."),
        click.option("--period", type=click.Choice(["week", "month", "quarter"]),
                     help="Step of the trends over --date (default month)."),
        click.option("--ci", "ci_method", type=click.Choice(["analytic", "bootstrap"]),
                     help="Confidence intervals of scores: analytic (default) or bootstrap."),
        click.option("--themes", "n_themes", metavar="K|auto", help="Number of themes, or auto (default)."),
        click.option("--random-state", type=int, help="Seed for every random step (default 0)."),
        click.option("--min-theme-n", type=int, help="Smallest theme that can be called significant (30)."),
        click.option("--min-segment-n", type=int,
                     help="Segments and periods with fewer scored comments are shown as too few (30)."),
        click.option("--min-difference", type=float, metavar="POINTS",
                     help="Smallest score difference a segment must show to be called different (5)."),
        click.option("--config", "config_file", type=click.Path(dir_okay=False),
                     help="TOML file with options (default ./feedbackml.toml if present)."),
        click.option("--quiet", is_flag=True, help="Only warnings and errors on stderr, no progress bar."),
        click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _config(config_file, **flags):
    return load_config(config_file, text=flags.get("text") or None, score=flags.get("score"),
                       segment=flags.get("segment"), date=flags.get("date"), id=flags.get("id_"),
                       n_themes=flags.get("n_themes"), random_state=flags.get("random_state"),
                       min_theme_n=flags.get("min_theme_n"), min_segment_n=flags.get("min_segment_n"),
                       min_difference=flags.get("min_difference"), metric=flags.get("metric"),
                       outcome=flags.get("outcome"), period=flags.get("period"),
                       ci_method=flags.get("ci_method"), sentiment=flags.get("sentiment"),
                       sentiment_label=flags.get("sentiment_label"),
                       codeframe=flags.get("codeframe"), chunk_size=flags.get("chunk_size"),
                       n_jobs=flags.get("n_jobs"), engine=flags.get("engine"),
                       scheduler=flags.get("scheduler"), sample=flags.get("sample"))


codeframe_option = click.option(
    "--codeframe", metavar="FILE", type=click.Path(dir_okay=False),
    help="themes.toml with theme names, seed keywords, merges and excluded words.")


def sentiment_options(func):
    """How fit and analyze learn sentiment: from a label column, or weakly from the scores."""
    func = click.option("--sentiment-label", metavar="COL",
                        help="Train sentiment on this column of negative/neutral/positive labels.")(func)
    return click.option("--sentiment", type=click.Choice(["lexicon", "trained", "weak"]),
                        help="Sentiment scorer: lexicon (default, no training), trained (needs "
                             "--sentiment-label) or weak (learn from the scores: promoters "
                             "positive, detractors negative).")(func)


def _progress(quiet: bool, label: str):
    """A progress bar on stderr for the command's steps (drawn only on a terminal)."""
    return progress.bar(sys.stderr, label=label, enabled=not quiet)


def _echo_json(obj) -> None:
    """Print ``obj`` as strict JSON on stdout (NaN and infinities become null)."""
    click.echo(json.dumps(_finite(obj), default=json_default, allow_nan=False, ensure_ascii=False))


def _finite(obj):
    if isinstance(obj, float) and (obj != obj or obj in (float("inf"), float("-inf"))):
        return None
    if isinstance(obj, dict):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if hasattr(obj, "item") and getattr(obj, "ndim", None) == 0:  # numpy scalars
        return _finite(obj.item())
    return obj


def _finish(out: Path, results, as_json: bool, xlsx: bool = False) -> None:
    rows = results.summary.get("rows") or {}
    if rows.get("in") and not rows.get("analysed"):  # the folder is written: rejects.csv says why
        raise DataError(f"no row could be analysed: all {rows['in']} rows were rejected", file=out / "rejects.csv",
                        hint="check --score / --metric against the column's values (the reasons are in rejects.csv)")
    files = {"report": str(out / "report.html")}
    if xlsx:
        files["xlsx"] = str(out / jobs.XLSX_NAME)
    if as_json:
        _echo_json({"out": str(out), **files, **results.summary})
    else:
        click.echo(str(out))
    for name, path in files.items():
        log.info("%s: %s", name, path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedbackml")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.pass_context
def cli(ctx, debug):
    """Turn an export of customer comments into sentiment, themes and the drivers of detractors."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("input", metavar="INPUT")
@column_options
@sentiment_options
@codeframe_option
@click.option("--model", type=click.Path(file_okay=False), help="Use a saved model instead of fitting.")
@click.option("--out", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Output folder.")
@click.option("--allow-version-mismatch", is_flag=True, help="Load a model saved with other versions.")
@click.option("--allow-unsafe-pickle", is_flag=True,
              help="Load an old model.joblib (format 1) by unpickling it, which runs any code the file "
                   "holds: only for a model you made yourself.")
@click.option("--xlsx", is_flag=True, help="Also write results.xlsx (comments, themes, drivers) for Excel.")
def analyze(input, model, out, allow_version_mismatch, allow_unsafe_pickle, xlsx, config_file, quiet, as_json,
            **flags):
    """Analyse INPUT (csv, tsv, xlsx, parquet, jsonl, or - for CSV on stdin).

    \b
    Examples:
      feedbackml analyze survey.csv --segment channel --date submitted_at --out out/q3
      feedbackml analyze survey.csv --out out/q3 --xlsx --json --quiet > summary.json
    """
    _setup_logging(quiet)
    with _progress(quiet, "analyze"):
        results = jobs.analyze_file(input, out, _config(config_file, **flags), model=model,
                                    allow_version_mismatch=allow_version_mismatch, xlsx=xlsx,
                                    allow_unsafe_pickle=allow_unsafe_pickle)
    _finish(Path(out), results, as_json, xlsx)


@cli.command()
@click.argument("input", metavar="INPUT")
@column_options
@sentiment_options
@codeframe_option
@click.option("--model", required=True, type=click.Path(file_okay=False), help="Model directory to write.")
@click.option("--sample", type=int, metavar="N",
              help="Learn from N rows drawn at random (seeded by --random-state), read in chunks.")
@click.option("--chunk-size", type=int, metavar="N", help="Rows per chunk while sampling (100000).")
@click.option("--previous", metavar="DIR", type=click.Path(file_okay=False),
              help="Earlier model: matching themes keep its IDs and labels (writes theme_changes.csv).")
def fit(input, model, previous, config_file, quiet, as_json, **flags):
    """Learn themes (and sentiment, with labels or --sentiment weak) from INPUT and save a model directory.

    The directory also gets themes.toml, the codeframe the fit ended with: edit it and
    fit again with --codeframe to rename, seed or merge themes.

    \b
    Examples:
      feedbackml fit survey_2025.csv --model models/acme
      feedbackml fit coded.csv --model models/acme --sentiment-label tone
      feedbackml fit survey_2025.csv --model models/acme --sentiment weak
      feedbackml fit survey_2026.csv --model models/acme-2026 --previous models/acme
      feedbackml fit big_export.csv --sample 500000 --model models/acme
    """
    _setup_logging(quiet)
    with _progress(quiet, "fit"):
        analyzer = jobs.fit_file(input, model, _config(config_file, **flags), previous=previous)
    if as_json:
        _echo_json({"model": str(model), "themes": analyzer.themes_.to_dict(orient="records"),
                    "sentiment": analyzer.sentiment_info_})
    else:
        click.echo(str(model))


@cli.command()
@click.argument("input", metavar="INPUT")
@column_options
@click.option("--model", required=True, type=click.Path(file_okay=False), help="Saved model directory.")
@click.option("--out", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Output folder.")
@click.option("--allow-version-mismatch", is_flag=True, help="Load a model saved with other versions.")
@click.option("--allow-unsafe-pickle", is_flag=True,
              help="Load an old model.joblib (format 1) by unpickling it, which runs any code the file "
                   "holds: only for a model you made yourself.")
@click.option("--chunk-size", type=int, metavar="N", help="Rows read and scored at a time (100000).")
@click.option("--n-jobs", type=int, metavar="N",
              help="Processes scoring chunks in parallel (default 1; -1 = one per core); Dask workers.")
@click.option("--engine", type=click.Choice(["local", "dask"]),
              help="local (default): stream on this machine; dask: map the model over a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler to use with --engine dask (default: a local cluster).")
@click.option("--xlsx", is_flag=True, help="Also write results.xlsx (comments, themes, drivers) for Excel.")
def apply(input, model, out, allow_version_mismatch, allow_unsafe_pickle, xlsx, config_file, quiet, as_json,
          **flags):
    """Score a new export INPUT with a saved model (same theme IDs as when it was fitted).

    INPUT is a file, a quoted glob of files with the same columns (read in sorted order,
    row numbers continue across files), or - for CSV on stdin. The input is read and
    scored in chunks, so memory stays flat however large it is.

    \b
    Example:
      feedbackml apply survey_dec.csv --model models/acme --out out/dec
      feedbackml apply 'exports/*.parquet' --model models/acme --engine dask --out out/all
    """
    _setup_logging(quiet)
    with _progress(quiet, "apply"):
        results = jobs.stream_apply_file(input, model, out, _config(config_file, **flags),
                                         allow_version_mismatch=allow_version_mismatch, xlsx=xlsx,
                                    allow_unsafe_pickle=allow_unsafe_pickle)
    _finish(Path(out), results, as_json, xlsx)


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--xlsx", is_flag=True, help="Also write results.xlsx (comments, themes, drivers) for Excel.")
@click.option("--quiet", is_flag=True, help="Only warnings and errors on stderr, no progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the written files as JSON on stdout.")
def report(folder, xlsx, quiet, as_json):
    """Rebuild FOLDER/report.html (and with --xlsx the workbook) from an analysis folder.

    \b
    Example:
      feedbackml report out/q3 --xlsx
    """
    _setup_logging(quiet)
    with _progress(quiet, "report"):
        path = jobs.rebuild_report(folder, xlsx=xlsx)
    if as_json:
        files = {"report": str(path)}
        if xlsx:
            files["xlsx"] = str(Path(folder) / jobs.XLSX_NAME)
        _echo_json(files)
    else:
        click.echo(str(path))


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (errors as one line on stderr, no traceback)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        cli.main(args=argv, prog_name="feedbackml", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # usage errors: bad option, missing argument …
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("feedbackml: aborted", err=True)
        return 1
    except FeedbackMLError as exc:
        if debug:
            raise
        click.echo(f"feedbackml: error: {exc}", err=True)
        if exc.hint:
            click.echo(f"feedbackml: hint: {exc.hint}", err=True)
        return exc.exit_code
    except (OSError, MemoryError) as exc:
        if debug:
            raise
        click.echo(f"feedbackml: error: {exc}", err=True)
        return 1
    except Exception as exc:  # a bug: still one line, traceback only with --debug
        if debug:
            raise
        click.echo(f"feedbackml: internal error: {type(exc).__name__}: {exc} "
                   "(rerun with --debug for the traceback and report it)", err=True)
        return 1
    return 0


def main() -> None:
    sys.exit(run())
