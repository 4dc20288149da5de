"""One analysis path: analyze, streaming apply and Dask apply write the same bytes."""

import json
from pathlib import Path

import pytest
from dask.distributed import Client, LocalCluster

import feedbackml as fml
from feedbackml.config import Config
from feedbackml.run import jobs
from feedbackml.run.dask_engine import dask_apply

from conftest import make_feedback
from test_streaming import export, write_messy_csv

TABLES = ["comments.parquet", "mentions.parquet", "themes.csv", "drivers.csv", "aspect_drivers.csv",
          "quotes.csv", "segments.csv", "trends.csv", "decomposition.csv", "rejects.csv", "summary.json"]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model") / "m"
    return fml.save(fml.FeedbackAnalyzer(n_themes=3).fit(make_feedback()), folder)


def _without_files(summary: bytes, *names: str) -> dict:
    doc = json.loads(summary)
    doc["files"] = [f for f in doc["files"] if f not in names]
    return doc


def test_analyze_apply_and_dask_apply_write_byte_identical_tables(tmp_path, model):
    source = tmp_path / "export.csv"
    write_messy_csv(export(), source)  # bad scores, broken rows, a quoted line break, repeats
    config = Config(segment="channel", date="submitted_at", chunk_size=10_000)
    jobs.analyze_file(source, tmp_path / "analyze", config, model=model)
    jobs.stream_apply_file(source, model, tmp_path / "apply", config)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            dask_apply(fml.load(model), source, tmp_path / "dask", client=client, segment="channel",
                       date="submitted_at", chunk_size=10_000)
    (part,) = sorted((tmp_path / "dask" / "comments.parquet").iterdir())  # one chunk → one part
    (mention_part,) = sorted((tmp_path / "dask" / "mentions.parquet").iterdir())
    for name in TABLES:
        analyzed = (tmp_path / "analyze" / name).read_bytes()
        assert analyzed == (tmp_path / "apply" / name).read_bytes(), name
        dask = {"comments.parquet": part, "mentions.parquet": mention_part}.get(name, tmp_path / "dask" / name)
        if name == "summary.json":  # the Dask engine writes no comments.csv, and says so
            analyzed, dask = (_without_files(analyzed, "comments.csv"), _without_files(Path(dask).read_bytes()))
            assert analyzed == dask, name
            continue
        assert analyzed == Path(dask).read_bytes(), name
    assert (tmp_path / "analyze" / "rejects.csv").read_text().count("\n") > 3  # the test has rejects


def test_placeholder_dates_and_small_segments_give_the_same_bytes_in_chunks(tmp_path, model):
    df = export()
    df.loc[7, "submitted_at"], df.loc[90, "submitted_at"] = "9999-12-31", "0001-01-01"
    df.loc[[3, 50, 100], "channel"] = "kiosk"  # a segment of three comments, in three chunks
    source = tmp_path / "export.csv"
    df.to_csv(source, index=False)
    config = Config(segment="channel", date="submitted_at", period="week", chunk_size=25)
    jobs.analyze_file(source, tmp_path / "analyze", config, model=model)
    jobs.stream_apply_file(source, model, tmp_path / "apply", config)
    for name in TABLES[1:]:  # comments.parquet: one row group per chunk
        assert (tmp_path / "analyze" / name).read_bytes() == (tmp_path / "apply" / name).read_bytes(), name
    summary = (tmp_path / "apply" / "summary.json").read_text()
    assert '"dates_ignored"' in summary and '"small_segments"' in summary
