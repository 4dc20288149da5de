"""A fitted model as data: a JSON tree (``model.json``) and its arrays (``arrays.npz``).

Why not pickle (or joblib, which is pickle): unpickling runs whatever code the file names,
so a model folder from a colleague could do anything. Why not skops: it is a general
object loader (reduce, method and operator nodes) whose trust checks have had published
bypasses, and it would be a dependency for what is here a small, fixed set of types.

This format can only describe data: JSON values, NumPy arrays of numbers, booleans or
fixed-width text (read with ``allow_pickle=False``), tables, and instances of the few
classes in :func:`allowed_types` (the project's estimators and the scikit-learn pieces
they hold), whose attributes are set from that data without calling any of their code.
Loading checks the whole tree — every node kind, every class name, every array's type —
before it builds a single object.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from typing import Any

import numpy as np
import pandas as pd

FORMAT = "feedbackml-state/1"
#: dtype kinds an array in ``arrays.npz`` may have: bool, signed/unsigned int, float, text.
ARRAY_KINDS = frozenset("biufU")
#: NumPy scalar types a node may name (an estimator's ``dtype`` parameter, scalars in dicts).
SCALAR_TYPES = {name: getattr(np, name) for name in (
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64")}
#: Column dtypes a table may have.
FRAME_DTYPES = frozenset({"int64", "int32", "float64", "float32", "bool", "object", "str", "string",
                          "Int64", "Float64"})
#: Nullable number columns, stored as float64 with NaN for a missing value.
_NULLABLE = frozenset({"Int64", "Float64"})
_KEYS = {"$tuple", "$dict", "$items", "$scalar", "$array", "$strings", "$intmap", "$type", "$float",
         "$frame", "$series", "$range", "$object"}


class StateError(ValueError):
    """The model state is not one this format can hold or build (says where in the tree)."""


def allowed_types() -> dict[str, type]:
    """The classes a model file may hold, by the stable name written in ``model.json``."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    from ..analyzer import FeedbackAnalyzer
    from ..sentiment.lexicon_model import LexiconSentiment
    from ..sentiment.trained import TrainedSentiment
    from ..sentiment.vectorizers import CharNgramVectorizer, WordNgramVectorizer
    from ..themes.codeframe import Codeframe, CodeframeTheme
    from ..themes.model import ThemeModel
    from ..themes.vectors import CommentVectors

    return {"FeedbackAnalyzer": FeedbackAnalyzer, "ThemeModel": ThemeModel,
            "CommentVectors": CommentVectors, "Codeframe": Codeframe, "CodeframeTheme": CodeframeTheme,
            "LexiconSentiment": LexiconSentiment, "TrainedSentiment": TrainedSentiment,
            "WordNgramVectorizer": WordNgramVectorizer, "CharNgramVectorizer": CharNgramVectorizer,
            "sklearn.CountVectorizer": CountVectorizer, "sklearn.TfidfVectorizer": TfidfVectorizer,
            "sklearn.TfidfTransformer": TfidfTransformer, "sklearn.LinearSVC": LinearSVC,
            "sklearn.LogisticRegression": LogisticRegression}


