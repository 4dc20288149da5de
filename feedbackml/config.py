"""One configuration object threaded through the pipeline.

Precedence: defaults < ``feedbackml.toml`` (or ``--config FILE``) < ``FEEDBACKML_*``
environment variables < explicit arguments (CLI flags or keyword arguments).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import UsageError
from .validation import InstanceOf, Interval, Language, Options, check_param


@dataclass(frozen=True)
class Config:
    """Every knob of an analysis; the defaults are what ``feedbackml analyze`` uses.

    Parameters
    ----------
    text, score, id, segment, date : column names in the input (None = auto-detect
        for ``text`` and ``score``, unused for the others); ``text`` may be a list of
        columns (several open questions, pooled: see :mod:`feedbackml.text.pool`).
    n_themes : ``"auto"`` or a fixed number of themes.
    random_state : seed for every random step (k-means, sampling, bootstrap).
    min_theme_n : themes with fewer comments are reported but never called significant.
    min_segment_n : segments and periods with fewer scored comments are reported as "too
        few" (``too_few``) and never called different.
    min_difference : a segment "differs" only when its score is at least this many points
        (NPS points or % points) from the rest's, besides being significant.
    alpha : significance level for confidence intervals and the FDR threshold.
    language : language-data folder under ``feedbackml/lang``.
    metric : nps, csat or ces; None = inferred from the score column (docs/inputs.md).
    outcome : optional ``COL=VALUE`` (the value of ``COL`` that is the event) or a yes/no ``COL``
        the drivers explain instead of detractors.
    period : week, month or quarter (trends). ci_method, n_boot : analytic or bootstrap
        intervals for scores, and the number of bootstrap draws.
    sentiment : sentiment scorer: "lexicon" (no training), "trained" (from
        ``sentiment_label``) or "weak" (learnt from the scores).
    sentiment_label : column of negative/neutral/positive labels to train sentiment on.
    codeframe : path of a ``themes.toml`` codeframe (theme names, seeds, merges, exclusions).
    chunk_size : rows per chunk when ``apply`` streams its input.
    n_jobs : worker processes that score chunks in parallel (1 = none, −1 = one per core).
    engine, scheduler : ``local`` or ``dask`` for ``apply``; the Dask scheduler address
        (None = a local cluster).
    sample : ``fit`` learns from this many rows drawn at random (seeded), None = all rows.
    """

    text: str | tuple[str, ...] | None = None
    score: str | None = None
    id: str | None = None
    segment: str | None = None
    date: str | None = None
    metric: str | None = None
    outcome: str | None = None
    period: str = "month"
    ci_method: str = "analytic"
    n_boot: int = 2000
    n_themes: int | str = "auto"
    random_state: int = 0
    min_theme_n: int = 30
    min_segment_n: int = 30
    min_difference: float = 5.0
    alpha: float = 0.05
    language: str = "en"
    redact_pii: bool = True
    max_features: int = 20000
    batch_size: int = 2000
    sentiment: str = "lexicon"
    sentiment_label: str | None = None
    codeframe: str | None = None
    chunk_size: int = 100_000
    n_jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    sample: int | None = None

    def replace(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied; ``None`` values leave a field unchanged."""
        changes = {k: v for k, v in changes.items() if v is not None}
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise UsageError(f"unknown configuration option(s): {', '.join(sorted(unknown))}")
        return _validated(dataclasses.replace(self, **changes))

    def to_dict(self) -> dict[str, Any]:
        # shallow: a Codeframe object given from Python stays an object
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _coerce(name: str, value: Any) -> Any:
    """Convert a string from a file or the environment to the field's type."""
    if name == "text" and isinstance(value, (list, tuple)):
        names = tuple(str(v) for v in value)
        return None if not names else names[0] if len(names) == 1 else names
    if name == "sample":
        try:
            return None if value is None or str(value).strip().lower() in {"", "none", "all"} else int(value)
        except (TypeError, ValueError):
            raise UsageError(f"sample must be a whole number, not {value!r}") from None
    if name == "n_themes":
        if isinstance(value, str) and value.strip().lower() == "auto":
            return "auto"
        try:
            return int(value)
        except (TypeError, ValueError):
            raise UsageError(f"n_themes must be 'auto' or a whole number, not {value!r}") from None
    default = getattr(Config, name)
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int) and not isinstance(default, bool):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise UsageError(f"{name} must be a whole number, not {value!r}") from None
    if isinstance(default, float):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise UsageError(f"{name} must be a number, not {value!r}") from None
    return value


