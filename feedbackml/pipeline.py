"""FeedbackAnalyzer: clean → sentiment → themes → NPS and drivers, end to end → Results."""

from __future__ import annotations

import hashlib
import logging
import platform
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from . import io as fio
from ._version import __version__
from .cleaning import FORMATTING_TAG, TextCleaner, redact_pii
from .config import Config
from .counts import theme_mean_sentiment
from .drivers import membership_matrix, theme_drivers
from .errors import DataError, UsageError
from .nps import nps_category, nps_summary, score_summary
from .schema import detect_column, parse_dates, parse_scores, validate
from .segments import (score_decomposition, segment_table, spike_alerts, theme_trend_tests,
                       to_periods, trend_table)
from .sentiment import LexiconSentiment, sentiment_labels, train_sentiment, weak_labels
from .themes import NO_THEME, ThemeModel

if TYPE_CHECKING:
    from .counts import Columns

log = logging.getLogger(__name__)

COMMENT_COLUMNS = ["row", "clean_text", "is_nonanswer", "is_duplicate", "sentiment",
                   "sentiment_label", "mixed", "theme_id", "theme_label", "theme_score", "themes",
                   "nps_category"]
THEME_TABLE_COLUMNS = ["theme_id", "label", "keywords", "n", "share", "nps", "mean_sentiment",
                       "negative_share", "promoters", "passives", "detractors", "quotes"]
#: Sentiment scorers :class:`FeedbackAnalyzer` can use (its ``sentiment`` parameter).
SENTIMENT_MODES = ("lexicon", "trained", "weak")
N_QUOTES = 4


def package_versions() -> dict[str, str]:
    """Versions that decide whether results and saved models are comparable."""
    import joblib
    import sklearn
    import spacy

    return {"feedbackml": __version__, "python": platform.python_version(),
            "scikit-learn": sklearn.__version__, "spacy": spacy.__version__,
            "pandas": pd.__version__, "numpy": np.__version__, "joblib": joblib.__version__}


