"""Where ``feedbackml analyze`` (or ``fit``) spends its time: wall and CPU seconds per stage.

Wraps the functions of each stage (read, clean, theme fit and its steps, sentiment, theme
transform, mentions, quotes, driver statistics, writing) and prints, for each, how often it
ran and its inclusive wall and CPU seconds (CPU of every thread of the process: Arrow and
BLAS threads count). Nested rows (indented) are part of the row above. Built for the
real-text benchmark's files (``bench_real_text.py --workdir DIR`` keeps them)::

    python benchmarks/bench_stages.py DIR/tweet_pairs_100000.csv            # analyze
    python benchmarks/bench_stages.py DIR/tweet_pairs_100000.csv --fit      # fit
"""

from __future__ import annotations

import argparse
import functools
import importlib
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: (row name, module the caller looks the name up in, attribute path)
STAGES = [
    ("read", "feedbackml.run.jobs", "_read"),
    ("fit", "feedbackml.analyzer", "FeedbackAnalyzer.fit"),
    ("clean (fit and analyze)", "feedbackml.text.cleaning", "TextCleaner.transform"),
    ("theme fit", "feedbackml.themes.model", "ThemeModel.fit"),
    ("  split_parts", "feedbackml.themes.model", "split_parts"),
    ("  lemmatize", "feedbackml.themes.model", "lemmatize"),
    ("  name_words", "feedbackml.themes.model", "name_words"),
    ("  vectors.fit", "feedbackml.themes.vectors", "CommentVectors.fit"),
    ("  vectors.count", "feedbackml.themes.vectors", "CommentVectors.count"),
    ("  fit_centres", "feedbackml.themes.model", "ThemeModel._fit_centres"),
    ("    spherical_kmeans", "feedbackml.themes.model", "spherical_kmeans"),
    ("    stability", "feedbackml.themes.model", "stability"),
    ("  score_parts", "feedbackml.themes.model", "score_parts"),
    ("  fit_labels", "feedbackml.themes.model", "ThemeModel._fit_labels"),
    ("  fit_groups", "feedbackml.themes.model", "ThemeModel._fit_groups"),
    ("  _unsort", "feedbackml.themes.model", "_unsort"),
    ("analyze", "feedbackml.analyzer", "FeedbackAnalyzer.analyze"),
    ("  score_comments", "feedbackml.analyzer", "FeedbackAnalyzer.score_comments"),
    ("    sentiment", "feedbackml.sentiment.lexicon_model", "LexiconSentiment.transform"),
    ("    theme transform", "feedbackml.themes.model", "ThemeModel.transform"),
    ("  duplicate_keys", "feedbackml.run.chunks", "duplicate_keys"),
    ("  mentions", "feedbackml.analyzer", "FeedbackAnalyzer.score_mentions"),
    ("    theme_parts", "feedbackml.analyzer", "theme_parts"),
    ("    mention_table", "feedbackml.analyzer", "mention_table"),
    ("  counts (incl. quotes)", "feedbackml.run.chunks", "ChunkAccumulator.add"),
    ("    quote_candidates", "feedbackml.run.counts", "quote_candidates"),
    ("  build_results", "feedbackml.analyzer", "build_results"),
    ("    theme_drivers (themes, groups)", "feedbackml.run.tables", "theme_drivers"),
    ("    aspect_drivers", "feedbackml.run.tables", "aspect_drivers"),
    ("    shapley_impacts (all 3)", "feedbackml.stats.drivers", "shapley_impacts"),
    ("    adjusted_odds_ratios (all 3)", "feedbackml.stats.drivers", "adjusted_odds_ratios"),
    ("    theme_table", "feedbackml.run.tables", "theme_table"),
    ("write (tables, report)", "feedbackml.results", "Results.to_folder"),
    ("  render_report", "feedbackml.report.page", "render_report"),
]


def install(stats: dict) -> list[str]:
    """Wrap every stage's function where its caller looks it up; the names wrapped."""
    done = []
    for name, module, attr in STAGES:
        owner = importlib.import_module(module)
        *path, last = attr.split(".")
        for part in path:
            owner = getattr(owner, part)
        if not hasattr(owner, last):
            continue
        setattr(owner, last, _timed(name, getattr(owner, last), stats))
        done.append(name)
    return done


def _timed(name: str, func, stats: dict):
    @functools.wraps(func)
    def inner(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            row = stats[name]
            row[0] += 1
            row[1] += time.perf_counter() - wall
            row[2] += time.process_time() - cpu
    return inner


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("--fit", action="store_true", help="time `fit` instead of `analyze`")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a temporary one)")
    args = parser.parse_args(argv)
    wall, cpu = time.perf_counter(), time.process_time()
    from feedbackml.config import Config
    from feedbackml.run import jobs

    print(f"import: wall {time.perf_counter() - wall:.2f} s, CPU {time.process_time() - cpu:.2f} s")
    stats: dict = defaultdict(lambda: [0, 0.0, 0.0])
    names = install(stats)
    out = args.out or Path(tempfile.mkdtemp(prefix="fml-stages-")) / "out"
    shutil.rmtree(out, ignore_errors=True)
    wall, cpu = time.perf_counter(), time.process_time()
    (jobs.fit_file if args.fit else jobs.analyze_file)(args.input, out, Config())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print("| stage | calls | wall s | CPU s |\n| --- | ---: | ---: | ---: |")
    for name in names:
        if name in stats:
            n, w, c = stats[name]
            print(f"| {name} | {n} | {w:.2f} | {c:.2f} |")
    print(f"| total | | {wall:.2f} | {cpu:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
