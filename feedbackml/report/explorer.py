"""The comments a report embeds for its comment explorer, chosen by a stated, seeded rule.

A report stays one file a person can forward (under 5 MB), so it cannot carry a million
comments. :func:`explorer_sample` keeps every comment when there are at most
``max_comments``; otherwise it keeps the ``floor`` comments of each theme (and of "no
theme") that come first in a random order seeded by the analysis's ``random_state``, then
fills up to ``max_comments`` in the same order — so every theme is represented and the
rest is a uniform random sample. The order is a hash of (input row number, seed), so a
streamed run, which reads its comments back from ``comments.parquet`` batch by batch in
bounded memory, embeds exactly the comments an in-memory run does. Texts longer than what fits ``text_budget`` characters in
all are shortened (never below ``min_chars``; with fewer comments if even that does not
fit). The data go into the page as one JSON block that the page's own script turns into
the explorer's table; nothing in it is ever parsed as markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MAX_COMMENTS = 20_000
TEXT_BUDGET = 3_000_000  # characters of comment text in one report
MIN_CHARS = 280
FLOOR = 50
CATEGORY_CODES = {"detractor": "d", "passive": "p", "promoter": "r"}
SENTIMENT_CODES = {"negative": "n", "neutral": "u", "positive": "p"}


@dataclass(frozen=True)
class Sample:
    """What the explorer embeds: ``payload`` (escaped JSON), how many comments of how many,
    how many texts were shortened and to how many characters, and the rule in words."""

    payload: str
    n_total: int
    n_embedded: int
    n_shortened: int
    max_chars: int | None
    rule: str
    has_segment: bool
    has_date: bool


def _theme_lists(comments: pd.DataFrame) -> pd.Series:
    """Every theme id of each comment (``themes``, else ``theme_id``); empty for no theme."""
    if "themes" in comments:
        def ids(v):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                return []
            if isinstance(v, str):
                v = [p for p in v.replace("[", " ").replace("]", " ").replace(",", " ").split() if p]
            return [int(float(x)) for x in v if int(float(x)) >= 0]
        return comments["themes"].map(ids)
    if "theme_id" in comments:
        tid = pd.to_numeric(comments["theme_id"], errors="coerce").fillna(-1).astype(int)
        return tid.map(lambda t: [t] if t >= 0 else [])
    return pd.Series([[] for _ in range(len(comments))], index=comments.index, dtype=object)


def rank_of(rows, random_state: int = 0) -> np.ndarray:
    """Each row's place in the seeded random order: splitmix64 of (row number, seed)."""
    mix = np.uint64((int(random_state) * 0x9E3779B97F4A7C15 + 0x9E3779B97F4A7C15) % 2**64)
    z = np.asarray(rows, dtype=np.uint64) + mix  # arrays of uint64 wrap around silently
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _floor_set(lists: pd.Series, rank: np.ndarray, floor: int) -> np.ndarray:
    """Mask of the ``floor`` first comments of each theme (and of "no theme") in rank order."""
    pairs = lists.reset_index(drop=True).map(lambda t: t if t else [-1]).explode()
    pos = pairs.index.to_numpy()
    tid = pairs.to_numpy(dtype=np.int64)
    order = np.lexsort((rank[pos], tid))
    pos, tid = pos[order], tid[order]
    first = np.r_[0, np.flatnonzero(np.diff(tid)) + 1]
    within = np.arange(len(tid)) - np.repeat(first, np.diff(np.r_[first, len(tid)]))
    keep = np.zeros(len(lists), dtype=bool)
    keep[pos[within < floor]] = True
    return keep


def candidates(lists: pd.Series, rank: np.ndarray, max_comments: int = MAX_COMMENTS,
               floor: int = FLOOR) -> np.ndarray:
    """Mask of the comments :func:`choose` could pick whatever else comes: each theme's first
    ``floor`` and the first ``max_comments`` overall (what a streamed read-back keeps)."""
    keep = _floor_set(lists, rank, floor)
    keep[np.argsort(rank, kind="stable")[:max_comments]] = True
    return keep


