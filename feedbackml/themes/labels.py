"""Theme labels and keywords: TF-IDF profiles, log-odds of terms inside vs outside a theme, readable 2–4-word labels."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from difflib import SequenceMatcher
from functools import cache
from itertools import combinations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from ..lang import get_language
from ..text.cleaning import letters_once, squeeze_letters
from ..text.nlp import RARE_LOG_PROB, common_words, word_classes

#: A one-word label term more common than this in the language at large (natural-log
#: probability, :func:`~feedbackml.text.nlp.common_words`) says nothing about a theme:
#: "like", "time", "work", "people", "year" (a phrase with it may: "wait time").
COMMON_LOG_PROB = -8.0
#: A verb or adverb more common than this comes after the terms that name or describe
#: (:func:`_only_verb_or_adverb`): "follow", "sit", "respond", "unfortunately" do, the
#: more specific "locate", "depart", "dine" keep their place.
VERB_LOG_PROB = -11.0


def theme_profiles(tfidf: sp.csr_matrix, theme: np.ndarray, weight: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Weighted mean TF-IDF vector of each theme's comments (themes × terms)."""
    ok = theme >= 0
    rows = np.searchsorted(ids, theme[ok])
    member = sp.csr_matrix((weight[ok], (rows, np.flatnonzero(ok))), shape=(len(ids), tfidf.shape[0]))
    totals = np.asarray(member.sum(axis=1)).ravel()
    return np.asarray((member @ tfidf).todense() / np.maximum(totals, 1e-12)[:, None], dtype=np.float32)


def log_odds(presence, theme_pos, ok, weight, k, prior: float = 10.0) -> np.ndarray:
    """z-scores of the log-odds ratio of each term's presence inside vs outside each theme,
    with an informative Dirichlet prior (Monroe, Colaresi & Quinn, 2008), and the share of
    each term's (weighted) occurrences that fall in each theme; both themes × terms."""
    member = sp.csr_matrix((weight[ok], (theme_pos[ok], np.flatnonzero(ok))), shape=(k, presence.shape[0]))
    inside = np.asarray((member @ presence).todense(), dtype=np.float64)
    n_in = np.asarray(member.sum(axis=1), dtype=np.float64)
    total, n_all = inside.sum(axis=0), n_in.sum()
    alpha = prior * (total + 0.5) / (n_all + 0.5 * presence.shape[1])
    outside, n_out = total - inside, n_all - n_in
    delta = (np.log((inside + alpha) / (n_in - inside + prior - alpha))
             - np.log((outside + alpha) / (n_out - outside + prior - alpha)))
    z = delta / np.sqrt(1 / (inside + alpha) + 1 / (outside + alpha))
    return z, inside / np.maximum(total, 1e-12)


def as_written(units, terms: np.ndarray, presence, min_share: float = 0.5):
    """A test of whether a two-word label term is a phrase the comments write as it is.

    The label vectoriser drops stop words before it pairs words, so "apart month" (of "fell
    apart after a month") and "value price" (of "value for the price") are terms too. A
    phrase passes when at least ``min_share`` of the texts (``units``, lemma strings) that
    hold the term hold its two words side by side ("dim sum", "leg room", "tray table").
    Each phrase asked is counted once, with Arrow.
    """
    column = {t: j for j, t in enumerate(terms.tolist())}
    in_texts = presence.getnnz(axis=0)  # texts holding each term

    @cache
    def padded() -> pa.Array:  # built when a first phrase is asked
        return pc.binary_join_element_wise(" ", pa.array(np.asarray(units, dtype=object), type=pa.string()), " ", "")

    @cache
    def written(phrase: str) -> bool:
        j = column.get(phrase)
        if j is None or not in_texts[j]:
            return False
        side_by_side = pc.sum(pc.match_substring(padded(), f" {phrase} ")).as_py() or 0
        return side_by_side >= min_share * in_texts[j]

    return written


def label_terms(terms: list[str], language: str = "en", written=None) -> list[str]:
    """The terms a label is built from, best first: a label names what comments are about.

    A one-word term among the language's commonest words (:data:`COMMON_LOG_PROB`: "like",
    "time", "people", "year") is left out; two top words that make a phrase the comments
    write (``written``, :func:`as_written`; None: any phrase among ``terms``) become it
    ("leg room"); and the first term with a word that can be a noun (:func:`nounlike`)
    comes first, so that it heads the label: "slow / delivery" is "delivery / slow"; an adjective or verb still
    says which way ("update / slow", "price / expensive"), though a term that names or
    describes comes before one that can only be a verb or an adverb ("plane / sit" is
    "plane / tarmac"; :func:`_only_verb_or_adverb`). Left out words stay keywords;
    when nothing is left, ``terms`` are kept as they are.
    """
    log_prob = common_words(language)
    kept = [t for t in terms if " " in t or log_prob.get(t, RARE_LOG_PROB) <= COMMON_LOG_PROB] or terms
    kept = _phrase_first(kept, written or (lambda phrase: True))
    head = next((i for i, t in enumerate(kept) if nounlike(t, language)), 0)
    rest = sorted(kept[:head] + kept[head + 1:], key=lambda t: _only_verb_or_adverb(t, language))  # stable
    return kept[head:head + 1] + rest


