"""Dask engine: the model mapped over partitions on a 2-worker cluster, same results as locally."""

import json
from pathlib import Path

import pandas as pd
import pytest
from dask.distributed import Client, LocalCluster

import feedbackml as fml
from feedbackml.cli import run
from feedbackml.config import Config
from feedbackml.run import jobs
from feedbackml.run.dask_engine import dask_apply, partitions
from feedbackml.run.streaming import input_files, stream_apply

from conftest import make_feedback
from test_streaming import export


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


@pytest.fixture(scope="module")
def analyzer():
    return fml.FeedbackAnalyzer(n_themes=3).fit(make_feedback())


def dataset(folder):
    """One export split into two CSV files and two Parquet files of several row groups."""
    df = export()
    df.loc[110, "comment"] = df.loc[3, "comment"]  # a repeat in a later partition
    folder.mkdir()
    df.iloc[:30].to_csv(folder / "a.csv", index=False)
    df.iloc[30:70].to_parquet(folder / "b.parquet", row_group_size=12)
    df.iloc[70:100].to_csv(folder / "c.csv", index=False)
    df.iloc[100:].to_parquet(folder / "d.parquet", row_group_size=30)
    return df


def same_outputs(local, dask):
    names = {p.name for p in local.iterdir()} - {"comments.csv"}
    assert names == {p.name for p in dask.iterdir()}
    for name in names - {"comments.parquet", "mentions.parquet", "summary.json"}:
        assert (local / name).read_bytes() == (dask / name).read_bytes(), name
    summaries = [json.loads((folder / "summary.json").read_text()) for folder in (local, dask)]
    assert summaries[0].pop("files") == sorted(summaries[1].pop("files") + ["comments.csv"])
    assert summaries[0] == summaries[1]
    assert (dask / "comments.parquet").is_dir() and (dask / "mentions.parquet").is_dir()
    comments = pd.read_parquet(local / "comments.parquet")
    pd.testing.assert_frame_equal(comments, pd.read_parquet(dask / "comments.parquet"))
    pd.testing.assert_frame_equal(pd.read_parquet(local / "mentions.parquet"),
                                  pd.read_parquet(dask / "mentions.parquet"))
    return comments


@pytest.mark.parametrize("pattern", ["*", "*.parquet"])
def test_dask_engine_writes_the_same_tables_and_comments_as_the_local_engine(tmp_path, client, analyzer,
                                                                             pattern):
    """``*``: CSV and Parquet files, read by the driver; ``*.parquet``: partitions read by the workers."""
    dataset(tmp_path / "in")
    source = str(tmp_path / "in" / pattern)
    options = dict(segment="channel", date="submitted_at", outcome="churned", chunk_size=25)
    stream_apply(analyzer, source, tmp_path / "local", **options)
    dask_apply(analyzer, source, tmp_path / "dask", client=client, **options)
    comments = same_outputs(tmp_path / "local", tmp_path / "dask")
    if pattern == "*":
        assert comments.set_index("row").loc[111, "is_duplicate"]  # first seen in a.csv
    else:
        assert comments["is_duplicate"].sum() > 0


def test_parquet_partitions_bundle_row_groups_up_to_the_chunk_size(tmp_path):
    dataset(tmp_path / "in")
    parts = partitions(input_files(str(tmp_path / "in" / "*.parquet")), chunk_size=25)
    assert [(Path(p.path).name, p.row_groups, p.rows) for p in parts] == [
        ("b.parquet", (0, 1), 24), ("b.parquet", (2, 3), 16), ("d.parquet", (0,), 24)]


def test_cli_apply_with_a_dask_scheduler_address(tmp_path, client, analyzer, capsys):
    dataset(tmp_path / "in")
    model = fml.save(analyzer, tmp_path / "model")
    config = Config().replace(engine="dask", scheduler=client.scheduler.address, chunk_size=50)
    res = jobs.stream_apply_file(str(tmp_path / "in" / "*.parquet"), model, tmp_path / "out", config)
    comments = pd.read_parquet(tmp_path / "out" / "comments.parquet")
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv")
    assert len(comments) + len(rejects) == res.summary["rows"]["in"] == 40 + len(export()) - 100
    assert run(["report", str(tmp_path / "out"), "--quiet"]) == 0  # reads the folder of parts
