"""Sentiment scorers: a clause-level, negation-aware lexicon scorer and a trainable model.

``LexiconSentiment`` needs no training: VADER's lexicon and rules extended with the
customer-experience language in ``lang/<language>/sentiment_*.tsv``, applied per clause
and vectorised over the unique clauses of the unique texts. ``TrainedSentiment`` learns
from labelled comments (or, weakly, from the scores customers gave) with TF-IDF word and
character n-grams plus the lexicon scores as features, and calibrated probabilities.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .lang import load_list, load_table
from .nlp import contrast_markers, split_clauses

OUTPUT_COLUMNS = ["sentiment", "sentiment_label", "mixed"]
CLAUSE_COLUMNS = ["doc", "clause", "text", "sentiment"]
LABELS = np.array(["negative", "neutral", "positive"], dtype=object)
#: Columns of :meth:`LexiconSentiment.features`, the lexicon block of the trained model.
FEATURE_COLUMNS = ["sentiment", "positive", "negative", "clause_max", "clause_min", "mixed",
                   "question", "exclamation"]

_STRIP = string.punctuation.replace("_", "") + "“”‘’«»…"
_APOSTROPHES = "[’‘`´]"
_SEGMENT_END = r"[,;:.!?)\]…]['\"”’)\]]*$"
#: Texts handled per batch by the vectorised steps, so memory stays flat on big exports.
BATCH = 20_000


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


def label_scores(scores: np.ndarray, threshold: float = 0.05) -> np.ndarray:
    """negative / neutral / positive by VADER's usual ±0.05 cut-offs."""
    scores = np.asarray(scores, dtype=float)
    return LABELS[np.where(scores <= -threshold, 0, np.where(scores >= threshold, 2, 1))]


def _as_series(X) -> pd.Series:
    """Texts as a Series of str (missing → ""), keeping a Series' index."""
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(f"expected one column of texts, got {X.shape[1]} columns")
        X = X.iloc[:, 0]
    series = X if isinstance(X, pd.Series) else pd.Series(list(X), dtype=object)
    return series.astype(object).where(series.notna(), "").astype(str)


# ---------------------------------------------------------------------------------
# Language data
# ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SentimentLexicon:
    """Everything the lexicon scorer reads from files, loaded once per language.

    ``valence`` maps lower-case words and phrases (words joined by one space) to VADER-scale
    valences, ``boosters`` maps intensifiers to their scale, ``negations`` flip what follows,
    ``patterns`` are (valence, regex) pairs, ``rules`` hold the constants and ``contrast``
    the clause weights ``(before, after)`` per contrast marker. ``phrase_lengths`` and the
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


@lru_cache(maxsize=None)
def vader_lexicon() -> pd.Series:
    """VADER's lexicon (token → mean valence) from the ``vaderSentiment`` package."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    rows = (line.split("\t") for line in path.read_text("utf-8").splitlines())
    pairs = {row[0].lower(): float(row[1]) for row in rows if len(row) >= 2}
    return pd.Series(pairs, dtype=float)


def _entries(name: str, language: str) -> pd.Series:
    """A ``word or phrase<TAB>number`` file as a Series keyed by the lower-cased entry."""
    pairs = {" ".join(key.lower().replace("’", "'").split()): float(value)
             for key, value, *_ in load_table(name, language)}
    return pd.Series(pairs, dtype=float)


@lru_cache(maxsize=None)
def load_lexicon(language: str = "en") -> SentimentLexicon:
    """VADER's lexicon overridden by ``sentiment_lexicon.tsv``, plus rules and weights."""
    own = _entries("sentiment_lexicon", language)
    negations = frozenset(w.lower() for w in load_list("negations", language))
    vader = vader_lexicon()
    vader = vader[~vader.index.isin(own.index) & ~vader.index.isin(list(negations))]
    valence = pd.concat([vader, own])
    boosters = _entries("intensifiers", language)
    phrases = sorted(p for p in set(valence.index) | set(boosters.index) if " " in p)
    patterns = tuple((float(v), p) for v, p, *_ in load_table("sentiment_patterns", language))
    strings = lambda values: pa.array(list(values), type=pa.string())  # noqa: E731
    return SentimentLexicon(
        valence=valence, boosters=boosters, negations=negations, patterns=patterns,
        rules={name: float(value) for name, value, *_ in load_table("sentiment_rules", language)},
        contrast={" ".join(m.lower().split()): (float(b), float(a))
                  for m, b, a, *_ in load_table("contrast_weights", language)},
        phrase_lengths=tuple(sorted({p.count(" ") + 1 for p in phrases}, reverse=True)),
        arrow={"words": strings(valence.index), "boosters": strings(boosters.index),
               "negations": strings(sorted(negations)), "phrases": strings(phrases),
               "phrase_starts": strings(sorted({p.split(" ", 1)[0] for p in phrases})),
               "any_pattern": "|".join(f"(?:{p})" for _, p in patterns)})


