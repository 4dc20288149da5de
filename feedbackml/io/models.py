"""Save and load model directories: ``model.json`` + ``arrays.npz`` + ``meta.json`` + ``themes.csv``.

A model folder from a colleague is data, never code. The learned state is a JSON tree and
NumPy arrays (:mod:`feedbackml.io.state`): loading it cannot run code, and builds only the
project's own estimators and the scikit-learn pieces they hold. Before anything is built,
``meta.json`` is checked (shape and types), then each file's sha256 and the recorded
versions, then the whole tree. The sha256 sits in the same folder, so it catches accidents
(a truncated copy), not tampering: what stops tampering is that the format holds only data.

Models of format 1 (``model.joblib``, a pickle) load only with ``allow_unsafe_pickle=True``
(``--allow-unsafe-pickle``): unpickling runs whatever code the file names.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from ..analyzer import FeedbackAnalyzer
from ..contract import package_versions
from ..errors import ModelError
from ..themes.codeframe import CODEFRAME_FILE, write_codeframe
from . import state
from .read import file_sha256
from .write import atomic_path, write_csv, write_json

STATE_FILE, ARRAYS_FILE, META_FILE, THEMES_FILE = "model.json", "arrays.npz", "meta.json", "themes.csv"
PICKLE_FILE = "model.joblib"  # format 1
MODEL_FILES = (STATE_FILE, ARRAYS_FILE)
CHANGES_FILE = "theme_changes.csv"
FORMAT_VERSION = 2
#: Packages whose major.minor must match between saving and loading.
CHECKED = ("feedbackml", "scikit-learn", "spacy", "python")
_UNSAFE_HINT = ("only if you made this model yourself: pass --allow-unsafe-pickle (Python: "
                "allow_unsafe_pickle=True) to unpickle it, which runs any code the file holds, then "
                "save it again (feedbackml fit, or fml.save) to convert it")


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def save(analyzer: FeedbackAnalyzer, path: str | Path, extra_meta: dict | None = None) -> Path:
    """Write a fitted analyzer to the directory ``path`` (created if needed)."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        tree, arrays = state.dump(analyzer)
    except state.StateError as exc:
        raise ModelError(f"cannot save the model: {exc}") from None
    for name, data in ((STATE_FILE, tree), (ARRAYS_FILE, arrays)):
        with atomic_path(folder / name) as tmp:
            tmp.write_bytes(data)
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
        "sha256": {name: file_sha256(folder / name) for name in MODEL_FILES},
        "created_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
    }
    meta.update(extra_meta or {})
    write_json(folder / META_FILE, meta)
    if (folder / PICKLE_FILE).exists():
        (folder / PICKLE_FILE).unlink()  # a converted format-1 model: the pickle must not linger
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
    """``meta.json`` of a model folder, checked: a JSON object with a known format, versions
    as text and one sha256 per model file (ModelError naming what is wrong)."""
    folder = Path(path)
    meta_path = folder / META_FILE
    if not folder.is_dir():
        raise ModelError(f"model directory {folder} does not exist",
                         hint="train one with: feedbackml fit INPUT --model DIR")
    if not meta_path.is_file():
        raise ModelError(f"{folder} is not a feedbackml model directory (it has no {META_FILE})")
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelError(f"{meta_path}: unreadable metadata ({' '.join(str(exc).split())[:200]})") from None
    _check_meta(meta, meta_path)
    return meta


def _check_meta(meta: Any, where: Path) -> None:
    def bad(what: str):
        raise ModelError(f"{where}: {what}", hint="refit the model with `feedbackml fit`")

    if not isinstance(meta, dict):
        bad(f"must be a JSON object, not {type(meta).__name__}")
    fmt = meta.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt not in (1, FORMAT_VERSION):
        bad(f"unknown model format {fmt!r} (this version reads formats 1 and {FORMAT_VERSION})")
    versions = meta.get("versions")
    if not isinstance(versions, dict) or not all(isinstance(versions.get(n), str) for n in CHECKED):
        bad(f"'versions' must map {', '.join(CHECKED)} to version strings")
    sha = meta.get("sha256")
    names = (PICKLE_FILE,) if fmt == 1 else MODEL_FILES
    if fmt == 1:
        ok = isinstance(sha, str)
    else:
        ok = isinstance(sha, dict) and all(isinstance(sha.get(n), str) for n in names)
    if not ok:
        bad(f"'sha256' must give the hash of {', '.join(names)}")
    text = meta.get("text_column")
    pooled = isinstance(text, list) and len(text) > 1 and all(isinstance(t, str) for t in text)
    if fmt != 1 and not (isinstance(text, str) or pooled):  # several --text columns: their list
        bad("'text_column' must be a column name or a list of them")


