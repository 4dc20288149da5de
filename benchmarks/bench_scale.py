"""Scale benchmark: feedbackml analyze / streaming apply vs a naive pipeline and the bare scikit-learn core.

Usage::

    python benchmarks/bench_scale.py                                  # 100k rows (a few minutes)
    python benchmarks/bench_scale.py --sizes 100000,1000000 \\
        --stream-sizes 1000000,10000000 --n-jobs 2 --dask            # the README table

For each size of ``--sizes`` it measures ``feedbackml analyze`` (read, fit themes, score,
every output file) and the bare scikit-learn core alone (TF-IDF of 1–2-grams +
MiniBatchKMeans on comments that were lower-cased beforehand, nothing read or written);
for each size of ``--stream-sizes`` the streaming ``feedbackml apply`` with a model fitted
on 100k rows (optionally also with ``--n-jobs`` worker processes and on a 2-worker Dask
``LocalCluster``). The naive per-row pipeline of ``bench_analyze.py`` (pandas ``.apply``:
spaCy, VADER per document, then TF-IDF + KMeans) is measured on ``--naive-rows`` rows and
extrapolated linearly to larger sizes (said so in the table). ``--repeat N`` runs every
configuration N times and reports the median time (on a shared machine single runs vary
by ±10%). Every configuration runs in
its own Python process, so its peak RSS is its own (``VmHWM`` of the main process;
with worker processes also the peak of all processes together, sampled every 0.2 s
with psutil). Realistic comments come from the sample
generator ``data/make_sample.py``; files are kept in ``--workdir`` and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import make_csv, peak_rss_mb  # noqa: E402

DEFAULT_THEMES = 12  # what the current rule gives from 100k comments up; used if analyze did not run
MODEL_ROWS = 100_000


# -- measured configurations (each in a child process) ---------------------------------
def run_naive(path: Path, k: int, **_) -> dict:
    from bench_analyze import naive_pipeline

    start = time.perf_counter()
    naive_pipeline(path, n_themes=k)
    return {"seconds": time.perf_counter() - start}


def run_core(path: Path, k: int, **_) -> dict:
    """TF-IDF + MiniBatchKMeans alone, with the project's settings, on pre-cleaned text."""
    import numpy as np
    import pandas as pd
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = pd.read_csv(path, dtype=str, keep_default_na=False)["comment"].str.lower().to_numpy()
    start = time.perf_counter()
    X = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=20000, stop_words="english",
                        sublinear_tf=True, dtype=np.float32).fit_transform(texts)
    MiniBatchKMeans(n_clusters=k, random_state=0, n_init=3, batch_size=4096).fit(X)
    return {"seconds": time.perf_counter() - start}


def run_analyze(path: Path, out: Path, **_) -> dict:
    from feedbackml.config import Config
    from feedbackml.run.jobs import analyze_file

    start = time.perf_counter()
    res = analyze_file(path, out, Config())
    return {"seconds": time.perf_counter() - start, "themes": int(res.summary["themes"]["n"])}


def run_fit(path: Path, model: Path, **_) -> dict:
    from feedbackml.config import Config
    from feedbackml.run.jobs import fit_file

    start = time.perf_counter()
    fit_file(path, model, Config())
    return {"seconds": time.perf_counter() - start}


def run_apply(path: Path, out: Path, model: Path, n_jobs: int = 1, engine: str = "local",
              chunk_size: int = 100_000, **_) -> dict:
    from feedbackml.config import Config
    from feedbackml.run.jobs import stream_apply_file

    config = Config().replace(n_jobs=n_jobs, engine=engine, chunk_size=chunk_size)
    start = time.perf_counter()
    res = stream_apply_file(path, model, out, config)
    return {"seconds": time.perf_counter() - start, "rows": res.summary["rows"]["in"]}


CONFIGS = {"naive": run_naive, "core": run_core, "analyze": run_analyze, "fit": run_fit, "apply": run_apply}


class TreeMemory:
    """Peak RSS of this process and all its descendants together, sampled every 0.2 s (psutil)."""

    def __init__(self):
        import threading

        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.2):
            total = 0
            for p in [me] + me.children(recursive=True):
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total / 2**20)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def child(args: argparse.Namespace) -> int:
    options = json.loads(args.child_options)
    options = {k: Path(v) if k in {"path", "out", "model"} else v for k, v in options.items()}
    with TreeMemory() as tree:
        result = CONFIGS[args.child](**options)
    result["peak_rss_mb"] = peak_rss_mb()
    result["tree_peak_rss_mb"] = tree.peak
    print("RESULT " + json.dumps(result), flush=True)
    return 0


def measure(config: str, repeat: int = 1, **options) -> dict:
    """Run one configuration ``repeat`` times, each in a fresh Python process: the median
    seconds (all of them in ``runs``) and the largest peak memory."""
    results = [_measure_once(config, **options) for _ in range(repeat)]
    out = dict(results[0])
    out["runs"] = [r["seconds"] for r in results]
    out["seconds"] = statistics.median(out["runs"])
    for key in ("peak_rss_mb", "tree_peak_rss_mb"):
        out[key] = max(r[key] for r in results)
    return out