# ---------------------------------------------------------------------------------
# Vectorised clause scoring
# ---------------------------------------------------------------------------------
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
    valences) and ``sentiment`` (``valence / sqrt(valence² + alpha)``, −1…1), one row per
    text, index kept. Every step is an Arrow or NumPy operation over all the tokens of a
    batch of :data:`BATCH` texts at once.
    """
    series = _as_series(texts)
    if len(series) > BATCH:
        return pd.concat([score_clause_texts(series.iloc[i:i + BATCH], language)
                          for i in range(0, len(series), BATCH)])
    lex = load_lexicon(language)
    r = lex.rules
    m = len(series)
    text = pc.replace_substring_regex(pa.array(series.to_numpy(object), type=pa.string()),
                                      pattern=_APOSTROPHES, replacement="'")
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
    select = pa.array(keep)
    word, clause, seg, caps, has_letter = (word.filter(select), clause[keep], seg[keep], caps[keep],
                                           has_letter[keep])
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

    v = valence.copy()
    is_sentiment = v != 0
    v += np.sign(v) * r["caps_increment"] * (emphasised & is_sentiment)
    booster = booster + np.sign(booster) * r["caps_increment"] * (emphasised & (booster != 0))
    decay = {1: 1.0, 2: r["booster_decay_2"], 3: r["booster_decay_3"]}
    for k in range(1, int(r["window"]) + 1):
        j = np.maximum(np.arange(n_tokens) - k, 0)
        valid = is_sentiment & (pos >= k) & (seg[j] == seg) & (valence[j] == 0)
        v = v + np.where(valid, np.sign(v) * booster[j] * decay.get(k, decay[3]), 0.0)
        v = v * np.where(valid & negation[j], r["negation_scalar"], 1.0)

    total = np.bincount(clause, v, minlength=m)
    positive = np.bincount(clause, np.maximum(v, 0), minlength=m)
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
    total = np.where(question, total * r["question_scalar"], total)
    n_excl = pc.count_substring(text, "!").to_numpy(zero_copy_only=False).astype(float)
    n_q = pc.count_substring(text, "?").to_numpy(zero_copy_only=False).astype(float)
    marks = np.minimum(n_excl, r["exclamation_max"]) * r["exclamation_increment"]
    marks += np.where(n_q > 1, np.minimum(n_q * r["question_increment"], r["question_max"]), 0.0)
    total = total + np.sign(total) * marks
    compound = total / np.sqrt(total * total + r["normalisation_alpha"])
    return pd.DataFrame({"valence": total, "positive": positive, "negative": negative,
                         "sentiment": np.clip(compound, -1.0, 1.0)}, index=series.index)


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
        clauses = split_clauses(_as_series(texts), language)
    else:
        text = _as_series(texts).str.strip().reset_index(drop=True)
        opens = text.str.match(rf"(?i)(?:{contrast_markers(language)})\b").to_numpy(bool)
        clauses = pd.DataFrame({"doc": np.arange(len(text)), "clause": 0, "text": text.to_numpy(object),
                                "after_contrast": opens})
        clauses = clauses[clauses["text"] != ""].reset_index(drop=True)
    codes, uniques = pd.factorize(clauses["text"], use_na_sentinel=False)
    scored = score_clause_texts(pd.Series(uniques, dtype=object), language).to_numpy()
    columns = ["valence", "positive", "negative", "sentiment"]
    out = clauses.copy()
    out[columns] = scored[codes] if len(codes) else np.empty((0, len(columns)))
    out.insert(4, "weight", _contrast_weights(clauses, out["valence"].to_numpy(), language))
    return out


# ---------------------------------------------------------------------------------
# The lexicon scorer
# ---------------------------------------------------------------------------------
class LexiconSentiment(TransformerMixin, BaseEstimator):
    """Clause-level, negation-aware lexicon sentiment for survey comments; no training.

    Each comment is split into clauses (sentences, then before contrast markers such as
    "but"); each clause is scored with VADER's rules on VADER's lexicon extended with
    customer-experience words and phrases (``lang/<language>/sentiment_lexicon.tsv``);
    the comment score combines the clause valences with the contrast weights of
    ``contrast_weights.tsv`` (the clause after "but" counts 1.5, the one before 0.5) and
    normalises like VADER. Work is done once per unique text and once per unique clause.

    Parameters
    ----------
    threshold : absolute score from which a comment is positive or negative.
    mixed_threshold : a comment is ``mixed`` when one clause scores ≥ this and another ≤ −this.
    language : language-data folder.
    """

    def __init__(self, threshold: float = 0.05, mixed_threshold: float = 0.3, language: str = "en"):
        self.threshold = threshold
        self.mixed_threshold = mixed_threshold
        self.language = language

    def fit(self, X=None, y=None):
        self.n_features_in_ = 1
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True  # nothing to learn

    def _unique_scores(self, X) -> tuple[pd.Series, np.ndarray, pd.DataFrame]:
        """Texts, codes into the unique texts, and one row of features per unique text."""
        texts = _as_series(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        return texts, codes, self._score_unique(pd.Series(uniques, dtype=object))[0]

    def _score_unique(self, uniq: pd.Series, split: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
        """:data:`FEATURE_COLUMNS` per distinct text, and its :func:`clause_table`."""
        table = clause_table(uniq, self.language, split)
        n = len(uniq)
        doc = table["doc"].to_numpy()
        weight = table["weight"].to_numpy()
        alpha = load_lexicon(self.language).rules["normalisation_alpha"]
        total = np.bincount(doc, weight * table["valence"].to_numpy(), minlength=n)
        sentiment = np.clip(total / np.sqrt(total * total + alpha), -1.0, 1.0)
        clause_sent = table["sentiment"].to_numpy()
        high = np.full(n, 0.0)
        low = np.full(n, 0.0)
        np.maximum.at(high, doc, clause_sent)
        np.minimum.at(low, doc, clause_sent)
        squash = lambda x: x / np.sqrt(x * x + alpha)  # noqa: E731
        features = pd.DataFrame({
            "sentiment": sentiment,
            "positive": squash(np.bincount(doc, weight * table["positive"].to_numpy(), minlength=n)),
            "negative": squash(np.bincount(doc, weight * table["negative"].to_numpy(), minlength=n)),
            "clause_max": high, "clause_min": low,
            "mixed": ((high >= self.mixed_threshold) & (low <= -self.mixed_threshold)).astype(float),
            "question": uniq.str.contains("?", regex=False).to_numpy(float),
            "exclamation": uniq.str.contains("!", regex=False).to_numpy(float),
        })
        return features, table

    def scores(self, X) -> np.ndarray:
        """Comment scores (−1…1) as a float array aligned with ``X``."""
        _, codes, features = self._unique_scores(X)
        return features["sentiment"].to_numpy()[codes]

    def features(self, X) -> pd.DataFrame:
        """The lexicon evidence per text (:data:`FEATURE_COLUMNS`), used by the trained model."""
        texts, codes, features = self._unique_scores(X)
        return pd.DataFrame(features.to_numpy()[codes], columns=FEATURE_COLUMNS, index=texts.index)

    def transform(self, X) -> pd.DataFrame:
        """``sentiment`` (−1…1), ``sentiment_label`` and ``mixed`` per text, index kept."""
        texts, codes, features = self._unique_scores(X)
        scores = features["sentiment"].to_numpy()
        return pd.DataFrame({"sentiment": scores[codes],
                             "sentiment_label": label_scores(scores, self.threshold)[codes],
                             "mixed": features["mixed"].to_numpy(bool)[codes]}, index=texts.index)

    def clauses(self, X) -> pd.DataFrame:
        """One row per clause of each text: ``doc`` (position in ``X``), ``clause``, ``text``, ``sentiment``."""
        texts = _as_series(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        table = clause_table(pd.Series(uniques, dtype=object), self.language)
        return _broadcast_clauses(table, codes)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(OUTPUT_COLUMNS, dtype=object)


def _broadcast_clauses(table: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """Clauses of unique texts (``doc`` = unique position) → clauses of every text."""
    docs = pd.DataFrame({"doc": np.arange(len(codes)), "unique": codes})
    out = docs.merge(table.rename(columns={"doc": "unique"}), on="unique", how="inner")
    out = out.sort_values(["doc", "clause"], kind="stable").reset_index(drop=True)
    return out[CLAUSE_COLUMNS]


# ---------------------------------------------------------------------------------
# Labels: given by people, or weak labels from scores
# ---------------------------------------------------------------------------------
#: Scores counted as negative (≤ first) and positive (≥ second) per metric for weak labels.
WEAK_CUTS = {"nps": (6, 9), "csat": (2, 4), "ces": (3, 5)}


def sentiment_labels(values, language: str = "en") -> pd.Series:
    """Normalise a label column to negative / neutral / positive (missing stays missing).

    Spellings come from ``lang/<language>/sentiment_labels.tsv``; numeric columns are
    read as 0/1 = negative/positive or −1/0/1 = negative/neutral/positive. Any other
    value raises ``ValueError`` naming it.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    text = series.astype("string").str.strip().str.lower()
    missing = text.isna() | (text == "") | text.isin(["nan", "none", "null", "na", "n/a"])
    numbers = pd.to_numeric(text.where(~missing), errors="coerce")
    numeric = numbers.notna()
    ternary = bool((numbers[numeric] < 0).any())
    numeric_map = {-1.0: "negative", 0.0: "neutral" if ternary else "negative", 1.0: "positive"}
    aliases = {k.strip().lower(): v for k, v, *_ in load_table("sentiment_labels", language)}
    out = text.map(aliases).astype(object)
    out[numeric] = numbers[numeric].map(numeric_map)
    unknown = ~missing & pd.isna(out)
    if unknown.any():
        bad = sorted(series[unknown].astype(str).unique())[:5]
        raise ValueError(f"unknown sentiment label(s) {', '.join(map(repr, bad))}; use negative / neutral "
                         "/ positive, -1 / 0 / 1 or 0 / 1")
    return pd.Series(np.where(missing, None, out), index=series.index, dtype=object)