def choose(themes: pd.Series, max_comments: int = MAX_COMMENTS, floor: int = FLOOR,
           random_state: int = 0, rows=None) -> np.ndarray:
    """Positions (sorted) of the comments to embed; see the module docstring for the rule.
    ``rows``: the comments' input row numbers (default 1, 2, …)."""
    n = len(themes)
    if n <= max_comments:
        return np.arange(n)
    rank = rank_of(np.arange(1, n + 1) if rows is None else rows, random_state)
    keep = _floor_set(themes, rank, floor)
    room = max_comments - int(keep.sum())
    if room > 0:
        rest = np.argsort(rank, kind="stable")
        rest = rest[~keep[rest]][:room]
        keep[rest] = True
    return np.flatnonzero(keep)


def fit_budget(lengths: np.ndarray, budget: int = TEXT_BUDGET, min_chars: int = MIN_CHARS) -> int | None:
    """The longest cut ``L`` with sum(min(length, L)) ≤ ``budget`` (None: nothing to cut)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.sum() <= budget:
        return None
    s = np.sort(lengths)
    below = np.r_[0, np.cumsum(s)]
    lo, hi = min_chars, int(s[-1])
    while lo < hi:  # total(L) = sum of the lengths below L + L × the number at or above it
        mid = (lo + hi + 1) // 2
        k = np.searchsorted(s, mid)
        if below[k] + mid * (len(s) - k) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0.8 * limit else cut).rstrip() + "…"


def _json(data) -> str:
    """JSON that can sit inside ``<script type="application/json">``: no ``<``, ``>`` or ``&``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _dates(values: pd.Series) -> list:
    parsed = pd.Series(pd.to_datetime(values, errors="coerce", format="mixed", utc=True))
    return _nullable(parsed.dt.strftime("%Y-%m-%d"))


def _nullable(values: pd.Series, convert=None) -> list:
    """A column as a list with None for missing values (``convert`` applied to the rest)."""
    values = pd.Series(values).astype(object)
    ok = values.notna().to_numpy()
    out = [None] * len(values)
    for i, v in zip(np.flatnonzero(ok), values[ok].tolist()):
        out[i] = convert(v) if convert else v
    return out


def _score(v):
    return int(v) if float(v).is_integer() else round(float(v), 2)


def _columns(summary: dict) -> dict:
    inp = summary.get("input") or {}
    return {"score": inp.get("score_column"),
            "segment": (summary.get("segments") or {}).get("column") or inp.get("segment_column"),
            "date": (summary.get("trends") or {}).get("column") or inp.get("date_column")}


def _usable(c: pd.DataFrame, text_col: str) -> pd.DataFrame:
    text = c[text_col].astype("string").fillna("")
    return c.loc[text.str.strip().str.len().to_numpy() > 0].reset_index(drop=True)


def read_back(path: Path, summary: dict, max_comments: int = MAX_COMMENTS, floor: int = FLOOR,
              batch_size: int = 200_000) -> tuple[pd.DataFrame, int] | None:
    """The comments of ``comments.parquet`` (a file or a folder of parts) that the rule could
    pick, and how many comments with text there are — read in batches, so memory stays
    bounded by ``max_comments`` plus one batch however many comments there are."""
    import pyarrow.dataset as ds

    if not Path(path).exists():
        return None
    data = ds.dataset(str(path), format="parquet")
    names = set(data.schema.names)
    theme_col = "themes" if "themes" in names else "theme_id" if "theme_id" in names else None
    if "row" not in names or "clean_text" not in names:
        return None
    seed = int((summary.get("config") or {}).get("random_state") or 0)
    kept, n_total = None, 0
    for batch in data.to_batches(columns=["row", "clean_text"] + ([theme_col] if theme_col else []),
                                 batch_size=batch_size):
        b = _usable(batch.to_pandas(), "clean_text").drop(columns="clean_text")
        n_total += len(b)
        both = b if kept is None else pd.concat([kept, b], ignore_index=True)
        kept = both[candidates(_theme_lists(both), rank_of(both["row"].to_numpy(), seed), max_comments, floor)]
        kept = kept.reset_index(drop=True)
    if kept is None or kept.empty:
        return None
    wanted = ["row", "clean_text", theme_col, "nps_category", "sentiment", "sentiment_label",
              *[c for c in _columns(summary).values() if c]]
    cols = [c for c in dict.fromkeys(wanted) if c and c in names]
    table = data.to_table(columns=cols, filter=ds.field("row").isin(kept["row"].to_numpy()))
    return table.to_pandas().sort_values("row", kind="stable").reset_index(drop=True), n_total


