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


@dataclass(frozen=True)
class Config:
    """Every knob of an analysis; the defaults are what ``feedbackml analyze`` uses.

    Parameters
    ----------
    text, score, id, segment, date : column names in the input (None = auto-detect
        for ``text`` and ``score``, unused for the others).
    n_themes : ``"auto"`` or a fixed number of themes.
    random_state : seed for every random step (k-means, sampling, bootstrap).
    min_theme_n : themes with fewer comments are reported but never called significant.
    min_segment_n : segments and periods with fewer scored comments are reported as "too
        few" (``too_few``) and never called different.
    min_difference : a segment "differs" only when its score is at least this many points
        (NPS points or % points) from the rest's, besides being significant.
    alpha : significance level for confidence intervals and the FDR threshold.
    language : language-data folder under ``feedbackml/lang``.
    metric : nps, csat or ces. outcome : optional 0/1 column (churned …) the drivers explain.
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

    text: str | None = None
    score: str | None = None
    id: str | None = None
    segment: str | None = None
    date: str | None = None
    metric: str = "nps"
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


def _validated(cfg: Config) -> Config:
    if cfg.metric not in {"nps", "csat", "ces"}:
        raise UsageError(f"metric must be one of nps, csat, ces, not {cfg.metric!r}")
    if cfg.period not in {"week", "month", "quarter"}:
        raise UsageError(f"period must be one of week, month, quarter, not {cfg.period!r}")
    if cfg.ci_method not in {"analytic", "bootstrap"}:
        raise UsageError(f"ci_method must be analytic or bootstrap, not {cfg.ci_method!r}")
    if not (isinstance(cfg.n_boot, int) and cfg.n_boot >= 100):
        raise UsageError(f"n_boot must be a whole number of at least 100, not {cfg.n_boot!r}")
    if cfg.n_themes != "auto" and not (isinstance(cfg.n_themes, int) and cfg.n_themes >= 1):
        raise UsageError(f"n_themes must be 'auto' or a positive whole number, not {cfg.n_themes!r}")
    if cfg.sentiment not in {"lexicon", "trained", "weak"}:
        raise UsageError(f"sentiment must be one of lexicon, trained, weak, not {cfg.sentiment!r}")
    if cfg.engine not in {"local", "dask"}:
        raise UsageError(f"engine must be local or dask, not {cfg.engine!r}")
    if not (isinstance(cfg.chunk_size, int) and cfg.chunk_size >= 1):
        raise UsageError(f"chunk_size must be a positive whole number, not {cfg.chunk_size!r}")
    if not (isinstance(cfg.n_jobs, int) and (cfg.n_jobs >= 1 or cfg.n_jobs == -1)):
        raise UsageError(f"n_jobs must be a positive whole number or -1 (all cores), not {cfg.n_jobs!r}")
    if cfg.sample is not None and not (isinstance(cfg.sample, int) and cfg.sample >= 2):
        raise UsageError(f"sample must be a whole number of at least 2, not {cfg.sample!r}")
    if not (isinstance(cfg.min_segment_n, int) and cfg.min_segment_n >= 1):
        raise UsageError(f"min_segment_n must be a positive whole number, not {cfg.min_segment_n!r}")
    if not (isinstance(cfg.min_difference, (int, float)) and 0 <= cfg.min_difference <= 200):
        raise UsageError(f"min_difference must be a number of points from 0 to 200, not {cfg.min_difference!r}")
    if not 0 < cfg.alpha < 1:
        raise UsageError(f"alpha must be between 0 and 1, not {cfg.alpha!r}")
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
