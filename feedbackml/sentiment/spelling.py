"""Misspelt opinion words: a word the dictionary lacks, one slip from a lexicon word, reads as it.

Real comments are typed fast: "dissapointed", "recomend", "excelent", "horible",
"awsome", "sloooow". A lexicon that knows only the spelling reads them as nothing, so "the
food was horible" scored neutral. Here a token takes the valence of a lexicon word when

* it is no word of the lexicon, is made of letters only and has at least
  :data:`MIN_LENGTH` of them;
* it is one typing slip from lexicon words, all of the same sign: a letter doubled or not
  ("recomend", "dissapointed", "loosing"), stretched ("sloooow", "amazingg"), left out
  ("fustrated", "awsome") or two neighbours swapped ("exicted") — dictionary look-ups of a
  few keys per token (:func:`_slips`), not a scan of the lexicon. A letter changed or added
  is no slip here: "beaming" is not "beating", "spain" not "pain"; words of their own one
  slip from a lexicon word are listed in ``lang/<language>/not_misspelt.txt`` ("supper"); and
* the commonest of them is at least :data:`RARER` times as common in the language at large
  (:func:`~feedbackml.text.nlp.common_words`; a token it lacks counts as rarer than all):
  the web writes "dissapointed" too, but 50 times less often than "disappointed". A word
  at least as common as :data:`_WORD_LOG_PROB` is never looked up.

Each distinct token is looked up once per process (a bounded cache). Not caught, on
purpose: a letter changed or added ("aweful", "terrable", "definately") — on real text
those rules "corrected" more real words and names than typos.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..lang import load_list
from ..text.caches import TextCache
from ..text.cleaning import letters_once
from ..text.nlp import RARE_LOG_PROB, common_words
from .lexicon import load_lexicon

#: Shortest token that is looked up: shorter ones are too near too many words ("rood").
MIN_LENGTH = 5
#: How many times commoner in the language the lexicon word must be than the token.
RARER = 20.0
#: Tokens at least this common (natural-log probability) are words, never looked up.
_WORD_LOG_PROB = -11.0
_FIXES = TextCache(200_000)


def _slips(token: str, language: str = "en") -> set[str]:
    """Keys under which ``token`` meets the lexicon words it may misspell: its squeezed form
    (letters doubled or not, stretched: "recomend", "sloooow"), itself with a letter put back
    in (a letter left out: "fustrated", "awsome"; found as the lexicon's words with a letter
    but the first taken out), and, for a token the language does not know, the strings it
    makes with two neighbours swapped ("exicted")."""
    keys = {"=" + letters_once(token), "-" + token}
    if token not in common_words(language):  # a known word with two letters swapped is a name ("denise")
        keys |= {"=" + token[:i] + token[i + 1] + token[i] + token[i + 2:] for i in range(len(token) - 1)}
    return keys


@cache
def _index(language: str) -> tuple[dict[str, tuple[str, ...]], pa.Array]:
    """Lexicon words by the keys of :func:`_slips`, and the Arrow set of words never respelt
    (the lexicon's and the language's commonest words)."""
    lex = load_lexicon(language)
    words = [w for w in lex.valence.index if w.isalpha() and len(w) >= MIN_LENGTH - 1]
    index: dict[str, set[str]] = defaultdict(set)
    for word in words:
        index["=" + letters_once(word)].add(word)
        index["=" + word].add(word)
        for i in range(1, len(word)):  # the first letter is seldom the one left out
            index["-" + word[:i] + word[i + 1:]].add(word)
    common = {w for w, p in common_words(language).items() if p >= _WORD_LOG_PROB}
    known = pa.array(sorted(common | set(lex.valence.index) | set(load_list("not_misspelt", language))),
                     type=pa.string())
    return {k: tuple(sorted(v)) for k, v in index.items()}, known


def lexicon_word(token: str, language: str = "en") -> str | None:
    """The lexicon word a misspelt ``token`` stands for, or None (see the module docstring)."""
    index, _ = _index(language)
    found = set()
    for key in _slips(token, language):
        found.update(index.get(key, ()))
    found.discard(token)
    if not found:
        return None
    valence = load_lexicon(language).valence
    if len({np.sign(valence[w]) for w in found}) > 1:
        return None  # one slip from praise and from complaint: no guess
    log_prob = common_words(language)
    best = max(sorted(found), key=lambda w: log_prob.get(w, RARE_LOG_PROB))
    if log_prob.get(best, RARE_LOG_PROB) - log_prob.get(token, RARE_LOG_PROB) < np.log(RARER):
        return None
    return best


def respell_lexicon_words(word: pa.Array, language: str = "en", names=None) -> pa.Array:
    """``word`` (lower-cased tokens) with each misspelt lexicon word replaced by it; tokens
    where ``names`` (a boolean mask) is set are names and stay as they are."""
    _, known = _index(language)
    maybe = pc.and_(pc.invert(pc.is_in(word, value_set=known)),
                    pc.match_substring_regex(word, f"^[a-z]{{{MIN_LENGTH},}}$"))
    if names is not None:
        maybe = pc.and_(maybe, pa.array(~np.asarray(names, dtype=bool)))
    if not pc.any(maybe).as_py():
        return word
    tokens = pc.unique(word.filter(maybe)).to_pylist()
    cached = _FIXES.get_many((language, t) for t in tokens)
    new = [(t, lexicon_word(t, language) or "") for t, c in zip(tokens, cached) if c is None]
    _FIXES.put_many([((language, t), fix) for t, fix in new])
    fixes = {t: c for t, c in zip(tokens, cached) if c} | {t: fix for t, fix in new if fix}
    if not fixes:
        return word
    keys = pa.array(list(fixes), type=pa.string())
    at = pc.index_in(word, value_set=keys)
    return pc.if_else(pc.is_valid(at), pc.take(pa.array(list(fixes.values()), type=pa.string()), at), word)
