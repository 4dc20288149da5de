"""Save and load model directories: ``model.joblib`` + ``meta.json`` + ``themes.csv``.

Loading checks the file's sha256 and the recorded versions *before* unpickling, so a
tampered file or an incompatible environment is refused with a clear message.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import joblib

from ..analyzer import FeedbackAnalyzer
from ..contract import package_versions
from ..errors import ModelError
from ..themes.codeframe import CODEFRAME_FILE, write_codeframe
from .read import file_sha256
from .write import atomic_path, write_csv, write_json

MODEL_FILE, META_FILE, THEMES_FILE = "model.joblib", "meta.json", "themes.csv"
CHANGES_FILE = "theme_changes.csv"
FORMAT_VERSION = 1
#: Packages whose major.minor must match between saving and loading.
CHECKED = ("feedbackml", "scikit-learn", "spacy", "python")


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def save(analyzer: FeedbackAnalyzer, path: str | Path, extra_meta: dict | None = None) -> Path:
    """Write a fitted analyzer to the directory ``path`` (created if needed)."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_path(folder / MODEL_FILE) as tmp:
        joblib.dump(analyzer, tmp, compress=3)
    meta = {
        "format": FORMAT_VERSION,
        "versions": package_versions(),
        "config": analyzer.params_record(),
        "text_column": analyzer.text_column_,
        "training": {"rows": analyzer.training_rows_, "fingerprint": analyzer.training_fingerprint_},
        "themes": analyzer.themes_.to_dict(orient="records"),
        "sentiment": getattr(analyzer, "sentiment_info_", {"model": "lexicon"}),
        "auto_k": getattr(analyzer.theme_model_, "auto_k_", None),
        "codeframe": CODEFRAME_FILE,
        "sha256": file_sha256(folder / MODEL_FILE),
        "created_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
    }
    meta.update(extra_meta or {})
    write_json(folder / META_FILE, meta)
    write_csv(folder / THEMES_FILE, analyzer.themes_)
    # The codeframe the fit ended with: edit it and fit again with --codeframe to keep choices.
    write_codeframe(folder / CODEFRAME_FILE, analyzer.theme_model_.codeframe_)
    changes = getattr(analyzer.theme_model_, "changes_", None)
    if changes is not None:
        write_csv(folder / CHANGES_FILE, changes)
    elif (folder / CHANGES_FILE).exists():
        (folder / CHANGES_FILE).unlink()  # stale: this fit was not matched to a previous model
    return folder


def read_meta(path: str | Path) -> dict:
    folder = Path(path)
    meta_path = folder / META_FILE
    if not folder.is_dir():
        raise ModelError(f"model directory {folder} does not exist",
                         hint="train one with: feedbackml fit INPUT --model DIR")
    if not meta_path.is_file() or not (folder / MODEL_FILE).is_file():
        raise ModelError(f"{folder} is not a feedbackml model directory (needs {MODEL_FILE} and {META_FILE})")
    try:
        return json.loads(meta_path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{meta_path}: unreadable metadata ({exc})") from None


def check_compatible(meta: dict, allow_version_mismatch: bool = False) -> list[str]:
    """Version mismatches between ``meta`` and this environment (raises unless allowed)."""
    current = package_versions()
    saved = meta.get("versions", {})
    problems = [f"{name} {saved.get(name)} (model) vs {current[name]} (installed)"
                for name in CHECKED if _minor(str(saved.get(name))) != _minor(current[name])]
    if meta.get("format") != FORMAT_VERSION:
        problems.append(f"model format {meta.get('format')} vs {FORMAT_VERSION}")
    if problems and not allow_version_mismatch:
        raise ModelError("the model was saved with other versions: " + "; ".join(problems),
                         hint="retrain with `feedbackml fit`, or pass --allow-version-mismatch")
    return problems


def load(path: str | Path, allow_version_mismatch: bool = False) -> FeedbackAnalyzer:
    """Load a model directory after checking integrity (always) and versions (unless allowed)."""
    folder = Path(path)
    meta = read_meta(folder)
    actual = file_sha256(folder / MODEL_FILE)
    if actual != meta.get("sha256"):
        raise ModelError(f"{folder / MODEL_FILE} does not match the sha256 in {META_FILE}: "
                         "the file was modified or corrupted", hint="refit the model; never load untrusted model files")
    check_compatible(meta, allow_version_mismatch)
    model = joblib.load(folder / MODEL_FILE)
    if not isinstance(model, FeedbackAnalyzer):
        raise ModelError(f"{folder / MODEL_FILE} does not hold a FeedbackAnalyzer")
    # Parameters added after the model was saved take their defaults.
    for name, default in FeedbackAnalyzer().get_params(deep=False).items():
        if name not in vars(model):
            setattr(model, name, default)
    return model
