"""TextCleaner: normalise survey comments, redact PII, and mark non-answers and duplicates.

Everything runs on the unique texts with pandas string methods and compiled regexes,
then is broadcast back, because survey exports repeat short answers many times.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.base import BaseEstimator, TransformerMixin

from ..lang import get_language
from ..validation import InstanceOf, Language, validate_params
from .caches import CLEANED, KEYS, LastCall
from .inputs import as_texts
from .pii import checked_replacer
from .threads import map_slices

OUTPUT_COLUMNS = ["clean_text", "is_nonanswer", "is_duplicate"]
_LAST_CLEANED = LastCall()  # ``analyze`` cleans the texts ``fit`` cleaned: the same table
HTML_TAG = r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"
#: Layout tags only (<br>, <b>, <p> …): removed from quotes, where other markup shows as text.
FORMATTING_TAG = r"(?i)</?(?:br|b|i|u|em|strong|p|div|span)\b[^<>]*/?>"
_LETTER_RUN = r"([^\W\d_])\1{2,}"  # "soooo" -> "soo" (Python re: needs a back-reference)
_ANY_REPEAT = r"([^\W\d_])\1+"
_ANY_LETTER_RUN = "(?i)" + "|".join(f"{c}{c}{c}" for c in "abcdefghijklmnopqrstuvwxyz")
#: Runs of four or more marks cut to three (VADER counts up to three): pattern, replacement,
#: and the run of four every text it changes holds (a literal search picks those texts).
_PUNCT_RUNS = ((r"!{4,}", "!!!", "!!!!"), (r"\?{4,}", "???", "????"), (r"\.{4,}", "...", "...."))
_NOT_ASCII_TEXT = r"[^\x{00}-\x{2000}]"  # candidates for emoji


def _arrow(text) -> pa.Array:
    return pa.array(pd.Series(text, dtype=object).fillna("").astype(str).tolist(), type=pa.large_string())


def _replace(arr: pa.Array, pattern: str, replacement: str) -> pa.Array:
    return pc.replace_substring_regex(arr, pattern=pattern, replacement=replacement)


def _replace_where(arr: pa.Array, mask: pa.Array, pattern: str, replacement: str) -> pa.Array:
    """:func:`_replace` run only on the strings selected by ``mask`` (those it can change)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    mask = mask.fill_null(False)
    if not pc.any(mask).as_py():
        return arr
    return pc.replace_with_mask(arr, mask, _replace(arr.filter(mask), pattern, replacement))


