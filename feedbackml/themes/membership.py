"""Which themes a comment mentions: part by part, precisely — membership and mentions are one thing.

A comment is cut into parts (:func:`feedbackml.themes.parts.split_parts`: clauses, then
commas and joining words). A part *mentions* a theme when

* it has at least ``min_words`` vocabulary words (after stop, generic and opinion words),
  or is the whole comment, its cosine to the theme's centre is at least ``ratio`` × the
  theme's typical cosine (the median over the parts it was fitted on, so a theme whose
  parts are close to its centre asks more than a diffuse one) and it beats the runner-up
  theme by ``margin`` (:func:`assign_parts`); or
* the theme is a codeframe entry and the part holds one of its seed terms (lemmas, whole
  words: :func:`seed_hits`) — "the staff" mentions the analyst's service theme.

A comment is a member of a theme if and only if one of its parts mentions it. The taxonomy
is nested: a comment's *group* is the group whose centre is nearest the whole comment
(k-means of the comment vectors, :func:`feedbackml.themes.taxonomy.comment_groups`), and its
primary theme is a theme of that group — the one nearest the whole comment when a part
mentions it, else the strongest mentioned theme of the group. When no part mentions a theme
of the comment's group, the part nearest the group's theme nearest the whole comment
mentions it if the whole comment is close enough to that theme (:data:`WHOLE_COMMENT` ×
``ratio`` × its typical cosine: a comment of many short parts, or one whose clear parts are
about a side theme). The comment's themes are those its parts mention
(:func:`comment_themes`): its group's first, then by strength (:func:`mention_strength`; a
seed term counts as much as a typical part), at most ``max_themes`` (the codeframe's themes
kept first when the comment mentions more). A theme after the
first needs, in a comment of more than three parts, a part closer to it than its typical
part — the more so the more parts the comment has (:data:`SECONDARY`) — or to be a
codeframe entry: on a long review a theme touched in passing by one of twenty parts is not
one of the review's themes. The same part → theme table is what ``mentions``
(part-level sentiment, aspect drivers, quotes) is built from, so the assignment is made
once.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Columns of :meth:`feedbackml.themes.ThemeModel.mentions`.
MENTION_COLUMNS = ["doc", "part", "text", "theme_id", "score"]
#: The strength (:func:`mention_strength`) a theme after a comment's first needs, per unit of
#: ln(parts of the comment / :data:`FREE_PARTS`): its part is closer to it than the theme's
#: typical part by this share of the way to its centre, more so the longer the comment (one
#: clear part of three is a theme of the comment; a typical part among thirty may be a
#: passing remark).
SECONDARY = 0.2
#: A comment of at most this many parts keeps every theme a part clearly mentions.
FREE_PARTS = 3
#: Columns of the part → theme table (:func:`part_mentions`): part position, cluster, cosine,
#: strength (:func:`mention_strength`; at least 0 for a seed term) and whether the cluster is
#: a codeframe entry (named by the analyst).
PART_MENTION_COLUMNS = ["pos", "cluster", "score", "strength", "named"]
#: A whole comment no part of which mentions a theme of its group takes the group's theme
#: nearest it when its cosine is at least this share of the part threshold (``ratio`` ×
#: the theme's typical cosine; 0.25 × 0.8 = 0.2 × typical). 0.75 (0.6 × typical, before the
#: taxonomy was nested) left 6 % of airline complaints and 13.5 % of restaurant sentences
#: without a theme; nested, 0.5 leaves 3.3 % and 9.6 %, 0.25 0.4 % and 3.4 %, with group NMI
#: (seeds 0-2) 0.231 -> 0.236 airline, 0.235 -> 0.252 restaurants, 0.258 -> 0.263 complaint
#: products and multi-category restaurant precision 0.76 -> 0.74 (recall 0.46 -> 0.49).
WHOLE_COMMENT = 0.25


def typical_similarity(scores: np.ndarray, clusters: np.ndarray, weight: np.ndarray, k: int) -> np.ndarray:
    """Weighted median cosine of each cluster's members to its centre (1 for empty clusters)."""
    out = np.ones(k)
    for c in range(k):
        member = clusters == c
        if member.any():
            s, w = scores[member], weight[member]
            order = np.argsort(s, kind="stable")
            cum = np.cumsum(w[order]) / w.sum()
            out[c] = s[order][min(np.searchsorted(cum, 0.5), len(order) - 1)]
    return out


