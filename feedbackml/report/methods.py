"""The report's Methods, generated from what ran: the recorded configuration, the choice-of-k
evidence, versions and the input's sha256, and one plain sentence per statistic the page
shows, each linking to its longer explanation in the docs.

Only what ``summary.json`` records is described; a statistic the analysis did not produce
(no segments, no dates, no outcome) gets no sentence.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .words import Words

DOCS_PAGE = "report.md"
#: The heading anchors of docs/report.md, per statistic.
ANCHORS = {"score": "score", "shapley": "overlap-free-impact", "leaveout": "leave-out-impact",
           "event": "impact-on-an-outcome", "lift": "lift", "significance": "significant-q-value",
           "adjusted-or": "adjusted-odds-ratio", "segments": "segments", "changes": "what-changed"}

SENTIMENT_MODELS = {
    "lexicon": "a lexicon scorer applied clause by clause (VADER's word list with negation, "
               "intensifiers and “but” handled within each clause), compound score −1…1",
    "trained": "a linear model trained on the labels of column “{column}”",
}


@lru_cache(maxsize=1)
def docs_base() -> str:
    """Where the docs live: the package's Documentation URL when it declares one, else the
    docs folder of the source tree."""
    try:
        from importlib.metadata import metadata

        for entry in metadata("feedbackml").get_all("Project-URL") or []:
            name, _, url = entry.partition(",")
            if name.strip().lower() in {"documentation", "docs"} and url.strip():
                return url.strip().rstrip("/") + "/"
    except Exception:  # noqa: BLE001 — metadata missing (source checkout): the relative path
        pass
    return "docs/"


def _link(anchor: str) -> str:
    return f"{docs_base()}{DOCS_PAGE}#{ANCHORS.get(anchor, anchor)}"


def statistics(summary: dict, words: Words, drivers: pd.DataFrame, has_segments: bool,
               has_trends: bool, measures: list) -> list[dict]:
    """One ``{term, sentence, href}`` per statistic shown, in the page's words."""
    cfg = summary.get("config") or {}
    alpha = cfg.get("alpha", 0.05)
    conf = round(100 * (1 - float(alpha)))
    score = summary.get("score") if isinstance(summary.get("score"), dict) else {}
    m, ev = words.metric, words.event
    out = []
    definition = (score.get("definition") or "% promoters (9-10) minus % detractors (0-6)").replace("-", "–")
    if score.get("ci_method") == "bootstrap":
        ci = "a percentile bootstrap of the mix smoothed by a few pseudo-answers"
    elif score.get("metric", "nps") == "nps":
        ci = "the adjusted Wald interval (¾ promoter, 1½ passives and ¾ detractor added; Rocks 2016)"
    else:
        ci = "the Agresti–Coull interval (about 2 answers of each kind added)"
    out.append({"term": m, "href": _link("score"),
                "sentence": f"{m} = {definition}, over comments with a score; its {conf}% interval uses {ci}: "
                            f"the range that would contain the true {m} in {conf} of 100 repeated surveys."})
    for meas in measures:
        out.append({"term": meas.name, "href": _link(meas.key),
                    "sentence": f"{meas.name[0].upper() + meas.name[1:]}: {meas.explain}"
                                + (f"; the line is its {conf}% interval." if meas.ci else ".")})
    if drivers is not None and "detractor_lift" in drivers:
        out.append({"term": words.lift_head, "href": _link("lift"),
                    "sentence": f"How many times more often a theme's comments are {words.event_people} than "
                                f"the other comments are (1× = no difference), with a {conf}% interval."})
    if drivers is not None and "q_value" in drivers:
        out.append({"term": "Significant (q-value)", "href": _link("significance"),
                    "sentence": f"A theme is called significant when chance alone would rarely make its % {ev} this "
                                f"different from the rest: Fisher's exact test per theme, then the q-value, which "
                                f"keeps the share of false alarms among all themes flagged below {alpha} "
                                f"(Benjamini–Hochberg), and at least {cfg.get('min_theme_n', 30)} comments."})
    if drivers is not None and "adjusted_or" in drivers:
        out.append({"term": "Adjusted odds ratio", "href": _link("adjusted-or"),
                    "sentence": f"The odds of {ev} with the theme against without it, holding every other theme "
                                f"fixed (one penalised logistic regression on all themes)."})
    if has_segments:
        seg = summary.get("segments") or {}
        min_n, gap = seg.get("min_n", cfg.get("min_segment_n", 30)), seg.get("min_difference",
                                                                             cfg.get("min_difference", 5))
        out.append({"term": "Segments", "href": _link("segments"),
                    "sentence": f"Each segment's {m} against all other comments; a segment differs when the "
                                f"two-proportion test stays significant after the same false-alarm control and "
                                f"its {m} is at least {gap:g} points from the rest's. Segments with fewer than "
                                f"{min_n} scored comments are shown as too few and never differ."})
    if has_trends:
        period = (summary.get("trends") or {}).get("period") or cfg.get("period") or "period"
        out.append({"term": "What changed", "href": _link("changes"),
                    "sentence": f"Scores and theme shares per {period}. A spike is a theme's share above its "
                                f"recent mean plus two standard deviations that also passes a test against its "
                                f"recent share, with the false-alarm control over every theme and {period}; "
                                f"placeholder and far-off dates are left out. The change between the last two "
                                f"periods is split, theme by theme, into its own {m} changing and its share changing."})
    return out


