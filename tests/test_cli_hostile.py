"""Hostile inputs against the command line: each case of the hardening issue, one test.

A shared model folder is data and never code; an output folder is all old or all new;
a CSV cannot shift its columns; every output CSV reads back with the rows it was written
with; formula-like text is neutralised; every failure is one clear line.
"""

import csv
import io
import json
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from feedbackml.cli import run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_MODEL = ROOT / "models" / "sample-en"


def cli(capsys, *args):
    code = run([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_clear_line(err: str) -> bool:
    """stderr holds an error line, no traceback and no internal error."""
    return ("feedbackml: error:" in err and "Traceback" not in err and "internal error" not in err
            and "aborted" not in err)


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def read_back_rows(path: Path) -> tuple[int, int]:
    """Rows of a CSV as pandas and as the csv module read it (header not counted)."""
    with open(path, newline="", encoding="utf-8") as fh:
        records = sum(1 for _ in csv.reader(fh)) - 1
    return len(pd.read_csv(path, keep_default_na=False, dtype=str)), records


# ---------------------------------------------------------------------------------
# 1. A shared model folder cannot run code
# ---------------------------------------------------------------------------------
class _WritesAFile:
    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


def _old_format_model(folder: Path, payload: bytes) -> Path:
    """A model folder of the pickle format (format 1) whose sha256 matches ``payload``."""
    import hashlib

    folder.mkdir(parents=True)
    (folder / "model.joblib").write_bytes(payload)
    meta = json.loads((SAMPLE_MODEL / "meta.json").read_text())
    meta = {k: v for k, v in meta.items() if k not in {"sha256", "format"}}
    meta.update(format=1, sha256=hashlib.sha256(payload).hexdigest())
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


def test_a_pickle_model_never_runs_its_code_without_the_explicit_flag(tmp_path, capsys, feedback_csv):
    marker = tmp_path / "pwned"
    model = _old_format_model(tmp_path / "m", pickle.dumps(_WritesAFile(marker)))
    code, _, err = cli(capsys, "apply", feedback_csv, "--model", model, "--out", tmp_path / "o")
    assert code == 1 and one_clear_line(err)
    assert "--allow-unsafe-pickle" in err
    assert not marker.exists()


def test_an_empty_pickle_model_is_one_clear_line_even_with_the_flag(tmp_path, capsys, feedback_csv):
    model = _old_format_model(tmp_path / "m", b"")
    code, _, err = cli(capsys, "apply", feedback_csv, "--model", model, "--out", tmp_path / "o",
                       "--allow-unsafe-pickle")
    assert code == 1 and one_clear_line(err) and "model.joblib" in err


def test_a_model_file_naming_another_type_is_refused_before_anything_is_built(tmp_path, capsys, feedback_csv):
    model = tmp_path / "m"
    shutil.copytree(SAMPLE_MODEL, model)
    tree = json.loads((model / "model.json").read_text())
    tree["root"]["state"]["sentiment_model_"] = {"$object": "os.system", "state": {}}
    (model / "model.json").write_text(json.dumps(tree))
    meta = json.loads((model / "meta.json").read_text())
    import hashlib

    meta["sha256"]["model.json"] = hashlib.sha256((model / "model.json").read_bytes()).hexdigest()
    (model / "meta.json").write_text(json.dumps(meta))
    code, _, err = cli(capsys, "apply", feedback_csv, "--model", model, "--out", tmp_path / "o")
    assert code == 1 and one_clear_line(err) and "os.system" in err


@pytest.mark.parametrize("meta, words", [
    ([1, 2, 3], "JSON object"),
    ({"format": 2, "versions": None}, "versions"),
    ({"format": 2, "versions": {"feedbackml": 1}, "sha256": {}}, "versions"),
    ({"format": "two"}, "format"),
])
def test_a_malformed_meta_json_is_one_clear_model_error(tmp_path, capsys, feedback_csv, meta, words):
    model = tmp_path / "m"
    shutil.copytree(SAMPLE_MODEL, model)
    (model / "meta.json").write_text(json.dumps(meta))
    code, _, err = cli(capsys, "apply", feedback_csv, "--model", model, "--out", tmp_path / "o")
    assert code == 1 and one_clear_line(err) and "meta.json" in err and words in err


# ---------------------------------------------------------------------------------
# 2. CSV reading cannot shift columns
# ---------------------------------------------------------------------------------
def _lines(feedback: pd.DataFrame) -> list[str]:
    return feedback.to_csv(index=False, lineterminator="\n").splitlines()


@pytest.mark.parametrize("position", [1, 5])
@pytest.mark.parametrize("extra", [",", ",surplus", None])
def test_a_ragged_row_is_a_reject_with_its_row_number_even_the_first(tmp_path, capsys, feedback, position, extra):
    lines = _lines(feedback)
    if extra is None:  # a short row
        lines[position] = lines[position].rsplit(",", 1)[0]
    else:
        lines[position] += extra
    path = tmp_path / "in.csv"
    path.write_text("\n".join(lines) + "\n")
    code, _, err = cli(capsys, "analyze", path, "--out", tmp_path / "o", "--themes", 3, "--quiet")
    assert code == 0, err
    comments = pd.read_parquet(tmp_path / "o" / "comments.parquet")
    rejects = pd.read_csv(tmp_path / "o" / "rejects.csv")
    assert rejects["row"].tolist() == [position]
    assert list(comments.columns[:4]) == list(feedback.columns)
    assert comments["id"].tolist() == [v for i, v in enumerate(feedback["id"], start=1) if i != position]
    assert len(comments) + len(rejects) == len(feedback)


@pytest.mark.parametrize("broken", [False, True])
def test_duplicate_column_names_are_one_clear_line_on_every_reader_path(tmp_path, capsys, broken):
    rows = ["id,comment,comment,nps"] + [f"{i},late parcel {i},again {i},{i % 11}" for i in range(40)]
    if broken:  # a ragged row sends the file to the strict reader
        rows.insert(3, "x,y")
    path = tmp_path / "in.csv"
    path.write_text("\n".join(rows) + "\n")
    code, _, err = cli(capsys, "analyze", path, "--out", tmp_path / "o")
    assert code == 1 and one_clear_line(err) and "'comment'" in err and "in.csv" in err
    assert "more than once" in err


# ---------------------------------------------------------------------------------
# 3-5. Output folders: all old or all new, nothing stale, never over the input
# ---------------------------------------------------------------------------------
def test_a_full_disk_leaves_the_previous_analysis_untouched_and_names_the_file(
        tmp_path, capsys, feedback_csv, monkeypatch):
    out = tmp_path / "o"
    assert cli(capsys, "analyze", feedback_csv, "--out", out, "--themes", 3, "--quiet")[0] == 0
    before = folder_state(out)
    real = pd.DataFrame.to_csv

    def full_disk(self, path=None, *args, **kwargs):
        if "drivers.csv" in str(path):
            raise OSError(28, "No space left on device")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    code, _, err = cli(capsys, "analyze", feedback_csv, "--out", out, "--themes", 4, "--quiet")
    assert code == 1 and "No space left on device" in err and "drivers.csv" in err
    assert folder_state(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feedback.csv", "o"]


def test_a_failing_workbook_leaves_the_previous_analysis_untouched(tmp_path, capsys, feedback_csv, monkeypatch):
    out = tmp_path / "o"
    assert cli(capsys, "analyze", feedback_csv, "--out", out, "--themes", 3, "--quiet")[0] == 0
    before = folder_state(out)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    from feedbackml.report import xlsx

    monkeypatch.setattr(xlsx, "_reproducible", broken)  # after openpyxl has closed its sheets
    code, _, err = cli(capsys, "analyze", feedback_csv, "--out", out, "--xlsx", "--themes", 4, "--quiet")
    assert code == 1 and "Traceback" not in err
    assert folder_state(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feedback.csv", "o"]


_SIGNAL_MID_WRITE = textwrap.dedent("""
    import os, signal, sys
    import pandas as pd
    from feedbackml.cli import run

    real = pd.DataFrame.to_csv
    def to_csv(self, path=None, *args, **kwargs):
        if "drivers.csv" in str(path):
            real(self, path, *args, **kwargs)
            os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        return real(self, path, *args, **kwargs)
    pd.DataFrame.to_csv = to_csv
    sys.exit(run(sys.argv[2:]))
""")


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_a_signal_mid_write_leaves_the_previous_analysis_and_no_temporary_files(tmp_path, capsys, feedback_csv,
                                                                                signame):
    out = tmp_path / "o"
    assert cli(capsys, "analyze", feedback_csv, "--out", out, "--themes", 3, "--quiet")[0] == 0
    before = folder_state(out)
    done = subprocess.run([sys.executable, "-c", _SIGNAL_MID_WRITE, signame, "analyze", str(feedback_csv),
                           "--out", str(out), "--themes", "4", "--quiet"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert folder_state(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feedback.csv", "o"]


def test_a_stale_temporary_folder_of_a_killed_run_is_removed_by_the_next(tmp_path, capsys, feedback_csv):
    out = tmp_path / "o"
    stale = tmp_path / ".o.feedbackml-tmp-99999-dead"
    stale.mkdir()
    (stale / "comments.csv").write_text("half written")
    assert cli(capsys, "analyze", feedback_csv, "--out", out, "--themes", 3, "--quiet")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feedback.csv", "o"]


def test_files_of_an_earlier_run_are_not_kept_and_report_reads_only_recorded_files(
        tmp_path, capsys, feedback, feedback_csv):
    out = tmp_path / "o"
    dated = feedback.assign(submitted_at=pd.date_range("2025-01-01", periods=len(feedback), freq="D")
                            .strftime("%Y-%m-%d"))
    first = tmp_path / "a.csv"
    dated.to_csv(first, index=False)
    assert cli(capsys, "analyze", first, "--segment", "channel", "--date", "submitted_at", "--xlsx",
               "--out", out, "--themes", 3, "--quiet")[0] == 0
    assert (out / "segments.csv").exists() and (out / "results.xlsx").exists()
    (out / "notes.csv").write_text('my own notes,"unclosed\n1,2,3\n')  # an analyst's file
    assert cli(capsys, "analyze", feedback_csv, "--out", out, "--themes", 3, "--quiet")[0] == 0
    for stale in ("segments.csv", "trends.csv", "decomposition.csv", "results.xlsx"):
        assert not (out / stale).exists(), stale
    assert (out / "notes.csv").read_text().startswith("my own notes")  # not the analysis's to delete
    summary = json.loads((out / "summary.json").read_text())
    assert "segments.csv" not in summary["files"] and "comments.parquet" in summary["files"]
    code, _, err = cli(capsys, "report", out)
    assert code == 0, err
    assert 'id="segments"' not in (out / "report.html").read_text()


def test_an_out_folder_holding_the_input_is_refused(tmp_path, capsys, feedback_csv):
    out = tmp_path / "o"
    assert cli(capsys, "analyze", feedback_csv, "--out", out, "--themes", 3, "--quiet")[0] == 0
    before = folder_state(out)
    code, _, err = cli(capsys, "analyze", out / "comments.csv", "--out", out)
    assert code == 2 and "--out" in err and "Traceback" not in err
    assert folder_state(out) == before


def test_an_out_folder_that_is_not_an_analysis_is_not_replaced(tmp_path, capsys, feedback_csv):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    code, _, err = cli(capsys, "analyze", feedback_csv, "--out", out, "--quiet")
    assert code == 2 and "not an analysis folder" in err
    assert (out / "thesis.docx").read_text() == "years of work"


def test_a_second_run_on_a_locked_folder_exits_with_a_clear_message(tmp_path, capsys, feedback_csv):
    from feedbackml.run.outputs import folder_lock

    out = tmp_path / "o"
    with folder_lock(out):
        code, _, err = cli(capsys, "analyze", feedback_csv, "--out", out, "--quiet")
    assert code == 1 and one_clear_line(err) and "another feedbackml run" in err
    assert not out.exists()


# ---------------------------------------------------------------------------------
# 6-7. CSV outputs read back; formula-like text is neutralised
# ---------------------------------------------------------------------------------
def test_every_output_csv_reads_back_with_its_rows_despite_carriage_returns(tmp_path, capsys, feedback):
    feedback.loc[:8, "nps"] = [f"bad\r{i}" for i in range(9)]  # 9 rejects holding a bare CR
    feedback.loc[10:14, "comment"] = feedback.loc[10:14, "comment"] + "\rsecond line"
    feedback.loc[15:19, "channel"] = "web\rshop"
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False, quoting=csv.QUOTE_ALL)
    out = tmp_path / "o"
    code, _, err = cli(capsys, "analyze", path, "--segment", "channel", "--out", out, "--themes", 3, "--quiet")
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["rows"]["in"] == len(feedback) and summary["rows"]["rejected"] >= 9
    assert read_back_rows(out / "rejects.csv") == (summary["rows"]["rejected"],) * 2
    assert read_back_rows(out / "comments.csv") == (summary["rows"]["analysed"],) * 2
    for name in summary["files"]:
        if name.endswith(".csv"):
            pandas_rows, csv_rows = read_back_rows(out / name)
            assert pandas_rows == csv_rows, name
    themes = pd.read_csv(out / "themes.csv")
    assert read_back_rows(out / "themes.csv")[0] == len(themes) == summary["themes"]["n"]


RISKY = ["=HYPERLINK(\"http://x\",\"y\") late parcel", "+cmd late parcel", "-2+3 late parcel", "@SUM(1) late parcel",
         "\tlate parcel tab"]


def test_formula_like_text_is_neutralised_in_every_csv_and_the_workbook(tmp_path, capsys, feedback):
    import openpyxl

    feedback = feedback.rename(columns={"id": '=HYPERLINK("http://evil","id")'})
    for i, text in enumerate(RISKY * 8):
        feedback.loc[i, "comment"] = f"{text} the courier lost my parcel again {i}"
    feedback.loc[:40, "channel"] = "=1+1"
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    out = tmp_path / "o"
    code, _, err = cli(capsys, "analyze", path, "--segment", "channel", "--xlsx", "--out", out, "--themes", 3,
                       "--quiet")
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text())
    for name in summary["files"]:
        if name.endswith(".csv"):
            with open(out / name, newline="", encoding="utf-8") as fh:
                cells = [c for record in csv.reader(fh) for c in record]
            risky = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")
                     or (c[:1] == "-" and not _is_number(c))]
            assert risky == [], (name, risky[:3])
    book = openpyxl.load_workbook(out / "results.xlsx")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    # the exact text is kept for machines in comments.parquet
    comments = pd.read_parquet(out / "comments.parquet")
    assert comments["comment"].str.startswith("=HYPERLINK").any()


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_control_characters_are_dropped_from_the_workbook(tmp_path, capsys, feedback):
    import openpyxl

    feedback.loc[:5, "comment"] = "late\x01 parcel\x0b pasted from excel"
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    out = tmp_path / "o"
    code, _, err = cli(capsys, "analyze", path, "--xlsx", "--out", out, "--themes", 3, "--quiet")
    assert code == 0, err
    values = [c.value for row in openpyxl.load_workbook(out / "results.xlsx")["comments"].iter_rows()
              for c in row if isinstance(c.value, str)]
    assert "late parcel pasted from excel" in values


# ---------------------------------------------------------------------------------
# 8-9. Every failure is one clear line
# ---------------------------------------------------------------------------------
def test_a_parquet_file_with_a_nested_column_is_one_clear_line(tmp_path, capsys, feedback):
    path = tmp_path / "in.parquet"
    feedback.assign(tags=[["a", "b"]] * len(feedback), meta=[{"k": 1}] * len(feedback)).to_parquet(path)
    out = tmp_path / "o"
    code, _, err = cli(capsys, "analyze", path, "--out", out, "--themes", 3, "--quiet")
    assert code == 1 and one_clear_line(err) and "'tags'" in err
    assert not out.exists()


def test_a_broken_jsonl_line_is_named_by_its_line(tmp_path, capsys, feedback):
    lines = feedback.to_json(orient="records", lines=True).splitlines()
    lines[6] = lines[6][:-3]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, _, err = cli(capsys, "analyze", path, "--out", tmp_path / "o")
    assert code == 1 and one_clear_line(err) and "line 7" in err


def test_a_lone_surrogate_in_jsonl_costs_only_its_row(tmp_path, capsys, feedback):
    lines = feedback.to_json(orient="records", lines=True).splitlines()
    raw = [line.encode() for line in lines]
    raw[3] = raw[3].replace(b'"comment":"', b'"comment":"\xed\xa0\x80 ', 1)  # a UTF-8-encoded lone surrogate
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(raw) + b"\n")
    out = tmp_path / "o"
    code, _, err = cli(capsys, "analyze", path, "--out", out, "--themes", 3, "--quiet")
    assert code == 0, err
    comments = pd.read_parquet(out / "comments.parquet")
    rejects = pd.read_csv(out / "rejects.csv")
    assert len(comments) + len(rejects) == len(feedback)


def test_a_json_array_is_read_as_rows(tmp_path, capsys, feedback):
    path = tmp_path / "in.json"
    path.write_text(feedback.to_json(orient="records"))
    out = tmp_path / "o"
    code, _, err = cli(capsys, "analyze", path, "--out", out, "--themes", 3, "--quiet")
    assert code == 0, err
    comments = pd.read_parquet(out / "comments.parquet")
    assert len(comments) + len(pd.read_csv(out / "rejects.csv")) == len(feedback)
    assert list(comments.columns[:4]) == list(feedback.columns)


def test_binary_content_under_a_text_extension_is_refused_without_printing_it(tmp_path, capsys, feedback):
    path = tmp_path / "export.csv"
    feedback.to_parquet(path)
    code, _, err = cli(capsys, "analyze", path, "--out", tmp_path / "o")
    assert code == 1 and one_clear_line(err) and "Parquet" in err
    assert err.isprintable() or all(ch.isprintable() or ch == "\n" for ch in err)
    assert "PAR1" not in err and len(err) < 400


def test_a_long_list_of_columns_is_cut_to_a_readable_length(tmp_path, capsys):
    path = tmp_path / "wide.csv"
    pd.DataFrame({f"q{i:03d}_answer_to_a_long_question": ["x"] for i in range(500)}).to_csv(path, index=False)
    code, _, err = cli(capsys, "analyze", path, "--out", tmp_path / "o")
    assert code == 2 and "Traceback" not in err
    assert max(len(line) for line in err.splitlines()) < 1000 and "more" in err


def test_a_segment_with_very_many_values_is_warned_about_and_capped_in_the_report(tmp_path, capsys, feedback):
    feedback["customer"] = [f"c{i}" for i in range(len(feedback))]
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    out = tmp_path / "o"
    code, _, err = cli(capsys, "analyze", path, "--segment", "customer", "--out", out, "--themes", 3)
    assert code == 0
    assert "customer" in err and "distinct values" in err
    summary = json.loads((out / "summary.json").read_text())
    assert any(w["code"] == "many_segments" for w in summary["warnings"])
    assert len(pd.read_csv(out / "segments.csv")["segment"].unique()) == len(feedback)
    html = (out / "report.html").read_text()
    assert sum(f">c{i}<" in html for i in range(len(feedback))) <= 50


# ---------------------------------------------------------------------------------
# 10. PII in quotes and the report
# ---------------------------------------------------------------------------------
def test_card_numbers_and_ibans_never_reach_the_outputs_text(tmp_path, capsys, feedback):
    card, iban = "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32"
    for i in range(0, 60, 2):
        feedback.loc[i, "comment"] = f"the courier lost my parcel and charged card {card} twice"
        feedback.loc[i + 1, "comment"] = f"the courier lost my parcel, refund to {iban} please"
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    out = tmp_path / "o"
    code, _, err = cli(capsys, "analyze", path, "--out", out, "--themes", 3, "--quiet")
    assert code == 0, err
    for name in ("themes.csv", "report.html"):
        text = (out / name).read_text()
        assert "4111" not in text and "WEST" not in text, name
    clean = pd.read_parquet(out / "comments.parquet")["clean_text"]
    assert not clean.str.contains("4111|west 1234", regex=True).any()


# ---------------------------------------------------------------------------------
# Property: whatever the rows hold, one clear outcome and rows in = comments + rejects
# ---------------------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = ["late parcel", "=SUM(A1)", "+1", "-", "@x", "\r", "\n", "\r\n", '"', ",", ";", "\t", "\x01", "\x0b",
           "é", "👍", "\u2028", "  ", "0", "10", "", "n/a", "'", "\\"]
_FIELD = st.lists(st.sampled_from(_PIECES), max_size=5).map("".join)
_ROW = st.one_of(
    st.tuples(_FIELD, _FIELD, _FIELD).map(lambda t: list(t)),        # a row of the right width, any text
    st.lists(_FIELD, min_size=0, max_size=5),                         # a ragged row
    st.just(["1", "late parcel", "3", ""]),                           # a trailing delimiter
)


def _hostile_csv(rows: list[list[str]], quote_all: bool) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(["id", "comment", "nps"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile=st.lists(_ROW, max_size=8), positions=st.lists(st.integers(0, 150), min_size=8, max_size=8),
       quote_all=st.booleans())
def test_hostile_rows_give_a_clear_exit_and_every_row_is_accounted_for(tmp_path_factory, hostile, positions,
                                                                        quote_all):
    from conftest import make_feedback

    base = make_feedback(20)[["id", "comment", "nps"]].values.tolist()
    rows = list(base)
    for row, at in zip(hostile, positions):
        rows.insert(min(at, len(rows)), row)
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "in.csv"
    path.write_bytes(_hostile_csv(rows, quote_all))
    out = folder / "o"
    stderr = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = run(["analyze", str(path), "--out", str(out), "--themes", "2", "--quiet"])
    err = stderr.getvalue()
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    if code != 0:
        assert err.startswith("feedbackml: error:") and not out.exists(), err
        return
    with open(path, newline="", encoding="utf-8") as fh:
        records = [r for r in csv.reader(fh)][1:]
    rows_in = sum(1 for r in records if r)  # blank lines are not rows
    comments = pd.read_csv(out / "comments.csv", keep_default_na=False, dtype=str)
    rejects = pd.read_csv(out / "rejects.csv", keep_default_na=False, dtype=str)
    assert len(comments) + len(rejects) == rows_in
    assert len(pd.read_parquet(out / "comments.parquet")) == len(comments)
