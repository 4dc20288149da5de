"""The explorer's sample: every comment when they fit, else a seeded sample that keeps every
theme, a text budget met by shortening, and JSON that cannot close its script block."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from feedbackml.report.explorer import choose, explorer_sample, fit_budget


def theme_lists(sizes: dict[int, int]) -> pd.Series:
    lists = [[t] for t, n in sizes.items() for _ in range(n)]
    return pd.Series(lists + [[]] * 7, dtype=object)


def test_every_comment_is_kept_when_they_fit():
    lists = theme_lists({0: 30, 1: 5})
    assert choose(lists, max_comments=len(lists)).tolist() == list(range(len(lists)))


def test_a_capped_sample_keeps_every_theme_and_the_no_theme_comments():
    sizes = {0: 5000, 1: 3, 2: 40}
    lists = theme_lists(sizes)
    picked = choose(lists, max_comments=300, floor=20, random_state=0)
    assert len(picked) == 300 and np.all(np.diff(picked) > 0)
    chosen = lists.iloc[picked]
    counts = {t: sum(t in ids for ids in chosen) for t in sizes}
    assert counts[1] == 3 and counts[2] >= 20 and sum(not ids for ids in chosen) == 7


def test_the_sample_depends_on_the_seed_only():
    lists = theme_lists({0: 2000, 1: 500})
    a, b = choose(lists, 100, random_state=3), choose(lists, 100, random_state=3)
    assert a.tolist() == b.tolist() and a.tolist() != choose(lists, 100, random_state=4).tolist()


def test_the_budget_cut_is_the_longest_that_fits():
    lengths = np.array([10, 50, 400, 900, 2000])
    cut = fit_budget(lengths, budget=1000, min_chars=5)
    assert np.minimum(lengths, cut).sum() <= 1000 < np.minimum(lengths, cut + 1).sum()
    assert fit_budget(lengths, budget=int(lengths.sum())) is None


def comments(texts, themes):
    n = len(texts)
    return pd.DataFrame({"row": np.arange(1, n + 1), "clean_text": texts, "themes": themes,
                         "nps": ["9"] * n, "nps_category": ["promoter"] * n,
                         "sentiment": np.linspace(-1, 1, n), "sentiment_label": ["positive"] * n,
                         "channel": ["web", "app"] * (n // 2) + ["web"] * (n % 2)})


SUMMARY = {"input": {"score_column": "nps"}, "segments": {"column": "channel"}, "config": {"random_state": 0}}


def test_long_comments_are_shortened_to_the_budget_and_said_so():
    c = comments(["word " * 400, "short one", "word " * 100], [[0], [1], [0]])
    s = explorer_sample(c, SUMMARY, text_budget=700, min_chars=50)
    data = json.loads(s.payload)
    assert s.n_embedded == 3 and s.n_shortened == 2 and s.max_chars is not None
    assert sum(len(r[1]) for r in data["rows"]) <= 700
    assert data["rows"][0][1].endswith("…") and data["rows"][1][1] == "short one"


def test_markup_in_a_comment_cannot_end_the_json_block():
    c = comments(["</script><script>alert(1)</script> & <!-- x", "fine"], [[0], []])
    s = explorer_sample(c, SUMMARY)
    assert "<" not in s.payload and ">" not in s.payload and "&" not in s.payload
    assert json.loads(s.payload)["rows"][0][1].startswith("</script>")


def test_rows_carry_score_category_sentiment_themes_and_segment():
    c = comments(["a b", "c d"], [[0, 2], []])
    data = json.loads(explorer_sample(c, SUMMARY).payload)
    assert data["meta"]["segments"] == ["app", "web"]
    first = data["rows"][0]
    assert first[:4] == [1, "a b", 9, "r"] and first[5] == "p" and first[6] == [0, 2] and first[7] == 1


def test_no_comments_no_explorer():
    assert explorer_sample(pd.DataFrame(), SUMMARY) is None


def test_a_streamed_read_back_embeds_exactly_what_an_in_memory_run_does(tmp_path):
    n = 300
    rng = np.random.default_rng(1)
    themes = [[int(t)] if t < 4 else [] for t in rng.integers(0, 5, n)]
    c = comments([f"comment {i} " + "x" * int(rng.integers(1, 40)) for i in range(n)], themes)
    parts = tmp_path / "comments.parquet"
    parts.mkdir()
    for k in range(3):  # a folder of parts, as a streamed or Dask run writes it
        c.iloc[k * 100:(k + 1) * 100].to_parquet(parts / f"part-{k:05d}.parquet")
    streamed = explorer_sample(None, SUMMARY, folder=tmp_path, max_comments=40, floor=3)
    in_memory = explorer_sample(c, SUMMARY, max_comments=40, floor=3)
    assert streamed.n_total == in_memory.n_total == n and streamed.n_embedded == 40
    assert streamed.payload == in_memory.payload