# ---------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------
class _Writer:
    def __init__(self, types: dict[str, type]):
        self.names = {cls: name for name, cls in types.items()}
        self.arrays: dict[str, np.ndarray] = {}

    def array(self, value: np.ndarray) -> str:
        key = f"a{len(self.arrays)}"
        self.arrays[key] = np.ascontiguousarray(value)
        return key

    def node(self, value: Any, where: str) -> Any:
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int) and not isinstance(value, np.integer):
            return value
        if isinstance(value, float) and not isinstance(value, np.floating):
            return value if math.isfinite(value) else {"$float": repr(value)}
        if isinstance(value, np.generic):
            kind = type(value).__name__
            if kind not in SCALAR_TYPES:
                raise StateError(f"{where}: cannot store a NumPy {kind}")
            item = value.item()
            if isinstance(item, float) and not math.isfinite(item):
                item = {"$float": repr(item)}
            return {"$scalar": kind, "value": item}
        if isinstance(value, type):
            name = next((k for k, t in SCALAR_TYPES.items() if t is value), None)
            if name is None:
                raise StateError(f"{where}: cannot store the type {value.__name__}")
            return {"$type": name}
        if isinstance(value, list):
            return [self.node(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple):
            return {"$tuple": [self.node(v, f"{where}[{i}]") for i, v in enumerate(value)]}
        if isinstance(value, dict):
            return self.mapping(value, where)
        if isinstance(value, np.ndarray):
            return self.ndarray(value, where)
        if isinstance(value, pd.DataFrame):
            return {"$frame": {"columns": [self.node(c, where) for c in value.columns],
                               "dtypes": [self.dtype(value[c], f"{where}[{c!r}]") for c in value.columns],
                               "data": [self.column(value.iloc[:, i], f"{where}[{c!r}]")
                                        for i, c in enumerate(value.columns)],
                               "index": self.index(value.index, where)}}
        if isinstance(value, pd.Series):
            return {"$series": {"dtype": self.dtype(value, where), "data": self.column(value, where),
                                "index": self.index(value.index, where), "name": self.node(value.name, where)}}
        name = self.names.get(type(value))
        if name is None:
            raise StateError(f"{where}: {type(value).__module__}.{type(value).__qualname__} "
                             "is not a type a model file may hold")
        return {"$object": name, "state": {k: self.node(v, f"{where}.{k}") for k, v in vars(value).items()
                                           if k not in PROCESS_ONLY}}

    def mapping(self, value: dict, where: str) -> Any:
        if value and all(isinstance(k, str) for k in value) and all(
                isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value.values()):
            values = np.asarray(list(value.values()))
            numpy = isinstance(next(iter(value.values())), np.integer)
            return {"$intmap": list(value), "values": self.array(values), "numpy": numpy}
        if all(isinstance(k, str) for k in value):
            return {"$dict": {k: self.node(v, f"{where}[{k!r}]") for k, v in value.items()}}
        return {"$items": [[self.node(k, where), self.node(v, f"{where}[{k!r}]")] for k, v in value.items()]}

    def ndarray(self, value: np.ndarray, where: str) -> Any:
        if value.dtype.kind in ARRAY_KINDS:
            return {"$array": self.array(value)}
        if value.dtype == object and all(v is None or isinstance(v, str) for v in value.ravel()):
            return {"$strings": value.ravel().tolist(), "shape": list(value.shape)}
        raise StateError(f"{where}: cannot store an array of {value.dtype}")

    def column(self, series: pd.Series, where: str) -> Any:
        if str(series.dtype) in _NULLABLE:
            return self.ndarray(series.to_numpy(dtype="float64", na_value=np.nan), where)
        values = series.to_numpy()
        if values.dtype.kind not in ARRAY_KINDS:
            values = series.astype(object).where(series.notna(), None).to_numpy(object)
        return self.ndarray(values, where)

    def dtype(self, series: pd.Series, where: str) -> str:
        name = str(series.dtype)
        if name not in FRAME_DTYPES:
            raise StateError(f"{where}: cannot store a column of {name}")
        return name

    def index(self, index: pd.Index, where: str) -> Any:
        if isinstance(index, pd.RangeIndex):
            return {"$range": [index.start, index.stop, index.step], "name": self.node(index.name, where)}
        return {"$series": {"dtype": self.dtype(index.to_series(), where), "name": self.node(index.name, where),
                            "data": self.column(index.to_series(), where), "index": None}}


#: Attributes holding a memory address, never stored (one model gives the same bytes in every
#: process): scikit-learn's CountVectorizer keeps ``id(stop_words)`` to warn about them once.
PROCESS_ONLY = frozenset({"_stop_words_id"})


def dump(obj: Any, types: dict[str, type] | None = None) -> tuple[bytes, bytes]:
    """``obj`` as (``model.json`` bytes, ``arrays.npz`` bytes); raises StateError for a value
    this format cannot hold. The same object always gives the same bytes."""
    writer = _Writer(types or allowed_types())
    tree = {"format": FORMAT, "root": writer.node(obj, "model")}
    text = json.dumps(tree, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in writer.arrays.items():  # np.savez with fixed timestamps: reproducible bytes
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            payload = io.BytesIO()
            np.lib.format.write_array(payload, array, allow_pickle=False)
            archive.writestr(info, payload.getvalue())
    return (text + "\n").encode("utf-8"), buffer.getvalue()


# ---------------------------------------------------------------------------------
# Reading: check everything, then build
# ---------------------------------------------------------------------------------
def _is_name(key: Any) -> bool:
    return isinstance(key, str) and key.isidentifier() and not key.startswith("__")


class _Checker:
    def __init__(self, types: dict[str, type], arrays: dict[str, np.ndarray]):
        self.types, self.arrays = types, arrays

    def fail(self, where: str, what: str):
        raise StateError(f"{where}: {what}")

    def node(self, node: Any, where: str) -> None:
        if node is None or isinstance(node, (bool, int, float, str)):
            return
        if isinstance(node, list):
            for i, v in enumerate(node):
                self.node(v, f"{where}[{i}]")
            return
        if not isinstance(node, dict):
            self.fail(where, f"unexpected {type(node).__name__}")
        kinds = [k for k in node if k in _KEYS]
        if len(kinds) != 1:
            self.fail(where, f"not a known node (keys {sorted(node)[:5]})")
        kind = kinds[0]
        body = node[kind]
        getattr(self, "check_" + kind[1:])(node, body, where)

    def expect(self, ok: bool, where: str, what: str) -> None:
        if not ok:
            self.fail(where, what)

    def check_tuple(self, node, body, where):
        self.expect(isinstance(body, list), where, "a tuple must be a list")
        self.node(body, where)

    def check_dict(self, node, body, where):
        self.expect(isinstance(body, dict), where, "a dict must be an object")
        for k, v in body.items():
            self.node(v, f"{where}[{k!r}]")

    def check_items(self, node, body, where):
        self.expect(isinstance(body, list) and all(isinstance(p, list) and len(p) == 2 for p in body),
                    where, "items must be [key, value] pairs")
        self.node(body, where)

    def check_float(self, node, body, where):
        self.expect(body in ("nan", "inf", "-inf"), where, f"not a float: {body!r}")

    def check_scalar(self, node, body, where):
        self.expect(body in SCALAR_TYPES, where, f"unknown scalar type {body!r}")
        value = node.get("value")
        self.expect(isinstance(value, (bool, int, float)) or (isinstance(value, dict) and "$float" in value),
                    where, "a scalar needs a number")
        self.node(value, where)

    def check_type(self, node, body, where):
        self.expect(body in SCALAR_TYPES, where, f"unknown type {body!r}")

    def check_array(self, node, body, where):
        self.expect(isinstance(body, str) and body in self.arrays, where, f"missing array {body!r}")

    def check_strings(self, node, body, where):
        shape = node.get("shape")
        self.expect(isinstance(body, list) and all(v is None or isinstance(v, str) for v in body),
                    where, "strings must be a list of text")
        self.expect(isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)
                    and math.prod(shape) == len(body), where, "strings do not match their shape")

    def check_intmap(self, node, body, where):
        ref = node.get("values")
        self.expect(isinstance(body, list) and all(isinstance(k, str) for k in body), where,
                    "map keys must be text")
        self.expect(isinstance(ref, str) and ref in self.arrays and self.arrays[ref].dtype.kind in "iu"
                    and self.arrays[ref].shape == (len(body),), where, "map values must be integers, one per key")
        self.expect(isinstance(node.get("numpy"), bool), where, "map needs 'numpy'")

    def check_range(self, node, body, where):
        self.expect(isinstance(body, list) and len(body) == 3 and all(isinstance(n, int) for n in body)
                    and body[2] != 0, where, "a range is [start, stop, step]")
        self.node(node.get("name"), where)

    def check_series(self, node, body, where):
        self.expect(isinstance(body, dict), where, "a series must be an object")
        self.expect(body.get("dtype") in FRAME_DTYPES, where, f"unknown column type {body.get('dtype')!r}")
        self.column(body.get("data"), where)
        if body.get("index") is not None:
            self.expect(isinstance(body["index"], dict) and ("$range" in body["index"] or "$series" in body["index"]),
                        where, "bad index")
            self.node(body["index"], where)
        self.node(body.get("name"), where)

    def column(self, data, where):
        self.expect(isinstance(data, dict) and ("$array" in data or "$strings" in data), where, "bad column")
        self.node(data, where)

    def check_frame(self, node, body, where):
        self.expect(isinstance(body, dict), where, "a table must be an object")
        columns, dtypes, data = body.get("columns"), body.get("dtypes"), body.get("data")
        self.expect(isinstance(columns, list) and isinstance(dtypes, list) and isinstance(data, list)
                    and len(columns) == len(dtypes) == len(data), where, "a table needs columns, dtypes and data")
        self.node(columns, where)
        for dtype, col in zip(dtypes, data):
            self.expect(dtype in FRAME_DTYPES, where, f"unknown column type {dtype!r}")
            self.column(col, where)
        index = body.get("index")
        self.expect(isinstance(index, dict) and ("$range" in index or "$series" in index), where, "bad index")
        self.node(index, where)

    def check_object(self, node, body, where):
        self.expect(body in self.types, where, f"{body!r} is not a type a model file may hold")
        state = node.get("state")
        self.expect(isinstance(state, dict), where, "an object needs a state")
        for key, value in state.items():
            self.expect(_is_name(key), where, f"bad attribute name {key!r}")
            self.node(value, f"{where}.{key}")


class _Builder:
    def __init__(self, types, arrays):
        self.types, self.arrays = types, arrays

    def node(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.node(v) for v in node]
        kind = next(k for k in node if k in _KEYS)
        body = node[kind]
        if kind == "$tuple":
            return tuple(self.node(v) for v in body)
        if kind == "$dict":
            return {k: self.node(v) for k, v in body.items()}
        if kind == "$items":
            return {_hashable(self.node(k)): self.node(v) for k, v in body}
        if kind == "$float":
            return float(body)
        if kind == "$scalar":
            return SCALAR_TYPES[body](self.node(node["value"]))
        if kind == "$type":
            return SCALAR_TYPES[body]
        if kind == "$array":
            return self.arrays[body].copy()
        if kind == "$strings":
            return np.array(body, dtype=object).reshape(node["shape"])
        if kind == "$intmap":
            values = self.arrays[node["values"]]
            return dict(zip(body, values if node["numpy"] else values.tolist()))
        if kind == "$range":
            return pd.RangeIndex(*body, name=self.node(node.get("name")))
        if kind == "$series":
            data = pd.array(self.node(body["data"]), dtype=body["dtype"])
            index = self.node(body["index"]) if body.get("index") is not None else None
            if isinstance(index, pd.Series):
                index = pd.Index(index, name=index.name)
            return pd.Series(data, index=index, name=self.node(body.get("name")))
        if kind == "$frame":
            columns = self.node(body["columns"])
            index = self.node(body["index"])
            if isinstance(index, pd.Series):
                index = pd.Index(index, name=index.name)
            data = {i: pd.array(self.node(col), dtype=dtype) for i, (dtype, col) in enumerate(zip(body["dtypes"], body["data"]))}
            frame = pd.DataFrame(data, index=index)
            frame.columns = columns
            return frame
        cls = self.types[body]
        obj = object.__new__(cls)  # no __init__, no __setstate__: nothing of the class runs
        obj.__dict__.update({k: self.node(v) for k, v in node["state"].items()})
        return obj


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def load(model_json: bytes, arrays_npz: bytes, types: dict[str, type] | None = None) -> Any:
    """Build the object ``model.json`` and ``arrays.npz`` describe (StateError when they are not
    this format, or hold anything but data and allowed types; nothing is built before the check)."""
    types = types or allowed_types()
    try:
        tree = json.loads(model_json.decode("utf-8"),
                          parse_constant=lambda c: (_ for _ in ()).throw(StateError(f"{c} is not JSON")))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise StateError(f"not readable JSON ({exc})") from None
    if not isinstance(tree, dict) or tree.get("format") != FORMAT or "root" not in tree:
        raise StateError(f"not a {FORMAT} file")
    arrays = _read_arrays(arrays_npz)
    try:
        _Checker(types, arrays).node(tree["root"], "model")
    except RecursionError:
        raise StateError("the tree is nested too deeply") from None
    return _Builder(types, arrays).node(tree["root"])


def _read_arrays(data: bytes) -> dict[str, np.ndarray]:
    arrays = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    raise StateError(f"arrays: unexpected member {info.filename!r}")
                with archive.open(info) as fh:
                    array = np.lib.format.read_array(fh, allow_pickle=False)
                if array.dtype.kind not in ARRAY_KINDS:
                    raise StateError(f"arrays: {info.filename} holds {array.dtype}, not numbers or text")
                arrays[info.filename[:-4]] = array
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        if isinstance(exc, StateError):
            raise
        raise StateError(f"arrays: not a readable .npz archive ({exc})") from None
    return arrays
