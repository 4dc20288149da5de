"""The one table builder: running counts → themes, drivers, summary, segments, trends → Results.

Every engine ends here. In-memory ``analyze`` counts its whole input as one chunk;
streaming ``apply`` and the Dask engine merge the counts of their chunks first. The
statistics functions get the counts as ``weight``, so every engine gives the same
numbers, and a new column is added once, here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..contract import (
    GROUP_TABLE_COLUMNS,
    REPORT_SEGMENTS,
    THEME_TABLE_COLUMNS,
    add_warning,
    package_versions,
    records,
    rounded,
)
from ..errors import DataError
from ..io.schema import REJECT_COLUMNS
from ..results import Results
from ..stats.aspects import aspect_drivers
from ..stats.drivers import theme_drivers
from ..stats.scores import nps_summary, score_summary
from ..stats.segments import segment_table
from ..stats.theme_segments import theme_segment_table
from ..stats.trends import (
    score_decomposition,
    screen_periods,
    spike_alerts,
    theme_trend_tests,
    trend_table,
)
from ..themes.quotes import N_QUOTES, QUOTE_COLUMNS, joined_quotes, side_quotes, story_quotes
from .counts import Columns, RunningCounts, mean_from_fixed, theme_sums

if TYPE_CHECKING:
    from ..analyzer import FeedbackAnalyzer

log = logging.getLogger(__name__)


def build_results(analyzer: FeedbackAnalyzer, counts: RunningCounts, columns: Columns, *,
                  source: str | None = None, input_sha256: str | None = None,
                  comments: pd.DataFrame | None = None, rejects: pd.DataFrame | None = None,
                  notes=(), score_info: dict | None = None, survey: dict | None = None) -> Results:
    """The :class:`~feedbackml.results.Results` of the counted comments.

    ``comments`` and ``rejects`` are the caller's (a streamed run wrote them chunk by
    chunk and passes an empty table with the columns); every other table is built from
    ``counts`` with the ``analyzer``'s themes and parameters. ``notes`` are ``(code,
    message)`` warnings found before counting (encoding, dates); ``score_info`` says how
    the metric was chosen (:meth:`~feedbackml.FeedbackAnalyzer.resolve_metric`); ``survey``
    is the reader's survey layout (``attrs["survey"]``), recorded under ``input``.
    """
    a = counts.arrays(analyzer.metric, analyzer.period)
    event = a["event"] if columns.outcome is not None else None
    segment = a["segment"] if columns.segment is not None else None
    drivers = theme_drivers(a["member"], a["category"], analyzer.themes_, alpha=analyzer.alpha,
                            min_n=analyzer.min_theme_n, metric=analyzer.metric, event=event,
                            controls=segment, random_state=analyzer.random_state, weight=a["weight"])
    aspects = aspect_drivers(a["negative_member"], a["positive_member"], a["category"], analyzer.themes_,
                             alpha=analyzer.alpha, min_n=analyzer.min_theme_n, metric=analyzer.metric,
                             event=event, controls=segment, random_state=analyzer.random_state,
                             weight=a["weight"])
    themes, quotes = theme_table(analyzer.themes_, counts, a, drivers, analyzer.sentiment_model_)
    told = side_quotes(quotes)
    aspects["quotes"] = [told.get((t, p), "") for t, p in zip(aspects["theme_id"], aspects["polarity"])]
    summary = run_summary(analyzer, counts, a, columns, len(themes), source, input_sha256)
    extra = {"aspect_drivers": aspects, "quotes": quotes}
    extra.update(comparisons(analyzer, counts, a, columns, event, segment, summary))
    extra.update(group_tables(analyzer, themes, a, event, segment, summary,
                              dated=columns.date is not None))
    if columns.outcome is not None:
        summary["outcome"] = outcome_summary(columns, event, a["weight"])
    if counts.questions is not None:
        from ..text.pool import question_tables

        extra["questions"], extra["theme_questions"] = question_tables(
            counts.questions, analyzer.themes_, dict(zip(columns.questions, columns.wording)))
    if survey:
        summary["input"]["survey"] = survey
    summary["score"].update(score_info or {})
    input_warnings(summary, counts, columns, notes, min_n=analyzer.min_segment_n)
    return Results(comments=comments if comments is not None else pd.DataFrame(), themes=themes,
                   drivers=drivers, summary=summary,
                   rejects=rejects if rejects is not None else pd.DataFrame(columns=REJECT_COLUMNS),
                   extra=extra)


def theme_table(themes: pd.DataFrame, counts: RunningCounts, a: dict[str, Any],
                drivers: pd.DataFrame, scorer=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``themes.csv`` (one row per theme with :data:`~feedbackml.results.THEME_TABLE_COLUMNS`)
    and ``quotes.csv`` (:data:`~feedbackml.themes.quotes.QUOTE_COLUMNS`: both sides of every theme;
    ``scorer``, the run's sentiment scorer, says which quotes voice their side themselves).

    ``n`` counts every comment that mentions the theme; ``share`` and ``nps`` come from
    the drivers; ``mean_sentiment`` and ``negative_share`` are over the theme's comments
    (comment-level sentiment); ``positive_mentions``, ``negative_mentions`` and
    ``mention_sentiment`` over its mentions (the part of each comment that mentions it);
    the role counts are of its scored comments. Quotes tell the theme's story
    (:func:`~feedbackml.themes.quotes.story_quotes`): a theme that harms the score (or
    raises the outcome) is quoted from its negative mentions by detractors first, one that
    helps from its promoters' positive mentions; without scores, from its commoner tone.
    ``quotes.csv`` holds both sides, so an aspect row ("negative mentions of X") is quoted
    from its own side even when X helps by membership.
    """
    member, w = a["member"], a["weight"]
    per = drivers.set_index("theme_id")
    table = membership_columns(themes.copy(), "theme_id", member, a, per)
    n = table["n"].to_numpy()
    neg, pos = (np.rint(w @ a[f"{p}_member"]).astype("int64") if len(w) else np.zeros(len(themes), dtype="int64")
                for p in ("negative", "positive"))
    table["positive_mentions"], table["negative_mentions"] = pos, neg
    sums = counts.mention_sentiment if counts.mention_sentiment is not None else np.zeros(len(themes), np.int64)
    table["mention_sentiment"] = mean_from_fixed(sums, n)
    harm = per.loc[table["theme_id"], "event_impact" if a["event"].notna().any() and "event_impact" in per
                   else "nps_impact"].to_numpy(float)
    if not (a["event"].notna().any() and "event_impact" in per):
        harm = -harm  # nps_impact < 0 harms; event_impact > 0 does
    harmful = np.where(np.isnan(harm) | (harm == 0), neg >= pos, harm > 0)
    direction = dict(zip(table["theme_id"].tolist(), np.where(harmful, "harmful", "helpful").tolist()))
    have = counts.quotes is not None and len(counts.quotes)
    quotes = story_quotes(counts.quotes, N_QUOTES, scorer=scorer) if have else pd.DataFrame(columns=QUOTE_COLUMNS)
    table["quotes"] = (joined_quotes(quotes, direction).reindex(table["theme_id"]).fillna("").to_numpy()
                       if len(quotes) else "")
    return table[THEME_TABLE_COLUMNS], quotes


