"""Sentiment language data: VADER's lexicon extended with lang/<language>/sentiment_*.tsv, loaded once per language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..lang import get_language


@lru_cache(maxsize=1)
def vader_analyzer():
    """NLTK's VADER with the lexicon shipped in the ``vaderSentiment`` package (no download)."""
    import nltk
    import vaderSentiment
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    folder = str(Path(vaderSentiment.__file__).parent)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return SentimentIntensityAnalyzer(lexicon_file=f"file:{folder}/vader_lexicon.txt")


@dataclass(frozen=True)
class SentimentLexicon:
    """Everything the lexicon scorer reads from files, loaded once per language.

    ``valence`` maps lower-case words and phrases (words joined by one space) to VADER-scale
    valences, ``boosters`` maps intensifiers to their scale, ``negations`` flip what follows,
    ``patterns`` are (valence, regex) pairs, ``rules`` hold the constants and ``contrast``
    the clause weights ``(before, after)`` per contrast marker. The word lists
    ``courtesy.txt``, ``sarcasm_openers.txt``, ``sarcasm_frames.txt`` and
    ``sarcasm_interjections.txt`` and ``lack_words.txt`` are Arrow value sets in ``arrow``,
    as are the words ``lack_skip`` that a lack word ("no") may stand before without
    complaining (stop words and ``lack_exceptions.txt``). ``phrase_lengths`` and the
    Arrow value sets in ``arrow`` make look-ups vectorised.
    """

    valence: pd.Series
    boosters: pd.Series
    negations: frozenset
    patterns: tuple
    rules: dict
    contrast: dict
    phrase_lengths: tuple
    arrow: dict


@cache
def vader_lexicon() -> pd.Series:
    """VADER's lexicon (token → mean valence) from the ``vaderSentiment`` package."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    rows = (line.split("\t") for line in path.read_text("utf-8").splitlines())
    pairs = {row[0].lower(): float(row[1]) for row in rows if len(row) >= 2}
    return pd.Series(pairs, dtype=float)


def _phrase_key(entry: str) -> str:
    """Lower case, one space between words; in a phrase, one-letter words are left out,
    as the scorer drops them from the text ("never had a problem" → "never had problem")."""
    words = entry.lower().replace("’", "'").split()
    return " ".join(w for w in words if len(w) > 1) if len(words) > 1 else " ".join(words)


def _entries(name: str, language: str) -> pd.Series:
    """A ``word or phrase<TAB>number`` file as a Series keyed by :func:`_phrase_key`."""
    pairs = {_phrase_key(key): float(value) for key, value, *_ in get_language(language).table(name)}
    return pd.Series(pairs, dtype=float)


@cache
def load_lexicon(language: str = "en") -> SentimentLexicon:
    """VADER's lexicon overridden by ``sentiment_lexicon.tsv``, plus rules and weights."""
    own = _entries("sentiment_lexicon", language)
    lang = get_language(language)
    negations = lang.negations
    vader = vader_lexicon()
    vader = vader[~vader.index.isin(own.index) & ~vader.index.isin(list(negations))]
    valence = pd.concat([vader, own])
    boosters = _entries("intensifiers", language)
    phrases = sorted(p for p in set(valence.index) | set(boosters.index) if " " in p)
    patterns = tuple((float(v), p) for v, p, *_ in lang.table("sentiment_patterns"))
    strings = lambda values: pa.array(list(values), type=pa.string())  # noqa: E731
    return SentimentLexicon(
        valence=valence, boosters=boosters, negations=negations, patterns=patterns,
        rules={name: float(value) for name, value, *_ in lang.table("sentiment_rules")},
        contrast=lang.contrast,
        phrase_lengths=tuple(sorted({p.count(" ") + 1 for p in phrases}, reverse=True)),
        arrow={"words": strings(valence.index), "boosters": strings(boosters.index),
               "negations": strings(sorted(negations)), "phrases": strings(phrases),
               **{name: strings(w.lower() for w in lang.words(name))
                  for name in ("courtesy", "sarcasm_openers", "sarcasm_frames",
                               "sarcasm_interjections", "lack_words")},
               "lack_skip": strings(sorted(set(lang.stop_words) | {w.lower() for w in lang.words("lack_exceptions")})),
               "phrase_starts": strings(sorted({p.split(" ", 1)[0] for p in phrases})),
               "any_pattern": "|".join(f"(?:{p})" for _, p in patterns)})