def _map_where(arr: pa.Array, mask: pa.Array, func) -> pa.Array:
    """Apply a Python function only to the strings selected by ``mask`` (usually few): only
    those leave Arrow."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    selected = np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)
    idx = np.flatnonzero(selected)
    if not len(idx):
        return arr
    changed = pa.array([func(v) for v in arr.take(pa.array(idx)).to_pylist()], type=arr.type)
    return pc.replace_with_mask(arr, pa.array(selected), changed)


def _squeeze_spaces(arr: pa.Array) -> pa.Array:
    r"""Runs of whitespace (RE2's ``\s``: tab, line feed, form feed, carriage return, space)
    as one space, ends trimmed; the replacement runs only on the texts it changes (a tab,
    a line break or two spaces), most texts hold single spaces only."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    selected = pc.match_substring_regex(arr, r"[\t\n\f\r]|  ").fill_null(False)
    if pc.any(selected).as_py():
        squeezed = _replace(arr.filter(selected), r"\s+", " ")
        arr = pc.replace_with_mask(arr, selected, squeezed)
    return pc.utf8_trim_whitespace(arr)


@cache
def _emoji_table() -> tuple[re.Pattern, dict[str, str], list[int]]:
    """Emoji → words from VADER's own emoji lexicon (ships in ``vaderSentiment``): a pattern
    for the characters an emoji can start with, the names, and the emoji lengths (longest first)."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).with_name("emoji_utf8_lexicon.txt")
    names = {}
    for line in path.read_text("utf-8").splitlines():
        emoji, _, name = line.partition("\t")
        if emoji and name:
            names[emoji] = name
    return re.compile(f"[{_char_ranges({ord(e[0]) for e in names})}]"), names, sorted(
        {len(e) for e in names}, reverse=True)


def emoji_names() -> list[str]:
    """The names ``TextCleaner`` writes emoji as (distinct, sorted)."""
    return sorted(set(_emoji_table()[1].values()))


def _char_ranges(code_points: set[int]) -> str:
    """A regex character class body of ``code_points`` as runs (``a-z``): Python's ``re`` tests
    the characters of a class outside the BMP one by one, so 1,250 first characters of emoji
    made the search ~10× slower than their 147 runs."""
    runs: list[list[int]] = []
    for c in sorted(code_points):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in runs)


def _name_emoji(text: str) -> str:
    """Each emoji replaced by its name, the longest one that matches first."""
    starts, names, lengths = _emoji_table()
    out, done = [], 0
    for m in starts.finditer(text):
        i = m.start()
        if i < done:
            continue
        emoji = next((text[i:i + n] for n in lengths if text[i:i + n] in names), None)
        if emoji is not None:
            out += [text[done:i], f" {names[emoji]} "]
            done = i + len(emoji)
    return "".join(out) + text[done:] if out else text


def emoji_as_words(arr: pa.Array) -> pa.Array:
    """Each emoji of the strings replaced by its name (VADER's emoji lexicon: "😡" → "pouting
    face"); only the strings with a character beyond U+2000 leave Arrow."""
    return _map_where(arr, pc.match_substring_regex(arr, _NOT_ASCII_TEXT), _name_emoji)


def squeeze_letters(text: str) -> str:
    """A letter written three times or more, written twice ("soooo" → "soo", "coool" → "cool")."""
    return re.sub(_LETTER_RUN, r"\1\1", text)


def letters_once(text: str) -> str:
    """Every run of one letter written once ("soo" → "so", "dissapointed" and "disappointed"
    → "disapointed"): the form two spellings that differ in doubled letters share."""
    return re.sub(_ANY_REPEAT, r"\1", text)


@cache
def nonanswer_phrases(language: str = "en") -> frozenset[str]:
    """Non-answer phrases in the normalised form :func:`nonanswer_key` produces."""
    key = nonanswer_key(_arrow(get_language(language).nonanswers))
    return frozenset(key.to_pylist())


def nonanswer_key(arr: pa.Array) -> pa.Array:
    """Lower-case letters, digits and apostrophes only, single-spaced: the form phrases are matched in."""
    key = _replace(pc.utf8_lower(arr), r"[^\pL\pN']+", " ")
    return pc.utf8_trim_whitespace(key)


def duplicate_key_strings(clean: list[str]) -> list[str]:
    """:func:`nonanswer_key` of clean texts (what duplicates are found by); the texts
    :class:`TextCleaner` cleaned recently come from :data:`feedbackml.text.caches.KEYS`."""
    keys = KEYS.get_many(clean)
    todo = [i for i, k in enumerate(keys) if k is None]
    if todo:
        fresh = nonanswer_key(pa.array([clean[i] for i in todo], type=pa.large_string())).to_pylist()
        for i, k in zip(todo, fresh):
            keys[i] = k
    return keys


def redact_pii(text, language: str = "en"):
    """Replace e-mail addresses, URLs, IBANs, card numbers, account and sort-code numbers and
    phone numbers with ``[email]``, ``[url]``, ``[iban]``, ``[card]``, ``[account]``,
    ``[sort code]``, ``[phone]`` (the patterns of ``lang/<lang>/pii.tsv``; card numbers only
    when they pass the Luhn check, IBANs the mod-97 check — see :mod:`feedbackml.text.pii`).

    Accepts a Series (returns a Series with its index) or an Arrow array.
    """
    arr = text if isinstance(text, (pa.Array, pa.ChunkedArray)) else _arrow(text)
    for _name, pattern, replacement, check in get_language(language).pii:
        if check:
            found = pc.match_substring_regex(arr, pattern, ignore_case=True).fill_null(False)
            arr = _map_where(arr, found, checked_replacer(pattern, replacement, check))
        else:
            arr = _replace(arr, "(?i)" + pattern, replacement)
    arr = _squeeze_spaces(arr)
    if isinstance(text, pd.Series):
        return pd.Series(arr.to_pylist(), index=text.index, dtype=object)
    return arr


class TextCleaner(TransformerMixin, BaseEstimator):
    """Stateless cleaner for survey comments.

    Produces ``clean_text`` (Unicode NFKC, HTML unescaped and stripped, emoji as words,
    PII replaced by placeholders, runs like "soooo" squeezed, whitespace collapsed —
    case and negations kept, because sentiment needs them), ``is_nonanswer`` (empty,
    no letters, or a phrase from ``lang/<language>/nonanswers.txt``) and
    ``is_duplicate`` (same text as an earlier comment in the batch).

    Parameters
    ----------
    language : language-data folder to read non-answers and PII patterns from.
    redact_pii : replace e-mails, URLs and phone numbers by placeholders.
    emoji : replace emoji by their names (from VADER's emoji lexicon).
    """

    _parameter_constraints: dict = {
        "language": [Language()],
        "redact_pii": [InstanceOf(bool)],
        "emoji": [InstanceOf(bool)],
    }

    def __init__(self, language: str = "en", redact_pii: bool = True, emoji: bool = True):
        self.language = language
        self.redact_pii = redact_pii
        self.emoji = emoji

    def fit(self, X=None, y=None):
        validate_params(self)
        self.n_features_in_ = 1
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True  # stateless: nothing to learn

    def transform(self, X) -> pd.DataFrame:
        """Clean an iterable of texts; returns a DataFrame with :data:`OUTPUT_COLUMNS`."""
        validate_params(self)
        texts = as_texts(X, raw=True)
        values = texts.fillna("").astype(str).to_numpy(dtype=object)
        params = (self.language, self.redact_pii, self.emoji)
        last = _LAST_CLEANED.get(params, values)
        if last is not None:
            return last.set_axis(texts.index)
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        clean, key, nonanswer = self._clean_distinct(list(uniques))
        clean_all = clean[codes]
        nonanswer_all = nonanswer[codes]
        duplicate = pd.Series(key[codes]).duplicated().to_numpy(bool) & ~nonanswer_all
        out = pd.DataFrame({"clean_text": clean_all, "is_nonanswer": nonanswer_all,
                            "is_duplicate": duplicate}, index=texts.index)
        _LAST_CLEANED.put(params, values, out.copy())
        return out

    def _clean_distinct(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``clean_text``, non-answer key and ``is_nonanswer`` of distinct texts.

        Texts seen recently (``fit`` then ``analyze`` of one export) come from
        :data:`feedbackml.caches.CLEANED`.
        """
        params = (self.language, self.redact_pii, self.emoji)
        rows = CLEANED.get_many((params, t) for t in texts)
        todo = [i for i, row in enumerate(rows) if row is None]
        if todo:
            done = map_slices(self._clean_and_key, _arrow([texts[i] for i in todo]))
            fresh = list(zip(*(done.field(i).to_pylist() for i in range(3))))
            for i, row in zip(todo, fresh):
                rows[i] = row
            CLEANED.put_many([((params, texts[i]), row) for i, row in zip(todo, fresh)])
        if not rows:
            return (np.array([], dtype=object),) * 2 + (np.array([], dtype=bool),)
        clean, key, nonanswer = zip(*rows)
        KEYS.put_many(list(zip(clean, key)))
        return (np.array(clean, dtype=object), np.array(key, dtype=object),
                np.array(nonanswer, dtype=bool))

    def _clean_and_key(self, arr: pa.Array) -> pa.StructArray:
        """``clean``, non-answer ``key`` and ``nonanswer`` flag of each text, as one array."""
        clean = self._clean_arrow(arr)
        key = nonanswer_key(clean)
        nonanswer = pc.or_(
            pc.or_(pc.equal(key, ""), pc.invert(pc.match_substring_regex(clean, r"\pL"))),
            pc.is_in(key, value_set=pa.array(sorted(nonanswer_phrases(self.language)), type=key.type)),
        )
        return pa.StructArray.from_arrays([clean, key, nonanswer], names=["clean", "key", "nonanswer"])

    def clean(self, text: pd.Series) -> pd.Series:
        """The ``clean_text`` of each text, as a Series with the same index."""
        text = as_texts(text, raw=True)
        return pd.Series(self._clean_arrow(_arrow(text)).to_pylist(), index=text.index, dtype=object)

    def _clean_arrow(self, arr: pa.Array) -> pa.Array:
        """Vectorised cleaning with Arrow's RE2 kernels; Python only for the rare rows that need it."""
        arr = pc.utf8_normalize(arr, form="NFKC")
        arr = _map_where(arr, pc.match_substring(arr, "&"), html.unescape)
        arr = _replace(arr, HTML_TAG, " ")
        if self.redact_pii:
            arr = redact_pii(arr, self.language)
        if self.emoji:
            arr = emoji_as_words(arr)
        arr = _map_where(arr, pc.match_substring_regex(arr, _ANY_LETTER_RUN), squeeze_letters)
        for pattern, replacement, run in _PUNCT_RUNS:
            arr = _replace_where(arr, pc.match_substring(arr, run), pattern, replacement)
        return _squeeze_spaces(arr)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(OUTPUT_COLUMNS, dtype=object)


