"""Theme mentions: which part of each comment mentions which theme, and with what sentiment.

A comment that touches several themes rarely feels the same about all of them ("great
food, rude staff"). A *mention* is one (comment, theme) pair of the comment's ``themes``
list, with the text of the parts of the comment the theme was found in and the sentiment
of that text on its own. When those parts carry no sentiment ("the price", "the staff
were …"), the mention takes the sentiment of the clauses they were cut from, then that
of the whole comment — so a one-theme comment's mention never contradicts the comment
for lack of an opinion word in its part.

Every step runs once per distinct comment text, part text and clause text;
:func:`mention_rows` broadcasts the mentions of distinct texts to the rows carrying them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import MENTION_COLUMNS
from ..lang import get_language
from .model import NO_THEME
from .parts import split_parts

#: Joins the parts of one mention (the lexicon scorer treats "…" as a break of its own).
JOINER = " … "


def theme_parts(model, texts: pd.Series) -> pd.DataFrame:
    """Parts of each text with the theme they lean to: ``doc, part, theme_id, text,
    clause_text, fit, score``.

    Uses the theme model's own part assignment when it has one (``model.part_themes``);
    otherwise the parts of :func:`~feedbackml.themes.parts.split_parts` and the nearest
    theme centre of each part (``score``: closeness to it), ``fit`` when the part is as
    close to it as the theme's own comments usually are; a part near no theme has
    ``theme_id`` −1 (it still counts as a part of its comment).
    """
    if hasattr(model, "part_themes"):
        return model.part_themes(texts)
    parts = split_parts(pd.Series(texts, dtype=object), model.language)
    codes, distinct = pd.factorize(parts["text"], use_na_sentinel=False)  # short parts repeat
    cluster, score = model._assign(np.asarray(distinct, dtype=object))
    cluster, score = cluster[codes], score[codes]
    known = cluster >= 0
    at = np.maximum(cluster, 0)
    parts.insert(2, "theme_id", np.where(known, model.cluster_theme_[at], NO_THEME).astype(np.int64))
    parts["fit"] = known & (score >= model.segment_threshold_[at])
    parts["score"] = np.where(known, score, 0.0)
    return parts


def _unit_scores(scorer, texts: pd.Series) -> pd.DataFrame:
    """``sentiment`` and ``sentiment_label`` of each text taken as one clause (each distinct once)."""
    codes, uniques = pd.factorize(texts.astype(object), use_na_sentinel=False)
    scored = scorer.score_units(pd.Series(uniques, dtype=object))
    return pd.DataFrame({"sentiment": scored["sentiment"].to_numpy(float)[codes],
                         "sentiment_label": scored["sentiment_label"].to_numpy(object)[codes]})


def mention_table(parts: pd.DataFrame, themes, comment_sentiment: pd.DataFrame, scorer) -> pd.DataFrame:
    """Mentions of distinct texts: ``doc, theme_id, text, closeness, sentiment, sentiment_label``.

    Parameters
    ----------
    parts : :func:`theme_parts` of the texts (``clause`` and ``after_contrast`` optional).
    themes : per text, its list of theme IDs.
    comment_sentiment : per text (in order), ``sentiment`` and ``sentiment_label`` of the whole text.
    scorer : the fitted sentiment scorer (``score_units``).

    One row per distinct (text, theme) pair, ordered by text then theme ID. A mention's
    text is its parts that fit the theme, or else the one part closest to it; a theme
    found in no part has ``text`` missing (the caller quotes the whole comment) and the
    comment's sentiment. A text without sentiment of its own takes, in turn
    (:func:`_context_sentiment`), that of the next part of its clause (an enumeration
    sharing its verb: "the food and service could have been better"), of its clause, the
    opposite of the clause across a contrast marker ("the service is a little scatty at
    times | but all is forgiven"), then the comment's.
    """
    lengths = np.fromiter((len(t) for t in themes), dtype=np.int64, count=len(themes))
    ids = np.fromiter((i for t in themes for i in t), dtype=np.int64, count=int(lengths.sum()))
    pairs = pd.DataFrame({"doc": np.repeat(np.arange(len(lengths)), lengths), "theme_id": ids})
    pairs = pairs.drop_duplicates().sort_values(["doc", "theme_id"], kind="stable").reset_index(drop=True)
    keys = ["doc", "theme_id"]
    # Match, filter and sort on the numeric columns with each part's row; the part and clause
    # texts are taken once, for the rows kept (taking Arrow strings at every step cost more
    # than the rest of the step).
    light = parts[[c for c in parts.columns if c not in ("text", "clause_text")]]
    hit = pairs.merge(light.assign(_row=np.arange(len(parts))), on=keys, how="inner")
    group = hit.groupby(keys)
    any_fit = group["fit"].transform("any").to_numpy(bool)
    closest = hit["score"].to_numpy() >= group["score"].transform("max").to_numpy()
    hit = hit[np.where(any_fit, hit["fit"].to_numpy(bool), closest)]
    hit = hit.drop_duplicates(keys + ["part"]).sort_values(keys + ["part"], kind="stable")
    rows = hit["_row"].to_numpy(np.int64)
    hit_text = parts["text"].iloc[rows].to_numpy(object)
    hit_clause = parts["clause_text"].iloc[rows].to_numpy(object)
    out = pairs.merge(_joined(hit, hit_text, hit_clause), on=keys, how="left")
    doc = out["doc"].to_numpy()
    whole = comment_sentiment.reset_index(drop=True)
    sentiment = whole["sentiment"].to_numpy(float)[doc].copy()
    label = whole["sentiment_label"].to_numpy(object)[doc].copy()
    # a comment of one part: its mention is the comment, already scored
    one_part = np.bincount(parts["doc"].to_numpy(np.int64), minlength=len(lengths)) == 1
    found = np.flatnonzero(out["text"].notna().to_numpy() & ~one_part[doc])
    if len(found):
        own = _unit_scores(scorer, out["text"].iloc[found])
        use_own = (own["sentiment_label"] != "neutral").to_numpy()
        sentiment[found[use_own]] = own["sentiment"].to_numpy()[use_own]
        label[found[use_own]] = own["sentiment_label"].to_numpy()[use_own]
        rest = found[~use_own]
        if len(rest):
            s, lab = _context_sentiment(out.iloc[rest], parts, scorer, getattr(scorer, "language", "en"))
            use = lab != "neutral"
            sentiment[rest[use]], label[rest[use]] = s[use], lab[use]
    return pd.DataFrame({"doc": doc, "theme_id": out["theme_id"].to_numpy(np.int64),
                         "text": out["text"].to_numpy(object),
                         "closeness": out["closeness"].fillna(0.0).to_numpy(float),
                         "sentiment": sentiment, "sentiment_label": label})


def _context_sentiment(mentions: pd.DataFrame, parts: pd.DataFrame, scorer,
                       language: str = "en") -> tuple[np.ndarray, np.ndarray]:
    """Sentiment of mentions whose own text is neutral, from around them: inside a concession
    that opens the clause ("while the place is not a hotspot, | the drinks are great"), the
    opposite of its point; the next part of the same clause; after such a concession, the
    opposite of the concession (openers: ``lang/<language>/contrast.tsv`` markers whose
    point comes before them and ``concessions.txt``); the clause;
    the opposite of the clause on the other side of a contrast marker (the clause before
    one that starts with "but", or the one after). Neutral when none of them says anything."""
    n = len(mentions)
    sentiment, label = np.zeros(n), np.full(n, "neutral", dtype=object)
    todo = np.ones(n, dtype=bool)
    places = "clause" in parts and "after_contrast" in parts
    # one row per part; its texts are taken only for the rows looked up
    once = np.flatnonzero(~parts.duplicated(["doc", "part"]).to_numpy(bool))
    distinct = (parts[[c for c in parts.columns if c not in ("text", "clause_text")]].iloc[once]
                .assign(_row=once).set_index(["doc", "part"]))
    part_text = lambda at: parts["text"].iloc[distinct["_row"].to_numpy(np.int64)[at]].to_numpy(object)  # noqa: E731
    doc = mentions["doc"].to_numpy(np.int64)

    def take(texts: np.ndarray, rows: np.ndarray, flip: bool = False) -> None:
        if not len(rows):
            return
        scored = _unit_scores(scorer, pd.Series(texts, dtype=object))
        polar = (scored["sentiment_label"] != "neutral").to_numpy()
        rows = rows[polar]
        value = scored["sentiment"].to_numpy(float)[polar]
        sentiment[rows] = -value if flip else value
        label[rows] = (np.where(value > 0, "negative", "positive") if flip
                       else scored["sentiment_label"].to_numpy(object)[polar])
        todo[rows] = False

    clause = mentions["clause_no"].to_numpy(np.int64)
    concessive = _concessive(language)
    conceded = _starts_with_any(mentions["clause"], concessive)
    if places:  # 0. inside a concession that opens the clause, the opposite of its point
        rows, points = _conceded_points(mentions, np.flatnonzero(todo & conceded))
        take(points, rows, flip=True)
    if places:  # 1. the next part of the clause
        at = distinct.index.get_indexer(pd.MultiIndex.from_arrays([doc, mentions["last_part"].to_numpy(np.int64) + 1]))
        ok = at >= 0
        ok[ok] = distinct["clause"].to_numpy(np.int64)[at[ok]] == clause[ok]
        rows = np.flatnonzero(ok & todo)
        take(part_text(at[rows]), rows)
    if places:  # 2. after a concession that opens the clause ("although the room is nice, | the food …")
        flat = distinct.reset_index()
        opener = flat.groupby(["doc", "clause"], sort=False)["part"].min()
        lead = opener.reindex(pd.MultiIndex.from_arrays([doc, clause])).to_numpy()
        first = mentions["first_part"].to_numpy(np.int64)
        rows = np.flatnonzero(todo & conceded & ~np.isnan(lead) & (first > np.nan_to_num(lead, nan=0)))
        at = distinct.index.get_indexer(pd.MultiIndex.from_arrays([doc[rows], lead[rows].astype(np.int64)]))
        rows, at = rows[at >= 0], at[at >= 0]
        take(part_text(at), rows, flip=True)
    # 3. the clause, where it is more than the mention's text
    rows = np.flatnonzero(todo & (mentions["clause"].to_numpy(object) != mentions["text"].to_numpy(object)))
    take(mentions["clause"].to_numpy(object)[rows], rows)
    if places:  # 4. across a contrast marker, the other way
        clauses = distinct.reset_index().drop_duplicates(["doc", "clause"]).set_index(["doc", "clause"])
        after = clauses["after_contrast"].to_numpy(bool)
        here, before, nxt = (clauses.index.get_indexer(pd.MultiIndex.from_arrays([doc, clause + d]))
                             for d in (0, -1, 1))
        other = np.where((here >= 0) & after[np.maximum(here, 0)] & (before >= 0), before,
                         np.where((nxt >= 0) & after[np.maximum(nxt, 0)], nxt, -1))
        rows = np.flatnonzero(todo & (other >= 0))
        take(parts["clause_text"].iloc[clauses["_row"].to_numpy(np.int64)[other[rows]]].to_numpy(object), rows,
             flip=True)
    return sentiment, label


def _concessive(language: str) -> tuple[str, ...]:
    """Openers of a concession, each followed by a space: the contrast markers whose point comes
    before them (``contrast.tsv``: although, though …) and ``concessions.txt`` (while, granted …)."""
    lang = get_language(language)
    markers = {m for m, (before, after) in lang.contrast.items() if after < before}
    markers |= {" ".join(w.lower().split()) for w in lang.words("concessions")}
    return tuple(sorted(m + " " for m in markers))


def _starts_with_any(texts: pd.Series, openers: tuple[str, ...]) -> np.ndarray:
    """Whether each text, lower-cased, starts with one of ``openers`` (Arrow, all rows at once:
    a mention table has a row per comment and theme)."""
    if not len(texts) or not openers:
        return np.zeros(len(texts), dtype=bool)
    low = pc.utf8_lower(pa.array(texts.fillna("").astype(str).tolist(), type=pa.large_string()))
    pattern = "^(?:" + "|".join(re.escape(o).replace(r"\ ", " ") for o in openers) + ")"
    return pc.match_substring_regex(low, pattern).to_numpy(zero_copy_only=False).astype(bool)


def _conceded_points(mentions: pd.DataFrame, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For mentions (``rows``) in a clause that opens with a concession, the concession's point:
    what follows the clause's first comma or semicolon, when every part of the mention comes
    before it ("While the place is not a hotspot, | the drinks are great"). Returns the rows
    that have one and their points."""
    keep, points = [], []
    clauses, texts = mentions["clause"].to_numpy(object), mentions["text"].to_numpy(object)
    for row in rows.tolist():
        clause = str(clauses[row])
        cut = min((i for i in (clause.find(","), clause.find(";")) if i >= 0), default=-1)
        if JOINER in clause or cut < 0:
            continue
        granted, point = clause[:cut], clause[cut + 1:].strip()
        if point and all(part in granted for part in str(texts[row]).split(JOINER)):
            keep.append(row)
            points.append(point)
    return np.asarray(keep, dtype=np.int64), np.asarray(points, dtype=object)


def _joined(hit: pd.DataFrame, texts: np.ndarray, clauses: np.ndarray) -> pd.DataFrame:
    """One row per (doc, theme) of ``hit`` (sorted by doc, theme, part; ``texts`` and
    ``clauses`` are its rows' part and clause texts): the parts' texts and their distinct
    clauses joined by :data:`JOINER`, and the best closeness. Python only joins the few
    mentions with several parts."""
    doc, theme = hit["doc"].to_numpy(np.int64), hit["theme_id"].to_numpy(np.int64)
    if not len(doc):
        return pd.DataFrame({"doc": doc, "theme_id": theme, "text": [], "clause": [], "closeness": [],
                             "first_part": doc, "last_part": doc, "clause_no": doc})
    first = np.r_[True, (doc[1:] != doc[:-1]) | (theme[1:] != theme[:-1])]
    starts = np.flatnonzero(first)
    sizes = np.diff(np.r_[starts, len(doc)])
    texts = np.asarray(texts, dtype=object)
    clauses = np.asarray(clauses, dtype=object)
    text, clause = texts[starts].copy(), clauses[starts].copy()
    for g in np.flatnonzero(sizes > 1).tolist():
        a, b = starts[g], starts[g] + sizes[g]
        text[g] = JOINER.join(texts[a:b].tolist())
        clause[g] = JOINER.join(dict.fromkeys(clauses[a:b].tolist()))
    part = hit["part"].to_numpy(np.int64)
    clause_no = hit["clause"].to_numpy(np.int64) if "clause" in hit else np.zeros(len(doc), dtype=np.int64)
    return pd.DataFrame({"doc": doc[starts], "theme_id": theme[starts], "text": text, "clause": clause,
                         "closeness": np.maximum.reduceat(hit["score"].to_numpy(float), starts),
                         "first_part": part[starts], "last_part": part[starts + sizes - 1],
                         "clause_no": clause_no[starts]})


def mention_rows(table: pd.DataFrame, codes: np.ndarray, rows: np.ndarray, whole_text,
                 group_of: pd.Series | None = None) -> pd.DataFrame:
    """Mentions of every row, from those of the distinct texts (:func:`mention_table`).

    ``codes`` maps each row to its distinct text, ``rows`` are the rows' 1-based numbers,
    ``whole_text`` the distinct texts (a mention found in no part shows the whole text),
    ``group_of`` maps theme ID → group ID (−1 without theme groups). Returns
    :data:`~feedbackml.results.MENTION_COLUMNS` plus ``closeness``, ordered by row then theme ID.
    """
    table = table.reset_index(drop=True)
    codes = np.asarray(codes, dtype=np.int64)
    per_doc = np.bincount(table["doc"].to_numpy(np.int64), minlength=len(whole_text))
    starts = np.r_[0, np.cumsum(per_doc)[:-1]].astype(np.int64)
    n = per_doc[codes] if len(codes) else np.zeros(0, dtype=np.int64)
    offsets = np.r_[0, np.cumsum(n)[:-1]].astype(np.int64) if len(n) else n
    take = np.repeat(starts[codes] - offsets, n) + np.arange(int(n.sum()))
    picked = table.iloc[take]
    text = picked["text"].to_numpy(object).copy()
    missing = pd.isna(text)
    text[missing] = np.asarray(whole_text, dtype=object)[picked["doc"].to_numpy()[missing]]
    theme = picked["theme_id"].to_numpy(np.int64)
    group = (np.full(len(theme), -1, dtype=np.int64) if group_of is None
             else pd.Series(theme).map(group_of).fillna(-1).to_numpy(np.int64))
    out = pd.DataFrame({"row": np.repeat(np.asarray(rows, dtype=np.int64), n), "theme_id": theme,
                        "group_id": group, "text": text.astype(object),
                        "sentiment": picked["sentiment"].to_numpy(float),
                        "sentiment_label": picked["sentiment_label"].to_numpy(object),
                        "closeness": picked["closeness"].to_numpy(float)})
    return out[MENTION_COLUMNS + ["closeness"]]


def polarity_membership(mentions: pd.DataFrame, rows, theme_ids) -> tuple[np.ndarray, np.ndarray]:
    """Boolean rows × themes matrices: the row has a negative / a positive mention of the theme."""
    position = pd.Index(np.asarray(rows)).get_indexer(mentions["row"].to_numpy())
    column = pd.Index(np.asarray(theme_ids)).get_indexer(mentions["theme_id"].to_numpy())
    ok = (position >= 0) & (column >= 0)
    out = []
    for polarity in ("negative", "positive"):
        flag = ok & (mentions["sentiment_label"] == polarity).to_numpy()
        member = np.zeros((len(rows), len(theme_ids)), dtype=bool)
        member[position[flag], column[flag]] = True
        out.append(member)
    return out[0], out[1]