def weak_labels(scores, metric: str = "nps") -> pd.Series:
    """Weak sentiment labels from the score a customer gave: negative, positive or missing.

    NPS: detractors (0–6) negative, promoters (9–10) positive, passives (7–8) left out;
    CSAT 1–5: 1–2 / 4–5, 3 left out; CES 1–7 (agreement that it was easy): 1–3 / 5–7,
    4 left out. Left-out rows are missing, so a model learns from the clear cases only.
    """
    values = pd.to_numeric(pd.Series(scores) if not isinstance(scores, pd.Series) else scores,
                           errors="coerce").astype("float64")
    low, high = WEAK_CUTS[metric]
    out = np.where(values <= low, "negative", np.where(values >= high, "positive", None))
    return pd.Series(np.where(values.isna(), None, out), index=values.index, dtype=object)


# ---------------------------------------------------------------------------------
# Character n-grams, vectorised
# ---------------------------------------------------------------------------------
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BASE = np.uint64(1000003)


def _char_windows(texts: pd.Series, ngram_range: tuple[int, int]):
    """Hashed character n-grams inside word boundaries (as ``analyzer="char_wb"``).

    Each text is lower-cased and each word padded with spaces; every n-gram within a
    padded word becomes a 64-bit key (polynomial hash of its code points). Returns
    ``keys``, ``docs`` (row of each key), the code-point array and each key's
    ``(start, length)`` in it (to spell keys back).
    """
    low = pc.utf8_trim_whitespace(pc.replace_substring_regex(
        pc.utf8_lower(pa.array(texts.to_numpy(object), type=pa.string())), pattern=r"\s+", replacement="  "))
    padded = pc.binary_join_element_wise(" ", low, " \x00", "")
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)[padded.offset:padded.offset + len(padded) + 1]
    data = bytes(memoryview(padded.buffers()[2])[offsets[0]:offsets[-1]])
    code = np.frombuffer(data.decode("utf-8").encode("utf-32-le"), dtype=np.uint32)
    length = len(code)
    space = code == 32
    spaces = np.r_[0, np.cumsum(space)]
    docs_before = np.r_[0, np.cumsum(code == 0)]
    wide = code.astype(np.uint64)
    hashed = wide
    keys, docs, starts = [], [], []
    with np.errstate(over="ignore"):
        for n in range(1, ngram_range[1] + 1):
            m = length - n + 1
            if m <= 0:
                break
            if n > 1:
                hashed = hashed[:m] * _BASE + wide[n - 1:]
            if n < ngram_range[0]:
                continue
            ok = docs_before[n:n + m] == docs_before[:m]  # within one text
            if n > 2:
                ok &= spaces[n - 1:n - 1 + m] == spaces[1:1 + m]  # spaces only at the ends
            else:
                ok &= ~(space[:m] & space[n - 1:n - 1 + m])
            idx = np.flatnonzero(ok)
            keys.append((hashed[idx] ^ np.uint64(n)) * _MIX)
            docs.append(docs_before[idx])
            starts.append(np.c_[idx, np.full(len(idx), n)])
    if not keys:
        return np.empty(0, np.uint64), np.empty(0, np.int64), code, np.empty((0, 2), np.int64)
    return np.concatenate(keys), np.concatenate(docs), code, np.concatenate(starts)


