"""What themes may be made of: aspect words, not tone, names or artifacts.

Themes should say what comments are *about* ("legroom", "late delivery"), not how the
writer feels ("great", "terrible") — otherwise k-means finds "happy reviews" and "angry
reviews". This module decides, once per fit, which words theme vectors, keywords and
labels may use:

* :func:`theme_text` removes what is never a theme from the text the themes read:
  @handles, placeholders (``[url]``, ``[email]``, ``XXXX`` redactions), numbers and the
  ``#`` of hashtags (the word stays; a brand hashtag is caught as a name).
* :func:`opinion_words` are the sentiment lexicon's clear opinion words
  (|valence| ≥ 1.5), intensifiers and label fillers. They never make keywords or labels;
  in theme vectors they weigh 0.3 (:func:`theme_word_weights`): enough for "delay" or
  "rude" to say which aspect a part is about, too little for tone to make a theme.
* :func:`name_words` are words mostly written capitalised in the middle of a sentence
  (airlines, cities, brands, people): never labels or keywords. They keep their weight in
  theme vectors: the rule also catches aspect words ("Cancelled Flightled", "Act").
* :func:`emoji_words` are words mostly written as part of an emoji's name (``TextCleaner``
  writes 😡 as "pouting face"): never labels or keywords either.
* :func:`generic_words` are generic review words (``lang/<language>/generic_words.txt``).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..lang import load_list

#: Minimum |valence| of a lexicon word counted as an opinion word.
OPINION_VALENCE = 1.5
_PLACEHOLDER = r"\[[a-z_]+\]|\b[Xx]{2,}\b|\b\d[\d,.:/-]*\b"
_HANDLE = r"@\w+"
_MID_CAPITAL = re.compile(r"(?<![.!?:]\s)(?<=[\s-])([A-Z][a-zA-Z']+)")
_LOWER = re.compile(r"(?<![\w'#])([a-z][a-z']+)")
_HASHTAG = re.compile(r"#([A-Za-z][\w']+)")
_CODE = re.compile(r"(?<![\w'])([A-Z]{2,4})(?![\w'])")
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")  # the words of an emoji name or a lower-cased text


def theme_text(texts: pd.Series) -> pd.Series:
    """Cleaned comments as themes read them: no handles, placeholders, numbers or ``#``
    (Arrow's RE2 on all texts at once; the index is kept)."""
    values = pa.array(texts.astype(object).tolist(), type=pa.large_string())
    for pattern in (_HANDLE, _PLACEHOLDER, "#"):
        values = pc.replace_substring_regex(values, pattern=pattern, replacement=" ")
    values = pc.utf8_trim_whitespace(pc.replace_substring_regex(values, pattern=" {2,}", replacement=" "))
    return pd.Series(values.to_numpy(zero_copy_only=False), index=texts.index, dtype=object)


@cache
def opinion_words(language: str = "en") -> frozenset[str]:
    """Single-word opinion words of the sentiment lexicon, intensifiers and label fillers."""
    from ..sentiment.lexicon import load_lexicon

    lex = load_lexicon(language)
    valence = lex.valence
    single = ~valence.index.str.contains(" ")
    words = set(valence.index[single & (valence.abs() >= OPINION_VALENCE)])
    boosters = {w for w in lex.boosters.index if " " not in w}
    return frozenset(words | boosters | set(load_list("label_fillers", language)))


@cache
def generic_words(language: str = "en") -> frozenset[str]:
    return frozenset(load_list("generic_words", language))


def name_words(texts: pd.Series, language: str = "en", max_docs: int = 20_000, min_count: int = 3,
               share: float = 0.6) -> set[str]:
    """Lower-cased words written capitalised mid-sentence in at least ``share`` of their
    uses (and at least ``min_count`` times), on ``max_docs`` evenly spaced texts, and their
    lemmas (:func:`_marked`).

    "Southwest", "Denver", "Qatar", "JetBlue" are names of the things a comment is
    addressed to or passes through, not what it is about. A long word written in capitals
    only (``LOST``) is emphasis, not a name, and is not counted; a two-to-four-letter one
    (``PHL``, ``SFO``) is counted as a code. A word after a hyphen counts as mid-sentence
    ("Newark-Berlin"), and a hashtag counts as a name whatever its case: "#DestinationDragons"
    and "#customerservice" are campaign tags and glued words, never a label an analyst keeps.
    """
    capital, lower = Counter(), Counter()
    for text in _spread_sample(texts, max_docs):
        capital.update(w.lower() for w in _MID_CAPITAL.findall(text) if not w.isupper())
        capital.update(w.lower() for w in _CODE.findall(text))
        capital.update(w.lower() for w in _HASHTAG.findall(text))
        lower.update(_LOWER.findall(text))
    return _marked(capital, capital + lower, language, min_count, share)


def emoji_words(texts: pd.Series, language: str = "en", max_docs: int = 10_000, min_count: int = 1,
                share: float = 0.6) -> set[str]:
    """Words written as part of an emoji's name in at least ``share`` of their uses (and at
    least ``min_count`` times: one use is evidence here, unlike a capital letter that may
    open a sentence), on ``max_docs`` evenly spaced texts, and their lemmas.

    ``TextCleaner`` writes each emoji as its name, so the sentiment scorers read it ("😡"
    → "pouting face"); a theme label made of it ("value / pout") names an emoji, not a
    topic. Only names of two words or more that describe an emoji (a word of
    ``lang/<language>/emoji_name_words.txt``: "face", "heart", "hands" …) count — "passport
    control" and "ice cream" are emoji names too — and per corpus: a word comments also use
    on its own stays ("hand" of "hand luggage" next to "raising hands")."""
    from ..text.cleaning import emoji_names

    marks = set(load_list("emoji_name_words", language))
    names = {tuple(n) for n in (_WORD.findall(name.lower()) for name in emoji_names())
             if len(n) > 1 and marks & set(n)}
    longest = max(map(len, names), default=0)
    firsts = {n[0] for n in names}
    inside, total = Counter(), Counter()
    for text in _spread_sample(texts, max_docs):
        words = _WORD.findall(text.lower())
        total.update(words)
        i = 0
        while i < len(words):  # the longest name starting at each word, names not overlapping
            size = 0
            if words[i] in firsts:
                size = next((m for m in range(min(longest, len(words) - i), 1, -1)
                             if tuple(words[i:i + m]) in names), 0)
            inside.update(words[i:i + size])
            i += max(size, 1)
    return _marked(inside, total, language, min_count, share)


def _marked(marked: Counter, total: Counter, language: str, min_count: int, share: float) -> set[str]:
    """Words used marked (capitalised, as a hashtag, in an emoji name) in at least ``share`` of their
    ``total`` uses and ``min_count`` times, plus each one's lemma when the word and its
    lemma together pass the same test: labels are made of lemmas ("Vegas" is "vega"), and
    "hands" in "raising hands" must not block "hand" of "hand luggage"."""
    from ..text.nlp import lemmatize

    def passes(words) -> bool:
        m, t = sum(marked[w] for w in words), sum(total[w] for w in words)
        return m >= min_count and t > 0 and m / t >= share

    found = sorted(w for w in marked if passes([w]))
    lemmas = dict(zip(found, lemmatize(found, language).tolist())) if found else {}
    return set(found) | {lemma for w, lemma in lemmas.items() if lemma and lemma != w and " " not in lemma
                    and passes({w, lemma})}


def _spread_sample(texts: pd.Series, max_docs: int) -> list[str]:
    """At most ``max_docs`` evenly spaced texts (the whole series when it is smaller)."""
    if len(texts) <= max_docs:
        return texts.tolist()
    return texts.iloc[np.linspace(0, len(texts) - 1, max_docs).astype(np.int64)].tolist()


def metadata_words(values) -> set[str]:
    """Lower-cased words of metadata values (segment names, other columns), and each value's
    words run together ("US Airways" → us, airways, usairways, as in a hashtag): never labels."""
    words: set[str] = set()
    for value in values:
        found = re.findall(r"[a-z][a-z']+", str(value).lower())
        words.update(found)
        if len(found) > 1:
            words.add("".join(found))
    return words


def theme_word_weights(is_opinion: np.ndarray, opinion_weight: float = 0.3) -> np.ndarray:
    """Per-word weight in theme vectors: 1, and ``opinion_weight`` for opinion words.

    Opinion words are down-weighted, not dropped: the lexicon holds words that carry the
    aspect as much as the tone ("delay", "rude", "debt", "delicious"), and dropping them cost
    0.02–0.03 NMI against human labels on every real set (airline reasons, restaurant
    categories, complaint products), as did down-weighting words spread evenly over a first
    clustering (that spread now only keeps corpus stop terms out of labels)."""
    return np.where(np.asarray(is_opinion, bool), float(opinion_weight), 1.0)


def phrase_lemmas(phrases, language: str) -> list[str]:
    """Lemma strings of short phrases (seed words, excluded words, metadata values)."""
    from ..text.nlp import lemmatize

    if not len(phrases):
        return []
    return [p for p in lemmatize(list(phrases), language).tolist() if p]