def _only_verb_or_adverb(term: str, language: str = "en") -> bool:
    """Whether ``term`` is one common word (log-probability above :data:`VERB_LOG_PROB`)
    that the dictionary knows only as a verb or an adverb ("happen", "suppose", "include",
    "unfortunately"): after the head such a word says little about the theme ("bite /
    happen", "menu / include"), so a label takes a term that names or describes first
    ("plane / tarmac", "update / slow"). A rarer verb is specific ("luggage / locate")."""
    if " " in term or common_words(language).get(term, RARE_LOG_PROB) <= VERB_LOG_PROB:
        return False
    naming, known = _dictionary(language)[1:]
    return term in known and term not in naming


def _phrase_first(terms: list[str], written, top: int = 3) -> list[str]:
    """Two of the ``top`` terms that are the words of a phrase among ``terms``, one the
    comments write as it is (``written``, :func:`as_written`), become that phrase in the
    better one's place: "sum / dim" (with "dim sum") is "dim sum", "room / leg" is "leg
    room", "deck / upper" is "upper deck"."""
    words = [t for t in terms[:top] if " " not in t]
    for a, b in combinations(words, 2):
        phrase = next((p for p in (f"{a} {b}", f"{b} {a}") if p in terms and written(p)), None)
        if phrase:
            at = terms.index(a)
            rest = [t for t in terms if t not in (a, b, phrase)]
            return rest[:at] + [phrase] + rest[at:]
    return terms


def nounlike(term: str, language: str = "en") -> bool:
    """Whether a word of ``term`` can be a noun: one the dictionary lists as a noun
    (:func:`~feedbackml.text.nlp.word_classes`; "wifi", "call", "hold"), or one of four
    letters or more it does not list at all ("rebook"; "pre" is a fragment). Without a
    dictionary table every term can."""
    nouns, _, known = _dictionary(language)
    return not known or any(w in nouns or (w not in known and len(w) > 3) for w in term.split())