def _tfidf(docs: np.ndarray, cols: np.ndarray, n_rows: int, idf: np.ndarray) -> sparse.csr_matrix:
    """Rows of l2-normalised ``(1 + log tf) · idf`` from (row, column) pairs of term occurrences."""
    counts = sparse.csr_matrix((np.ones(len(cols)), (docs, cols)), shape=(n_rows, len(idf)))
    counts.sum_duplicates()
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    return (sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ counts).tocsr()


def _word_terms(texts: pd.Series, ngram_range: tuple[int, int]) -> tuple[pa.Array, np.ndarray]:
    """Word n-grams of each text as scikit-learn's default analyzer cuts them, with Arrow.

    Lower-cased runs of at least two letters, digits or underscores are the tokens;
    n-grams join neighbouring tokens of one text with a space. Returns the terms and the
    row of each.
    """
    low = pc.utf8_lower(pa.array(texts.to_numpy(object), type=pa.string()))
    lists = pc.split_pattern_regex(low, pattern=r"[^\pL\pN_]+")
    doc = np.repeat(np.arange(len(texts)), pc.list_value_length(lists).to_numpy(zero_copy_only=False))
    tokens = pc.list_flatten(lists)
    keep = pc.utf8_length(tokens).to_numpy(zero_copy_only=False) >= 2
    tokens, doc = tokens.filter(pa.array(keep)), doc[keep]
    terms, rows = [], []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        idx = np.arange(max(len(tokens) - n + 1, 0))
        idx = idx[doc[idx] == doc[idx + n - 1]] if n > 1 else idx
        parts = [pc.take(tokens, pa.array(idx + k)) for k in range(n)]
        terms.append(parts[0] if n == 1 else pc.binary_join_element_wise(*parts, " "))
        rows.append(doc[idx])
    if not terms:
        return pa.array([], type=pa.string()), np.empty(0, np.int64)
    return pa.concat_arrays([t.cast(pa.string()) for t in terms]), np.concatenate(rows)