def membership_columns(table: pd.DataFrame, key: str, member: np.ndarray, a: dict[str, Any],
                       per: pd.DataFrame) -> pd.DataFrame:
    """The counts a theme or group table shares: ``n``, ``share`` and ``nps`` (from the driver
    rows ``per``, indexed by id), comment-level ``mean_sentiment`` / ``negative_share`` and the
    role counts, for the membership matrix ``member`` (rows × ``table``'s rows, in its order)."""
    w, cat = a["weight"], a["category"].to_numpy(dtype=object)
    n = np.rint(w @ member).astype("int64") if len(w) else np.zeros(len(table), dtype="int64")
    table["n"] = n
    table["share"] = per.loc[table[key], "share"].to_numpy()
    table["nps"] = per.loc[table[key], "nps"].to_numpy()
    table["mean_sentiment"] = mean_from_fixed(theme_sums(member, a["sentiment"]), n)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["negative_share"] = theme_sums(member, a["negative"]) / n
    for role, col in (("promoter", "promoters"), ("passive", "passives"), ("detractor", "detractors")):
        table[col] = np.rint((w * (cat == role)) @ member).astype("int64") if len(w) else 0
    return table


def group_tables(analyzer: FeedbackAnalyzer, themes: pd.DataFrame, a: dict[str, Any],
                 event: pd.Series | None, segment: pd.Series | None,
                 summary: dict[str, Any], dated: bool = False) -> dict[str, pd.DataFrame]:
    """``groups.csv`` (the theme-table columns per theme group) and ``group_drivers.csv``
    (drivers.csv's columns with ``group_id``); a comment counts in every group of its
    themes. Adds ``summary["themes"]["groups"]`` and the themes-per-comment figure."""
    groups = analyzer.theme_model_.groups_
    member, category, w = a["member"], a["category"], a["weight"]
    theme_group = analyzer.themes_["group_id"].to_numpy()
    in_group = theme_group[:, None] == groups["group_id"].to_numpy()[None, :]  # themes × groups
    group_member = (member.astype(np.int64) @ in_group.astype(np.int64)) > 0 if len(w) else \
        np.zeros((0, len(groups)), dtype=bool)
    as_themes = groups.rename(columns={"group_id": "theme_id"})
    drivers = theme_drivers(group_member, category, as_themes, alpha=analyzer.alpha,
                            min_n=analyzer.min_theme_n, metric=analyzer.metric, event=event,
                            controls=segment, random_state=analyzer.random_state, weight=w)
    per = drivers.set_index("theme_id")
    table = groups.copy()
    table["themes"] = [" ".join(map(str, analyzer.themes_.loc[theme_group == g, "theme_id"]))
                       for g in groups["group_id"]]
    table = membership_columns(table, "group_id", group_member, a, per)
    # a group's quotes: the first quote of each of its themes, largest theme first
    first = themes.sort_values("n", ascending=False, kind="stable")
    first = first.assign(q=first["quotes"].str.split(" | ", regex=False).str[0].fillna(""))
    quotes = first[first["q"] != ""].groupby("group_id", sort=False)["q"].agg(lambda q: " | ".join(q[:4]))
    table["quotes"] = quotes.reindex(table["group_id"]).fillna("").to_numpy()
    themed = member.any(axis=1) if len(w) else np.zeros(0, dtype=bool)
    per_comment = (float(w[themed] @ member[themed].sum(axis=1)) / float(w[themed].sum())
                   if themed.any() else None)
    info = summary["themes"]
    info["groups"] = {"n": int(len(groups)), "labels": groups["label"].tolist()}
    info["themes_per_themed_comment"] = rounded(per_comment) if per_comment is not None else None
    info["largest_theme_share"] = (round(float(themes["n"].max() / w[themed].sum()), 4)
                                   if themed.any() and len(themes) else None)
    stability = (analyzer.theme_model_.auto_k_ or {}).get("stability") or {}
    stable = stability.get("stable", True)  # None: too few comments to measure it
    if stable is None:
        add_warning(summary, "few_comments_for_themes",
                    f"too few comments to tell whether the themes are reproducible (stability {stability['method']}): "
                    "read them as examples, not as a map; a codeframe or more comments gives themes to rely on")
    elif not stable:
        add_warning(summary, "unstable_themes",
                    f"the themes are not much more reproducible than on shuffled data (agreement between "
                    f"refits {stability['ari']:.2f} vs {stability['null_ari']:.2f} on the null): "
                    "read them as a rough map, or fix the number of themes or use a codeframe")
    largest = info["largest_theme_share"]
    limit = max(DOMINANT_THEME_SHARE, 2 / len(themes)) if len(themes) else 1.0
    if largest is not None and largest > limit:
        top = themes.loc[themes["n"].idxmax(), "label"]
        add_warning(summary, "dominant_theme",
                    f"theme {top!r} holds {largest:.0%} of the comments with a theme (more than "
                    f"{limit:.0%}{' of ' + str(len(themes)) + ' themes' if limit > DOMINANT_THEME_SHARE else ''}): "
                    "it may lump several topics together; read its drivers with care, or set --themes K or "
                    "use a codeframe to split it")
    if dated and "trends" in summary:  # rising / falling groups, as for themes
        tests = theme_trend_tests(a["screened_periods"], group_member, as_themes, analyzer.alpha, weight=w)
        summary["trends"]["groups"] = records(tests.rename(columns={"theme_id": "group_id"}))
    group_drivers = drivers.rename(columns={"theme_id": "group_id"})
    return {"groups": table[GROUP_TABLE_COLUMNS], "group_drivers": group_drivers}


