"""TextCleaner: normalise survey comments, redact PII, and mark non-answers and duplicates.

Everything runs on the unique texts with pandas string methods and compiled regexes,
then is broadcast back, because survey exports repeat short answers many times.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .lang import load_list, load_table

OUTPUT_COLUMNS = ["clean_text", "is_nonanswer", "is_duplicate"]
_TAG = r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"
_LETTER_RUN = r"([^\W\d_])\1{2,}"  # "soooo" -> "soo"
_PUNCT_RUN = r"([!?.])\1{3,}"  # "!!!!!!" -> "!!!" (VADER counts up to three)


@lru_cache(maxsize=None)
def _emoji_table() -> tuple[re.Pattern, dict[str, str]]:
    """Emoji → words from VADER's own emoji lexicon (ships in ``vaderSentiment``)."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).with_name("emoji_utf8_lexicon.txt")
    names = {}
    for line in path.read_text("utf-8").splitlines():
        emoji, _, name = line.partition("\t")
        if emoji and name:
            names[emoji] = name
    keys = sorted(names, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys))), names


@lru_cache(maxsize=None)
def _pii_patterns(language: str) -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((f" [{placeholder.strip('<>')}] ", re.compile(pattern, re.IGNORECASE))
                 for placeholder, pattern in load_table("pii", language))


@lru_cache(maxsize=None)
def nonanswer_phrases(language: str = "en") -> frozenset[str]:
    """Non-answer phrases in the normalised form :func:`nonanswer_key` produces."""
    return frozenset(nonanswer_key(pd.Series(list(load_list("nonanswers", language)))))


def nonanswer_key(text: pd.Series) -> pd.Series:
    """Lower-case letters, digits and apostrophes only, single-spaced: the form phrases are matched in."""
    key = text.str.lower().str.replace(r"[^\w']+|_", " ", regex=True)
    return key.str.replace(r"\s+", " ", regex=True).str.strip()


def redact_pii(text: pd.Series, language: str = "en") -> pd.Series:
    """Replace e-mail addresses, URLs and phone numbers with ``[email]``, ``[url]``, ``[phone]``."""
    for placeholder, pattern in _pii_patterns(language):
        text = text.str.replace(pattern, placeholder, regex=True)
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


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

    def __init__(self, language: str = "en", redact_pii: bool = True, emoji: bool = True):
        self.language = language
        self.redact_pii = redact_pii
        self.emoji = emoji

    def fit(self, X=None, y=None):
        self.n_features_in_ = 1
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True  # stateless: nothing to learn

    def transform(self, X) -> pd.DataFrame:
        """Clean an iterable of texts; returns a DataFrame with :data:`OUTPUT_COLUMNS`."""
        texts = _as_series(X)
        codes, uniques = pd.factorize(texts.fillna("").astype(str), use_na_sentinel=False)
        clean = self.clean(pd.Series(uniques, dtype=object))
        key = nonanswer_key(clean)
        nonanswer = (
            key.eq("")
            | ~clean.str.contains(r"[^\W\d_]", regex=True)
            | key.isin(nonanswer_phrases(self.language))
        ).to_numpy(bool)
        clean_all = clean.to_numpy(object)[codes]
        nonanswer_all = nonanswer[codes]
        dup_key = pd.Series(key.to_numpy(object)[codes], index=texts.index)
        duplicate = dup_key.duplicated() & ~nonanswer_all
        return pd.DataFrame({"clean_text": clean_all, "is_nonanswer": nonanswer_all,
                             "is_duplicate": duplicate.to_numpy(bool)}, index=texts.index)

    def clean(self, text: pd.Series) -> pd.Series:
        """The ``clean_text`` of each text (vectorised over a Series of unique strings)."""
        text = text.astype(object).fillna("").astype(str).str.normalize("NFKC")
        has_entity = text.str.contains("&", regex=False)
        if has_entity.any():
            text = text.where(~has_entity, text[has_entity].map(html.unescape))
        text = text.str.replace(_TAG, " ", regex=True)
        if self.redact_pii:
            text = redact_pii(text, self.language)
        if self.emoji:
            pattern, names = _emoji_table()
            has_emoji = text.str.contains(r"[^\x00-\u2000]", regex=True)
            if has_emoji.any():
                sub = text[has_emoji].str.replace(pattern, lambda m: f" {names[m.group(0)]} ", regex=True)
                text = text.where(~has_emoji, sub)
        text = text.str.replace(_LETTER_RUN, r"\1\1", regex=True)
        text = text.str.replace(_PUNCT_RUN, r"\1\1\1", regex=True)
        return text.str.replace(r"\s+", " ", regex=True).str.strip()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(OUTPUT_COLUMNS, dtype=object)


def _as_series(X) -> pd.Series:
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError("TextCleaner expects a single text column")
        X = X.iloc[:, 0]
    if isinstance(X, pd.Series):
        return X.astype(object)
    return pd.Series(list(X), dtype=object)