class WordNgramVectorizer(TransformerMixin, BaseEstimator):
    """TF-IDF of word n-grams, computed with Arrow kernels over all texts at once.

    The same features as ``TfidfVectorizer(ngram_range=..., sublinear_tf=True)`` with its
    default tokens (lower-cased runs of two or more word characters), several times faster.

    Parameters
    ----------
    ngram_range : smallest and largest n-gram length.
    min_df : keep n-grams found in at least this many training texts.
    """

    def __init__(self, ngram_range=(1, 2), min_df=2):
        self.ngram_range = ngram_range
        self.min_df = min_df

    def _batches(self, texts: pd.Series):
        for start in range(0, len(texts), BATCH):
            chunk = texts.iloc[start:start + BATCH]
            yield (*_word_terms(chunk, tuple(self.ngram_range)), len(chunk))

    def fit(self, X, y=None):
        texts = _as_series(X)
        df = pd.Series(dtype=float)
        for terms, docs, _ in self._batches(texts):
            pairs = pd.DataFrame({"term": pd.array(terms, dtype=pd.ArrowDtype(pa.string())), "doc": docs})
            found = pairs.drop_duplicates()["term"].value_counts()
            df = df.add(found.set_axis(found.index.astype(object)).astype(float), fill_value=0.0)
        df = df[df >= self.min_df].sort_index()
        self.vocabulary_ = df.index.to_numpy(object)
        self.idf_ = np.log((1 + len(texts)) / (1 + df.to_numpy(float))) + 1.0
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        check_is_fitted(self, "vocabulary_")
        texts = _as_series(X)
        vocab = pa.array(self.vocabulary_, type=pa.string())
        blocks = []
        for terms, docs, n_rows in self._batches(texts):
            col = pc.index_in(terms, value_set=vocab).to_numpy(zero_copy_only=False)
            found = ~np.isnan(col)
            blocks.append(_tfidf(docs[found], col[found].astype(np.int64), n_rows, self.idf_))
        return sparse.vstack(blocks).tocsr() if blocks else sparse.csr_matrix((0, len(self.idf_)))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "vocabulary_")
        return self.vocabulary_.copy()


