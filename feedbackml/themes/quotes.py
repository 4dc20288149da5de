"""Quotes: short, diverse, real comments that show what each theme is about."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..text.cleaning import FORMATTING_TAG, redact_pii
from .model import NO_THEME

#: Quotes per theme in themes.csv.
N_QUOTES = 4


def select_quotes(pool: pd.DataFrame, n: int = 4, max_overlap: float = 0.5) -> pd.DataFrame:
    """Rows of ``pool`` (``theme_id, theme_score, clean_text`` …) to quote: per theme, the
    comments closest to its centre — those about that theme alone first when a ``themes``
    column says so — skipping any whose words overlap an already chosen quote by
    ``max_overlap`` or more (Jaccard), so the quotes show different phrasings. Of comments
    that differ only in case and punctuation, the first in ``pool`` is kept.
    """
    several = pool["themes"].str.len().gt(1) if "themes" in pool else pd.Series(False, index=pool.index)
    pool = pool.assign(_key=pool["clean_text"].str.lower().str.replace(r"[^\w\s]", "", regex=True),
                       _several=several.to_numpy())
    pool = pool.sort_values(["theme_id", "_several", "theme_score", "_key"],
                            ascending=[True, True, False, True], kind="stable").drop_duplicates("_key")
    candidates = pool.groupby("theme_id", sort=True).head(10 * n)
    chosen: list = []
    for _, group in candidates.groupby("theme_id", sort=True):
        picked: list[set[str]] = []
        for index, key in zip(group.index, group["_key"]):
            words = set(key.split())
            if all(len(words & p) / len(words | p) < max_overlap for p in picked):
                picked.append(words)
                chosen.append(index)
                if len(picked) == n:
                    break
    return pool.loc[chosen].drop(columns=["_key", "_several"])


def representative_quotes(comments: pd.DataFrame, text_column: str, n: int = N_QUOTES) -> pd.Series:
    """Up to ``n`` short, diverse comments closest to each theme's centre, joined by " | ".

    Quotes are the original text with PII redacted and layout tags (<br>, <b> …) removed
    (other markup stays, as text), 4 to 30 words long, indexed by ``theme_id``; see
    :func:`feedbackml.themes.select_quotes` for how near-duplicates are skipped.
    """
    top = select_quotes(quote_candidates(comments, text_column, n), n)
    text = top[text_column].astype(str).str.replace(FORMATTING_TAG, " ", regex=True)
    quotes = redact_pii(text.str.replace(r"\s+", " ", regex=True))
    return quotes.groupby(top["theme_id"]).agg(" | ".join)


_NOT_WORD_OR_SPACE = r"[^\pL\pN_\s\x0b\x1c-\x1f\x{85}\p{Z}]"


def quote_candidates(comments: pd.DataFrame, text_column: str, n: int = N_QUOTES) -> pd.DataFrame:
    """The rows :func:`representative_quotes` picks from: up to ``10·n`` per theme, best first.

    Best = about this theme alone, then closest to its centre; of comments that differ only
    in case and punctuation one is kept (the same whatever the row order). Mergeable: the
    candidates of chunks' candidates are the candidates of the whole, which is how
    streamed runs pick the same quotes.
    """
    pool = comments.loc[(comments["theme_id"] != NO_THEME) & ~comments["is_duplicate"],
                        ["theme_id", "theme_score", "clean_text", "is_duplicate", "themes", text_column]]
    pool = pool[(pool["clean_text"].str.count(" ") + 1).between(4, 30)]
    clean = pa.array(pool["clean_text"].to_numpy(object), type=pa.large_string())
    key = pc.replace_substring_regex(pc.utf8_lower(clean), _NOT_WORD_OR_SPACE, "")  # Python's [^\w\s]
    helper = {"_several": pool["themes"].str.len().gt(1).to_numpy(),
              "_key": key.to_numpy(zero_copy_only=False),
              "_original": pool[text_column].astype(str).to_numpy()}
    pool = pool.assign(**helper).sort_values(
        ["theme_id", "_several", "theme_score", "_key", "_original"],
        ascending=[True, True, False, True, True], kind="stable")
    pool = pool.drop_duplicates("_key").drop(columns=list(helper))
    return pool.groupby("theme_id", sort=True).head(10 * n)  # select_quotes picks n diverse ones