def check_compatible(meta: dict, allow_version_mismatch: bool = False) -> list[str]:
    """Version mismatches between ``meta`` and this environment (raises unless allowed)."""
    current = package_versions()
    saved = meta["versions"]
    problems = [f"{name} {saved.get(name)} (model) vs {current[name]} (installed)"
                for name in CHECKED if _minor(str(saved.get(name))) != _minor(current[name])]
    if problems and not allow_version_mismatch:
        raise ModelError("the model was saved with other versions: " + "; ".join(problems),
                         hint="retrain with `feedbackml fit`, or pass --allow-version-mismatch")
    return problems


def _check_hash(folder: Path, name: str, expected: str) -> bytes:
    path = folder / name
    if not path.is_file():
        raise ModelError(f"{folder} is not a complete model directory (it has no {name})")
    data = path.read_bytes()
    if file_sha256(path) != expected:
        raise ModelError(f"{path} does not match the sha256 in {META_FILE}: the file was modified "
                         "or corrupted", hint="copy the model folder again, or refit it")
    return data


def load(path: str | Path, allow_version_mismatch: bool = False,
         allow_unsafe_pickle: bool = False) -> FeedbackAnalyzer:
    """Load a model directory after checking meta.json, the hashes and the versions (unless
    allowed). Format 1 (a pickle) needs ``allow_unsafe_pickle``: it can run code."""
    folder = Path(path)
    meta = read_meta(folder)
    if meta["format"] == 1:
        if not allow_unsafe_pickle:
            raise ModelError(f"{folder} is an old model whose {PICKLE_FILE} is a pickle, which can run "
                             "code when loaded; it was not loaded", hint=_UNSAFE_HINT)
        data = _check_hash(folder, PICKLE_FILE, meta["sha256"])
        check_compatible(meta, allow_version_mismatch)
        model = _unpickle(folder / PICKLE_FILE, data)
    else:
        data = {name: _check_hash(folder, name, meta["sha256"][name]) for name in MODEL_FILES}
        check_compatible(meta, allow_version_mismatch)
        try:
            model = state.load(data[STATE_FILE], data[ARRAYS_FILE])
        except state.StateError as exc:
            raise ModelError(f"{folder / STATE_FILE}: {exc}", hint="refit the model with `feedbackml fit`") from None
    if not isinstance(model, FeedbackAnalyzer) or not hasattr(model, "theme_model_"):
        raise ModelError(f"{folder} does not hold a fitted FeedbackAnalyzer")
    _check_params(model, folder)
    # Parameters added after the model was saved take their defaults.
    for name, default in FeedbackAnalyzer().get_params(deep=False).items():
        if name not in vars(model):
            setattr(model, name, default)
    return model


def _unpickle(path: Path, data: bytes):
    import io

    import joblib

    try:
        return joblib.load(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - an unreadable pickle raises anything
        raise ModelError(f"{path}: not a readable model file ({type(exc).__name__}: "
                         f"{' '.join(str(exc).split())[:200] or 'empty'})",
                         hint="refit the model with `feedbackml fit`") from None


def _check_params(model: FeedbackAnalyzer, folder: Path) -> None:
    """Parameters that reach the file system or decide how text is read must be the ones
    :meth:`FeedbackAnalyzer.fit` sets: a known language folder, text (not file names) in."""
    from importlib import resources

    languages = {p.name for p in resources.files("feedbackml.lang").iterdir() if p.is_dir()}
    allowed = tuple(state.allowed_types().values())
    seen, todo = set(), [model]
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        attrs = vars(obj) if hasattr(obj, "__dict__") else {}
        if "language" in attrs and attrs["language"] not in languages:
            raise ModelError(f"{folder}: unknown language {attrs['language']!r} in the model")
        if "input" in attrs and attrs["input"] != "content":
            raise ModelError(f"{folder}: a vectorizer in the model reads {attrs['input']!r}, not text")
        todo.extend(v for v in attrs.values() if isinstance(v, allowed))