class CharNgramVectorizer(TransformerMixin, BaseEstimator):
    """TF-IDF of character n-grams inside word boundaries, computed with array operations.

    The same features as ``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)``, but
    several times faster, because n-grams are hashed with NumPy over all texts at once
    instead of being cut one by one in Python.

    Parameters
    ----------
    ngram_range : smallest and largest n-gram length.
    min_df : keep n-grams found in at least this many training texts.
    """

    def __init__(self, ngram_range=(2, 4), min_df=2):
        self.ngram_range = ngram_range
        self.min_df = min_df

    def _batches(self, texts: pd.Series):
        for start in range(0, len(texts), BATCH):
            yield _char_windows(texts.iloc[start:start + BATCH], tuple(self.ngram_range))

    def fit(self, X, y=None):
        texts = _as_series(X)
        df = pd.Series(dtype=float)
        for keys, docs, _, _ in self._batches(texts):
            found = pd.DataFrame({"key": keys, "doc": docs}).drop_duplicates()["key"].value_counts()
            df = df.add(found.astype(float), fill_value=0.0)
        df = df[df >= self.min_df].sort_index()
        self.vocabulary_ = df.index.to_numpy(np.uint64)
        self.idf_ = np.log((1 + len(texts)) / (1 + df.to_numpy(float))) + 1.0
        names = pd.Series(None, index=pd.Index(self.vocabulary_), dtype=object)
        for keys, _, code, starts in self._batches(texts):  # spell each kept n-gram once
            wanted = pd.Index(keys).isin(names.index[names.isna()])
            if wanted.any():
                first = pd.Series(np.flatnonzero(wanted)).groupby(keys[wanted]).first()
                spans = starts[first.to_numpy()]
                names[first.index] = [code[s:s + k].tobytes().decode("utf-32-le") for s, k in spans]
            if names.notna().all():
                break
        self.feature_names_ = names.to_numpy(object)
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        check_is_fitted(self, "vocabulary_")
        texts = _as_series(X)
        vocab = pd.Index(self.vocabulary_)
        blocks = []
        for (keys, docs, _, _), start in zip(self._batches(texts), range(0, len(texts), BATCH)):
            col = vocab.get_indexer(keys)
            found = col >= 0
            blocks.append(_tfidf(docs[found], col[found], min(BATCH, len(texts) - start), self.idf_))
        return sparse.vstack(blocks).tocsr() if blocks else sparse.csr_matrix((0, len(self.idf_)))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "vocabulary_")
        return self.feature_names_.copy()


