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


def test_tampered_model_file_is_refused_before_unpickling(model_dir):
    with open(model_dir / "model.joblib", "ab") as fh:
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
