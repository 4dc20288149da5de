"""FeedbackAnalyzer: clean → sentiment → themes → NPS and drivers, end to end → Results."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .config import CONSTRAINTS, Config
from .contract import COMMENT_COLUMNS, MENTION_COLUMNS, fingerprint
from .errors import DataError, UsageError
from .io.schema import detect_column, detect_columns, parse_scores
from .results import Results
from .run.chunks import ChunkAccumulator, score_chunk
from .run.counts import Columns
from .run.tables import build_results
from .sentiment.labels import sentiment_labels, weak_labels
from .sentiment.lexicon_model import LexiconSentiment
from .sentiment.trained import train_sentiment
from .stats.drivers import membership_matrix
from .stats.scores import nps_category
from .text.cleaning import TextCleaner
from .themes.codeframe import Codeframe
from .themes.mentions import mention_rows, mention_table, theme_parts
from .themes.model import ThemeModel
from .validation import InstanceOf, validate_params

log = logging.getLogger(__name__)

class FeedbackAnalyzer(BaseEstimator):
    """Learns themes from comments and analyses exports with them.

    Parameters
    ----------
    n_themes : "auto" or a number of themes.
    random_state : seed for every random step.
    language : language-data folder and spaCy language.
    min_theme_n : themes with fewer scored comments are never called significant.
    alpha : 1 − confidence level of intervals and the FDR threshold.
    redact_pii : replace e-mails, URLs and phone numbers before anything else.
    max_features, batch_size : TF-IDF vocabulary cap and spaCy batch size.
    metric : nps, csat or ces — how scores are read (see :mod:`feedbackml.stats.scores`);
        None (default) infers it from the score column at each :meth:`analyze`
        (:func:`feedbackml.io.columns.infer_metric`), a given one is checked against it.
    period : week, month or quarter — the step of the trends when a date column is given.
    ci_method, n_boot : "analytic" or "bootstrap" intervals for scores of the whole
        export, segments and periods, and the number of bootstrap draws.
    sentiment : "lexicon" (default: clause-level lexicon scorer, no training), "trained"
        (learn from the ``sentiment_label`` column given to :meth:`fit`; giving that column
        is enough) or "weak" (learn from the scores: promoters positive, detractors
        negative, passives left out).
    codeframe : None or a ``themes.toml`` path / :class:`~feedbackml.codeframe.Codeframe`
        (theme names, seed keywords, merges, excluded words).
    min_segment_n : segments and periods with fewer scored comments are "too few": shown,
        never called different.
    min_difference : a segment differs only when its score is this many points or more
        from the rest's (and the difference is significant).
    """

    _parameter_constraints: dict = {
        **{name: CONSTRAINTS[name] for name in (
            "n_themes", "random_state", "language", "min_theme_n", "alpha", "redact_pii", "max_features",
            "batch_size", "metric", "period", "ci_method", "n_boot", "sentiment", "min_segment_n",
            "min_difference")},
        "codeframe": [InstanceOf(str, Path, Codeframe, None)],
    }

    def __init__(self, n_themes="auto", random_state=0, language="en", min_theme_n=30,
                 alpha=0.05, redact_pii=True, max_features=20000, batch_size=2000, metric=None,
                 period="month", ci_method="analytic", n_boot=2000, sentiment="lexicon",
                 codeframe=None, min_segment_n=30, min_difference=5.0):
        self.n_themes = n_themes
        self.random_state = random_state
        self.language = language
        self.min_theme_n = min_theme_n
        self.alpha = alpha
        self.redact_pii = redact_pii
        self.max_features = max_features
        self.batch_size = batch_size
        self.metric = metric
        self.period = period
        self.ci_method = ci_method
        self.n_boot = n_boot
        self.sentiment = sentiment
        self.codeframe = codeframe
        self.min_segment_n = min_segment_n
        self.min_difference = min_difference

    @classmethod
    def from_config(cls, config: Config) -> FeedbackAnalyzer:
        names = cls._get_param_names()
        return cls(**{k: v for k, v in config.to_dict().items() if k in names})

    def fit(self, df: pd.DataFrame, text: str | None = None, score: str | None = None,
            sentiment_label: str | None = None, previous: FeedbackAnalyzer | None = None,
            segment: str | None = None):
        """Learn themes from the comments in ``df`` (column ``text``, auto-detected if None).

        With ``sentiment_label`` (a column of negative/neutral/positive) or
        ``sentiment="weak"`` (uses ``score``) it also trains the sentiment model; see
        :meth:`_fit_sentiment`. With ``previous`` (a fitted analyzer) matching themes keep
        their IDs and labels. Parameters are checked first (``ValueError`` naming the one
        that is wrong). Words of the ``segment`` column's values and of other
        metadata columns (:func:`metadata_values`) never make a theme label.
        """
        validate_params(self)
        texts = detect_columns(df, "text", text, required=True)
        answers = df[texts[0]] if len(texts) == 1 else pd.concat([df[c] for c in texts], ignore_index=True)
        cleaned = self.cleaner().transform(answers)
        usable = cleaned["clean_text"].where(~cleaned["is_nonanswer"], "")
        self.theme_model_ = ThemeModel(
            n_themes=self.n_themes, random_state=self.random_state, max_features=self.max_features,
            language=self.language, batch_size=self.batch_size, codeframe=self.codeframe,
            blocked_words=metadata_values(df, texts, segment))
        old = getattr(previous, "theme_model_", previous)
        codes, distinct = pd.factorize(usable, use_na_sentinel=False)
        try:
            self.theme_model_.fit(pd.Series(distinct, dtype=object), sample_weight=np.bincount(codes),
                                  previous=old)
        except ValueError as exc:
            if not len(df):
                raise DataError("no data rows: the file holds only its header"
                                + (" rows" if (df.attrs.get("survey") or {}).get("platform") else ""),
                                file=df.attrs.get("source"), hint="export the responses too") from None
            with_text = int((usable != "").sum())
            raise DataError(f"cannot find themes: {exc} ({with_text} of {len(answers)} answers have text that "
                            "is not empty or a non-answer)", file=df.attrs.get("source"),
                            column=", ".join(texts),
                            hint="pass --text with the column that holds the comments") from None
        if len(texts) == 1:
            self._fit_sentiment(df, cleaned, score, sentiment_label)
        else:  # each answer has its respondent's score and label
            self._fit_sentiment(df.iloc[np.tile(np.arange(len(df)), len(texts))].reset_index(drop=True),
                                cleaned.reset_index(drop=True), score, sentiment_label)
        self.text_column_ = texts[0] if len(texts) == 1 else list(texts)
        self.training_rows_ = int(len(df))
        self.training_fingerprint_ = fingerprint(df[list(texts)])
        return self

    def _fit_sentiment(self, df: pd.DataFrame, cleaned: pd.DataFrame, score: str | None,
                       label: str | None) -> None:
        """Choose and fit the sentiment scorer; record held-out figures in ``sentiment_info_``.

        "lexicon" needs nothing. "trained" (or any ``label`` column) learns from the labels;
        "weak" learns from the scores (promoters positive, detractors negative, passives
        and invalid scores left out). Non-answers never train the model.
        """
        mode = self.sentiment
        if label is not None and mode == "weak":
            raise UsageError("choose one: a sentiment label column, or weak supervision from scores")
        if label is not None:
            mode = "trained"
        if mode == "lexicon":
            self.sentiment_model_ = LexiconSentiment(language=self.language)
            self.sentiment_info_ = {"model": "lexicon"}
            return
        if mode == "trained":
            if label is None:
                raise UsageError("sentiment='trained' needs a column of labels",
                                 hint="pass --sentiment-label COLUMN (negative/neutral/positive)")
            label = detect_column(df, "sentiment label", label, required=True)
            try:
                target = sentiment_labels(df[label], self.language)
            except ValueError as exc:
                raise DataError(str(exc), column=label) from None
        else:
            score = detect_column(df, "score", score, required=True)
            metric = self.resolve_metric(df, score)[0]
            target = weak_labels(parse_scores(df[score], metric)[0], metric)
        usable = target.notna().to_numpy() & ~cleaned["is_nonanswer"].to_numpy(bool)
        try:
            model, info = train_sentiment(cleaned["clean_text"].to_numpy(object)[usable],
                                          target.to_numpy(object)[usable],
                                          weak=mode == "weak", language=self.language,
                                          random_state=self.random_state)
        except ValueError as exc:
            raise DataError(f"cannot train sentiment: {exc}", column=label or score) from None
        self.sentiment_model_ = model
        self.sentiment_info_ = {"model": mode, "column": label or score, **info}
        log.info("sentiment model (%s) trained on %d comments", mode, info["rows"])

    def params_record(self) -> dict[str, Any]:
        """``get_params()`` as JSON-ready values (a codeframe object becomes its file name)."""
        params = self.get_params()
        if params.get("codeframe") is not None and not isinstance(params["codeframe"], (str, Path)):
            params["codeframe"] = getattr(params["codeframe"], "source", "") or "(codeframe object)"
        elif params.get("codeframe") is not None:
            params["codeframe"] = str(params["codeframe"])
        return params

    @property
    def themes_(self) -> pd.DataFrame:
        check_is_fitted(self, "theme_model_")
        return self.theme_model_.themes_

    def resolve_columns(self, frame: pd.DataFrame, text=None, score=None, segment=None, date=None,
                        id=None, outcome=None) -> Columns:
        """The input columns to use: given names checked, text and score detected when not given
        (the text columns the model was fitted on first). Several text columns are pooled
        (:mod:`feedbackml.text.pool`); ``outcome`` is ``COL`` or ``COL=VALUE``
        (:func:`feedbackml.io.outcome.parse_spec`); numeric dates are read day first when the
        values of ``date`` say so (:func:`feedbackml.io.date_order.date_order`)."""
        from .io.date_order import date_order
        from .io.outcome import parse_spec
        from .run.counts import Columns
        from .text.pool import pooled_name

        fitted = getattr(self, "text_column_", None)
        fitted = [fitted] if isinstance(fitted, str) else list(fitted or [])
        if text is None and fitted and all(c in frame.columns for c in fitted):
            text = fitted
        texts = detect_columns(frame, "text", text, required=True)
        score = detect_column(frame, "score", score, required=False)
        for kind, col in (("segment", segment), ("date", date), ("id", id)):
            if col is not None:
                detect_column(frame, kind, col, required=True)
        spec = parse_spec(outcome, frame.columns)
        if spec is not None and spec.event is None:
            log.info("outcome %r given without a value: read as yes/no, its true value (1, true, yes) is "
                     "the event; write --outcome '%s=VALUE' to name another", spec.column, spec.column)
        dayfirst = date_order(frame[date])[0] if date is not None else None
        questions = tuple(texts) if len(texts) > 1 else ()
        wording = (frame.attrs.get("survey") or {}).get("questions") or {}
        return Columns(text=pooled_name(frame.columns) if questions else texts[0], score=score,
                       segment=segment, date=date, id=id,
                       outcome=spec.column if spec else None, event=spec.event if spec else None,
                       questions=questions, wording=tuple(wording.get(q, q) for q in questions),
                       dayfirst=dayfirst)

    def resolve_metric(self, frame: pd.DataFrame, score: str | None) -> tuple[str, dict[str, Any]]:
        """The metric this analysis reads ``score`` with, and what ``summary["score"]`` records
        about the choice: ``metric`` given is checked against the values
        (:func:`~feedbackml.io.columns.check_metric`), None is inferred from them
        (:func:`~feedbackml.io.columns.infer_metric`)."""
        from .io.columns import check_metric, infer_metric

        if score is None:
            return self.metric or "nps", {"metric_source": "given" if self.metric else "default"}
        if self.metric is not None:
            check_metric(frame[score], self.metric, score)
            return self.metric, {"metric_source": "given"}
        wording = ((frame.attrs.get("survey") or {}).get("questions") or {}).get(score)
        if wording == score and " " not in score:  # a header like "nps" is a name, not a question's wording
            wording = None
        metric, why = infer_metric(frame[score], score, wording, self.language)
        return metric, {"metric_source": "inferred", "metric_reason": f"column {score!r}: {why}"}

    def analyze(self, df: pd.DataFrame, text: str | None = None, score: str | None = None,
                segment: str | None = None, date: str | None = None, id: str | None = None,
                source: str | None = None, input_sha256: str | None = None,
                outcome: str | None = None) -> Results:
        """Score ``df`` with the fitted model: comments, themes, drivers, summary and rejects.

        With ``segment`` and/or ``date``, ``Results.extra`` holds ``segments``, ``trends``
        and ``decomposition`` tables (see :mod:`feedbackml.stats.segments` and
        :mod:`feedbackml.stats.trends`); with ``outcome`` (a 0/1 column) the driver
        statistics are about that outcome instead of detractors.

        The whole input is scored as one chunk and counted by the code every engine runs
        (:mod:`feedbackml.run.chunks`, :mod:`feedbackml.run.tables`), so streaming and Dask
        ``apply`` give the same tables.
        """
        from .io.date_order import date_warning

        check_is_fitted(self, "theme_model_")
        validate_params(self)
        head = first_rows(df)
        columns = self.resolve_columns(head, text=text, score=score, segment=segment, date=date,
                                       id=id, outcome=outcome)
        metric, score_info = self.resolve_metric(head, columns.score)
        notes = list(df.attrs.get("warnings") or [])
        if columns.date is not None:
            notes += [w for w in [date_warning(head[columns.date], columns.date)] if w]
        index = df.index
        frame = numbered_rows(df)
        with self.reading_with(metric):
            scored = score_chunk(self, frame, columns, cache_limit=None)
            acc = ChunkAccumulator(self, columns)
            acc.add(scored)
            results = build_results(self, acc.counts, columns, source=source,
                                    input_sha256=input_sha256 or fingerprint(df),
                                    comments=scored.comments, rejects=scored.rejects,
                                    notes=notes, score_info=score_info, survey=df.attrs.get("survey"))
            results.mentions = scored.mentions[MENTION_COLUMNS].reset_index(drop=True)
        if index.name != "row" and not index.equals(pd.RangeIndex(len(df))):
            # the input's own index, for the accepted rows (row numbers are 1-based positions)
            results.comments.index = index[results.comments["row"].to_numpy() - 1]
        return results

    @contextlib.contextmanager
    def reading_with(self, metric: str):
        """``metric`` as this analyzer's metric while an analysis runs (the engines read
        ``self.metric``), the parameter restored afterwards."""
        given = self.metric
        self.metric = metric
        try:
            yield self
        finally:
            self.metric = given

    # -- the contract with the engines (run/chunks.py, run/counts.py) -------------------
    def cleaner(self) -> TextCleaner:
        """The text cleaner this analyzer applies to comments (non-answers, duplicates, PII)."""
        return TextCleaner(language=self.language, redact_pii=self.redact_pii)

    def score_comments(self, accepted: pd.DataFrame, text: str) -> pd.DataFrame:
        """The ``comments`` table of validated rows ``accepted`` (index = input row numbers):
        their columns (clashing names get an ``input_`` prefix) + :data:`COMMENT_COLUMNS`."""

        cleaned = self.cleaner().transform(accepted[text])
        usable = cleaned["clean_text"].where(~cleaned["is_nonanswer"], "")
        codes, distinct = pd.factorize(usable, use_na_sentinel=False)  # each distinct text scored once
        distinct = pd.Series(distinct, dtype=object)
        sentiment = self.sentiment_model_.transform(distinct).take(codes).set_axis(usable.index)  # non-answers neutral
        themes = self.theme_model_.transform(distinct).take(codes).set_axis(usable.index)
        labels = self.themes_.set_index("theme_id")["label"]
        out = accepted.drop(columns=["_score", "_outcome"], errors="ignore")
        # Input columns that clash with output names are kept under an ``input_`` prefix.
        out = out.rename(columns={c: f"input_{c}" for c in COMMENT_COLUMNS if c in out.columns})
        out.insert(0, "row", accepted.index.to_numpy(dtype="int64"))
        out = out.join(cleaned).join(sentiment).join(themes)
        out["theme_label"] = out["theme_id"].map(labels).fillna("")
        groups = self.theme_model_.groups_.set_index("group_id")["label"]
        out["group_label"] = out["group_id"].map(groups).fillna("")
        out["nps_category"] = nps_category(accepted["_score"], self.metric).astype(object).where(
            accepted["_score"].notna(), None)
        ordered = [c for c in out.columns if c not in COMMENT_COLUMNS] + COMMENT_COLUMNS
        return out[ordered].reset_index(drop=True)

    def score_mentions(self, comments: pd.DataFrame) -> pd.DataFrame:
        """One row per (comment, theme) of ``comments``' ``themes`` lists: the part of the
        comment that mentions the theme and its sentiment (:mod:`feedbackml.themes.mentions`;
        :data:`~feedbackml.results.MENTION_COLUMNS` plus ``closeness``, for quotes).
        Each distinct text is done once."""
        usable = comments["clean_text"].where(~comments["is_nonanswer"].to_numpy(bool), "")
        codes, distinct = pd.factorize(usable.astype(object), use_na_sentinel=False)
        first = np.zeros(len(distinct), dtype=np.int64)
        first[codes[::-1]] = np.arange(len(codes))[::-1]  # first row of each distinct text
        themes = comments["themes"].to_numpy(object)[first] if len(first) else np.array([], dtype=object)
        # the same distinct texts as score_comments, so their clause split is reused
        parts = theme_parts(self.theme_model_, pd.Series(np.asarray(distinct, dtype=object), dtype=object))
        table = mention_table(parts, themes, comments[["sentiment", "sentiment_label"]].iloc[first],
                              self.sentiment_model_)
        groups = self.themes_.set_index("theme_id")["group_id"] if "group_id" in self.themes_ else None
        return mention_rows(table, codes, comments["row"].to_numpy(), np.asarray(distinct, dtype=object), groups)

    def membership(self, comments: pd.DataFrame) -> np.ndarray:
        """Boolean comments × themes matrix (in the order of ``themes_``) every table uses:
        a comment counts in every theme of its ``themes`` list."""
        return membership_matrix(comments["themes"], self.themes_["theme_id"])


def analyze(data: pd.DataFrame, text: str | None = None, score: str | None = None, *,
            config: Config | None = None, **options) -> Results:
    """Fit themes on ``data`` and analyse it in one call (the ``feedbackml analyze`` command)."""
    cfg = (config or Config()).replace(text=text, score=score, **options)
    analyzer = FeedbackAnalyzer.from_config(cfg).fit(data, text=cfg.text, score=cfg.score,
                                                     sentiment_label=cfg.sentiment_label,
                                                     segment=cfg.segment)
    return analyzer.analyze(data, text=cfg.text, score=cfg.score, segment=cfg.segment,
                            date=cfg.date, id=cfg.id, outcome=cfg.outcome)


def metadata_values(df: pd.DataFrame, text: str | list[str], segment: str | None = None,
                    max_distinct: int = 200) -> tuple[str, ...]:
    """Distinct values of the ``segment`` column and of every other text column with at most
    ``max_distinct`` distinct values (channel, airline, product variant…), sorted: what
    theme labels must never be made of."""
    values: set[str] = set()
    for column in df.columns:
        if column in ({text} if isinstance(text, str) else set(text)) or not (df[column].dtype == object or pd.api.types.is_string_dtype(df[column])):
            continue
        distinct = df[column].dropna().unique()
        if column == segment or len(distinct) <= max_distinct:
            values.update(str(v) for v in distinct[:10_000])
    return tuple(sorted(values))


def first_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows columns, metric and date order are inferred from
    (:data:`~feedbackml.io.columns.INFER_ROWS`, the same for every engine), with ``df``'s attrs."""
    from .io.columns import INFER_ROWS

    head = df.iloc[:INFER_ROWS]
    head.attrs = dict(df.attrs)
    return head


def numbered_rows(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` indexed by 1-based input row numbers (named ``row``); an index already named
    ``row`` (a reader's, or a chunk's) is kept."""
    if df.index.name == "row":
        return df
    return df.set_axis(pd.RangeIndex(1, len(df) + 1, name="row"))
