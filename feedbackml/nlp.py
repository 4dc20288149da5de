"""spaCy, offline: ``spacy.blank(lang)`` + the lookup lemmatizer from ``spacy-lookups-data``."""

from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Iterable, Iterator

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


@contextlib.contextmanager
def lemma_cache_limit(limit: int) -> Iterator[None]:
    """Within the block, keep at most ``limit`` texts' lemmas (streaming keeps memory flat)."""
    global _LEMMA_CACHE_LIMIT
    previous, _LEMMA_CACHE_LIMIT = _LEMMA_CACHE_LIMIT, limit
    try:
        if len(_LEMMA_CACHE) > limit:
            _LEMMA_CACHE.clear()
        yield
    finally:
        _LEMMA_CACHE_LIMIT = previous


def lemmatize(texts: Iterable[str], language: str = "en", batch_size: int = 2000) -> np.ndarray:
    """Lower-cased lemmas of each text joined by spaces, punctuation, numbers and URLs dropped.

    Each distinct text is tokenised once (and remembered for the next call); the result
    is broadcast back.
    """
    series = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts, dtype=object)
    codes, uniques = pd.factorize(series.fillna("").astype(str).str.lower(), use_na_sentinel=False)
    uniques = uniques.tolist()  # plain str: indexing an Arrow-backed Index is slow
    lemmas = np.array([_LEMMA_CACHE.get((language, t)) for t in uniques], dtype=object)
    todo = np.flatnonzero(pd.isna(lemmas))
    if len(todo):
        lemmas[todo] = _lemmatize_unique([uniques[i] for i in todo], language, batch_size)
        if len(_LEMMA_CACHE) + len(todo) > _LEMMA_CACHE_LIMIT:
            _LEMMA_CACHE.clear()
        _LEMMA_CACHE.update(((language, uniques[i]), lemmas[i]) for i in todo)
    return lemmas[codes] if len(uniques) else np.array([], dtype=object)


def _lemmatize_unique(texts: list[str], language: str, batch_size: int) -> np.ndarray:
    """Lemma strings of distinct lower-cased texts.

    spaCy's tokenizer runs through ``nlp.tokenizer.pipe``; tokens come out as arrays of
    hashes and flags, and the lookup lemmatizer's table (the same one the ``lemmatizer``
    component uses in lookup mode) is applied once per distinct token.
    """
    from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, LIKE_URL, ORTH

    nlp = get_nlp(language)
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    arrays = [doc.to_array([ORTH, IS_PUNCT, IS_SPACE, LIKE_NUM, LIKE_URL])
              for doc in nlp.tokenizer.pipe(texts, batch_size=batch_size)]
    lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    tokens = np.concatenate(arrays) if arrays else np.zeros((0, 5), dtype=np.uint64)
    keep = (tokens[:, 1:] == 0).all(axis=1)
    kept_per_text = np.bincount(np.repeat(np.arange(len(texts)), lengths)[keep], minlength=len(texts))
    ends = np.cumsum(kept_per_text)
    starts = ends - kept_per_text
    distinct, inverse = np.unique(tokens[keep, 0], return_inverse=True)
    strings = nlp.vocab.strings
    words = [strings[int(h)] for h in distinct]
    lemma_of = np.array([(table.get(w, w) or w).lower() for w in words], dtype=object)
    flat = lemma_of[inverse].tolist()
    return np.array([" ".join(flat[a:b]) for a, b in zip(starts.tolist(), ends.tolist())], dtype=object)


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