def choice_of_k(summary: dict) -> dict | None:
    """The evidence behind the automatic number of themes, as table rows."""
    auto = (summary.get("themes") or {}).get("auto_k")
    if not isinstance(auto, dict) or not auto.get("k_tried"):
        return None
    ks = auto["k_tried"]
    stab = auto.get("stability") or [None] * len(ks)
    sil = auto.get("silhouette") or [None] * len(ks)
    rows = [{"k": k, "stability": s, "silhouette": q, "chosen": k == auto.get("chosen_k")}
            for k, s, q in zip(ks, stab, sil)]
    return {"method": auto.get("method"), "rows": rows, "chosen": auto.get("chosen_k")}


def engine(summary: dict) -> list[tuple[str, str]]:
    """What ran, in words, from the recorded configuration. The engine is named only when
    ``summary.json`` records it: a streamed or Dask run gives the same files, report included."""
    cfg = summary.get("config") or {}
    run = summary.get("run") if isinstance(summary.get("run"), dict) else {}
    out = []
    name = run.get("engine") or summary.get("engine") or cfg.get("engine")
    detail = [f"engine {name}"] if name else ["analyze, apply and the Dask engine give the same numbers"]
    for key in ("n_jobs", "chunk_size"):
        value = run.get(key, cfg.get(key))
        if value is not None:
            detail.append(f"{key.replace('_', ' ')} {value}")
    out.append(("Run", ", ".join(detail) + f"; every random step seeded with random_state = {cfg.get('random_state', 0)}."))
    themes = summary.get("themes") or {}
    auto = themes.get("auto_k") if isinstance(themes.get("auto_k"), dict) else None
    k = f"{themes.get('n')} themes" + (f" (chosen automatically from k = {min(auto['k_tried'])}–{max(auto['k_tried'])})"
                                       if auto and auto.get("k_tried") else f" (asked for {cfg.get('n_themes')})")
    vectors = themes.get("vectors") or ("word vectors learned on these comments (PPMI + SVD), each comment the "
                                        "TF-IDF-weighted average of its lemmas")
    code = f"; codeframe {cfg['codeframe']} seeds and names the themes" if cfg.get("codeframe") else ""
    out.append(("Themes", f"{vectors}, grouped by seeded k-means: {k}; up to {cfg.get('max_features', '–')} "
                          f"terms; a comment belongs to every theme one of its clauses fits{code}."))
    model = (summary.get("sentiment_model") or {}).get("model") or cfg.get("sentiment") or "lexicon"
    text = SENTIMENT_MODELS.get(model, model).format(column=(summary.get("sentiment_model") or {}).get("column", ""))
    out.append(("Sentiment", f"{text}; negative ≤ −0.05 < neutral < 0.05 ≤ positive; negations are kept."))
    pii = "e-mail addresses, links and phone numbers replaced by [email], [url], [phone]" if cfg.get("redact_pii", True) else "no redaction"
    out.append(("Cleaning", f"{pii}; non-answers (“n/a”, “nothing”) and empty comments get no theme; repeated "
                            f"comments are scored once."))
    return out
