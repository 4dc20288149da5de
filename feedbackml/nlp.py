"""spaCy, offline: ``spacy.blank(lang)`` + the lookup lemmatizer from ``spacy-lookups-data``."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import numpy as np
import pandas as pd


@lru_cache(maxsize=None)
def get_nlp(language: str = "en"):
    """A blank spaCy pipeline with a lookup lemmatizer (tables from spacy-lookups-data)."""
    import spacy

    nlp = spacy.blank(language)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


#: Lemmas of recently seen texts: ``fit`` then ``transform`` of the same export
#: lemmatises each distinct text once. Cleared when it grows past the limit.
_LEMMA_CACHE: dict[tuple[str, str], str] = {}
_LEMMA_CACHE_LIMIT = 2_000_000


def lemmatize(texts: Iterable[str], language: str = "en", batch_size: int = 2000) -> np.ndarray:
    """Lower-cased lemmas of each text joined by spaces, punctuation, numbers and URLs dropped.

    Each distinct text goes through ``nlp.pipe`` once (and is remembered for the next
    call); the result is broadcast back.
    """
    series = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts, dtype=object)
    codes, uniques = pd.factorize(series.fillna("").astype(str).str.lower(), use_na_sentinel=False)
    lemmas = np.array([_LEMMA_CACHE.get((language, t)) for t in uniques], dtype=object)
    todo = np.flatnonzero(pd.isna(lemmas))
    if len(todo):
        nlp = get_nlp(language)
        docs = nlp.pipe((uniques[i] for i in todo), batch_size=batch_size)
        for i, doc in zip(todo, docs):
            lemmas[i] = " ".join(
                (tok.lemma_ or tok.lower_).lower()
                for tok in doc
                if not (tok.is_punct or tok.is_space or tok.like_num or tok.like_url)
            )
        if len(_LEMMA_CACHE) + len(todo) > _LEMMA_CACHE_LIMIT:
            _LEMMA_CACHE.clear()
        _LEMMA_CACHE.update(((language, uniques[i]), lemmas[i]) for i in todo)
    return lemmas[codes] if len(uniques) else np.array([], dtype=object)


_SENTENCE_END = r"(?<=[.!?;])\s+|\n+|(?<=[.!?])(?=[A-Z])"


def split_clauses(texts, language: str = "en") -> pd.DataFrame:
    """Split each text into sentences, then into clauses before contrast markers.

    Returns one row per clause with ``doc`` (position of the text in ``texts``),
    ``clause`` (0-based order within the text), ``text`` and ``after_contrast`` (the
    clause starts with a marker from ``lang/<language>/contrast.txt``, e.g. "but …").
    Vectorised with regexes, like spaCy's sentencizer on ``.!?`` plus the markers.
    """
    from .lang import load_list

    series = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts.to_numpy(), dtype=object)
    series = series.fillna("").astype(str)
    markers = "|".join(sorted((m.replace(" ", r"\s+") for m in load_list("contrast", language)),
                              key=len, reverse=True))
    contrast = rf"(?i)[,;:]?\s+(?=(?:{markers})\b)"
    parts = series.str.split(_SENTENCE_END, regex=True).explode()
    parts = parts.str.split(contrast, regex=True).explode()
    parts = parts.fillna("").str.strip()
    out = pd.DataFrame({"doc": parts.index.to_numpy(), "text": parts.to_numpy(object)})
    out = out[out["text"] != ""].reset_index(drop=True)
    out["clause"] = out.groupby("doc").cumcount()
    out["after_contrast"] = out["text"].str.match(rf"(?i)(?:{markers})\b")
    return out[["doc", "clause", "text", "after_contrast"]]
