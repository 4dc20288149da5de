"""The vectorised clause scorer: VADER's rules over all tokens of a batch of clauses at once (Arrow + NumPy)."""

from __future__ import annotations

import string

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..text.cleaning import emoji_as_words
from ..text.inputs import as_texts
from ..text.nlp import contrast_markers, split_clauses
from .lexicon import SentimentLexicon, load_lexicon
from .spelling import respell_lexicon_words

CLAUSE_COLUMNS = ["doc", "clause", "text", "sentiment"]


_STRIP = string.punctuation.replace("_", "") + "“”‘’«»…"
_APOSTROPHES = "[’‘`´]"
_SEGMENT_END = r"[,;:.!?)\]…—–/]+['\"”’)\]]*$"
#: Punctuation runs that glue words together ("delay...killing", "investigated—my",
#: "delayed/cancelled"): spaced out before scoring, so each side is a word of its own and
#: the run ends the segment (a negation before it does not reach past it).
_GLUE = (r"(\.{2,}|…|[—–]|-{2,})", " \\1 ")
_SLASH = (r"(\pL)/(\pL)", "\\1 / \\2")
#: Texts handled per batch by the vectorised steps, so memory stays flat on big exports.
BATCH = 20_000


def _lookup(keys: pa.Array, table: pd.Series, value_set: pa.Array) -> np.ndarray:
    """``table[key]`` for each key (0.0 where absent), with Arrow's hash lookup."""
    pos = pc.index_in(keys, value_set=value_set).to_numpy(zero_copy_only=False)
    found = ~np.isnan(pos)
    return np.where(found, table.to_numpy()[np.where(found, pos, 0).astype(np.int64)], 0.0)


