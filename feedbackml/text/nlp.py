"""spaCy, offline: ``spacy.blank(lang)`` + the lookup lemmatizer from ``spacy-lookups-data``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .caches import LEMMAS, LastCall


@cache
def get_nlp(language: str = "en"):
    """A blank spaCy pipeline with a lookup lemmatizer (tables from spacy-lookups-data)."""
    import spacy

    nlp = spacy.blank(language)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@cache
def lemma_fixes(language: str = "en") -> dict[str, str]:
    """Word → lemma where the lookup table is wrong (``lang/<language>/lemma_fixes.tsv``:
    "does" → "do", not "doe"; "number" → "number", not "numb")."""
    from ..lang import load_table

    return {row[0].lower(): row[1].lower() for row in load_table("lemma_fixes", language) if len(row) >= 2}


#: Words rarer than this natural-log probability are left out of :func:`common_words`.
RARE_LOG_PROB = -16.0


@cache
def common_words(language: str = "en") -> dict[str, float]:
    """The ~49k words of the language at large with a natural-log probability of at least
    :data:`RARE_LOG_PROB`, and that probability: the ``lexeme_prob`` table of
    ``spacy-lookups-data``. A word not here is rarer than all of them (a misspelling, a name
    or jargon). Empty for a language without the table.

    Read once per process with a regex over the table's JSON (0.5 s, ~30 MB while reading):
    parsing all million entries would take a second and 150 MB more, for words never asked.
    """
    import gzip
    import re
    from importlib import resources

    path = resources.files("spacy_lookups_data") / "data" / f"{language}_lexeme_prob.json.gz"
    if not path.is_file():
        return {}
    raw = gzip.decompress(path.read_bytes())
    found = re.findall(rb'"([a-z][a-z\'-]*)":(-(?:1[0-5]|[0-9])\.[0-9]+)', raw)
    return {word.decode(): float(value) for word, value in found}


@cache
def word_classes(language: str = "en") -> dict[str, frozenset[str]]:
    """The dictionary's single words per word class (``noun``, ``verb``, ``adj``, ``adv``):
    the ``lemma_index`` table of ``spacy-lookups-data`` (for English WordNet's, ~55k nouns;
    many words are in several classes: "call", "hold", "book"). Empty for a language
    without the table.

    Theme labels name what comments are about, so a label needs a word that can be a noun:
    "happen", "unfortunately" or "decent" never head one (:func:`~feedbackml.themes.labels.nounlike`).
    """
    import gzip
    import json
    from importlib import resources

    path = resources.files("spacy_lookups_data") / "data" / f"{language}_lemma_index.json.gz"
    if not path.is_file():
        return {}
    table = json.loads(gzip.decompress(path.read_bytes()))
    return {name: frozenset(w for w in words if w.isalpha()) for name, words in table.items()}


def lemmatize(texts: Iterable[str], language: str = "en", batch_size: int = 2000) -> np.ndarray:
    """Lower-cased lemmas of each text joined by spaces, punctuation, numbers and URLs dropped.

    Each distinct text is tokenised once (and remembered in :data:`feedbackml.caches.LEMMAS`
    for the next call); the result is broadcast back.
    """
    series = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts, dtype=object)
    codes, uniques = pd.factorize(series.fillna("").astype(str).str.lower(), use_na_sentinel=False)
    uniques = uniques.tolist()  # plain str: indexing an Arrow-backed Index is slow
    lemmas = np.array(LEMMAS.get_many((language, t) for t in uniques), dtype=object)
    todo = np.flatnonzero(pd.isna(lemmas))
    if len(todo):
        lemmas[todo] = _lemmatize_unique([uniques[i] for i in todo], language, batch_size)
        LEMMAS.put_many([((language, uniques[i]), lemmas[i]) for i in todo])
    return lemmas[codes] if len(uniques) else np.array([], dtype=object)


#: Whitespace other than the plain space (Python's ``str.isspace``), for RE2.
_OTHER_SPACE = r"[\t\n\x0b\f\r\x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"


def _lemmatize_unique(texts: list[str], language: str, batch_size: int) -> np.ndarray:
    """Lemma strings of distinct lower-cased texts.

    spaCy's tokenizer cuts a text at spaces and tokenises each space-free piece on its own
    (prefixes, suffixes, infixes, exceptions), so a text whose only whitespace is single
    spaces between words is tokenised piece by piece: each distinct word-with-punctuation
    once, whatever the number of texts it occurs in. Other texts go through whole.
    """
    arr = pa.array(texts, type=pa.large_string())
    simple = pc.invert(pc.match_substring_regex(arr, rf"{_OTHER_SPACE}|  |^ | $")).to_numpy(zero_copy_only=False)
    out = np.empty(len(texts), dtype=object)
    whole = np.flatnonzero(~simple)
    out[whole] = _lemmatize_docs([texts[i] for i in whole], language, batch_size)
    pieces = pc.split_pattern(arr.filter(pa.array(simple)), " ")
    encoded = pc.dictionary_encode(pc.list_flatten(pieces)) if len(pieces) else None
    if encoded is not None and len(encoded):
        lemmas = pa.array(_lemmatize_docs(encoded.dictionary.to_pylist(), language, batch_size).tolist(),
                          type=pa.large_string())
        words = type(pieces).from_arrays(pieces.offsets, lemmas.take(encoded.indices))
        joined = pc.binary_join(words, pa.scalar(" ", pa.large_string()))
        # pieces without words (punctuation, numbers) left empty lemma strings: drop their spaces
        joined = pc.utf8_trim(pc.replace_substring_regex(joined, " {2,}", " "), " ")
        out[np.flatnonzero(simple)] = joined.to_numpy(zero_copy_only=False)
    else:
        out[np.flatnonzero(simple)] = ""
    return out


def _lemmatize_docs(texts: list[str], language: str, batch_size: int) -> np.ndarray:
    """Lemma strings of texts, each through spaCy's tokenizer.

    ``nlp.tokenizer.pipe`` gives tokens as arrays of hashes and flags; the lookup
    lemmatizer's table (the same one the ``lemmatizer`` component uses in lookup mode) is
    applied once per distinct token.
    """
    from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, LIKE_URL, ORTH

    if not texts:
        return np.array([], dtype=object)
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
    fixes = lemma_fixes(language)
    lemma_of = np.array([fixes.get(w.lower()) or (table.get(w, w) or w).lower() for w in words], dtype=object)
    flat = lemma_of[inverse].tolist()
    return np.array([" ".join(flat[a:b]) for a, b in zip(starts.tolist(), ends.tolist())], dtype=object)


CUT = "\x00"  # marks where a text is cut
#: Sentence ends: after .!?; and whitespace, at line breaks, and between .!? and a capital
#: ("Great.The app …"). Python's regex, and the same as RE2 (Arrow) replacements marking cuts.
_SENTENCE_END = r"(?<=[.!?;])\s+|\n+|(?<=[.!?])(?=[A-Z])"
ASCII_SPACE = r"[\s\x0b\x1c-\x1f]"  # Python's ``\s`` on ASCII (RE2's lacks \v and \x1c-\x1f)
_SENTENCE_END_RE2 = ((rf"([.!?;]){ASCII_SPACE}+", rf"\1{CUT}"), (r"\n+", CUT),
                     (r"([.!?])([A-Z])", rf"\1{CUT}\2"))


@cache
def contrast_markers(language: str = "en") -> str:
    """The contrast markers of ``lang/<language>/contrast.tsv`` as one regex alternation,
    longest first."""
    from ..lang import get_language

    return "|".join(sorted((m.replace(" ", r"\s+") for m in get_language(language).contrast),
                           key=len, reverse=True))


_ASCII_WHITESPACE = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # what str.strip() removes from ASCII text


def _cut_arrow(arr: pa.Array, index: pd.Index, rules: list[tuple[str, str]]) -> pd.Series:
    """Stripped, non-empty parts of ASCII texts cut by RE2 ``rules``, indexed like the texts."""
    from .threads import map_slices

    def cut(values: pa.Array) -> pa.Array:
        for pattern, replacement in rules:
            values = pc.replace_substring_regex(values, pattern=pattern, replacement=replacement)
        return pc.split_pattern(values, CUT)

    lists = map_slices(cut, arr)
    parts = pc.utf8_trim(pc.list_flatten(lists), characters=_ASCII_WHITESPACE)
    keep = pc.not_equal(parts, "")
    parents = pc.list_parent_indices(lists).filter(keep).to_numpy()
    return pd.Series(parts.filter(keep).to_numpy(zero_copy_only=False), index=index[parents], dtype=object)


def cut_texts(texts: pd.Series, patterns: Iterable[str], rules: Iterable[tuple[str, str]]) -> pd.Series:
    r"""Texts split at the regex ``patterns`` in turn: one stripped, non-empty part per row,
    indexed like ``texts``, in order.

    ``rules`` say the same for Arrow's RE2 as (pattern, replacement that puts a NUL at each
    cut); they do the ASCII texts, ≈4× faster than Python's ``re``, which does the rest
    (RE2's ``\b`` is ASCII only). Write ``\s`` in ``rules`` as :data:`ASCII_SPACE`.
    """
    arr = pa.array(texts.tolist(), type=pa.large_string())
    fast = pc.and_(pc.string_is_ascii(arr), pc.invert(pc.match_substring(arr, CUT)))
    slow = texts[~fast.to_numpy(zero_copy_only=False)]
    for pattern in patterns:
        slow = slow.str.split(pattern, regex=True).explode()
    slow = slow.fillna("").str.strip()
    parts = pd.concat([_cut_arrow(arr.filter(fast), texts.index[fast.to_numpy(zero_copy_only=False)], list(rules)),
                       slow[slow != ""]])
    return parts.sort_index(kind="stable")


def split_clauses(texts, language: str = "en") -> pd.DataFrame:
    """Split each text into sentences, then into clauses before contrast markers.

    Returns one row per clause with ``doc`` (position of the text in ``texts``),
    ``clause`` (0-based order within the text), ``text`` and ``after_contrast`` (the
    clause starts with a marker from ``lang/<language>/contrast.tsv``, e.g. "but …").
    Vectorised with regexes, like spaCy's sentencizer on ``.!?`` plus the markers.
    """
    series = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts.to_numpy(), dtype=object)
    series = series.fillna("").astype(str)
    values = series.to_numpy(dtype=object)
    last = _LAST_SPLIT.peek(language)  # sentiment, then themes, split the same texts
    if last is not None:
        reused = _reordered(*last, values)
        if reused is not None:
            return reused
    markers = contrast_markers(language)
    re2_markers = markers.replace(r"\s", ASCII_SPACE)
    parts = cut_texts(series, [_SENTENCE_END, rf"(?i)[,;:]?\s+(?=(?:{markers})\b)"],
                      [*_SENTENCE_END_RE2, (rf"(?i)[,;:]?{ASCII_SPACE}+((?:{re2_markers})\b)", rf"{CUT}\1")])
    out = pd.DataFrame({"doc": parts.index.to_numpy(np.int64), "text": parts.to_numpy(object)})
    out["clause"] = out.groupby("doc").cumcount()
    out["after_contrast"] = _starts_with(out["text"], rf"(?i)(?:{markers})\b", rf"(?i)^(?:{re2_markers})\b")
    out = out[["doc", "clause", "text", "after_contrast"]]
    _LAST_SPLIT.put(language, values, out.copy())
    return out


def _starts_with(texts: pd.Series, pattern: str, re2_pattern: str) -> np.ndarray:
    r"""Whether each text starts with Python regex ``pattern``: RE2 ``re2_pattern`` (anchored)
    on the ASCII texts, Python's ``re`` on the rest (RE2's ``\b`` and case folding are ASCII only)."""
    arr = pa.array(texts.tolist(), type=pa.large_string())
    ascii_ = pc.string_is_ascii(arr).to_numpy(zero_copy_only=False)
    out = pc.match_substring_regex(arr, re2_pattern).to_numpy(zero_copy_only=False).astype(bool)
    if not ascii_.all():
        out[~ascii_] = texts[~ascii_].str.match(pattern).to_numpy(bool)
    return out


def _reordered(values: np.ndarray, clauses: pd.DataFrame, texts: np.ndarray) -> pd.DataFrame | None:
    """The clauses of ``texts`` taken from ``clauses`` of the distinct texts ``values`` when
    ``texts`` are the same texts in another order (a text's clauses depend on it alone),
    else None."""
    if len(values) != len(texts):
        return None
    if (values == texts).all():
        return clauses.copy()
    index = pd.Index(values)
    if not index.is_unique:
        return None
    where = index.get_indexer(texts)
    if (where < 0).any():
        return None
    doc = clauses["doc"].to_numpy()
    starts = np.searchsorted(doc, np.arange(len(values) + 1))
    lengths = np.diff(starts)[where]
    rows = np.repeat(starts[:-1][where] - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    out = clauses.iloc[rows].reset_index(drop=True)
    out["doc"] = np.repeat(np.arange(len(texts), dtype=doc.dtype), lengths)
    return out


_LAST_SPLIT = LastCall()  # (language → texts, clauses) of the last call
