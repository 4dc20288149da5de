"""Real-text speed: ``feedbackml analyze`` vs the bare scikit-learn core on airline tweets.

The synthetic generator has ~1,000 distinct words, which flatters every per-word step.
This benchmark builds its comments from real text: each row joins two tweets of
``../shared/data/twitter_us_airline_sentiment`` drawn at random (seeded), so 300k rows
have ~300k distinct comments over the tweets' real vocabulary, with an NPS score drawn at
random. In one run, each in its own process, it measures

* ``core``: TF-IDF of 1–2-grams (``min_df=2``, 20k features, English stop words,
  sublinear tf) + ``MiniBatchKMeans(20)`` on the lower-cased comments, nothing read or
  written — the least any theme engine must do;
* ``analyze``: ``feedbackml analyze`` with default settings (read, clean, sentiment,
  themes and groups, every output file);
* ``fit``: ``feedbackml fit`` on the first ``--fit-rows`` rows (themes, groups, saved model),

and prints the seconds, the ratio analyze / core and the themes and groups found.

Usage::

    python benchmarks/bench_real_text.py                     # 300k rows, fit on 100k
    python benchmarks/bench_real_text.py --rows 50000 --fit-rows 20000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TWEETS = "twitter_us_airline_sentiment/tweets.csv"


def default_data() -> Path:
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def make_file(data: Path, path: Path, n_rows: int, seed: int = 0) -> Path:
    """``n_rows`` comments, each two random tweets joined, with a random 0–10 score."""
    import numpy as np
    import pandas as pd

    if path.exists():
        return path
    tweets = pd.read_csv(data / TWEETS, dtype=str, keep_default_na=False)["text"].to_numpy(object)
    rng = np.random.default_rng(seed)
    first, second = rng.integers(0, len(tweets), n_rows), rng.integers(0, len(tweets), n_rows)
    comments = pd.Series(tweets[first]) + " " + pd.Series(tweets[second])
    pd.DataFrame({"comment": comments, "nps": rng.integers(0, 11, n_rows)}).to_csv(path, index=False)
    return path


def run_core(path: Path, **_) -> dict:
    import numpy as np
    import pandas as pd
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = pd.read_csv(path, dtype=str, keep_default_na=False)["comment"].str.lower().to_numpy()
    start, cpu = time.perf_counter(), time.process_time()
    X = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=20000, stop_words="english",
                        sublinear_tf=True, dtype=np.float32).fit_transform(texts)
    MiniBatchKMeans(n_clusters=20, random_state=0, n_init=3, batch_size=4096).fit(X)
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


def run_analyze(path: Path, out: Path, **_) -> dict:
    from feedbackml.config import Config
    from feedbackml.run.jobs import analyze_file

    start, cpu = time.perf_counter(), time.process_time()
    res = analyze_file(path, out, Config())
    themes = res.summary["themes"]
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "themes": int(themes["n"]),
            "groups": int(themes.get("groups", {}).get("n", 0)) if isinstance(themes.get("groups"), dict) else None}


def run_fit(path: Path, model: Path, **_) -> dict:
    from feedbackml.config import Config
    from feedbackml.run.jobs import fit_file

    start, cpu = time.perf_counter(), time.process_time()
    fit_file(path, model, Config())
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


CONFIGS = {"core": run_core, "analyze": run_analyze, "fit": run_fit}


def in_child(name: str, **options) -> dict:
    """Run one configuration in a fresh Python process; its result as a dict."""
    cmd = [sys.executable, __file__, "--child", name, "--child-options",
           json.dumps({k: str(v) for k, v in options.items()})]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--fit-rows", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated files here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-options", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        options = {k: Path(v) for k, v in json.loads(args.child_options).items()}
        print(json.dumps(CONFIGS[args.child](**options)))
        return 0
    if not (args.data / TWEETS).is_file():
        print(f"bench_real_text: {args.data / TWEETS} not found; pass --data DIR", file=sys.stderr)
        return 2
    work = args.workdir or Path(tempfile.mkdtemp(prefix="fml-real-"))
    work.mkdir(parents=True, exist_ok=True)
    big = make_file(args.data, work / f"tweet_pairs_{args.rows}.csv", args.rows)
    small = make_file(args.data, work / f"tweet_pairs_{args.fit_rows}.csv", args.fit_rows)
    core = in_child("core", path=big)
    analyze = in_child("analyze", path=big, out=work / "out")
    fit = in_child("fit", path=small, model=work / "model")
    print(f"| rows | core (TF-IDF 1-2-grams + MiniBatchKMeans(20)) s | analyze s | analyze / core | "
          f"themes | groups | fit on {args.fit_rows:,} rows s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {args.rows:,} | {core['seconds']:.1f} | {analyze['seconds']:.1f} | "
          f"{analyze['seconds'] / core['seconds']:.2f}x | {analyze['themes']} | {analyze['groups']} | "
          f"{fit['seconds']:.1f} |")
    # On a shared machine wall time depends on the other jobs; CPU seconds (all threads of
    # the process) much less.
    print(f"CPU seconds: core {core['cpu']:.1f}, analyze {analyze['cpu']:.1f} "
          f"({analyze['cpu'] / core['cpu']:.2f}x), fit {fit['cpu']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