#: What each option accepts; the estimators' ``_parameter_constraints`` are taken from here.
CONSTRAINTS: dict[str, list] = {
    "text": [InstanceOf(str, tuple, None)], "score": [InstanceOf(str, None)], "id": [InstanceOf(str, None)],
    "segment": [InstanceOf(str, None)], "date": [InstanceOf(str, None)],
    "outcome": [InstanceOf(str, None)], "sentiment_label": [InstanceOf(str, None)],
    "metric": [Options("nps", "csat", "ces"), InstanceOf(None)],  # None: inferred from the scores
    "period": [Options("week", "month", "quarter")],
    "ci_method": [Options("analytic", "bootstrap")],
    "n_boot": [Interval(int, 100, None)],
    "n_themes": [Options("auto"), Interval(int, 1, None)],
    "random_state": [Interval(int, 0, None)],
    "min_theme_n": [Interval(int, 1, None)],
    "alpha": [Interval(float, 0, 1, closed="neither")],
    "language": [Language()],
    "redact_pii": [InstanceOf(bool)],
    "max_features": [Interval(int, 1, None)],
    "batch_size": [Interval(int, 1, None)],
    "sentiment": [Options("lexicon", "trained", "weak")],
    "codeframe": [InstanceOf(str, Path, None)],
    "chunk_size": [Interval(int, 1, None)],
    "n_jobs": [Interval(int, 1, None), Interval(int, -1, -1)],
    "engine": [Options("local", "dask")],
    "scheduler": [InstanceOf(str, None)],
    "sample": [InstanceOf(None), Interval(int, 2, None)],
    "min_segment_n": [Interval(int, 1, None)],
    "min_difference": [Interval(float, 0, 200)],
}


def _validated(cfg: Config) -> Config:
    """The config if every field satisfies :data:`CONSTRAINTS`, else a usage error naming it."""
    for name, constraints in CONSTRAINTS.items():
        try:
            check_param("config", name, getattr(cfg, name), constraints)
        except ValueError as exc:
            raise UsageError(str(exc).removeprefix("config: ")) from None
    return cfg


def load_config(path: str | os.PathLike | None = None, env: dict | None = None, **overrides: Any) -> Config:
    """Build a Config from defaults, a TOML file, ``FEEDBACKML_*`` variables and ``overrides``.

    Without ``path``, ``./feedbackml.toml`` is read when it exists.
    """
    values: dict[str, Any] = {}
    names = {f.name for f in fields(Config)}
    file = Path(path) if path is not None else Path("feedbackml.toml")
    if path is not None and not file.is_file():
        raise UsageError(f"config file {file} does not exist")
    if file.is_file():
        try:
            data = tomllib.loads(file.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{file}: not a valid TOML file ({exc})") from None
        data = data.get("feedbackml", data)
        for key, value in data.items():
            key = key.replace("-", "_")
            if key not in names:
                raise UsageError(f"{file}: unknown option {key!r}")
            values[key] = _coerce(key, value)
    env = os.environ if env is None else env
    for key, value in env.items():
        if key.startswith("FEEDBACKML_"):
            name = key[len("FEEDBACKML_"):].lower()
            if name in names:
                values[name] = _coerce(name, value)
    unknown = set(overrides) - names
    if unknown:
        raise UsageError(f"unknown configuration option(s): {', '.join(sorted(unknown))}")
    for key, value in overrides.items():
        if value is not None:
            values[key] = _coerce(key, value)
    return Config().replace(**values)
