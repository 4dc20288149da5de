"""Streaming apply: chunk by chunk, the same outputs as the in-memory analysis of the whole file."""

import io
import os
import random

import pandas as pd
import pytest

import feedbackml as fml
from feedbackml.cli import run
from feedbackml.config import Config
from feedbackml.errors import DataError
from feedbackml.io.read import read_table
from feedbackml.run import jobs
from feedbackml.run.streaming import sample_rows

from conftest import make_feedback

TABLES = ["comments.csv", "themes.csv", "drivers.csv", "rejects.csv", "summary.json", "report.html"]


def export(seed: int = 0) -> pd.DataFrame:
    """A messy export: dates, channels, a churn flag, bad scores, repeats far apart, non-answers."""
    rng = random.Random(seed)
    df = make_feedback(n_per_topic=40, seed=seed)
    df["submitted_at"] = [f"2025-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}" for _ in range(len(df))]
    df["churned"] = [rng.choice(["yes", "no", ""]) for _ in range(len(df))]
    df.loc[5, "nps"], df.loc[60, "nps"], df.loc[61, "nps"] = "11", "ten", "9.5"
    df.loc[70, "submitted_at"] = "not a date"
    df.loc[len(df) - 1, "comment"] = df.loc[0, "comment"]  # a repeat many chunks later
    return df


def write_messy_csv(df: pd.DataFrame, path, broken_at=(3, 50)) -> None:
    """CSV with a quoted line break (so the strict reader is used) and rows with too many fields."""
    text = df.to_csv(index=False, lineterminator="\n").splitlines()
    text[10] = text[10].replace(text[10].split(",")[1], '"late, and\nthe parcel was lost"', 1)
    for i in sorted(broken_at, reverse=True):
        text.insert(i, "x,y,z,1,2,3,4,5,6")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model") / "m"
    return fml.save(fml.FeedbackAnalyzer(n_themes=3).fit(make_feedback()), folder)


def both(input, model, tmp_path, config):
    """Outputs of the in-memory analysis with the model and of the streamed apply of ``input``."""
    mem, streamed = tmp_path / "memory", tmp_path / "streamed"
    jobs.analyze_file(input, mem, config, model=model)
    jobs.stream_apply_file(input, model, streamed, config)
    return mem, streamed


def assert_same_outputs(a, b, tables=TABLES):
    names = {p.name for p in a.iterdir()}
    assert names == {p.name for p in b.iterdir()}
    for name in names - {"comments.parquet"}:  # mentions.parquet too: fixed row groups
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    pd.testing.assert_frame_equal(pd.read_parquet(a / "comments.parquet"), pd.read_parquet(b / "comments.parquet"))


@pytest.mark.parametrize("options", [
    dict(segment="channel", date="submitted_at"),
    dict(segment="channel", date="submitted_at", period="week", metric="nps", outcome="churned",
         ci_method="bootstrap", n_boot=200),
])
def test_streamed_apply_with_tiny_chunks_writes_the_same_files_as_the_in_memory_path(tmp_path, model, options):
    path = tmp_path / "in.csv"
    write_messy_csv(export(), path)
    mem, streamed = both(path, model, tmp_path, Config().replace(chunk_size=7, **options))
    assert_same_outputs(mem, streamed)


def test_clean_csv_read_by_the_fast_parser_gives_the_same_files(tmp_path, model):
    path = tmp_path / "in.csv"
    export().to_csv(path, index=False)
    assert_same_outputs(*both(path, model, tmp_path, Config().replace(chunk_size=10, segment="channel")))


@pytest.mark.parametrize("chunk_size", [3, 33, 10_000])
def test_chunk_size_does_not_change_any_output(tmp_path, model, chunk_size):
    path = tmp_path / "in.csv"
    write_messy_csv(export(1), path)
    config = Config().replace(date="submitted_at")
    jobs.stream_apply_file(path, model, tmp_path / "ref", config.replace(chunk_size=50))
    jobs.stream_apply_file(path, model, tmp_path / "out", config.replace(chunk_size=chunk_size))
    assert_same_outputs(tmp_path / "ref", tmp_path / "out")