def run_summary(analyzer: FeedbackAnalyzer, counts: RunningCounts, a: dict[str, Any],
                columns: Columns, n_themes: int, source: str | None,
                input_sha256: str | None) -> dict[str, Any]:
    """``summary.json`` without the comparisons: input, rows, score, sentiment, themes, config."""
    tot, w = counts.totals, a["weight"]
    analysed = tot["analysed"]
    n_comments = tot["comments"] if columns.questions else analysed
    summary = {
        "input": {"source": source, "sha256": input_sha256, "text_column": columns.text,
                  "score_column": columns.score, **({"text_columns": list(columns.questions)}
                                                    if columns.questions else {})},
        "rows": {"in": tot["rows_in"], "analysed": analysed, "rejected": tot["rejected"],
                 **({"comments": tot["comments"]} if columns.questions else {}),
                 "nonanswers": tot["nonanswers"], "duplicates": tot["duplicates"],
                 "without_theme": tot["without_theme"]},
        "nps": nps_summary(a["category"], analyzer.alpha, analyzer.metric, weight=w),
        "sentiment": {k: tot[k] for k in ("negative", "neutral", "positive")},
        "sentiment_model": {**getattr(analyzer, "sentiment_info_", {"model": "lexicon"}),
                            "mixed": tot["mixed"]},
        "themes": {"n": int(n_themes),
                   "no_theme_share": round(tot["without_theme"] / n_comments, 4) if n_comments else None,
                   "multi_theme_share": round(tot["multi_theme"] / n_comments, 4) if n_comments else None,
                   "counts": ("membership: a respondent counts in every theme any of their answers mentions"
                              if columns.questions else "membership: a comment counts in every theme it mentions"),
                   "auto_k": analyzer.theme_model_.auto_k_},
        "config": analyzer.params_record(),
        "versions": package_versions(),
        "alerts": [],
        "decomposition": None,
    }
    summary["score"] = score_summary(a["category"], a["score"], analyzer.alpha, analyzer.metric,
                                     analyzer.ci_method, analyzer.n_boot, analyzer.random_state,
                                     weight=w)
    return summary