def explorer_sample(comments: pd.DataFrame | None, summary: dict, themes: pd.DataFrame | None = None,
                    folder: str | Path | None = None, max_comments: int = MAX_COMMENTS,
                    text_budget: int = TEXT_BUDGET, floor: int = FLOOR, min_chars: int = MIN_CHARS) -> Sample | None:
    """The explorer's data for ``comments``, or, when the results carry none (a streamed
    run), for ``folder/comments.parquet``; None when there are no comments to show."""
    if comments is None or comments.empty:
        got = read_back(Path(folder) / "comments.parquet", summary, max_comments, floor) if folder else None
        if got is None:
            return None
        c, n_total = got
    else:
        text_col = "clean_text" if "clean_text" in comments else (summary.get("input") or {}).get("text_column")
        if text_col not in comments:
            return None
        c = _usable(comments if text_col == "clean_text" else comments.assign(clean_text=comments[text_col]), "clean_text")
        n_total = len(c)
    text = c["clean_text"].astype("string").fillna("")
    seed = int((summary.get("config") or {}).get("random_state") or 0)
    lists = _theme_lists(c)
    rows_in = c["row"].to_numpy() if "row" in c else None
    picked = choose(lists, max_comments, floor, seed, rows_in)
    lengths = text.iloc[picked].str.len().to_numpy(dtype=np.int64)
    limit = fit_budget(lengths, text_budget, min_chars)
    cap = len(picked)
    while limit is not None and np.minimum(lengths, limit).sum() > text_budget and cap > 1:
        # even min_chars per comment is too much: fewer comments, chosen by the same rule
        cap = max(int(cap * text_budget / np.minimum(lengths, limit).sum()) - 1, 1)
        picked = choose(lists, cap, floor, seed, rows_in)
        lengths = text.iloc[picked].str.len().to_numpy(dtype=np.int64)
        limit = fit_budget(lengths, text_budget, min_chars)
    sub = c.iloc[picked]
    texts = [_shorten(t, limit) if limit else t for t in text.iloc[picked].tolist()]
    names = _columns(summary)
    score_col = names["score"]
    score = pd.to_numeric(sub[score_col], errors="coerce") if score_col in sub else pd.Series(np.nan, index=sub.index)
    cats = sub["nps_category"].map(CATEGORY_CODES) if "nps_category" in sub else pd.Series(None, index=sub.index)
    sent = pd.to_numeric(sub["sentiment"], errors="coerce") if "sentiment" in sub else pd.Series(np.nan, index=sub.index)
    sent_label = sub["sentiment_label"].map(SENTIMENT_CODES) if "sentiment_label" in sub else pd.Series(None, index=sub.index)
    seg_col = names["segment"]
    segments, seg_codes = [], [None] * len(sub)
    if seg_col and seg_col in sub:
        seg = sub[seg_col].astype("string")
        codes, uniques = pd.factorize(seg, sort=True)
        segments = [str(u) for u in uniques]
        seg_codes = [None if k < 0 else int(k) for k in codes]
    date_col = names["date"]
    dates = _dates(sub[date_col]) if date_col and date_col in sub else [None] * len(sub)
    rows = [int(r) for r in sub["row"]] if "row" in sub else (np.asarray(picked) + 1).tolist()
    theme_ids = lists.iloc[picked].tolist()
    records = [list(rec) for rec in zip(rows, texts, _nullable(score, _score), _nullable(cats),
                                        _nullable(sent.round(2), float), _nullable(sent_label), theme_ids,
                                        seg_codes, dates)]
    meta = {"themes": _theme_meta(themes), "segments": segments}
    n_short = int((lengths > limit).sum()) if limit else 0
    rule = (f"all {n_total:,} comments" if len(picked) == n_total else
            f"{len(picked):,} of {n_total:,} comments: the first {floor} of each theme in a random order "
            f"seeded with random_state = {seed}, then the rest of that order")
    return Sample(payload=_json({"meta": meta, "rows": records}), n_total=n_total, n_embedded=len(picked),
                  n_shortened=n_short, max_chars=limit, rule=rule, has_segment=bool(segments),
                  has_date=any(d is not None for d in dates))


def _theme_meta(themes: pd.DataFrame | None) -> list:
    if themes is None or themes.empty or "theme_id" not in themes:
        return []
    out = []
    for r in themes.to_dict(orient="records"):
        group = r.get("group_label") if "group_label" in themes else None
        out.append([int(r["theme_id"]), str(r.get("label") or ""),
                    None if group is None or (isinstance(group, float) and np.isnan(group)) else str(group)])
    return out
