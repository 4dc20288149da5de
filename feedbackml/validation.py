"""Parameter checks: each estimator declares what its parameters accept; ``fit`` checks them.

The scikit-learn way (``_parameter_constraints``): a class lists, per parameter, the
constraints a value may satisfy (any one is enough), and :func:`validate_params` —
called at the start of ``fit``, never in ``__init__`` — raises a ``ValueError`` that
names the parameter, the allowed values and the value given. :class:`~feedbackml.Config`
checks its fields against the same constraints and maps the error to a usage error (exit 2).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values (strings are compared as given)."""

    values: tuple

    def __init__(self, *values):
        object.__setattr__(self, "values", tuple(values))

    def accepts(self, value) -> bool:
        return isinstance(value, str) and value in self.values

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


@dataclass(frozen=True)
class Interval:
    """A number of ``kind`` (int or float; bools are never numbers here) between ``low`` and
    ``high`` (None = unbounded); ``closed`` says which ends are included."""

    kind: type
    low: float | None = None
    high: float | None = None
    closed: str = "both"  # both, left, right, neither

    def accepts(self, value) -> bool:
        if isinstance(value, bool):
            return False
        if self.kind is int and not isinstance(value, numbers.Integral):
            return False
        if not isinstance(value, numbers.Real):
            return False
        low_ok = self.low is None or (value >= self.low if self.closed in ("both", "left") else value > self.low)
        high_ok = self.high is None or (value <= self.high if self.closed in ("both", "right") else value < self.high)
        return bool(low_ok and high_ok)

    def describe(self) -> str:
        name = "a whole number" if self.kind is int else "a number"
        if self.low is not None and self.low == self.high:
            return f"{self.low} ({'all cores' if self.low == -1 else 'exactly'})" if self.kind is int else str(self.low)
        if self.low is not None and self.high is not None:
            lo = "[" if self.closed in ("both", "left") else "("
            hi = "]" if self.closed in ("both", "right") else ")"
            return f"{name} in {lo}{self.low}, {self.high}{hi}"
        if self.low is not None:
            return f"{name} {'≥' if self.closed in ('both', 'left') else '>'} {self.low}"
        if self.high is not None:
            return f"{name} {'≤' if self.closed in ('both', 'right') else '<'} {self.high}"
        return name


@dataclass(frozen=True)
class InstanceOf:
    """An instance of one of ``types`` (``None`` in the tuple allows None)."""

    types: tuple

    def __init__(self, *types):
        object.__setattr__(self, "types", tuple(types))

    def accepts(self, value) -> bool:
        if value is None:
            return None in self.types
        return isinstance(value, tuple(t for t in self.types if t is not None))

    def describe(self) -> str:
        names = ["None" if t is None else t.__name__ for t in self.types]
        return "None" if names == ["None"] else " or ".join(names)


@dataclass(frozen=True)
class Pair:
    """A pair ``(low, high)`` of whole numbers with ``minimum ≤ low ≤ high``."""

    minimum: int = 1

    def accepts(self, value) -> bool:
        return (isinstance(value, (tuple, list)) and len(value) == 2
                and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)
                and self.minimum <= value[0] <= value[1])

    def describe(self) -> str:
        return f"a pair (low, high) of whole numbers with {self.minimum} ≤ low ≤ high"


class Language:
    """A language with a data folder under ``feedbackml/lang/``."""

    def accepts(self, value) -> bool:
        return isinstance(value, str) and value in available_languages()

    def describe(self) -> str:
        return "a language with data in feedbackml/lang/: " + ", ".join(repr(x) for x in available_languages())


def available_languages() -> tuple[str, ...]:
    """The language folders shipped in ``feedbackml/lang/``."""
    root = resources.files("feedbackml.lang")
    return tuple(sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))))


def check_param(owner: str, name: str, value: Any, constraints: list) -> None:
    """Raise ``ValueError`` unless ``value`` satisfies one of ``constraints``."""
    if any(c.accepts(value) for c in constraints):
        return
    allowed = " or ".join(c.describe() for c in constraints)
    raise ValueError(f"{owner}: {name} must be {allowed}, not {value!r}")


def validate_params(estimator) -> None:
    """Check every parameter of ``estimator`` against its class's ``_parameter_constraints``."""
    constraints = type(estimator)._parameter_constraints
    for name, value in estimator.get_params(deep=False).items():
        if name in constraints:
            check_param(type(estimator).__name__, name, value, constraints[name])


def check_language(language: Any) -> str:
    """``language`` if there is data for it, else a ``ValueError`` listing the languages there are."""
    check_param("language", "language", language, [Language()])
    return language