def assign_parts(sims: np.ndarray, n_words: np.ndarray, typical: np.ndarray, ratio: float = 0.8,
                 margin: float = 0.06, min_words: int = 2, whole: np.ndarray | None = None,
                 rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cluster each part clearly mentions (−1 = none) and its cosine, from part × cluster cosines.

    ``whole`` marks parts that are a whole comment (exempt from ``min_words``, need one word).
    With ``rows``, ``sims`` holds one row per distinct part text and ``rows`` is each part's
    row of it (``n_words`` and ``whole`` stay per part): the nearest and runner-up clusters
    are found once per distinct text.
    """
    sims = np.asarray(sims, dtype=np.float64)
    n = len(sims) if rows is None else len(rows)
    if sims.shape[1] == 0:
        return np.full(n, -1), np.zeros(n)
    best = sims.argmax(axis=1)
    top = sims[np.arange(len(sims)), best]
    second = np.partition(sims, -2, axis=1)[:, -2] if sims.shape[1] > 1 else np.zeros(len(sims))
    if rows is not None:
        best, top, second = best[rows], top[rows], second[rows]
    need = np.where(np.asarray(whole, bool) if whole is not None else False, 1, min_words)
    clear = (n_words >= need) & (top >= ratio * typical[best]) & (top - second >= margin) & (top > 0)
    return np.where(clear, best, -1), np.where(clear, top, 0.0)


def seed_pattern(terms) -> str | None:
    """An RE2 pattern matching any of the lemma ``terms`` as whole words of a lemma string."""
    terms = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return None
    return r"(?:^| )(?:" + "|".join(re.escape(t).replace(r"\ ", " ") for t in terms) + r")(?: |$)"


def seed_hits(lemmas, patterns: list[str | None]) -> np.ndarray:
    """Boolean lemma strings × patterns: the string holds one of the pattern's seed terms."""
    values = pa.array(list(lemmas), type=pa.large_string())
    out = np.zeros((len(values), len(patterns)), dtype=bool)
    for j, pattern in enumerate(patterns):
        if pattern is not None and len(values):
            out[:, j] = pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False)
    return out


