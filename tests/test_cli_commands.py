"""End to end: the feedbackml command on files, as a user or a script runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from feedbackml.cli import run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_feedback.csv"
OUTPUTS = ["comments.parquet", "comments.csv", "themes.csv", "drivers.csv", "summary.json",
           "rejects.csv", "report.html"]


def cli(*args):
    return run([str(a) for a in args])


def test_analyze_writes_every_file_of_the_contract(tmp_path, feedback_csv, capsys):
    assert cli("analyze", feedback_csv, "--out", tmp_path / "out", "--themes", 3) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "out")
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).is_file(), name


def test_rows_in_equal_rows_out_plus_rejects(tmp_path, feedback):
    feedback.loc[[3, 7], "nps"] = ["11", "ten"]
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--out", tmp_path / "o", "--themes", 3, "--quiet") == 0
    comments = pd.read_parquet(tmp_path / "o" / "comments.parquet")
    rejects = pd.read_csv(tmp_path / "o" / "rejects.csv")
    assert len(comments) + len(rejects) == len(feedback)
    assert sorted(rejects["value"].astype(str)) == ["11", "ten"]
    assert set(rejects["reason"]) == {"outside the NPS range 0-10", "not a number"}


def test_two_runs_give_byte_identical_outputs(tmp_path, feedback_csv):
    for name in ("a", "b"):
        assert cli("analyze", feedback_csv, "--out", tmp_path / name, "--quiet") == 0
    for name in ("comments.parquet", "themes.csv", "drivers.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.parametrize("content, message", [
    ("", "empty"),
    ("id,remark\n1,hello\n", "available columns: id, remark"),
])
def test_bad_inputs_give_one_clear_line_and_no_traceback(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code = cli("analyze", path, "--out", tmp_path / "o")
    err = capsys.readouterr().err
    assert code in (1, 2) and message in err and "Traceback" not in err
    assert "bad.csv" in err and len(err.strip().splitlines()) <= 2  # names the file, in one line (+ hint)


def test_missing_column_is_a_usage_error_with_exit_code_2(tmp_path, feedback_csv, capsys):
    assert cli("analyze", feedback_csv, "--text", "verbatim", "--out", tmp_path / "o") == 2
    err = capsys.readouterr().err
    assert "no text column 'verbatim'" in err
    assert f"in {feedback_csv}" in err  # names the file


def test_streamed_apply_names_the_file_of_a_missing_column(tmp_path, feedback_csv, capsys):
    model = tmp_path / "m"
    assert cli("fit", feedback_csv, "--model", model) == 0
    assert cli("apply", feedback_csv, "--model", model, "--text", "verbatim", "--out", tmp_path / "o") == 2
    assert f"no text column 'verbatim' in {feedback_csv}" in capsys.readouterr().err


def test_empty_file_is_a_data_error_with_exit_code_1(tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert cli("analyze", path, "--out", tmp_path / "o") == 1
    assert "empty.csv: the file is empty" in capsys.readouterr().err


def test_cp1252_file_with_accents_is_read(tmp_path, feedback):
    feedback.loc[0, "comment"] = "the café’s delivery was late, très décevant"
    path = tmp_path / "win.csv"
    path.write_bytes(feedback.to_csv(index=False).encode("cp1252"))
    assert cli("analyze", path, "--out", tmp_path / "o", "--themes", 3, "--quiet") == 0
    comments = pd.read_parquet(tmp_path / "o" / "comments.parquet")
    assert "très décevant" in comments.loc[comments["row"] == 1, "comment"].iloc[0]


def test_broken_quoted_row_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "broken.csv"
    path.write_text('comment,nps\n"late delivery",3\n"never closed,4\n"friendly staff",10\n')
    assert cli("analyze", path, "--out", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert "broken.csv" in err and "line" in err and "Traceback" not in err


def test_row_with_extra_fields_goes_to_rejects(tmp_path, feedback):
    path = tmp_path / "extra.csv"
    text = feedback[["comment", "nps"]].to_csv(index=False).splitlines()
    text.insert(5, "late again,3,surplus")
    path.write_text("\n".join(text) + "\n")
    assert cli("analyze", path, "--out", tmp_path / "o", "--themes", 3, "--quiet") == 0
    rejects = pd.read_csv(tmp_path / "o" / "rejects.csv")
    assert rejects["row"].tolist() == [5] and "broken CSV row" in rejects["reason"][0]
    assert len(pd.read_parquet(tmp_path / "o" / "comments.parquet")) == len(feedback)


def test_fit_then_apply_uses_the_saved_themes(tmp_path, feedback_csv, capsys):
    assert cli("fit", feedback_csv, "--model", tmp_path / "m", "--themes", 3, "--quiet") == 0
    assert cli("apply", feedback_csv, "--model", tmp_path / "m", "--out", tmp_path / "o", "--quiet") == 0
    fitted = pd.read_csv(tmp_path / "m" / "themes.csv")
    applied = pd.read_csv(tmp_path / "o" / "themes.csv")
    assert fitted["label"].tolist() == applied["label"].tolist()


def test_tampered_model_is_refused(tmp_path, feedback_csv, capsys):
    cli("fit", feedback_csv, "--model", tmp_path / "m", "--themes", 3, "--quiet")
    (tmp_path / "m" / "model.json").write_bytes(b"not a model")
    assert cli("apply", feedback_csv, "--model", tmp_path / "m", "--out", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert "sha256" in err and "Traceback" not in err


def test_json_flag_prints_a_parsable_summary(tmp_path, feedback_csv, capsys):
    assert cli("analyze", feedback_csv, "--out", tmp_path / "o", "--themes", 3, "--json", "--quiet") == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"]["in"] == 184 and -100 <= summary["nps"]["nps"] <= 100


def test_report_command_rebuilds_the_report(tmp_path, feedback_csv):
    cli("analyze", feedback_csv, "--out", tmp_path / "o", "--themes", 3, "--quiet")
    (tmp_path / "o" / "report.html").unlink()
    assert cli("report", tmp_path / "o", "--quiet") == 0
    assert (tmp_path / "o" / "report.html").stat().st_size > 1000


def test_unknown_option_is_exit_code_2(capsys):
    assert cli("analyze", "x.csv", "--colour", "red") == 2


def test_version_and_stdin_work_as_a_subprocess(tmp_path, feedback):
    version = subprocess.run([sys.executable, "-m", "feedbackml", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "feedbackml" in version.stdout
    proc = subprocess.run([sys.executable, "-m", "feedbackml", "analyze", "-", "--out", str(tmp_path / "o"),
                           "--themes", "3"], input=feedback.to_csv(index=False), capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / "o")
    assert "using column 'comment'" in proc.stderr


def test_bundled_sample_ranks_planted_drivers(tmp_path):
    assert cli("analyze", SAMPLE, "--out", tmp_path / "o", "--quiet") == 0
    for name, n_top in (("drivers.csv", 5), ("group_drivers.csv", 3)):  # specific themes, then groups
        drivers = pd.read_csv(tmp_path / "o" / name)
        top = " ".join(drivers["label"].head(n_top)).lower()
        assert any(w in top for w in ("deliver", "parcel", "courier", "late")), name
        assert any(w in top for w in ("charge", "bill", "invoice", "refund")), name
        staff = drivers[drivers["label"].str.contains("staff|friendly|helpful", case=False)]
        assert len(staff) and staff["nps_impact"].max() > 0, name
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["rows"]["in"] == summary["rows"]["analysed"] + summary["rows"]["rejected"]


def test_xlsx_flag_writes_a_workbook_whose_cells_cannot_run_formulas(tmp_path, feedback):
    from openpyxl import load_workbook

    feedback.loc[0, "comment"] = '=HYPERLINK("http://evil.example","click") delivery late'
    feedback.loc[1, "comment"] = "@SUM(1+1) charged twice"
    path = tmp_path / "in.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--out", tmp_path / "o", "--themes", 3, "--xlsx", "--quiet") == 0
    wb = load_workbook(tmp_path / "o" / "results.xlsx")
    assert {"comments", "themes", "drivers"} <= set(wb.sheetnames)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t[:1] in "=+-@"]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\") delivery late" in texts


def test_json_is_strict_and_names_the_written_files(tmp_path, feedback_csv, capsys):
    assert cli("analyze", feedback_csv, "--out", tmp_path / "o", "--themes", 3, "--xlsx", "--json") == 0
    out = capsys.readouterr().out

    def no_nan(name):
        raise AssertionError(f"{name} is not JSON")

    summary = json.loads(out, parse_constant=no_nan)
    assert summary["report"] == str(tmp_path / "o" / "report.html")
    assert summary["xlsx"] == str(tmp_path / "o" / "results.xlsx")


def test_report_command_can_rebuild_the_workbook_and_print_json(tmp_path, feedback_csv, capsys):
    cli("analyze", feedback_csv, "--out", tmp_path / "o", "--themes", 3, "--quiet")
    capsys.readouterr()
    assert cli("report", tmp_path / "o", "--xlsx", "--json", "--quiet") == 0
    files = json.loads(capsys.readouterr().out)
    assert files == {"report": str(tmp_path / "o" / "report.html"), "xlsx": str(tmp_path / "o" / "results.xlsx")}
    assert (tmp_path / "o" / "results.xlsx").is_file()


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path, feedback_csv, capsys):
    assert cli("analyze", feedback_csv, "--out", tmp_path / "o", "--themes", 3) == 0
    err = capsys.readouterr().err
    assert "█" not in err and "░" not in err and "\x1b[K" not in err


@pytest.mark.parametrize("command", ["analyze", "fit", "apply", "report"])
def test_every_command_help_has_an_example(command, capsys):
    assert cli(command, "--help") == 0
    out = capsys.readouterr().out
    assert "Example" in out and f"feedbackml {command} " in out


@pytest.mark.parametrize("quiet", [False, True])
def test_progress_bar_is_drawn_on_a_terminal_unless_quiet(tmp_path, feedback_csv, monkeypatch, quiet):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    args = ["analyze", feedback_csv, "--out", tmp_path / "o", "--themes", 3] + (["--quiet"] if quiet else [])
    assert cli(*args) == 0
    drawn = "fitting themes" in err.getvalue() and "█" in err.getvalue()
    assert drawn is not quiet


def test_codeframe_with_a_saved_model_is_reported_as_ignored(tmp_path, feedback_csv, capsys):
    cli("fit", feedback_csv, "--model", tmp_path / "m", "--themes", 3, "--quiet")
    frame = tmp_path / "themes.toml"
    frame.write_text('[[themes]]\nname = "Delivery"\nseeds = ["delivery"]\n')
    assert cli("analyze", feedback_csv, "--model", tmp_path / "m", "--codeframe", frame,
               "--out", tmp_path / "o") == 0
    assert "--codeframe is ignored with --model" in capsys.readouterr().err


def test_export_with_every_score_invalid_puts_every_row_in_rejects_and_exits_1(tmp_path, feedback, capsys):
    feedback["nps"] = "11"
    path = tmp_path / "all_bad.csv"
    feedback.to_csv(path, index=False)
    assert cli("analyze", path, "--out", tmp_path / "o", "--themes", 3, "--quiet") == 1
    assert "no row could be analysed" in capsys.readouterr().err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert [w["code"] for w in summary["warnings"]] == ["metric_inferred", "no_rows_analysed"]
    rejects = pd.read_csv(tmp_path / "o" / "rejects.csv")
    assert len(rejects) == len(feedback) and (rejects["value"].astype(str) == "11").all()
    assert len(pd.read_parquet(tmp_path / "o" / "comments.parquet")) == 0