def fingerprint(df: pd.DataFrame) -> str:
    """sha256 of a DataFrame's content (values, columns and row order)."""
    h = hashlib.sha256()
    h.update("\x1f".join(map(str, df.columns)).encode())
    h.update(pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()


@dataclass
class Results:
    """What an analysis produced; the CLI writes exactly these tables.

    Attributes
    ----------
    comments : one row per accepted input row (input columns + :data:`COMMENT_COLUMNS`).
    themes : one row per theme (:data:`THEME_TABLE_COLUMNS`).
    drivers : one row per theme, most harmful first (see :mod:`feedbackml.drivers`).
    summary : counts, NPS with CI, sentiment distribution, config and versions.
    rejects : ``row, column, value, reason`` for every input row not analysed.
    """

    comments: pd.DataFrame
    themes: pd.DataFrame
    drivers: pd.DataFrame
    summary: dict[str, Any]
    rejects: pd.DataFrame
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)

    def to_folder(self, path: str | Path, csv: bool = True, comments: bool = True) -> Path:
        """Write the output-folder contract (files replaced atomically) and return the folder.

        ``comments=False`` leaves out ``comments.*`` and ``rejects.csv`` (a streamed run
        writes those chunk by chunk).
        """
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        if comments:
            def write_csv():
                with fio.atomic_path(out / "comments.csv") as tmp, open(tmp, "wb") as fh:
                    fio.write_comments_csv(fh, self.comments)

            with ThreadPoolExecutor(2) as pool:  # pyarrow's writers release the GIL
                jobs = [pool.submit(fio.write_parquet, out / "comments.parquet", self.comments)]
                jobs += [pool.submit(write_csv)] if csv else []
            for job in jobs:
                job.result()  # raise what a writer raised
            fio.write_csv(out / "rejects.csv", self.rejects)
        fio.write_csv(out / "themes.csv", self.themes)
        fio.write_csv(out / "drivers.csv", self.drivers)
        for name, table in self.extra.items():
            fio.write_csv(out / f"{name}.csv", table)
        fio.write_json(out / "summary.json", self.summary)
        self.to_html(out / "report.html")
        return out

    @classmethod
    def from_folder(cls, path: str | Path) -> "Results":
        """Read back an analysis folder written by :meth:`to_folder`."""
        import json

        folder = Path(path)
        # comments.parquet is a file, or a folder of parts (``apply --engine dask``)
        missing = [f for f in ("comments.parquet", "themes.csv", "drivers.csv", "summary.json",
                               "rejects.csv") if not (folder / f).exists()]
        if missing:
            raise DataError(f"not an analysis folder (missing {', '.join(missing)})", file=folder)
        read = lambda name: pd.read_csv(folder / name, keep_default_na=False, na_values=[""])  # noqa: E731
        extra = {p.stem: pd.read_csv(p) for p in sorted(folder.glob("*.csv"))
                 if p.name not in {"comments.csv", "themes.csv", "drivers.csv", "rejects.csv"}}
        return cls(comments=pd.read_parquet(folder / "comments.parquet"), themes=read("themes.csv"),
                   drivers=read("drivers.csv"), rejects=read("rejects.csv"),
                   summary=json.loads((folder / "summary.json").read_text("utf-8")), extra=extra)

    def to_html(self, path: str | Path) -> Path:
        from .report import render_report

        fio.write_text(path, render_report(self))
        return Path(path)


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
    metric : nps, csat or ces — how scores are read (see :mod:`feedbackml.nps`).
    period : week, month or quarter — the step of the trends when a date column is given.
    ci_method, n_boot : "analytic" or "bootstrap" intervals for scores of the whole
        export, segments and periods, and the number of bootstrap draws.
    sentiment : "lexicon" (default: clause-level lexicon scorer, no training), "trained"
        (learn from the ``sentiment_label`` column given to :meth:`fit`; giving that column
        is enough) or "weak" (learn from the scores: promoters positive, detractors
        negative, passives left out).
    codeframe : None or a ``themes.toml`` path / :class:`~feedbackml.codeframe.Codeframe`
        (theme names, seed keywords, merges, excluded words).
    """

    def __init__(self, n_themes="auto", random_state=0, language="en", min_theme_n=30,
                 alpha=0.05, redact_pii=True, max_features=20000, batch_size=2000, metric="nps",
                 period="month", ci_method="analytic", n_boot=2000, sentiment="lexicon",
                 codeframe=None):
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

    @classmethod
    def from_config(cls, config: Config) -> "FeedbackAnalyzer":
        names = cls._get_param_names()
        return cls(**{k: v for k, v in config.to_dict().items() if k in names})

    def _cleaner(self) -> TextCleaner:
        return TextCleaner(language=self.language, redact_pii=self.redact_pii)

    def fit(self, df: pd.DataFrame, text: str | None = None, score: str | None = None,
            sentiment_label: str | None = None, previous: "FeedbackAnalyzer | None" = None,
            **_ignored):
        """Learn themes from the comments in ``df`` (column ``text``, auto-detected if None).

        With ``sentiment_label`` (a column of negative/neutral/positive) or
        ``sentiment="weak"`` (uses ``score``) it also trains the sentiment model; see
        :meth:`_fit_sentiment`. With ``previous`` (a fitted analyzer) matching themes keep
        their IDs and labels.
        """
        text = detect_column(df, "text", text, required=True)
        cleaned = self._cleaner().transform(df[text])
        usable = cleaned["clean_text"].where(~cleaned["is_nonanswer"], "")
        self.theme_model_ = ThemeModel(
            n_themes=self.n_themes, random_state=self.random_state, max_features=self.max_features,
            language=self.language, batch_size=self.batch_size, codeframe=self.codeframe)
        old = getattr(previous, "theme_model_", previous)
        codes, distinct = pd.factorize(usable, use_na_sentinel=False)
        try:
            self.theme_model_.fit(pd.Series(distinct, dtype=object), sample_weight=np.bincount(codes),
                                  previous=old)
        except ValueError as exc:
            raise DataError(f"cannot find themes: {exc}", column=text) from None
        self._fit_sentiment(df, cleaned, score, sentiment_label)
        self.text_column_ = text
        self.training_rows_ = int(len(df))
        self.training_fingerprint_ = fingerprint(df[[text]])
        return self

    def _fit_sentiment(self, df: pd.DataFrame, cleaned: pd.DataFrame, score: str | None,
                       label: str | None) -> None:
        """Choose and fit the sentiment scorer; record held-out figures in ``sentiment_info_``.

        "lexicon" needs nothing. "trained" (or any ``label`` column) learns from the labels;
        "weak" learns from the scores (promoters positive, detractors negative, passives
        and invalid scores left out). Non-answers never train the model.
        """
        mode = self.sentiment
        if mode not in SENTIMENT_MODES:
            raise UsageError(f"sentiment must be one of {', '.join(SENTIMENT_MODES)}, not {mode!r}")
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
            target = weak_labels(parse_scores(df[score], self.metric)[0], self.metric)
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
                        id=None, outcome=None) -> "Columns":
        """The input columns to use: given names checked, text and score detected when not given
        (the text column the model was fitted on first)."""
        from .counts import Columns

        if text is None and self.text_column_ in frame.columns:
            text = self.text_column_
        text = detect_column(frame, "text", text, required=True)
        score = detect_column(frame, "score", score, required=False)
        for kind, col in (("segment", segment), ("date", date), ("id", id), ("outcome", outcome)):
            if col is not None:
                detect_column(frame, kind, col, required=True)
        return Columns(text=text, score=score, segment=segment, date=date, id=id, outcome=outcome)

    def analyze(self, df: pd.DataFrame, text: str | None = None, score: str | None = None,
                segment: str | None = None, date: str | None = None, id: str | None = None,
                source: str | None = None, input_sha256: str | None = None,
                outcome: str | None = None) -> Results:
        """Score ``df`` with the fitted model: comments, themes, drivers, summary and rejects.

        With ``segment`` and/or ``date``, ``Results.extra`` holds ``segments``, ``trends``
        and ``decomposition`` tables (see :mod:`feedbackml.segments`); with ``outcome`` (a
        0/1 column) the driver statistics are about that outcome instead of detractors.
        """
        check_is_fitted(self, "theme_model_")
        columns = self.resolve_columns(df, text=text, score=score, segment=segment, date=date,
                                       id=id, outcome=outcome)
        text, score = columns.text, columns.score
        if not isinstance(df.index, pd.RangeIndex) and df.index.name != "row":
            df = df.reset_index(drop=True)
        if df.index.name != "row":
            df = df.set_axis(pd.RangeIndex(1, len(df) + 1, name="row"))
        accepted, rejects = validate(df, score, self.metric, outcome)
        comments = self._score_comments(accepted, text)
        event = accepted["_outcome"].reset_index(drop=True) if outcome is not None else None
        controls = accepted[segment].reset_index(drop=True) if segment is not None else None
        theme_table, drivers = self._theme_tables(comments, text, event, controls)
        summary = self._summary(df, comments, rejects, theme_table, text, score, source, input_sha256)
        summary["score"] = score_summary(comments["nps_category"].astype("object"), accepted["_score"],
                                         self.alpha, self.metric, self.ci_method, self.n_boot,
                                         self.random_state)
        extra, more = self._comparisons(accepted, comments, event, segment, date)
        summary.update(more)
        if outcome is not None:
            summary["outcome"] = {"column": outcome, "n": int(event.notna().sum()),
                                  "events": int(event.fillna(False).sum()),
                                  "rate": round(float(event.mean()), 4) if event.notna().any() else None}
        return Results(comments=comments, themes=theme_table, drivers=drivers,
                       summary=summary, rejects=rejects, extra=extra)

    def _score_comments(self, accepted: pd.DataFrame, text: str) -> pd.DataFrame:
        cleaned = self._cleaner().transform(accepted[text])
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
        out["nps_category"] = nps_category(accepted["_score"], self.metric).astype(object).where(
            accepted["_score"].notna(), None)
        ordered = [c for c in out.columns if c not in COMMENT_COLUMNS] + COMMENT_COLUMNS
        return out[ordered].reset_index(drop=True)

    def _membership(self, comments: pd.DataFrame) -> np.ndarray:
        """Boolean comments × themes matrix (in the order of ``themes_``) every table uses:
        a comment counts in every theme of its ``themes`` list."""
        return membership_matrix(comments["themes"], self.themes_["theme_id"])

    def _theme_tables(self, comments: pd.DataFrame, text: str, event: pd.Series | None = None,
                      controls: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        themes = self.themes_
        member = self._membership(comments)
        category = comments["nps_category"].astype("object")
        drivers = theme_drivers(member, category, themes, alpha=self.alpha, min_n=self.min_theme_n,
                                metric=self.metric, event=event, controls=controls,
                                random_state=self.random_state)
        per = drivers.set_index("theme_id")
        table = themes.copy()
        n = member.sum(axis=0)
        table["n"] = n.astype("int64")
        table["share"] = per.loc[table["theme_id"], "share"].to_numpy()
        table["nps"] = per.loc[table["theme_id"], "nps"].to_numpy()
        table["mean_sentiment"] = theme_mean_sentiment(member, comments["sentiment"])
        negative = (comments["sentiment_label"] == "negative").to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            table["negative_share"] = (member & negative[:, None]).sum(axis=0) / n
        for cat, col in (("promoter", "promoters"), ("passive", "passives"), ("detractor", "detractors")):
            table[col] = (member & (category == cat).to_numpy()[:, None]).sum(axis=0).astype("int64")
        quotes = representative_quotes(comments, text, N_QUOTES)
        table["quotes"] = quotes.reindex(table["theme_id"]).fillna("").to_numpy()
        return table[THEME_TABLE_COLUMNS], drivers

    def _summary(self, df, comments, rejects, themes, text, score, source, input_sha256) -> dict:
        labels = comments["sentiment_label"].value_counts()
        return {
            "input": {"source": source, "sha256": input_sha256 or fingerprint(df),
                      "text_column": text, "score_column": score},
            "rows": {"in": int(len(df)) + int(len(df.attrs.get("bad_rows") or [])),
                     "analysed": int(len(comments)), "rejected": int(len(rejects)),
                     "nonanswers": int(comments["is_nonanswer"].sum()),
                     "duplicates": int(comments["is_duplicate"].sum()),
                     "without_theme": int((comments["theme_id"] == NO_THEME).sum())},
            "nps": nps_summary(comments["nps_category"].astype("object"), self.alpha, self.metric),
            "sentiment": {k: int(labels.get(k, 0)) for k in ("negative", "neutral", "positive")},
            "sentiment_model": {**getattr(self, "sentiment_info_", {"model": "lexicon"}),
                                "mixed": int(comments["mixed"].sum())},
            "themes": {"n": int(len(themes)),
                       "no_theme_share": round(float((comments["theme_id"] == NO_THEME).mean()), 4)
                       if len(comments) else None,
                       "multi_theme_share": round(float((comments["themes"].str.len() > 1).mean()), 4)
                       if len(comments) else None,
                       "counts": "membership: a comment counts in every theme it mentions",
                       "auto_k": self.theme_model_.auto_k_},
            "config": self.params_record(),
            "versions": package_versions(),
            "alerts": [],
            "decomposition": None,
        }

    def _comparisons(self, accepted: pd.DataFrame, comments: pd.DataFrame, event: pd.Series | None,
                     segment: str | None, date: str | None) -> tuple[dict, dict]:
        """Segment and period tables for ``Results.extra`` and their summary entries."""
        themes, member = self.themes_, self._membership(comments)
        category = comments["nps_category"].astype("object")
        common = {"metric": self.metric, "alpha": self.alpha, "ci_method": self.ci_method,
                  "n_boot": self.n_boot, "random_state": self.random_state, "event": event}
        extra: dict[str, pd.DataFrame] = {}
        summary: dict[str, Any] = {}
        if segment is not None:
            table = segment_table(accepted[segment].reset_index(drop=True), category, member, themes,
                                  **common)
            extra["segments"] = table
            summary["segments"] = {"column": segment, "n": int(len(table)),
                                   "differ": table.loc[table["differs"], "segment"].tolist()}
        if date is not None:
            dates = parse_dates(accepted[date], column=date).reset_index(drop=True)
            periods = to_periods(dates, self.period)
            trends = trend_table(periods, category, member, themes, period=self.period, **common)
            tests = theme_trend_tests(periods, member, themes, self.alpha)
            table, meta = score_decomposition(periods, category, member, themes, period=self.period,
                                              metric=self.metric)
            extra["trends"] = trends
            extra["decomposition"] = table
            summary["trends"] = {"column": date, "period": self.period,
                                 "periods": int(trends["period"].nunique()) if len(trends) else 0,
                                 "rows_without_date": int(dates.isna().sum()),
                                 "themes": _records(tests)}
            summary["alerts"] = spike_alerts(periods, member, themes, self.period)
            summary["decomposition"] = {**{k: _rounded(v) for k, v in meta.items()},
                                        "components": _records(table)}
        return extra, summary


def _rounded(value):
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else round(float(value), 4)
    return value


def _records(table: pd.DataFrame) -> list[dict]:
    """Rows of a table as JSON-ready dicts (NaN → None, floats rounded to 4 decimals)."""
    return [{k: _rounded(v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
            for row in table.astype(object).where(table.notna(), None).to_dict(orient="records")]


def representative_quotes(comments: pd.DataFrame, text_column: str, n: int = N_QUOTES) -> pd.Series:
    """Up to ``n`` short, diverse comments closest to each theme's centre, joined by " | ".

    Quotes are the original text with PII redacted and layout tags (<br>, <b> …) removed
    (other markup stays, as text), 4 to 30 words long, indexed by ``theme_id``; see
    :func:`feedbackml.themes.select_quotes` for how near-duplicates are skipped.
    """
    from .themes import select_quotes

    top = select_quotes(quote_candidates(comments, text_column, n), n)
    text = top[text_column].astype(str).str.replace(FORMATTING_TAG, " ", regex=True)
    quotes = redact_pii(text.str.replace(r"\s+", " ", regex=True))
    return quotes.groupby(top["theme_id"]).agg(" | ".join)


_NOT_WORD_OR_SPACE = r"[^\pL\pN_\s\x0b\x1c-\x1f\x{85}\p{Z}]"


def quote_candidates(comments: pd.DataFrame, text_column: str, n: int = N_QUOTES) -> pd.DataFrame:
    """The rows :func:`representative_quotes` picks from: up to ``10·n`` per theme, best first.

    Best = about this theme alone, then closest to its centre; of comments that differ only
    in case and punctuation one is kept (the same whatever the row order). Mergeable: the
    candidates of chunks' candidates are the candidates of the whole, which is how
    streamed runs pick the same quotes.
    """
    pool = comments.loc[(comments["theme_id"] != NO_THEME) & ~comments["is_duplicate"],
                        ["theme_id", "theme_score", "clean_text", "is_duplicate", "themes", text_column]]
    pool = pool[(pool["clean_text"].str.count(" ") + 1).between(4, 30)]
    clean = pa.array(pool["clean_text"].to_numpy(object), type=pa.large_string())
    key = pc.replace_substring_regex(pc.utf8_lower(clean), _NOT_WORD_OR_SPACE, "")  # Python's [^\w\s]
    helper = {"_several": pool["themes"].str.len().gt(1).to_numpy(),
              "_key": key.to_numpy(zero_copy_only=False),
              "_original": pool[text_column].astype(str).to_numpy()}
    pool = pool.assign(**helper).sort_values(
        ["theme_id", "_several", "theme_score", "_key", "_original"],
        ascending=[True, True, False, True, True], kind="stable")
    pool = pool.drop_duplicates("_key").drop(columns=list(helper))
    return pool.groupby("theme_id", sort=True).head(10 * n)  # select_quotes picks n diverse ones


def analyze(data: pd.DataFrame, text: str | None = None, score: str | None = None, *,
            config: Config | None = None, **options) -> Results:
    """Fit themes on ``data`` and analyse it in one call (the ``feedbackml analyze`` command)."""
    cfg = (config or Config()).replace(text=text, score=score, **options)
    analyzer = FeedbackAnalyzer.from_config(cfg).fit(data, text=cfg.text, score=cfg.score,
                                                     sentiment_label=cfg.sentiment_label)
    return analyzer.analyze(data, text=cfg.text, score=cfg.score, segment=cfg.segment,
                            date=cfg.date, id=cfg.id, outcome=cfg.outcome)