def _bool(array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _join_phrases(word: pa.Array, clause: np.ndarray, seg: np.ndarray,
                  lex: SentimentLexicon) -> tuple[pa.Array, np.ndarray]:
    """Merge multi-word entries into one token (longest first); return words and a keep mask."""
    n_tokens = len(word)
    keep = np.ones(n_tokens, dtype=bool)
    if not lex.phrase_lengths or n_tokens == 0:
        return word, keep
    starts = np.flatnonzero(_bool(pc.is_in(word, value_set=lex.arrow["phrase_starts"])))
    taken = np.zeros(n_tokens, dtype=bool)
    joined = np.full(n_tokens, None, dtype=object)
    for n in lex.phrase_lengths:
        idx = starts[starts + n - 1 < n_tokens]
        ok = (clause[idx + n - 1] == clause[idx]) & (seg[idx + n - 1] == seg[idx])
        for k in range(n):
            ok &= ~taken[idx + k]
        idx = idx[ok]
        if len(idx) == 0:
            continue
        gram = pc.binary_join_element_wise(*(pc.take(word, pa.array(idx + k)) for k in range(n)), " ")
        hit = _bool(pc.is_in(gram, value_set=lex.arrow["phrases"]))
        idx = idx[hit]
        for k in range(n):
            taken[idx + k] = True
        keep[(idx[:, None] + np.arange(1, n)).ravel()] = False
        joined[idx] = np.asarray(gram.filter(pa.array(hit)).to_pylist(), dtype=object)
    if np.any(taken):
        word = pc.if_else(pa.array(joined != None), pa.array(joined, type=pa.string()), word)  # noqa: E711
    return word, keep


def score_clause_texts(texts, language: str = "en") -> pd.DataFrame:
    """Lexicon scores of each text taken as one clause (use on unique clauses).

    Returns ``valence`` (VADER-scale sum after negation, intensifiers, caps, patterns and
    punctuation), ``positive`` and ``negative`` (sums of positive and negative word
    valences), ``sentiment`` (``valence / sqrt(valence² + alpha)``, −1…1), ``courtesy``
    (the valence of thanks and the like) and ``interjection`` (the text is nothing but a
    praise interjection: "oh great", "perfect!"; :func:`clause_table` reads it), one row per
    text, index kept. Every step is an Arrow or NumPy operation over all the tokens of a
    batch of :data:`BATCH` texts at once.
    """
    series = as_texts(texts)
    if len(series) > BATCH:
        return pd.concat([score_clause_texts(series.iloc[i:i + BATCH], language)
                          for i in range(0, len(series), BATCH)])
    lex = load_lexicon(language)
    r = lex.rules
    m = len(series)
    text = pc.replace_substring_regex(pa.array(series.to_numpy(object), type=pa.string()),
                                      pattern=_APOSTROPHES, replacement="'")
    text = _unglue(emoji_as_words(text))  # emoji are words (TextCleaner's output has none left)
    lists = pc.utf8_split_whitespace(text)
    clause = np.repeat(np.arange(m), pc.list_value_length(lists).to_numpy(zero_copy_only=False))
    raw = pc.list_flatten(lists)
    lower = pc.utf8_lower(raw)
    whole = _bool(pc.is_in(lower, value_set=lex.arrow["words"]))
    word = pc.if_else(pa.array(whole), lower, pc.utf8_trim(lower, characters=_STRIP))
    word = pc.if_else(pc.match_substring_regex(lower, r"^[.(]?@\w"), "", word)  # @handles are names
    boundary = _bool(pc.match_substring_regex(raw, _SEGMENT_END))
    seg = np.cumsum(boundary) - boundary
    caps = _bool(pc.utf8_is_upper(pc.utf8_trim(raw, characters=_STRIP)))
    has_letter = _bool(pc.match_substring_regex(raw, r"\pL"))
    keep = (pc.utf8_length(word).to_numpy(zero_copy_only=False) > 1) | whole
    # a capitalised word after a text's first is a name, never a misspelt word ("Denise")
    named = _bool(pc.utf8_is_title(raw)) & (np.arange(len(clause)) > np.searchsorted(clause, clause))
    select = pa.array(keep)
    word, clause, seg, caps, has_letter, named = (word.filter(select), clause[keep], seg[keep], caps[keep],
                                                  has_letter[keep], named[keep])
    word = respell_lexicon_words(word, language, named)  # "dissapointed", "horible" read as meant
    word, keep = _join_phrases(word, clause, seg, lex)
    if not keep.all():
        word, clause, seg, caps, has_letter = (word.filter(pa.array(keep)), clause[keep], seg[keep],
                                               caps[keep], has_letter[keep])

    n_tokens = len(word)
    pos = np.arange(n_tokens) - np.r_[0, np.cumsum(np.bincount(clause, minlength=m))][clause]
    valence = _lookup(word, lex.valence, lex.arrow["words"])
    booster = _lookup(word, lex.boosters, lex.arrow["boosters"])
    negation = _bool(pc.or_(pc.is_in(word, value_set=lex.arrow["negations"]), pc.ends_with(word, "n't")))
    n_caps = np.bincount(clause, caps & has_letter, minlength=m)
    n_letters = np.bincount(clause, has_letter, minlength=m)
    emphasised = caps & ((n_caps > 0) & (n_caps < n_letters))[clause]

    v = valence + _lack(word, clause, seg, valence, lex)
    is_sentiment = valence != 0
    v += np.sign(v) * r["caps_increment"] * (emphasised & is_sentiment)
    booster = booster + np.sign(booster) * r["caps_increment"] * (emphasised & (booster != 0))
    decay = {1: 1.0, 2: r["booster_decay_2"], 3: r["booster_decay_3"]}
    for k in range(1, int(r["window"]) + 1):
        j = np.maximum(np.arange(n_tokens) - k, 0)
        valid = is_sentiment & (pos >= k) & (seg[j] == seg) & (valence[j] == 0)
        v = v + np.where(valid, np.sign(v) * booster[j] * decay.get(k, decay[3]), 0.0)
        # a negation flips praise, but only damps a complaint: "no delay" is not praise
        flip = np.where(valence < 0, r["negated_negative_scalar"], r["negation_scalar"])
        v = v * np.where(valid & negation[j], flip, 1.0)
    interjection = _praise_only(word, clause, m, v, lex)
    v = _sarcasm(word, clause, seg, v, lex)
    courtesy = np.bincount(clause, np.where(_bool(pc.is_in(word, value_set=lex.arrow["courtesy"])), v, 0.0),
                           minlength=m)
    # "thanks" in a clause that complains is politeness, not praise
    has_negative = np.bincount(clause, v < 0, minlength=m) > 0
    courtesy, polite = np.where(has_negative, 0.0, courtesy), np.where(has_negative, courtesy, 0.0)
    total = np.bincount(clause, v, minlength=m) - polite
    positive = np.bincount(clause, np.maximum(v, 0), minlength=m) - np.maximum(polite, 0)
    negative = np.bincount(clause, np.minimum(v, 0), minlength=m)
    if lex.patterns:
        lowered = pc.utf8_lower(text)
        candidates = np.flatnonzero(_bool(pc.match_substring_regex(lowered, lex.arrow["any_pattern"])))
        if len(candidates):
            subset = pc.take(lowered, pa.array(candidates))
            hits = sum(value * pc.count_substring_regex(subset, pattern).to_numpy(zero_copy_only=False)
                       for value, pattern in lex.patterns)
            total[candidates] += hits
            positive[candidates] += np.maximum(hits, 0)
            negative[candidates] += np.minimum(hits, 0)
    question = _bool(pc.ends_with(pc.utf8_rtrim_whitespace(text), "?"))
    total = np.where(question & (total > 0), total * r["question_scalar"], total)
    n_excl = pc.count_substring(text, "!").to_numpy(zero_copy_only=False).astype(float)
    n_q = pc.count_substring(text, "?").to_numpy(zero_copy_only=False).astype(float)
    marks = np.minimum(n_excl, r["exclamation_max"]) * r["exclamation_increment"]
    marks += np.where(n_q > 1, np.minimum(n_q * r["question_increment"], r["question_max"]), 0.0)
    total = total + np.sign(total) * marks
    compound = total / np.sqrt(total * total + r["normalisation_alpha"])
    return pd.DataFrame({"valence": total, "positive": positive, "negative": negative,
                         "sentiment": np.clip(compound, -1.0, 1.0), "courtesy": courtesy,
                         "interjection": interjection}, index=series.index)


def _unglue(text: pa.Array) -> pa.Array:
    """Space out the punctuation runs of :data:`_GLUE` and :data:`_SLASH`, in the texts that
    have any (a literal search first: most texts have none)."""
    glued = pc.or_(pc.match_substring(text, ".."), pc.match_substring(text, "/"))
    for mark in ("…", "—", "–", "--"):
        glued = pc.or_(glued, pc.match_substring(text, mark))
    if not pc.any(glued).as_py():
        return text
    subset = text.filter(glued)
    for pattern, replacement in (_GLUE, _SLASH):
        subset = pc.replace_substring_regex(subset, pattern=pattern, replacement=replacement)
    return pc.replace_with_mask(text, glued, subset)


def _lack(word: pa.Array, clause: np.ndarray, seg: np.ndarray, valence: np.ndarray,
          lex: SentimentLexicon) -> np.ndarray:
    """``lack_valence`` on each word of ``lack_words.txt`` ("no") that says something was
    missing: right before a word of no valence in its segment that is no stop word and no
    ``lack_exceptions.txt`` word ("no wifi", "no response", "no one"; not "no delay", "no
    wait", "no i").

    The word after it keeps its own score, so "no" still negates praise ("no good")."""
    n = len(valence)
    idx = np.flatnonzero(_bool(pc.is_in(word, value_set=lex.arrow["lack_words"])))
    idx = idx[idx + 1 < n]
    out = np.zeros(n)
    if not len(idx):
        return out
    nxt = idx + 1
    after = pc.take(word, pa.array(nxt))
    skip = _bool(pc.is_in(after, value_set=lex.arrow["lack_skip"]))
    wordlike = _bool(pc.match_substring_regex(after, r"^\pL[\pL']*$"))  # not "no UA80"
    ok = (clause[nxt] == clause[idx]) & (seg[nxt] == seg[idx]) & (valence[nxt] == 0) & ~skip & wordlike
    out[idx[ok]] = lex.rules["lack_valence"]
    return out


def _sarcasm(word: pa.Array, clause: np.ndarray, seg: np.ndarray, v: np.ndarray,
             lex: SentimentLexicon) -> np.ndarray:
    """Praise in a sarcastic frame reads negative: "thanks for the rude staff", "great, another
    delay", "oh great, my flight is cancelled".

    An opener (``sarcasm_openers.txt``) is sarcastic when a negative word follows it within
    ``sarcasm_window`` words of its clause and either a frame word (``sarcasm_frames.txt``:
    for, another, again …) comes within ``sarcasm_frame_gap`` words after it, or it is an
    interjection with words after its segment (:func:`_praise_only`: "oh great,"
    "perfect," "great, just great"; "Great!" alone is praise). Its valence is then
    multiplied by ``sarcasm_scalar`` (negative). Vectorised over the openers of a batch.
    """
    r = lex.rules
    n = len(v)
    opener = np.flatnonzero(_bool(pc.is_in(word, value_set=lex.arrow["sarcasm_openers"])) & (v > 0))
    if len(opener) == 0:
        return v
    frame = _bool(pc.is_in(word, value_set=lex.arrow["sarcasm_frames"]))
    framed = np.zeros(len(opener), dtype=bool)
    for k in range(1, int(r["sarcasm_frame_gap"]) + 1):
        j = np.minimum(opener + k, n - 1)
        framed |= (opener + k < n) & (clause[j] == clause[opener]) & frame[j]
    # segments of the batch, numbered afresh at each clause (``seg`` runs on across clauses)
    segment = np.cumsum(np.r_[True, (seg[1:] != seg[:-1]) | (clause[1:] != clause[:-1])]) - 1
    framed |= _praise_only(word, segment, int(segment[-1]) + 1, v, lex)[segment[opener]]
    follows = np.zeros(len(opener), dtype=bool)
    for k in range(1, int(r["sarcasm_window"]) + 1):
        j = np.minimum(opener + k, n - 1)
        # the word right after a framed opener is its frame; an interjection's ends its segment
        later = (k > 1) | (seg[j] != seg[opener])
        follows |= (opener + k < n) & (clause[j] == clause[opener]) & (v[j] < 0) & later
    hit = opener[framed & follows]
    if len(hit):
        v = v.copy()
        v[hit] = v[hit] * r["sarcasm_scalar"]
    return v


def _praise_only(word: pa.Array, keys: np.ndarray, n_keys: int, v: np.ndarray,
                 lex: SentimentLexicon) -> np.ndarray:
    """Per key (segment or clause): is it a praise interjection, nothing but the words of
    ``sarcasm_interjections.txt`` with at least one of positive valence? "Oh great," and
    "perfect!" are; "great service," and "awesome, thanks!" are not."""
    words = _bool(pc.is_in(word, value_set=lex.arrow["sarcasm_interjections"]))
    other = np.bincount(keys, ~words, minlength=n_keys)
    return (other == 0) & (np.bincount(keys, words & (v > 0), minlength=n_keys) > 0)


def _contrast_weights(clauses: pd.DataFrame, valence: np.ndarray, language: str) -> np.ndarray:
    """Weight of each clause in its comment, from the contrast marker that opens or follows it.

    The clause that opens with a marker gets the marker's ``after`` weight; the clause just
    before it gets ``before``, but only when the marker's clause carries sentiment ("no
    refund yet" is not a contrast).
    """
    lex = load_lexicon(language)
    after = clauses["after_contrast"].to_numpy(bool)
    idx = np.flatnonzero(after)
    weight = np.ones(len(clauses))
    if len(idx) == 0:
        return weight
    markers = contrast_markers(language)
    opening = pc.utf8_lower(pa.array(clauses["text"].to_numpy(object)[idx], type=pa.string()))
    opener = pc.struct_field(pc.extract_regex(opening, rf"^(?P<m>{markers})\b"), [0])
    opener = pc.replace_substring_regex(opener, pattern=r"\s+", replacement=" ").to_pylist()
    before_w = np.array([lex.contrast.get(o, (1.0, 1.0))[0] for o in opener])
    after_w = np.array([lex.contrast.get(o, (1.0, 1.0))[1] for o in opener])
    weight[idx] = after_w
    doc = clauses["doc"].to_numpy()
    shifts = (idx > 0) & (valence[idx] != 0)
    shifts[shifts] &= doc[idx[shifts] - 1] == doc[idx[shifts]]
    weight[idx[shifts] - 1] *= before_w[shifts]
    return weight


def clause_table(texts, language: str = "en", split: bool = True) -> pd.DataFrame:
    """Every clause of every text with its weight in the comment and its lexicon scores.

    Columns: ``doc`` (position in ``texts``), ``clause``, ``text``, ``after_contrast``,
    ``weight`` and the columns of :func:`score_clause_texts`. Each distinct clause is
    scored once. ``split=False`` takes each text as one clause (for texts that already are).
    """
    if split:
        clauses = split_clauses(as_texts(texts), language)
    else:
        text = as_texts(texts).str.strip().reset_index(drop=True)
        opens = text.str.match(rf"(?i)(?:{contrast_markers(language)})\b").to_numpy(bool)
        clauses = pd.DataFrame({"doc": np.arange(len(text)), "clause": 0, "text": text.to_numpy(object),
                                "after_contrast": opens})
        clauses = clauses[clauses["text"] != ""].reset_index(drop=True)
    codes, uniques = pd.factorize(clauses["text"], use_na_sentinel=False)
    scored = score_clause_texts(pd.Series(uniques, dtype=object), language)
    columns = ["valence", "positive", "negative", "sentiment", "courtesy"]
    out = clauses.copy()
    out[columns] = scored[columns].to_numpy()[codes] if len(codes) else np.empty((0, len(columns)))
    _sarcastic_interjections(out, scored["interjection"].to_numpy(bool)[codes], language)
    out.insert(4, "weight", _contrast_weights(clauses, out["valence"].to_numpy(), language))
    return out


def _sarcastic_interjections(table: pd.DataFrame, interjection: np.ndarray, language: str) -> None:
    """A praise interjection right before a clause that complains is sarcasm: "Great, just
    great. Lost my luggage", "Perfect. Now I'm stuck in Chicago". Its valence is multiplied
    by ``sarcasm_scalar`` (in place, with ``positive``, ``negative`` and ``sentiment``)."""
    doc = table["doc"].to_numpy()
    valence = table["valence"].to_numpy()
    nxt = np.r_[np.arange(1, len(doc)), 0] if len(doc) else np.zeros(0, np.int64)
    hit = interjection & (valence > 0) & (np.r_[doc[1:], -1] == doc) & (table["negative"].to_numpy()[nxt] < 0)
    if not hit.any():
        return
    r = load_lexicon(language).rules
    flipped = valence[hit] * r["sarcasm_scalar"]
    table.loc[hit, "valence"] = flipped
    table.loc[hit, "positive"] = 0.0
    table.loc[hit, "negative"] = flipped
    table.loc[hit, "sentiment"] = np.clip(flipped / np.sqrt(flipped * flipped + r["normalisation_alpha"]), -1, 1)
