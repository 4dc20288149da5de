"""Parts of comments: clauses further split at commas, semicolons, brackets and joining words
(what themes are assigned to, and what a theme mention's sentiment is read from)."""

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


def _cut(clauses: pd.DataFrame, language: str) -> pd.Series:
    """The parts of each clause: cut at commas, semicolons, brackets (an aside in brackets is a
    part of its own: "the food was good (certainly no Il Mulino) the service was horrendous")
    and joining words (``lang/<language>/theme_breaks.txt``); indexed by clause row."""
    breaks = rf"(?i)\s*[,;]\s*|\s+[(\[]\s*|\s*[)\]]\s+|\s+(?:{_break_words(language)})\s+"
    return cut_texts(clauses["text"], [breaks], [(breaks.replace(r"\s", ASCII_SPACE), CUT)])


def split_segments(texts: pd.Series, language: str = "en") -> pd.DataFrame:
    """Clauses (:func:`feedbackml.nlp.split_clauses`) further split at commas, semicolons,
    brackets and joining words (``lang/<language>/theme_breaks.txt``): ``doc, text`` per part."""
    clauses = split_clauses(texts, language)
    parts = _cut(clauses, language)
    return pd.DataFrame({"doc": clauses["doc"].to_numpy()[parts.index.to_numpy()],
                         "text": parts.to_numpy(object)})


def split_parts(texts: pd.Series, language: str = "en") -> pd.DataFrame:
    """The parts of :func:`split_segments` with their place: ``doc, part`` (order in the
    text), ``text``, ``clause_text`` (the clause the part was cut from), ``clause`` (the
    clause's order in the text) and ``after_contrast`` (the clause starts with a contrast
    marker such as "but": :func:`feedbackml.nlp.split_clauses`)."""
    clauses = split_clauses(texts, language)
    parts = _cut(clauses, language)
    at = parts.index.to_numpy()
    out = pd.DataFrame({"doc": clauses["doc"].to_numpy()[at], "text": parts.to_numpy(object),
                        "clause_text": clauses["text"].to_numpy(object)[at],
                        "clause": clauses["clause"].to_numpy()[at],
                        "after_contrast": clauses["after_contrast"].to_numpy(bool)[at]})
    out.insert(1, "part", out.groupby("doc").cumcount().to_numpy())
    return out