def test_rows_in_equal_comments_plus_rejects_with_input_row_numbers(tmp_path, model):
    path = tmp_path / "in.csv"
    write_messy_csv(export(), path, broken_at=(3, 8, 9, 50))
    res = jobs.stream_apply_file(path, model, tmp_path / "o", Config().replace(chunk_size=4))
    comments = pd.read_parquet(tmp_path / "o" / "comments.parquet")
    rejects = pd.read_csv(tmp_path / "o" / "rejects.csv")
    whole = read_table(path)
    assert len(comments) + len(rejects) == len(whole) + len(whole.attrs["bad_rows"]) == res.summary["rows"]["in"]
    assert sorted(set(comments["row"]) | set(rejects["row"])) == sorted(
        set(whole.index) | {r for r, _ in whole.attrs["bad_rows"]})
    broken = rejects.loc[rejects["reason"].str.contains("wrong number of fields"), "row"].tolist()
    assert broken == [r for r, _ in whole.attrs["bad_rows"]] and len(broken) == 4


def test_comment_repeated_in_a_later_chunk_is_a_duplicate(tmp_path, model):
    df = pd.DataFrame({"comment": ["the parcel arrived two weeks late", "friendly staff in the store",
                                   "billing error on my card", "The parcel arrived two weeks late!"],
                       "nps": ["2", "10", "3", "1"]})
    path = tmp_path / "in.csv"
    df.to_csv(path, index=False)
    jobs.stream_apply_file(path, model, tmp_path / "o", Config().replace(chunk_size=1))
    comments = pd.read_parquet(tmp_path / "o" / "comments.parquet")
    assert comments["is_duplicate"].tolist() == [False, False, False, True]


def test_failed_run_keeps_the_previous_outputs_and_leaves_no_temporary_files(tmp_path, model):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    export().to_csv(good, index=False)
    jobs.stream_apply_file(good, model, tmp_path / "o", Config().replace(chunk_size=20))
    before = {p.name: p.read_bytes() for p in (tmp_path / "o").iterdir()}
    # an unclosed quote far into the file: the reader fails after chunks were written
    bad.write_text(good.read_text() + '1,"never closed,5,web\n' + "x,y,5,web\n" * 30)
    with pytest.raises(DataError, match="broken CSV"):
        jobs.stream_apply_file(bad, model, tmp_path / "o", Config().replace(chunk_size=20))
    assert {p.name: p.read_bytes() for p in (tmp_path / "o").iterdir()} == before


def test_date_column_without_dates_fails_at_the_end_without_writing(tmp_path, model):
    df = export().assign(submitted_at="soon")
    df.to_csv(tmp_path / "in.csv", index=False)
    with pytest.raises(DataError, match="no value is a date"):
        jobs.stream_apply_file(tmp_path / "in.csv", model, tmp_path / "o",
                               Config().replace(chunk_size=9, date="submitted_at"))
    assert not (tmp_path / "o").exists() and os.listdir(tmp_path) == ["in.csv"]


def test_glob_of_files_streams_as_one_export_with_continued_row_numbers(tmp_path, model):
    df = export()
    df.to_csv(tmp_path / "all.csv", index=False)
    for folder in ("parts", "mixed"):
        (tmp_path / folder).mkdir()
        df.iloc[:50].to_csv(tmp_path / folder / "a.csv", index=False)
    df.iloc[50:].to_csv(tmp_path / "parts" / "b.csv", index=False)
    df.iloc[50:].to_parquet(tmp_path / "mixed" / "b.parquet")
    config = Config().replace(chunk_size=16, segment="channel")
    whole = jobs.stream_apply_file(tmp_path / "all.csv", model, tmp_path / "one", config)
    parts = jobs.stream_apply_file(str(tmp_path / "parts" / "*.csv"), model, tmp_path / "two", config)
    assert whole.drivers.equals(parts.drivers) and whole.themes.equals(parts.themes)
    a = pd.read_parquet(tmp_path / "one" / "comments.parquet")
    pd.testing.assert_frame_equal(a, pd.read_parquet(tmp_path / "two" / "comments.parquet"))
    rejected = pd.read_csv(tmp_path / "two" / "rejects.csv")["row"].tolist()
    assert sorted(a["row"].tolist() + rejected) == list(range(1, len(df) + 1))
    mixed = jobs.stream_apply_file(str(tmp_path / "mixed" / "*"), model, tmp_path / "three", config)
    assert mixed.summary["rows"] == whole.summary["rows"]