def _measure_once(config: str, **options) -> dict:
    cmd = [sys.executable, __file__, "--child", config, "--child-options",
           json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in options.items()})]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1]),
                                                                     os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"{config} failed (exit {proc.returncode})")
    return json.loads(lines[-1][len("RESULT "):])


# -- the table ---------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="rows for analyze and the core (comma-separated)")
    parser.add_argument("--stream-sizes", default="100000", help="rows for the streaming apply")
    parser.add_argument("--naive-rows", type=int, default=100_000, help="rows the naive pipeline runs on")
    parser.add_argument("--n-jobs", type=int, default=1, help="also measure apply with this many workers")
    parser.add_argument("--dask", action="store_true", help="also measure apply on a 2-worker Dask LocalCluster")
    parser.add_argument("--chunk-size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each configuration this many times and report the median time")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "feedbackml-bench")
    parser.add_argument("--child", choices=sorted(CONFIGS), help=argparse.SUPPRESS)
    parser.add_argument("--child-options", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    sizes = [int(s) for s in args.sizes.split(",") if s]
    stream_sizes = [int(s) for s in args.stream_sizes.split(",") if s]
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    cores = os.cpu_count()
    print(f"# machine: {cores} cores (os.cpu_count), {platform.machine()}, Python {platform.python_version()}; "
          f"workdir {work}", flush=True)
    data = {n: make_csv(work / f"comments_{n}.csv", n) for n in sorted(set(sizes + stream_sizes + [args.naive_rows,
                                                                                                   MODEL_ROWS]))}
    rows = []

    def add(n, what, res, naive_rate=None, core_seconds=None, note="", workers=False):
        rate = n / res["seconds"]
        if len(res.get("runs", [])) > 1:
            note = ", ".join(filter(None, [note, "median of " + " / ".join(f"{t:.1f}" for t in res["runs"]) + " s"]))
        rows.append({"rows": n, "what": what, "seconds": res["seconds"], "rate": rate,
                     "vs_naive": rate / naive_rate if naive_rate else None,
                     "x_core": res["seconds"] / core_seconds if core_seconds else None,
                     "rss": res["peak_rss_mb"], "workers_rss": res["tree_peak_rss_mb"] if workers else 0,
                     "note": note})
        r = rows[-1]
        print(f"{n:>11,}  {what:<44} {r['seconds']:9.1f} s {rate:11,.0f}/s"
              + (f"  {r['vs_naive']:6.1f}x naive" if r["vs_naive"] else "")
              + (f"  {r['x_core']:5.2f}x core time" if r["x_core"] else "")
              + f"  peak RSS {r['rss']:,.0f} MB" + (f" (all processes {r['workers_rss']:,.0f} MB)" if workers else "")
              + (f"  [{note}]" if note else ""), flush=True)

    k = DEFAULT_THEMES
    analyzed = {}
    for n in sizes:
        analyzed[n] = measure("analyze", args.repeat, path=data[n], out=work / f"out_analyze_{n}")
        k = analyzed[n].get("themes", k)
    naive = measure("naive", args.repeat, path=data[args.naive_rows], k=k)
    naive_rate = args.naive_rows / naive["seconds"]
    add(args.naive_rows, "naive per-row pipeline (measured)", naive, naive_rate)
    for n in sizes:
        core = measure("core", args.repeat, path=data[n], k=k)
        note = "" if n == args.naive_rows else f"naive extrapolated from {args.naive_rows:,} rows"
        add(n, "scikit-learn core: TF-IDF + MiniBatchKMeans", core, naive_rate, core["seconds"])
        add(n, "feedbackml analyze (read, fit, score, write)", analyzed[n], naive_rate, core["seconds"], note)
    if stream_sizes:
        model = work / "model_100k"
        if not (model / "model.json").exists():
            measure("fit", path=data[MODEL_ROWS], model=model)
        for n in stream_sizes:
            note = "" if n == args.naive_rows else f"naive extrapolated from {args.naive_rows:,} rows"
            common = dict(path=data[n], model=model, chunk_size=args.chunk_size)
            add(n, "feedbackml apply, streaming", measure("apply", args.repeat, out=work / f"out_apply_{n}", **common),
                naive_rate, note=note)
            if args.n_jobs > 1:
                add(n, f"feedbackml apply, streaming, --n-jobs {args.n_jobs}",
                    measure("apply", args.repeat, out=work / f"out_apply_{n}_j", n_jobs=args.n_jobs, **common), naive_rate,
                    note=note, workers=True)
            if args.dask:
                add(n, "feedbackml apply --engine dask (2 local workers)",
                    measure("apply", args.repeat, out=work / f"out_dask_{n}", engine="dask", n_jobs=2, **common),
                    naive_rate, note=note, workers=True)
    print("\n| rows | configuration | seconds | comments/s | × naive speed | × core time | peak RSS (MB) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        rss = f"{r['rss']:,.0f}" + (f" (all processes {r['workers_rss']:,.0f})" if r["workers_rss"] else "")
        what = r["what"] + (f" ({r['note']})" if r["note"] else "")
        vs_naive = "" if r["vs_naive"] is None else f"{r['vs_naive']:.1f}"
        x_core = "" if r["x_core"] is None else f"{r['x_core']:.2f}"
        print(f"| {r['rows']:,} | {what} | {r['seconds']:,.1f} | {r['rate']:,.0f} | {vs_naive} | {x_core} | {rss} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