@cache
def _dictionary(language: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The dictionary's nouns, its nouns and adjectives (words that name or describe), and all its words."""
    classes = word_classes(language)
    nouns = classes.get("noun", frozenset())
    return nouns, nouns | classes.get("adj", frozenset()), frozenset().union(*classes.values())


def theme_label(keywords: list[str], used: set[str], language: str = "en", written=None,
                max_terms: int = 2) -> str:
    """The label of a theme (or group) from its keywords, best first: :func:`label_terms` of
    those without a negation (a label says what the theme is about, not what it is not:
    "update / not slow" is "update / slow"), joined by :func:`build_label`; "" when none
    is left that ``used`` lacks."""
    negations = set(get_language(language).negations)
    terms = [t for t in keywords if not negations & set(t.split())] or keywords
    return build_label(label_terms(terms, language, written), used, max_terms)


def build_label(terms: list[str], used: set[str], max_terms: int = 2) -> str:
    """Two to four words from the top ``max_terms`` terms, e.g. "late delivery / parcel"; not
    one of ``used``. When the best combination is taken, the next ones leave out one term
    at a time. A term that repeats a word of the label, misspells one ("delivery /
    delivry", "quality / qaulity") or shortens one ("confirmation / conf"), adds nothing
    and is skipped.
    """
    def build(candidates: list[str]) -> str:
        words: list[str] = []
        parts: list[str] = []
        for term in candidates:
            tokens = term.split()
            if any(_same_word(t, w) or _shortened(t, w) for t in tokens for w in words) or len(words) + len(tokens) > 4:
                continue
            parts.append(term)
            words += tokens
            if len(words) >= 3 or len(parts) == max_terms:
                break
        return " / ".join(parts)

    for drop in range(-1, len(terms)):
        label = build(terms if drop < 0 else terms[:drop] + terms[drop + 1:])
        if label and label not in used:
            return label
    return ""


def _shortened(a: str, b: str) -> bool:
    """Whether one word of four letters or more starts the other, two letters or more
    longer: "conf" and "confirmation", "info" and "information" (not "new" and "news",
    "plan" and "plane")."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and len(long) >= len(short) + 2 and long.startswith(short)


def _same_word(a: str, b: str, min_ratio: float = 0.85) -> bool:
    """The same word, or one a letter or two off the other (a misspelling: "delivry",
    "qaulity"); short words must match exactly ("staff" and "stuff" are two words)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 2:
        return False
    # the quick ratios are upper bounds of ratio(): most pairs fail them, at a fraction of the cost
    matcher = SequenceMatcher(None, a, b)
    return (matcher.real_quick_ratio() >= min_ratio and matcher.quick_ratio() >= min_ratio
            and matcher.ratio() >= min_ratio)


def spelling_fixes(queries, words, counts, log_prob: dict[str, float], ratio: float = 3.0,
                   english_gap: float = 3.0) -> dict[str, str]:
    """The usual spelling of each of ``queries`` that is a misspelling of another word of the
    same comments ("delivry" → "delivery", "refnd" → "refund", "qaulity" → "quality").

    ``words`` and ``counts``: the corpus's single words and how often each is used. A query
    is a misspelling of a word when the two are :func:`_same_word`, the word is used at
    least ``ratio`` times as often here, and the language at large agrees the query is the
    rarer spelling: ``log_prob`` (:func:`~feedbackml.text.nlp.common_words`; a word it lacks
    counts as :data:`~feedbackml.text.nlp.RARE_LOG_PROB`, the most it can be) puts the word
    at least ``english_gap`` higher (e³ ≈ 20 times commoner). That last test keeps real
    words apart: "fight" is commoner than "flight" in English, so it never becomes "flight"
    in a corpus of flights. A stretched query ("soo", "greeeat") is the word with its
    repeated letters written twice or once, by the same tests. Queries with no such word
    are left out of the mapping."""
    if not log_prob or not len(words):
        return {}
    count = dict(zip(words, np.asarray(counts, np.float64).tolist()))
    by_start = _by_start_and_length(count)
    fixes = {}
    for q in sorted(set(queries)):
        n, floor = count.get(q, 0.0), log_prob.get(q, RARE_LOG_PROB) + english_gap
        # a stretched word ("soo", "sooo", "greeeat") is the word written once
        stretched = [w for w in dict.fromkeys((squeeze_letters(q), letters_once(q)))
                     if w != q and count.get(w, 0.0) >= ratio * max(n, 1e-12) and log_prob.get(w, -np.inf) >= floor]
        if stretched:
            fixes[q] = stretched[0]
            continue
        for w in _candidates(by_start, q):
            if count[w] < ratio * max(n, 1e-12):
                break  # the rest are used less often still
            if w != q and log_prob.get(w, -np.inf) >= floor and _same_word(q, w):
                fixes[q] = w
                break
    return fixes


def _by_start_and_length(count: dict[str, float]) -> dict[tuple[str, int], list[tuple[int, str]]]:
    """Words of at least 5 letters by first letter and length, each as ``(rank, word)`` in
    order of rank (most used first, then alphabetical): the only words :func:`_same_word`
    can match to another word."""
    out: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for rank, w in enumerate(sorted(count, key=lambda w: (-count[w], w))):
        if len(w) >= 5:
            out.setdefault((w[:1], len(w)), []).append((rank, w))
    return out


def _candidates(by_start: dict[tuple[str, int], list[tuple[int, str]]], q: str) -> Iterator[str]:
    """The words that could be another spelling of ``q`` (same first letter, at least 5
    letters and at most 2 more or fewer than ``q``), most used first: the words
    :func:`spelling_fixes` tries, in its order, without the ones it would skip anyway."""
    if len(q) < 5:
        return iter(())
    buckets = [by_start.get((q[:1], n), []) for n in range(max(5, len(q) - 2), len(q) + 3)]
    return (w for _, w in heapq.merge(*buckets))


def respell(terms, fixes: dict[str, str]) -> list[str]:
    """``terms`` with each word in its usual spelling (:func:`spelling_fixes`), repeats dropped
    (the first place of each term kept)."""
    out = [" ".join(fixes.get(w, w) for w in t.split()) for t in terms]
    return list(dict.fromkeys(out))


def unique_labels(labels: pd.Series, ids: pd.Series) -> list[str]:
    """Labels with any repeat made unique by the theme ID ("billing (7)")."""
    seen: set[str] = set()
    out = []
    for label, theme_id in zip(labels.tolist(), ids.tolist()):
        out.append(label if label not in seen else f"{label} ({theme_id})")
        seen.add(out[-1])
    return out
