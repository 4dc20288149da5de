import json

import pytest

import feedbackml as fml
from feedbackml.errors import ModelError


@pytest.fixture
def model_dir(tmp_path, feedback):
    an = fml.FeedbackAnalyzer(n_themes=3).fit(feedback)
    return fml.save(an, tmp_path / "model")


def test_saved_model_has_metadata(model_dir):
    meta = json.loads((model_dir / "meta.json").read_text())
    assert {"versions", "config", "training", "themes", "sha256", "created_at"} <= set(meta)
    assert meta["training"]["rows"] == 184 and len(meta["training"]["fingerprint"]) == 64
    assert (model_dir / "themes.csv").is_file()


def test_loaded_model_gives_the_same_results(model_dir, feedback):
    an = fml.load(model_dir)
    fresh = fml.FeedbackAnalyzer(n_themes=3).fit(feedback)
    assert an.analyze(feedback).comments["theme_id"].tolist() == fresh.analyze(feedback).comments["theme_id"].tolist()


@pytest.mark.parametrize("name", ["model.json", "arrays.npz"])
def test_a_modified_model_file_is_refused_before_anything_is_built(model_dir, name):
    with open(model_dir / name, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ModelError, match="sha256"):
        fml.load(model_dir)


def test_other_versions_are_refused_unless_allowed(model_dir):
    meta = json.loads((model_dir / "meta.json").read_text())
    meta["versions"]["scikit-learn"] = "0.24.2"
    (model_dir / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="scikit-learn 0.24.2"):
        fml.load(model_dir)
    assert fml.load(model_dir, allow_version_mismatch=True).themes_ is not None


def test_missing_directory_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        fml.load(tmp_path / "nope")


def test_shipped_sample_model_applies_to_the_bundled_sample(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    an = fml.load(root / "models" / "sample-en")
    sample = fml.read_table(root / "data" / "sample_feedback.csv")
    res = an.analyze(sample.head(300))
    assert len(res.comments) + len(res.rejects) == 300
    meta = json.loads((root / "models" / "sample-en" / "meta.json").read_text())
    assert res.themes["label"].tolist() == [t["label"] for t in meta["themes"]]


def _as_format_1(model_dir):
    """Turn a saved model folder into the old pickle format (model.joblib, format 1)."""
    import hashlib

    import joblib

    an = fml.load(model_dir)
    joblib.dump(an, model_dir / "model.joblib")
    meta = json.loads((model_dir / "meta.json").read_text())
    meta.update(format=1, sha256=hashlib.sha256((model_dir / "model.joblib").read_bytes()).hexdigest())
    (model_dir / "meta.json").write_text(json.dumps(meta))
    for name in ("model.json", "arrays.npz"):
        (model_dir / name).unlink()
    return an


def test_an_old_pickle_model_loads_only_with_the_unsafe_flag_and_converts(model_dir, feedback):
    an = _as_format_1(model_dir)
    with pytest.raises(ModelError, match="can run code"):
        fml.load(model_dir)
    old = fml.load(model_dir, allow_unsafe_pickle=True)
    fml.save(old, model_dir)
    assert not (model_dir / "model.joblib").exists() and (model_dir / "model.json").exists()
    assert (fml.load(model_dir).analyze(feedback).comments["theme_id"].tolist()
            == an.analyze(feedback).comments["theme_id"].tolist())


def test_a_model_naming_a_language_outside_the_package_is_refused(model_dir):
    import hashlib

    tree = json.loads((model_dir / "model.json").read_text())
    tree["root"]["state"]["language"] = "../../etc"
    (model_dir / "model.json").write_text(json.dumps(tree))
    meta = json.loads((model_dir / "meta.json").read_text())
    meta["sha256"]["model.json"] = hashlib.sha256((model_dir / "model.json").read_bytes()).hexdigest()
    (model_dir / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="unknown language"):
        fml.load(model_dir)
