"""Parts of comments: clauses further split at commas, semicolons and joining words (what themes are assigned to)."""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from ..lang import get_language
from ..text.nlp import ASCII_SPACE, CUT, cut_texts, split_clauses


@cache
def _break_words(language: str) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in get_language(language).theme_breaks),
                           key=len, reverse=True))


def split_segments(texts: pd.Series, language: str = "en") -> pd.DataFrame:
    """Clauses (:func:`feedbackml.nlp.split_clauses`) further split at commas, semicolons
    and joining words (``lang/<language>/theme_breaks.txt``): ``doc, text`` per part."""
    clauses = split_clauses(texts, language)
    words = _break_words(language)
    breaks = r"(?i)\s*[,;]\s*|\s+(?:{})\s+"
    parts = cut_texts(clauses["text"], [breaks.format(words)],
                      [(breaks.format(words).replace(r"\s", ASCII_SPACE), CUT)])
    return pd.DataFrame({"doc": clauses["doc"].to_numpy()[parts.index.to_numpy()],
                         "text": parts.to_numpy(object)})


def split_parts(texts: pd.Series, language: str = "en") -> pd.DataFrame:
    """The parts of :func:`split_segments` with their place: ``doc, part`` (order in the
    text), ``text`` and ``clause_text`` (the clause the part was cut from)."""
    clauses = split_clauses(texts, language)
    words = _break_words(language)
    breaks = r"(?i)\s*[,;]\s*|\s+(?:{})\s+"
    parts = cut_texts(clauses["text"], [breaks.format(words)],
                      [(breaks.format(words).replace(r"\s", ASCII_SPACE), CUT)])
    at = parts.index.to_numpy()
    out = pd.DataFrame({"doc": clauses["doc"].to_numpy()[at], "text": parts.to_numpy(object),
                        "clause_text": clauses["text"].to_numpy(object)[at]})
    out.insert(1, "part", out.groupby("doc").cumcount().to_numpy())
    return out