# ---------------------------------------------------------------------------------
# The trained scorer
# ---------------------------------------------------------------------------------
class TrainedSentiment(ClassifierMixin, TransformerMixin, BaseEstimator):
    """Sentiment learned from labelled comments (or weak labels from scores), calibrated.

    A linear SVM on TF-IDF word n-grams and character n-grams gives one score per class;
    a multinomial logistic regression then combines the SVM's out-of-fold scores with the
    lexicon evidence of :class:`LexiconSentiment` (stacking). That last step is what
    calibrates the probabilities: it is fitted on scores the SVM produced for comments it
    had not seen, so a probability of 0.8 is right about 80% of the time.

    ``sentiment`` = P(positive) − P(negative). With three classes the label is the class
    with the largest ``p / prior**class_balance`` (0 = the most probable class, 1 = equal
    recall for every class); with two (negative/positive, as with weak labels) it is
    neutral when ``|sentiment| < neutral_band``.

    Parameters
    ----------
    C : SVM regularisation (smaller = smoother).
    word_ngrams, char_ngrams : n-gram ranges of the two TF-IDF blocks.
    min_df : keep n-grams seen in at least this many training comments.
    cv : folds for the out-of-fold scores.
    class_balance : see above.
    neutral_band : see above.
    mixed_threshold : a comment is ``mixed`` when one clause scores ≥ this and another ≤ −this.
    language : language-data folder for the lexicon block and clauses.
    random_state : seed of the folds and the SVM solver.
    """

    def __init__(self, C=0.2, word_ngrams=(1, 2), char_ngrams=(2, 4), min_df=2, cv=5,
                 class_balance=0.25, neutral_band=1 / 3, mixed_threshold=0.5, language="en",
                 random_state=0):
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.cv = cv
        self.class_balance = class_balance
        self.neutral_band = neutral_band
        self.mixed_threshold = mixed_threshold
        self.language = language
        self.random_state = random_state

    def _svm(self):
        from sklearn.svm import LinearSVC

        return LinearSVC(C=self.C, class_weight="balanced", dual=True, random_state=self.random_state,
                         max_iter=5000)

    def fit(self, X, y):
        """Learn from texts ``X`` and labels ``y`` (any spelling :func:`sentiment_labels` reads).

        Rows without a label are ignored. The model learns from the distinct (text, label)
        pairs, so repeated answers cost nothing, no copy of a comment is ever scored out of
        fold by a model that saw it, and the row order does not matter. A pair seen ``k``
        times weighs ``1 + log k`` in the SVM (repeats count, without the thousandth "great
        service" drowning everything else) and ``k`` in the calibrating regression (so
        probabilities follow the rows).
        """
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        labels = sentiment_labels(pd.Series(list(y), dtype=object), self.language)
        pairs = pd.DataFrame({"text": _as_series(X).to_numpy(object), "label": labels.to_numpy(object)})
        pairs = pairs[pairs["label"].notna()].groupby(["text", "label"], sort=True).size().reset_index()
        texts, labels = pairs["text"].astype(object), pairs["label"].to_numpy(str)
        weight = pairs[0].to_numpy(float)
        distinct = pd.Series(labels).value_counts()
        if len(distinct) < 2:
            raise ValueError(f"sentiment needs at least two classes to learn from, got {dict(distinct)}")
        if distinct.min() < self.cv:
            raise ValueError(f"each sentiment class needs at least {self.cv} distinct examples, "
                             f"got {dict(distinct)}")
        self.classes_ = np.array([c for c in LABELS if c in distinct.index], dtype=object)
        rows = pd.Series(weight).groupby(labels).sum().reindex(self.classes_)
        self.prior_ = (rows / rows.sum()).to_numpy(float)
        self.lexicon_ = LexiconSentiment(language=self.language).fit()
        self.word_ = WordNgramVectorizer(ngram_range=tuple(self.word_ngrams), min_df=self.min_df)
        self.char_ = CharNgramVectorizer(ngram_range=tuple(self.char_ngrams), min_df=self.min_df)
        matrix = sparse.hstack([self.word_.fit_transform(texts), self.char_.fit_transform(texts)]).tocsr()
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        damped = 1.0 + np.log(weight)
        out_of_fold = cross_val_predict(self._svm(), matrix, labels, cv=folds, method="decision_function",
                                        params={"sample_weight": damped})
        self.svm_ = self._svm().fit(matrix, labels, sample_weight=damped)
        stacked = np.column_stack([out_of_fold, self.lexicon_.features(texts).to_numpy()])
        self.stack_ = LogisticRegression(C=1.0, max_iter=2000).fit(stacked, labels, sample_weight=weight)
        self.n_features_in_ = 1
        return self

    def _proba_unique(self, texts: pd.Series, split: bool = True) -> tuple[np.ndarray, pd.DataFrame]:
        """Probabilities of distinct texts, and their clause table (from the lexicon block)."""
        features, table = self.lexicon_._score_unique(texts, split)
        matrix = sparse.hstack([self.word_.transform(texts), self.char_.transform(texts)]).tocsr()
        stacked = np.column_stack([self.svm_.decision_function(matrix), features.to_numpy()])
        return self.stack_.predict_proba(stacked), table

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated class probabilities (columns in :attr:`classes_` order), per unique text."""
        check_is_fitted(self, "stack_")
        texts = _as_series(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        return self._proba_unique(pd.Series(uniques, dtype=object))[0][codes]

    def _decide(self, proba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scores (P(pos) − P(neg)) and labels from probabilities."""
        column = {c: i for i, c in enumerate(self.classes_)}
        pick = lambda c: proba[:, column[c]] if c in column else 0.0  # noqa: E731
        score = np.clip(pick("positive") - pick("negative"), -1.0, 1.0) * np.ones(len(proba))
        if len(self.classes_) == 3:
            labels = self.classes_[np.argmax(proba / self.prior_ ** self.class_balance, axis=1)]
        else:
            labels = label_scores(score, self.neutral_band)
        return score, np.asarray(labels, dtype=object)

    def predict(self, X) -> np.ndarray:
        """negative / neutral / positive per text."""
        return self._decide(self.predict_proba(X))[1]

    def transform(self, X) -> pd.DataFrame:
        """``sentiment`` (−1…1), ``sentiment_label`` and ``mixed`` per text, index kept.

        Empty texts are neutral with score 0; ``mixed`` compares the model's scores of the
        clauses of each comment.
        """
        check_is_fitted(self, "stack_")
        texts = _as_series(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        uniques = pd.Series(uniques, dtype=object)
        proba, table = self._proba_unique(uniques)
        score, labels = self._decide(proba)
        empty = (uniques.str.strip() == "").to_numpy(bool)
        score[empty], labels[empty] = 0.0, "neutral"
        clauses = self._clause_scores(table, score)
        spread = clauses.groupby("doc")["sentiment"].agg(["min", "max"])
        mixed = np.zeros(len(uniques), dtype=bool)
        mixed[spread.index.to_numpy()] = ((spread["max"] >= self.mixed_threshold)
                                          & (spread["min"] <= -self.mixed_threshold)).to_numpy()
        return pd.DataFrame({"sentiment": score[codes], "sentiment_label": labels[codes],
                             "mixed": mixed[codes]}, index=texts.index)

    def _clause_scores(self, table: pd.DataFrame, doc_scores: np.ndarray) -> pd.DataFrame:
        """The clause table with the model's score of each clause (a one-clause text keeps its own)."""
        table = table[["doc", "clause", "text"]]
        doc = table["doc"].to_numpy()
        scores = doc_scores[doc].astype(float) if len(doc) else np.empty(0)
        several = np.r_[doc[1:] == doc[:-1], False] | np.r_[False, doc[1:] == doc[:-1]]
        if several.any():
            codes, clause_texts = pd.factorize(table["text"][several], use_na_sentinel=False)
            proba = self._proba_unique(pd.Series(clause_texts, dtype=object), split=False)[0]
            scores[several] = self._decide(proba)[0][codes]
        return table.assign(sentiment=scores)

    def clauses(self, X) -> pd.DataFrame:
        """One row per clause of each text: ``doc`` (position in ``X``), ``clause``, ``text``, ``sentiment``."""
        check_is_fitted(self, "stack_")
        texts = _as_series(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        proba, table = self._proba_unique(pd.Series(uniques, dtype=object))
        return _broadcast_clauses(self._clause_scores(table, self._decide(proba)[0]), codes)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(OUTPUT_COLUMNS, dtype=object)


# ---------------------------------------------------------------------------------
# Training with a held-out check
# ---------------------------------------------------------------------------------
def vader_scores(texts) -> np.ndarray:
    """Plain VADER compound scores (the reference the project's scorers are compared with)."""
    series = _as_series(texts)
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    polarity = vader_analyzer().polarity_scores
    return np.fromiter((polarity(t)["compound"] if t else 0.0 for t in uniques), float, len(uniques))[codes]


def held_out_figures(model, texts, labels, language: str = "en") -> dict:
    """How ``model``, the lexicon scorer and plain VADER do on labelled comments.

    ``macro_f1`` and ``accuracy`` over the label values present, and ``auc``: how well each
    score separates positive from negative comments (neutral ones left out), for
    ``model``, ``lexicon`` and ``vader``.
    """
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

    texts = _as_series(texts).reset_index(drop=True)
    y = np.asarray(pd.Series(labels).reset_index(drop=True), dtype=object)
    lexicon = LexiconSentiment(language=language).transform(texts)
    vader = vader_scores(texts)
    scored = {"model": model.transform(texts), "lexicon": lexicon,
              "vader": pd.DataFrame({"sentiment": vader, "sentiment_label": label_scores(vader)})}
    present = [c for c in LABELS if c in set(y)]
    polar = np.isin(y, ["negative", "positive"])
    both = {"negative", "positive"} <= set(y[polar])
    out = {"rows": int(len(y))}
    for name, frame in scored.items():
        pred = frame["sentiment_label"].to_numpy(object)
        out[name] = {"macro_f1": round(float(f1_score(y, pred, labels=present, average="macro",
                                                      zero_division=0)), 4),
                     "accuracy": round(float(accuracy_score(y, pred)), 4)}
        if both:
            out[name]["auc"] = round(float(roc_auc_score(y[polar] == "positive",
                                                         frame["sentiment"].to_numpy()[polar])), 4)
    return out


def train_sentiment(texts, labels, *, weak: bool = False, language: str = "en", random_state: int = 0,
                    holdout: float = 0.2, max_held_out: int = 20000, **params) -> tuple[TrainedSentiment, dict]:
    """Fit a :class:`TrainedSentiment` on every labelled comment, after checking it on a held-out part.

    A seeded ``holdout`` share of the distinct texts (at most ``max_held_out`` comments)
    is set aside, a model trained on the rest is compared with the lexicon scorer and VADER on
    it (:func:`held_out_figures`; with ``weak`` labels the AUC of promoters against
    detractors is the figure that matters), then the returned model is refitted on all
    rows. Returns the model and a dict: ``rows``, ``classes``, ``weak``, ``held_out``.
    """
    from sklearn.base import clone

    texts = _as_series(texts).reset_index(drop=True)
    y = sentiment_labels(pd.Series(list(labels), dtype=object), language)
    keep = y.notna().to_numpy()
    texts, y = texts[keep].reset_index(drop=True), y[keep].reset_index(drop=True)
    model = TrainedSentiment(language=language, random_state=random_state, **params)
    counts = y.value_counts()
    info = {"rows": int(len(y)), "classes": {c: int(counts.get(c, 0)) for c in LABELS if c in counts.index},
            "weak": bool(weak), "held_out": None}
    # held out by distinct text, so no copy of a held-out comment is trained on
    codes, uniques = pd.factorize(texts, sort=True, use_na_sentinel=False)
    order = np.random.default_rng(random_state).permutation(len(uniques))
    held_texts = np.zeros(len(uniques), dtype=bool)
    held_texts[order[: int(round(holdout * len(uniques)))]] = True
    test = np.flatnonzero(held_texts[codes])
    train = np.flatnonzero(~held_texts[codes])
    test = test[np.sort(np.random.default_rng(random_state).permutation(len(test))[:max_held_out])]
    if len(test) >= 20 and y[test].nunique() >= 2 and y[train].nunique() == len(counts):
        try:
            check = clone(model).fit(texts[train], y[train])
        except ValueError:  # too few distinct examples left to train on: no held-out figures
            check = None
        if check is not None:
            info["held_out"] = held_out_figures(check, texts[test], y[test], language)
    return model.fit(texts, y), info