def comparisons(analyzer: FeedbackAnalyzer, counts: RunningCounts, a: dict[str, Any],
                columns: Columns, event: pd.Series | None, segment: pd.Series | None,
                summary: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Segment and period tables (``Results.extra``); their entries go into ``summary``."""
    member, category, w, themes = a["member"], a["category"], a["weight"], analyzer.themes_
    common = {"metric": analyzer.metric, "alpha": analyzer.alpha, "ci_method": analyzer.ci_method,
              "n_boot": analyzer.n_boot, "random_state": analyzer.random_state, "event": event,
              "weight": w}
    extra: dict[str, pd.DataFrame] = {}
    min_n = analyzer.min_segment_n
    if columns.segment is not None:
        seg = segment_table(segment, category, member, themes, min_n=min_n,
                            min_difference=analyzer.min_difference, **common)
        extra["segments"] = seg
        extra["theme_segments"] = theme_segment_table(
            segment, category, member, themes, metric=analyzer.metric, alpha=analyzer.alpha,
            min_n=getattr(analyzer, "min_segment_n", 30), weight=w)
        small = seg.loc[seg["too_few"], "segment"].tolist()
        summary["segments"] = {"column": columns.segment, "n": int(len(seg)),
                               "differ": seg.loc[seg["differs"], "segment"].tolist(),
                               "too_few": small, "min_n": min_n,
                               "min_difference": analyzer.min_difference}
        if small and columns.score is not None:  # without a score no segment has a score to read
            add_warning(summary, "small_segments", _small_segments_message(small, len(seg), columns.segment, min_n))
        if len(seg) > REPORT_SEGMENTS:
            add_warning(summary, "many_segments",
                        f"--segment {columns.segment} has {len(seg):,} distinct values (an identifier?): "
                        f"the report shows the {REPORT_SEGMENTS} largest segments, segments.csv has them all")
    if columns.date is not None:
        periods = checked_periods(counts, a["periods"], w, columns.date)
        undated = int(round(w[periods.isna().to_numpy()].sum()))
        periods, ignored = screen_periods(periods, analyzer.period, weight=w)
        a["screened_periods"] = periods  # the group trends use the same periods
        if ignored["ignored"]:
            add_warning(summary, "dates_ignored", _ignored_dates_message(ignored, columns.date))
        trends = trend_table(periods, category, member, themes, period=analyzer.period, min_n=min_n,
                             **common)
        tests = theme_trend_tests(periods, member, themes, analyzer.alpha, weight=w)
        decomposition, meta = score_decomposition(periods, category, member, themes,
                                                  period=analyzer.period, metric=analyzer.metric,
                                                  weight=w)
        extra["trends"] = trends
        extra["decomposition"] = decomposition
        whole = trends[trends["theme_id"].isna()] if len(trends) else trends
        few = int(whole["too_few"].sum()) if len(whole) else 0
        summary["trends"] = {"column": columns.date, "period": analyzer.period,
                             "periods": int(trends["period"].nunique()) if len(trends) else 0,
                             "rows_without_date": undated,
                             "ignored_dates": ignored, "too_few_periods": few, "min_n": min_n,
                             "themes": records(tests)}
        if few and columns.score is not None:
            add_warning(summary, "small_periods",
                        f"{few} of {len(whole)} {analyzer.period}s have fewer than {min_n} scored "
                        f"comments: their scores are shown as too few to read")
        summary["alerts"] = spike_alerts(periods, member, themes, analyzer.period, alpha=analyzer.alpha,
                                         weight=w)
        summary["decomposition"] = {**{k: rounded(v) for k, v in meta.items()},
                                    "components": records(decomposition)}
    return extra


def _small_segments_message(small: list[str], total: int, column: str, min_n: int) -> str:
    names = ", ".join(small[:5]) + (f" and {len(small) - 5} more" if len(small) > 5 else "")
    return (f"{len(small)} of {total} segments of {column!r} have fewer than {min_n} scored comments "
            f"({names}): shown as too few, never called different")


def _ignored_dates_message(ignored: dict[str, Any], column: str) -> str:
    found = ignored["too_early"] + ignored["too_late"] + ignored["lone"]
    kept = (f"; trends cover {ignored['kept_from']} to {ignored['kept_to']}"
            if ignored["kept_from"] is not None else "")
    return (f"{ignored['ignored']} row(s) of {column!r} have placeholder or far-off dates "
            f"({', '.join(found)}): left out of the trends{kept}")


def outcome_summary(columns: Columns, event: pd.Series, w: np.ndarray) -> dict[str, Any]:
    """``summary["outcome"]``: the outcome column, the value that is the event and the words
    titles use for it (:class:`~feedbackml.io.outcome.Outcome`), rows where it is known,
    events, rate."""
    from ..io.outcome import Outcome

    known = event.notna().to_numpy()
    n_known = float(w[known].sum())
    hits = float(w[known & event.fillna(False).to_numpy(bool)].sum())
    outcome = Outcome(columns.outcome, columns.event)
    return {"column": columns.outcome, "event": columns.event if columns.event is not None else "true",
            "event_label": outcome.label, "n": int(round(n_known)), "events": int(round(hits)),
            "rate": round(hits / n_known, 4) if n_known else None}


#: Above this share of the themed comments — and above twice an even share, 2/k — one theme
#: gets a warning (with 3 themes, above 67 %; with 2, never).
DOMINANT_THEME_SHARE = 0.4

#: Above this share of rejected rows a warning says the numbers leave much of the input out.
REJECT_SHARE = 0.05


def input_warnings(summary: dict[str, Any], counts: RunningCounts, columns: Columns, notes=(),
                   min_n: int = 30) -> None:
    """The warnings about the input that change a number: ``notes`` (encoding, dates) first,
    then the metric inferred, end-point labels read, several questions pooled, the reject share,
    no row analysed, and fewer than ``min_n`` rows with a known outcome or scored comments in the
    whole export."""
    for code, message in notes:
        add_warning(summary, code, message)
    score = summary.get("score") or {}
    if score.get("metric_source") == "inferred":
        add_warning(summary, "metric_inferred",
                    f"metric inferred: {score.get('name')} from {score.get('metric_reason')}; "
                    "pass --metric nps|csat|ces to choose")
    tot = counts.totals
    if tot.get("labelled"):
        add_warning(summary, "end_labels_parsed",
                    f"{tot['labelled']} score(s) in column {columns.score!r} are end-point labels "
                    f"(e.g. {counts.first_label!r}) and were read as their number")
    if columns.questions:
        add_warning(summary, "text_columns_pooled",
                    f"{len(columns.questions)} open-text questions pooled ({', '.join(columns.questions)}): "
                    f"{tot['comments']} comments from {tot['analysed']} respondents; scores count each "
                    "respondent once")
    rows_in, rejected = tot["rows_in"], tot["rejected"]
    if rows_in and tot["analysed"] == 0:
        add_warning(summary, "no_rows_analysed",
                    f"no row could be analysed: all {rows_in} rows were rejected (see rejects.csv)")
    elif rows_in and rejected / rows_in > REJECT_SHARE:
        add_warning(summary, "reject_share",
                    f"{rejected} of {rows_in} rows ({rejected / rows_in:.0%}) were rejected and left out "
                    "of every number (see rejects.csv)")
    outcome = summary.get("outcome") or {}
    if outcome and tot["analysed"] and (outcome.get("n") or 0) < min_n:
        add_warning(summary, "few_outcomes",
                    f"the outcome {outcome['column']!r} is known for only {outcome.get('n') or 0} of "
                    f"{tot['analysed']} rows (fewer than {min_n}; {outcome.get('events') or 0} with "
                    f"{outcome['event_label']}): its rate and drivers rest on too few rows to act on")
    scored = score.get("n") or 0
    if columns.score is not None and tot["analysed"] and scored < min_n:
        add_warning(summary, "few_scored",
                    f"only {scored} scored {'respondent' if columns.questions else 'comment'}{'' if scored == 1 else 's'} "
                    f"in the whole export (fewer "
                    f"than {min_n}): the {score.get('name') or 'score'}, its interval and the drivers rest on "
                    "too few answers to act on")


def checked_periods(counts: RunningCounts, periods: pd.Series, w: np.ndarray, column: str) -> pd.Series:
    """The periods, after the checks :func:`feedbackml.io.schema.parse_dates` makes on all rows:
    no date at all is an error; some values that are not dates are a warning."""
    bad = counts.totals.get("bad_dates", 0)
    if bad:
        row, value = counts.first_bad_date
        if not (w[periods.notna().to_numpy()] > 0).any():
            raise DataError(f"no value is a date (first: {value!r})", row=row, column=column,
                            hint="pass --date with the column that holds response dates")
        log.warning("%d value(s) in column %r are not dates (first at row %s: %r); those rows are "
                    "left out of the trends", bad, column, row, value)
    return periods