def mention_strength(cos: np.ndarray, typical: np.ndarray) -> np.ndarray:
    """How clearly a part mentions a theme: 0 for a part as close to its centre as the theme's
    typical part, 1 for a part on the centre, negative for one further away:
    ``(cos − typical) / (1 − typical)``."""
    cos, typical = np.asarray(cos, float), np.asarray(typical, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (cos - typical) / (1.0 - typical)
    return np.where(typical >= 1.0, np.where(cos >= 1.0, 1.0, -np.inf), out)


def part_mentions(sims: np.ndarray, n_words: np.ndarray, typical: np.ndarray, hits: np.ndarray | None = None,
                  ratio: float = 0.8, margin: float = 0.06, min_words: int = 2,
                  whole: np.ndarray | None = None, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Every (part, cluster) mention of parts with part × cluster cosines ``sims``
    (:data:`PART_MENTION_COLUMNS`, ``pos`` = the part's position; with ``rows``, ``sims``
    has a row per distinct part text and ``rows`` says each part's, as in :func:`assign_parts`).

    A part mentions the cluster it is clearly close to (:func:`assign_parts`). The first
    clusters are the codeframe's when ``hits`` (parts × those clusters: the part holds one
    of the entry's seed terms) is given; a part also mentions such a *named* cluster when it
    holds one of its seed terms, or is close enough to it (``ratio`` × its typical cosine,
    ``min_words``) even if a free cluster is closer. A named mention has ``named`` True.
    """
    sims = np.asarray(sims, dtype=np.float64)
    cluster, score = assign_parts(sims, n_words, typical, ratio, margin, min_words, whole, rows)
    pos = np.flatnonzero(cluster >= 0)
    frames = [pd.DataFrame({"pos": pos, "cluster": cluster[pos]})]
    m = 0 if hits is None else hits.shape[1]
    if m:
        need = np.where(np.asarray(whole, bool) if whole is not None else False, 1, min_words)
        named_sims = sims[:, :m] if rows is None else sims[rows, :m]
        close = (named_sims >= ratio * typical[:m]) & (named_sims > 0) & (np.asarray(n_words) >= need)[:, None]
        p, c = np.nonzero(hits | close)
        frames.append(pd.DataFrame({"pos": p, "cluster": c}))
    out = pd.concat(frames, ignore_index=True).drop_duplicates(["pos", "cluster"])
    at, cl = out["pos"].to_numpy(np.int64), out["cluster"].to_numpy(np.int64)
    cos = sims[at if rows is None else rows[at], cl] if len(at) else np.zeros(0)
    strength = mention_strength(cos, typical[cl])
    named = cl < m
    if m:
        seeded = named.copy()
        seeded[named] = hits[at[named], cl[named]]
        strength = np.where(seeded, np.maximum(strength, 0.0), strength)
    out = pd.DataFrame({"pos": at, "cluster": cl, "score": cos, "strength": strength, "named": named})
    return out.sort_values(["pos", "cluster"], kind="stable").reset_index(drop=True)


def comment_themes(mention_doc: np.ndarray, mention_cluster: np.ndarray, mention_strength: np.ndarray,
                   doc_cluster: np.ndarray, n_docs: int, max_themes: int = 3, secondary: float = SECONDARY,
                   named: np.ndarray | None = None, n_parts: np.ndarray | None = None,
                   in_group: np.ndarray | None = None, fallback: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Primary cluster (−1 = none) and the list of clusters of each comment, from its parts'
    mentions (``mention_*``: the comment, cluster and strength of each; ``named``: the
    cluster is a codeframe entry).

    ``doc_cluster`` is the whole comment's nearest cluster (of its group): it goes first when
    a part mentions it, then the clusters of the comment's group (``in_group``, per mention;
    None = all), then the others, by strength within each. In a comment of more than :data:`FREE_PARTS`
    parts (``n_parts``) a cluster after the first needs a strength of at least ``secondary``
    × ln(parts / FREE_PARTS) (without ``n_parts``: ``secondary``) or to be named by the
    codeframe; at most ``max_themes`` per comment. The group decides which themes lead, not
    how many a comment has: as many as its clear mentions give in strength order, without
    ``in_group`` (one when none; a ``fallback`` mention — the whole comment close enough to
    its group's theme, no part clearly — leads and takes the place of the weakest, unless a
    part names a codeframe theme by a seed term).
    """
    named = np.zeros(len(mention_doc), dtype=bool) if named is None else np.asarray(named, bool)
    in_group = np.ones(len(mention_doc), dtype=bool) if in_group is None else np.asarray(in_group, bool)
    fallback = np.zeros(len(mention_doc), dtype=bool) if fallback is None else np.asarray(fallback, bool)
    mentioned = pd.DataFrame({"doc": np.asarray(mention_doc, np.int64),
                              "cluster": np.asarray(mention_cluster, np.int64),
                              "strength": np.asarray(mention_strength, float), "named": named,
                              "in_group": in_group, "fallback": fallback})
    # A guess from the whole comment never displaces the analyst's theme a part names by a
    # seed term (restaurant sentences, codeframe of food / service / price / ambience: gold
    # pairs found 0.556 with the guess, 0.620 without).
    has_named = np.zeros(n_docs, dtype=bool)
    has_named[mentioned.loc[mentioned["named"] & ~mentioned["fallback"], "doc"].to_numpy()] = True
    mentioned = mentioned[~(mentioned["fallback"].to_numpy() & has_named[mentioned["doc"].to_numpy()])]
    best = mentioned.groupby(["doc", "cluster"], sort=False).agg(
        strength=("strength", "max"), named=("named", "max"), in_group=("in_group", "max"),
        fallback=("fallback", "min")).reset_index()
    doc_cluster = np.asarray(doc_cluster)
    lead = best["cluster"].to_numpy() == doc_cluster[best["doc"].to_numpy()]
    best["rank"] = np.where(lead, np.inf, best["strength"].to_numpy())
    best["lead"] = lead | best["named"].to_numpy(bool)  # the analyst's themes before free ones

    def passing(pairs: pd.DataFrame) -> pd.DataFrame:
        """The pairs (one comment's in order) that may be its themes: the first, and those
        clear enough (the bar) or named."""
        first = np.r_[True, pairs["doc"].to_numpy()[1:] != pairs["doc"].to_numpy()[:-1]] if len(pairs) else \
            np.zeros(0, dtype=bool)
        if n_parts is not None:
            many = np.asarray(n_parts, float)[pairs["doc"].to_numpy()]
            bar = np.where(many <= FREE_PARTS, -np.inf, secondary * np.log(np.maximum(many / FREE_PARTS, 1.0)))
        else:
            bar = secondary
        return pairs[first | (pairs["strength"].to_numpy() >= bar) | pairs["named"].to_numpy(bool)]

    # How many themes: as many as the clear mentions give in strength order (one when none) ...
    plain = best[~best["fallback"].to_numpy(bool)].sort_values(["doc", "lead", "rank", "cluster"],
                                                               ascending=[True, False, False, True], kind="stable")
    count = np.maximum(np.bincount(passing(plain)["doc"].to_numpy(np.int64), minlength=n_docs), 1)
    # ... which: the comment's group's first.
    pairs = passing(best.sort_values(["doc", "lead", "in_group", "rank", "cluster"],
                                     ascending=[True, False, False, False, True], kind="stable"))
    pairs = pairs[pairs.groupby("doc", sort=False).cumcount().to_numpy() < count[pairs["doc"].to_numpy()]]
    # at most max_themes, the analyst's themes kept first: "great food, great decor, great
    # service" keeps food, ambience and service, not a free "service / slow" in ambience's place
    named_first = bool(pairs["named"].any())
    if named_first:
        pairs = pairs.assign(at=np.arange(len(pairs)), free=~pairs["named"].to_numpy(bool))
        pairs = pairs.sort_values(["doc", "free", "at"], kind="stable")
    pairs = pairs.groupby("doc", sort=True).head(max_themes)
    if named_first:  # back in the order the comment's themes are listed in
        pairs = pairs.sort_values("at", kind="stable")
    values = pairs["cluster"].to_numpy(np.int64).tolist()
    bounds = np.searchsorted(pairs["doc"].to_numpy(), np.arange(n_docs + 1)).tolist()
    lists = pd.Series([values[a:b] for a, b in zip(bounds[:-1], bounds[1:])], dtype=object).to_numpy()
    primary = np.full(n_docs, -1, dtype=np.int64)
    starts = np.asarray(bounds[:-1])
    nonempty = np.asarray(bounds[1:]) > starts
    primary[nonempty] = np.asarray(values, dtype=np.int64)[starts[nonempty]] if values else []
    return primary, lists


def _topical_parts(part_doc: np.ndarray, words: np.ndarray, model, n_docs: int) -> np.ndarray:
    """Parts per comment that could mention a theme (``min_part_words`` vocabulary words): a
    trailing "though" or "thanks" does not make a comment long."""
    return np.bincount(part_doc, weights=(words >= model.min_part_words).astype(float), minlength=n_docs)


def score_parts(model, parts: pd.DataFrame, doc_lemmas: np.ndarray, n_docs: int, chunk: int = 100_000):
    """What a fitted ThemeModel ``model`` makes of ``n_docs`` comments, from their parts
    (``doc, part, lemma`` …) and lemmas: primary cluster, cluster lists, whole-comment
    cosine, and per part its nearest cluster and cosine and the part → cluster mentions
    (:func:`part_mentions` plus ``kept``: the cluster is in the comment's list). Distinct
    strings are scored once, ``chunk`` at a time."""
    centers = model.cluster_centers_.T.astype(np.float64)
    groups = getattr(model, "group_centers_", None)
    cluster_group = getattr(model, "cluster_group_", None)
    steer = groups is not None and cluster_group is not None and len(groups) > 1
    doc_codes, doc_distinct = pd.factorize(doc_lemmas, use_na_sentinel=False)
    doc_cluster = np.full(len(doc_distinct), -1)  # nearest cluster of the comment's group
    doc_group = np.full(len(doc_distinct), -1)
    doc_score = np.zeros(len(doc_distinct))
    for start in range(0, len(doc_distinct), chunk):
        vecs = model.vectors_.transform(np.asarray(doc_distinct[start:start + chunk], dtype=object))
        sims = np.round(vecs.astype(np.float64) @ centers, 6)
        empty = ~np.abs(vecs).sum(axis=1).astype(bool)
        if steer:
            group = (vecs.astype(np.float64) @ np.asarray(groups, np.float64).T).argmax(axis=1)
            sims = np.where(cluster_group[None, :] == group[:, None], sims, -np.inf)
            doc_group[start:start + len(vecs)] = np.where(empty, -1, group)
        best = sims.argmax(axis=1)
        doc_cluster[start:start + len(vecs)] = np.where(empty, -1, best)
        doc_score[start:start + len(vecs)] = np.where(empty, 0.0, sims[np.arange(len(vecs)), best])
    doc_cluster, doc_score, doc_group = doc_cluster[doc_codes], doc_score[doc_codes], doc_group[doc_codes]
    ok = (doc_cluster >= 0) & (doc_score >= model.membership_ratio * WHOLE_COMMENT
                               * model.typical_[np.maximum(doc_cluster, 0)])
    part_doc = parts["doc"].to_numpy(np.int64)
    codes, distinct = pd.factorize(parts["lemma"].to_numpy(object))
    whole = (parts.groupby("doc")["doc"].transform("size") == 1).to_numpy()
    # A part that is a whole comment needs one word; the same string may be both.
    patterns = [seed_pattern(terms) for terms in getattr(model, "seed_terms_", [])]
    near, near_score = np.full(len(parts), -1), np.zeros(len(parts))
    lean = np.zeros(len(parts))  # cosine to the whole comment's nearest cluster
    words = np.zeros(len(parts), dtype=np.int64)  # vocabulary words of each part
    found = []
    for start in range(0, len(distinct), chunk):
        batch = np.asarray(distinct[start:start + chunk], dtype=object)
        counts = model.vectors_.count(batch)
        sims = np.round(model.vectors_.from_counts(counts).astype(np.float64) @ centers, 6)
        n_words = model.vectors_.n_words(counts)
        hits = seed_hits(batch, patterns) if any(p is not None for p in patterns) else None
        at = np.flatnonzero((codes >= start) & (codes < start + len(batch)))
        local = codes[at] - start  # the parts' rows of the distinct strings' cosines (never copied per part)
        words[at] = n_words[local]
        m = part_mentions(sims, n_words[local], model.typical_, None if hits is None else hits[local],
                          model.membership_ratio, model.membership_margin, model.min_part_words, whole[at],
                          rows=local)
        found.append(m.assign(pos=at[m["pos"].to_numpy()]))
        if sims.shape[1]:
            best = sims.argmax(axis=1)
            top = sims[np.arange(len(sims)), best]
            has = n_words > 0
            near[at], near_score[at] = np.where(has, best, -1)[local], np.where(has, top, 0.0)[local]
            lean[at] = np.where(doc_cluster[part_doc[at]] >= 0,
                                sims[local, np.maximum(doc_cluster[part_doc[at]], 0)], 0.0)
    mentions = (pd.concat(found, ignore_index=True) if found
                else pd.DataFrame({c: np.zeros(0, {"pos": np.int64, "cluster": np.int64, "named": bool}.get(c, float))
                                   for c in PART_MENTION_COLUMNS}))
    # A comment no part of which mentions a theme of its group, but close enough to the
    # group's nearest theme as a whole: its part nearest that theme mentions it.
    def group_of(pos, cluster):
        if not steer:
            return np.ones(len(pos), dtype=bool)
        return cluster_group[cluster] == doc_group[part_doc[pos]]

    without = ok.copy()
    m_pos = mentions["pos"].to_numpy(np.int64)
    in_group = group_of(m_pos, mentions["cluster"].to_numpy(np.int64))
    without[part_doc[m_pos[in_group]]] = False
    candidates = np.flatnonzero(without[part_doc] & (lean > 0))
    if len(candidates):
        pick = pd.Series(lean[candidates]).groupby(part_doc[candidates]).idxmax().to_numpy()
        pos = candidates[pick]
        cl = doc_cluster[part_doc[pos]]
        mentions = pd.concat([mentions, pd.DataFrame({"pos": pos, "cluster": cl, "score": lean[pos],
                                                      "strength": mention_strength(lean[pos], model.typical_[cl]),
                                                      "named": False, "fallback": True})],
                             ignore_index=True).sort_values(["pos", "cluster"], kind="stable")
    mentions = mentions.reset_index(drop=True)
    m_doc = part_doc[mentions["pos"].to_numpy(np.int64)]
    primary, lists = comment_themes(m_doc, mentions["cluster"].to_numpy(), mentions["strength"].to_numpy(),
                                    doc_cluster, n_docs, model.max_themes, SECONDARY,
                                    mentions["named"].to_numpy(bool), _topical_parts(part_doc, words, model, n_docs),
                                    group_of(mentions["pos"].to_numpy(np.int64), mentions["cluster"].to_numpy(np.int64)),
                                    mentions["fallback"].fillna(False).to_numpy(bool) if "fallback" in mentions else None)
    sizes = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    listed = pd.DataFrame({"doc": np.repeat(np.arange(n_docs), sizes),
                           "cluster": np.fromiter((c for x in lists for c in x), dtype=np.int64,
                                                  count=int(sizes.sum()))})
    keys = pd.MultiIndex.from_arrays([m_doc, mentions["cluster"].to_numpy(np.int64)])
    mentions["kept"] = keys.isin(pd.MultiIndex.from_frame(listed))
    score_out = np.where(primary == doc_cluster, doc_score, 0.0)
    return primary, lists, score_out, (near, near_score, mentions)
