"""Quotes: short, diverse, real comments that tell each theme's story.

A harmful theme is shown through what its detractors (or, with an outcome, the people it
happened to) said about it in mentions whose sentiment is negative; a helpful theme
through its promoters' positive mentions; a theme without scores through its most common
tone. Both sides of every theme are chosen, because a theme can be helpful by membership
while its negative mentions are the top harm ("negative mentions of legroom" in
aspect_drivers.csv): themes.csv shows the side of the theme's direction, aspect_drivers.csv
the side of its row. Quotes are real text: the comment as written (PII redacted, layout tags removed)
when it has 4 to 30 words, else the part of it that mentions the theme (from the cleaned
text, PII already redacted) when that has 4 to 30 words. They are diverse: no two share a
key (lower case, letters only — punctuation and numbers dropped) and no two share half
their words (Jaccard).

Candidates are kept per (theme, mention polarity, respondent) — the best ``10·n`` of each
— so the candidates of chunks' candidates are those of the whole export and a streamed
run picks the same quotes as an in-memory one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..text.cleaning import FORMATTING_TAG, redact_pii

#: Quotes per theme in themes.csv.
N_QUOTES = 4
#: Respondent classes: bad (detractor / the outcome happened), good (promoter / it did not), other.
BAD, OTHER, GOOD = "bad", "other", "good"
#: Columns of the quote candidates kept across chunks.
CANDIDATE_COLUMNS = ["theme_id", "polarity", "respondent", "alone", "closeness", "key", "row", "text"]
#: Columns of ``quotes.csv``: the chosen quotes of both sides of each theme, in order.
QUOTE_COLUMNS = ["theme_id", "row", "polarity", "respondent", "text"]
#: (mention polarity, respondent) buckets tried in turn for each kind of theme.
ORDER = {"harmful": [("negative", BAD), ("negative", OTHER), ("negative", GOOD)],
         "helpful": [("positive", GOOD), ("positive", OTHER), ("positive", BAD)]}
#: The mention polarity each story is told by.
SIDES = {"harmful": "negative", "helpful": "positive"}
_NOT_LETTER = r"[^\pL]+"


def select_quotes(pool: pd.DataFrame, n: int = 4, max_overlap: float = 0.5) -> pd.DataFrame:
    """Rows of ``pool`` (``theme_id, theme_score, clean_text`` …) to quote: per theme, the
    comments closest to its centre — those about that theme alone first when a ``themes``
    column says so — skipping any whose words overlap an already chosen quote by
    ``max_overlap`` or more (Jaccard), so the quotes show different phrasings. Of comments
    that differ only in case and punctuation, the first in ``pool`` is kept.
    """
    several = pool["themes"].str.len().gt(1) if "themes" in pool else pd.Series(False, index=pool.index)
    pool = pool.assign(_key=pool["clean_text"].str.lower().str.replace(r"[^\w\s]", "", regex=True),
                       _several=several.to_numpy())
    pool = pool.sort_values(["theme_id", "_several", "theme_score", "_key"],
                            ascending=[True, True, False, True], kind="stable").drop_duplicates("_key")
    candidates = pool.groupby("theme_id", sort=True).head(10 * n)
    chosen: list = []
    for _, group in candidates.groupby("theme_id", sort=True):
        chosen += _diverse(group.index, group["_key"], n, max_overlap)
    return pool.loc[chosen].drop(columns=["_key", "_several"])


def _diverse(index, keys, n: int, max_overlap: float) -> list:
    """The first ``n`` of ``keys`` (in order) whose words overlap no earlier pick by ``max_overlap``."""
    picked: list[set[str]] = []
    chosen = []
    for i, key in zip(index, keys):
        words = set(key.split())
        if all(len(words & p) / max(len(words | p), 1) < max_overlap for p in picked):
            picked.append(words)
            chosen.append(i)
            if len(picked) == n:
                break
    return chosen


def quote_key(texts) -> np.ndarray:
    """Lower case, letters and single spaces only: texts equal up to case, punctuation and
    numbers share a key."""
    arr = pc.utf8_lower(pa.array(list(texts), type=pa.large_string()))
    key = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, _NOT_LETTER, " "))
    return np.asarray(key.to_numpy(zero_copy_only=False), dtype=object)


def respondents(category: pd.Series, event: pd.Series | None = None) -> np.ndarray:
    """:data:`BAD`, :data:`GOOD` or :data:`OTHER` per comment, from the outcome when there is
    one, else from the NPS category (or the metric's analogue)."""
    if event is not None:
        e = pd.Series(event).reset_index(drop=True).astype("boolean")
        return np.where(e.fillna(False), BAD, np.where(e.isna(), OTHER, GOOD)).astype(object)
    c = pd.Series(category, dtype=object).reset_index(drop=True)
    return np.where(c == "detractor", BAD, np.where(c == "promoter", GOOD, OTHER)).astype(object)


def quote_candidates(mentions: pd.DataFrame, comments: pd.DataFrame, text_column: str,
                     respondent: np.ndarray, n: int = N_QUOTES) -> pd.DataFrame:
    """Quote candidates (:data:`CANDIDATE_COLUMNS`) of one chunk's ``mentions``.

    ``comments`` (same chunk, with ``row``, ``clean_text``, ``is_duplicate``,
    ``is_nonanswer``, ``themes`` and the input ``text_column``) gives each mention its
    comment, ``respondent`` (per comment) who wrote it. Duplicates and non-answers are left
    out; see :func:`best_candidates` for which are kept.
    """
    at = pd.Index(comments["row"].to_numpy()).get_indexer(mentions["row"].to_numpy())
    keep = ~comments["is_duplicate"].to_numpy(bool)[at] & ~comments["is_nonanswer"].to_numpy(bool)[at]
    words = _spaces(comments["clean_text"])[at] + 1
    part_words = _spaces(mentions["text"]) + 1
    whole = (words >= 4) & (words <= 30)
    # only the usable mentions are looked at further: their texts and keys, nothing else
    usable = np.flatnonzero(keep & (whole | ((part_words >= 4) & (part_words <= 30))))
    at, whole = at[usable], whole[usable]
    m = mentions[["theme_id", "sentiment_label", "closeness", "row"]].iloc[usable]
    text = np.array(mentions["text"].iloc[usable].to_numpy(object), dtype=object)  # a copy: written to
    text[whole] = comments[text_column].astype(str).iloc[at[whole]].to_numpy(object)
    pool = pd.DataFrame({"theme_id": m["theme_id"].to_numpy(np.int64),
                         "polarity": m["sentiment_label"].to_numpy(object),
                         "respondent": np.asarray(respondent, dtype=object)[at],
                         "alone": comments["themes"].str.len().to_numpy()[at] <= 1,
                         "closeness": m["closeness"].to_numpy(float),
                         "key": quote_key(text) if len(text) else np.array([], dtype=object),
                         "row": m["row"].to_numpy(np.int64), "text": text})
    return best_candidates(pool, n)


def _spaces(texts: pd.Series) -> np.ndarray:
    """Spaces in each text (read as ``str``, as before), counted by Arrow as a plain substring."""
    values = pa.array(texts.astype(str), type=pa.large_string())
    return pc.count_substring(values, " ").to_numpy(zero_copy_only=False)


def best_candidates(pool: pd.DataFrame, n: int = N_QUOTES) -> pd.DataFrame:
    """The best ``10·n`` rows of ``pool`` per (theme, polarity, respondent), one per key: about
    this theme alone first, then closest to the theme, then by key and row (so the result
    does not depend on the order rows arrive in)."""
    pool = pool.loc[pool["key"] != "", CANDIDATE_COLUMNS]
    pool = pool.sort_values(["theme_id", "polarity", "respondent", "alone", "closeness", "key", "row"],
                            ascending=[True, True, True, False, False, True, True], kind="stable")
    pool = pool.drop_duplicates(["theme_id", "polarity", "respondent", "key"])
    return pool.groupby(["theme_id", "polarity", "respondent"], sort=True).head(10 * n).reset_index(drop=True)


def story_quotes(candidates: pd.DataFrame, n: int = N_QUOTES, max_overlap: float = 0.5,
                 scorer=None) -> pd.DataFrame:
    """Up to ``n`` quotes per (theme, side) (:data:`QUOTE_COLUMNS`), PII redacted.

    Every theme has two stories: its harmful side, told by negative mentions (detractors
    first, then the others), and its helpful side, told by positive mentions (promoters
    first); the buckets of :data:`ORDER` are tried in turn, so the harmful side never shows
    praise of the theme and the helpful side never a complaint about it. The ``polarity``
    column says the side. Rows come by theme ID, negative side first. Within a bucket, a
    quote whose own words say its side (``scorer``, the run's fitted sentiment scorer —
    the lexicon when None — reads the quoted text with the mention's polarity) comes
    before one that only inherits it from its comment ("Flew IAD-VIE on Austrian" is a
    negative mention of a review that complains later on, but it tells nothing), then
    about the theme alone, then closest to it.
    """
    candidates = candidates.assign(_voiced=_voiced(candidates, scorer))
    chosen: list = []
    for _, group in candidates.groupby("theme_id", sort=True):
        for side in ("harmful", "helpful"):
            rank = {bucket: i for i, bucket in enumerate(ORDER[side])}
            bucket = np.fromiter((rank.get(b, -1) for b in zip(group["polarity"], group["respondent"])),
                                 dtype=np.int64, count=len(group))
            told = group.assign(_bucket=bucket)[bucket >= 0].sort_values(
                ["_bucket", "_voiced", "alone", "closeness", "key", "row"],
                ascending=[True, False, False, False, True, True],
                kind="stable").drop_duplicates("key")
            chosen += _diverse(told.index, told["key"], n, max_overlap)
    out = candidates.loc[chosen, QUOTE_COLUMNS].reset_index(drop=True)
    text = out["text"].astype(str).str.replace(FORMATTING_TAG, " ", regex=True)
    out["text"] = redact_pii(text.str.replace(r"\s+", " ", regex=True)).str.strip()
    return out


def _voiced(candidates: pd.DataFrame, scorer) -> np.ndarray:
    """Whether each candidate's text, scored on its own, has the candidate's polarity."""
    if not len(candidates):
        return np.zeros(0, dtype=bool)
    if scorer is None:
        from ..sentiment.lexicon_model import LexiconSentiment

        scorer = LexiconSentiment().fit()
    labels = scorer.transform(candidates["text"].astype(str))["sentiment_label"]
    return labels.to_numpy(object) == candidates["polarity"].to_numpy(object)


def joined_quotes(quotes: pd.DataFrame, direction: dict | None = None) -> pd.Series:
    """The quotes of each theme joined by " | ", indexed by theme ID: with ``direction``
    (theme ID → "harmful" / "helpful", default harmful) only the side that tells that
    story (themes.csv's ``quotes``), else every quote of the theme."""
    if direction is not None and len(quotes):
        wanted = quotes["theme_id"].map(lambda t: SIDES[direction.get(t, "harmful")])
        quotes = quotes[quotes["polarity"].to_numpy(object) == wanted.to_numpy(object)]
    return quotes.groupby("theme_id", sort=True)["text"].agg(" | ".join)


def side_quotes(quotes: pd.DataFrame) -> pd.Series:
    """The quotes of each (theme, polarity) joined by " | " (aspect_drivers.csv's ``quotes``:
    "negative mentions of X" quoted from its negative side)."""
    return quotes.groupby(["theme_id", "polarity"], sort=True)["text"].agg(" | ".join)