def test_parquet_input_gives_the_same_tables_as_csv(tmp_path, model):
    df = export()
    df.to_csv(tmp_path / "in.csv", index=False)
    df.to_parquet(tmp_path / "in.parquet", row_group_size=25)
    config = Config().replace(chunk_size=30, segment="channel", date="submitted_at")
    a = jobs.stream_apply_file(tmp_path / "in.csv", model, tmp_path / "a", config)
    b = jobs.stream_apply_file(tmp_path / "in.parquet", model, tmp_path / "b", config)
    for name in ("themes.csv", "drivers.csv", "segments.csv", "trends.csv", "rejects.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert a.summary["nps"] == b.summary["nps"]


def test_cli_apply_streams_standard_input(tmp_path, model, monkeypatch, capsys):
    data = export().to_csv(index=False).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert run(["apply", "-", "--model", str(model), "--out", str(tmp_path / "o"), "--chunk-size", "13",
                "--quiet"]) == 0
    comments = pd.read_parquet(tmp_path / "o" / "comments.parquet")
    rejects = pd.read_csv(tmp_path / "o" / "rejects.csv")
    assert len(comments) + len(rejects) == len(export())
    assert [p.name for p in (tmp_path / "o").iterdir() if p.name.startswith(".")] == []


def test_parallel_workers_give_the_same_files(tmp_path, model):
    path = tmp_path / "in.csv"
    write_messy_csv(export(), path)
    config = Config().replace(chunk_size=40, segment="channel")
    jobs.stream_apply_file(path, model, tmp_path / "one", config)
    jobs.stream_apply_file(path, model, tmp_path / "two", config.replace(n_jobs=2))
    assert_same_outputs(tmp_path / "one", tmp_path / "two")


def test_sample_is_seeded_and_does_not_depend_on_the_chunk_size(tmp_path):
    path = tmp_path / "in.csv"
    export().to_csv(path, index=False)
    a = sample_rows(path, 50, random_state=3, chunk_size=7)
    b = sample_rows(path, 50, random_state=3, chunk_size=1000)
    c = sample_rows(path, 50, random_state=4, chunk_size=7)
    assert len(a) == 50 and a.index.is_monotonic_increasing
    pd.testing.assert_frame_equal(a, b)
    assert not a.index.equals(c.index)
    assert len(sample_rows(path, 10_000)) == len(export())


def test_fit_on_a_sample_records_the_sample_size(tmp_path):
    path = tmp_path / "in.csv"
    export().to_csv(path, index=False)
    assert run(["fit", str(path), "--model", str(tmp_path / "m"), "--sample", "90", "--themes", "3",
                "--quiet"]) == 0
    assert fml.load(tmp_path / "m").training_rows_ == 90


@pytest.mark.parametrize("content", ["comment,nps\nlate delivery,11\nrude staff,ten\n", "comment,nps\n"])
def test_export_with_every_row_rejected_or_no_rows_still_writes_every_file(tmp_path, model, content):
    (tmp_path / "in.csv").write_text(content)
    res = jobs.stream_apply_file(tmp_path / "in.csv", model, tmp_path / "o", Config().replace(chunk_size=1))
    assert len(pd.read_parquet(tmp_path / "o" / "comments.parquet")) == 0
    assert len(pd.read_csv(tmp_path / "o" / "rejects.csv")) == res.summary["rows"]["in"] == content.count("\n") - 1
    assert (tmp_path / "o" / "drivers.csv").is_file() and res.summary["nps"]["nps"] is None
