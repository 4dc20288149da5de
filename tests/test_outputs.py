"""Output folders as a whole: staged next to --out, swapped in, locked, cleaned after a failure."""

import json

import pytest

from feedbackml.errors import FeedbackMLError, UsageError
from feedbackml.run import outputs


def _analysis(folder, files=("themes.csv",)):
    folder.mkdir()
    for name in files:
        (folder / name).write_text("old")
    (folder / "summary.json").write_text(json.dumps({"files": [*files, "summary.json"]}))


def test_a_failing_block_leaves_the_previous_folder_and_no_temporary_one(tmp_path):
    out = tmp_path / "o"
    _analysis(out)
    with pytest.raises(RuntimeError), outputs.staged_folder(out) as folder:
        (folder / "themes.csv").write_text("new")
        raise RuntimeError("a writer failed")
    assert (out / "themes.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]


@pytest.mark.parametrize("exchange", [True, False])
def test_a_successful_block_replaces_the_folder_and_records_its_files(tmp_path, monkeypatch, exchange):
    if not exchange:  # systems without renameat2: two renames
        monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    out = tmp_path / "o"
    _analysis(out, files=("themes.csv", "segments.csv"))
    (out / "notes.txt").write_text("mine")
    with outputs.staged_folder(out) as folder:
        (folder / "themes.csv").write_text("new")
        (folder / "summary.json").write_text("{}")
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "summary.json", "themes.csv"]
    assert json.loads((out / "summary.json").read_text())["files"] == ["summary.json", "themes.csv"]
    assert (out / "notes.txt").read_text() == "mine" and (out / "themes.csv").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_the_lock_refuses_a_second_holder_and_is_removed_on_release(tmp_path):
    out = tmp_path / "o"
    with outputs.folder_lock(out) as lock:
        assert lock.exists()
        with pytest.raises(FeedbackMLError, match="another feedbackml run"), outputs.folder_lock(out):
            pass
    assert not lock.exists()
    with outputs.folder_lock(out):  # free again
        pass


def test_a_swap_killed_between_its_renames_is_undone_by_the_next_run(tmp_path):
    out = tmp_path / "o"
    old = tmp_path / ".o.feedbackml-old-4242"
    _analysis(old)
    with outputs.folder_lock(out):
        outputs._remove_stale(out)
    assert (out / "themes.csv").read_text() == "old" and not old.exists()


def test_an_input_inside_out_and_a_folder_of_other_files_are_refused(tmp_path):
    out = tmp_path / "o"
    _analysis(out)
    with pytest.raises(UsageError, match="holds the input"):
        outputs.check_out(out, [out / "themes.csv"])
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.txt").write_text("x")
    with pytest.raises(UsageError, match="not an analysis folder"):
        outputs.check_out(tmp_path / "docs")
