"""Language data (word lists, phrases, patterns) kept as files, read once."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_list(name: str, lang: str = "en") -> tuple[str, ...]:
    """Lines of ``lang/<lang>/<name>.txt`` without comments (``#``) and blanks."""
    text = resources.files(__package__).joinpath(lang, f"{name}.txt").read_text("utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


@cache
def load_table(name: str, lang: str = "en") -> tuple[tuple[str, ...], ...]:
    """Tab-separated rows of ``lang/<lang>/<name>.tsv`` (``#`` starts a comment line)."""
    text = resources.files(__package__).joinpath(lang, f"{name}.tsv").read_text("utf-8")
    return tuple(
        tuple(line.split("\t"))
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )
