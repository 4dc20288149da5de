"""TrainedSentiment: sentiment learned from labelled comments (or weak labels from scores), calibrated; training with a held-out check."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..text.inputs import as_texts
from ..validation import Interval, Language, Pair, validate_params
from .labels import LABELS, label_scores, sentiment_labels
from .lexicon import vader_analyzer
from .lexicon_model import OUTPUT_COLUMNS, LexiconSentiment, broadcast_clauses
from .vectorizers import CharNgramVectorizer, WordNgramVectorizer


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

    _parameter_constraints: dict = {
        "C": [Interval(float, 0, None, closed="neither")],
        "word_ngrams": [Pair(1)],
        "char_ngrams": [Pair(1)],
        "min_df": [Interval(int, 1, None)],
        "cv": [Interval(int, 2, None)],
        "class_balance": [Interval(float, 0, 1)],
        "neutral_band": [Interval(float, 0, 1)],
        "mixed_threshold": [Interval(float, 0, 1)],
        "language": [Language()],
        "random_state": [Interval(int, 0, None)],
    }

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
        validate_params(self)
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        labels = sentiment_labels(pd.Series(list(y), dtype=object), self.language)
        pairs = pd.DataFrame({"text": as_texts(X).to_numpy(object), "label": labels.to_numpy(object)})
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
        stacked = np.column_stack([self._svm_scores(texts), features.to_numpy()])
        return self.stack_.predict_proba(stacked), table

    def _svm_scores(self, texts: pd.Series) -> np.ndarray:
        """The SVM's decision function, block by block (word, then character n-grams): the
        same scores as on the stacked matrix, without building it."""
        coef, n_word = self.svm_.coef_, len(self.word_.idf_)
        scores = self.word_.transform(texts) @ coef[:, :n_word].T + self.char_.transform(texts) @ coef[:, n_word:].T
        scores = np.asarray(scores) + self.svm_.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores  # two classes: one score, as decision_function

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated class probabilities (columns in :attr:`classes_` order), per unique text."""
        check_is_fitted(self, "stack_")
        texts = as_texts(X)
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

    def score_units(self, X) -> pd.DataFrame:
        """``sentiment`` and ``sentiment_label`` of each text taken as one clause (not split
        again): how the parts of a comment that mention a theme are scored."""
        check_is_fitted(self, "stack_")
        texts = as_texts(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        uniques = pd.Series(uniques, dtype=object)
        score, labels = self._decide(self._proba_unique(uniques, split=False)[0])
        empty = (uniques.str.strip() == "").to_numpy(bool)
        score[empty], labels[empty] = 0.0, "neutral"
        return pd.DataFrame({"sentiment": score[codes], "sentiment_label": labels[codes]}, index=texts.index)

    def predict(self, X) -> np.ndarray:
        """negative / neutral / positive per text."""
        return self._decide(self.predict_proba(X))[1]

    def transform(self, X) -> pd.DataFrame:
        """``sentiment`` (−1…1), ``sentiment_label`` and ``mixed`` per text, index kept.

        Empty texts are neutral with score 0; ``mixed`` compares the model's scores of the
        clauses of each comment in which the lexicon finds both praise and complaint.
        """
        check_is_fitted(self, "stack_")
        texts = as_texts(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        uniques = pd.Series(uniques, dtype=object)
        proba, table = self._proba_unique(uniques)
        score, labels = self._decide(proba)
        empty = (uniques.str.strip() == "").to_numpy(bool)
        score[empty], labels[empty] = 0.0, "neutral"
        clauses = self._clause_scores(table, score, opposed_only=True)
        spread = clauses.groupby("doc")["sentiment"].agg(["min", "max"])
        mixed = np.zeros(len(uniques), dtype=bool)
        mixed[spread.index.to_numpy()] = ((spread["max"] >= self.mixed_threshold)
                                          & (spread["min"] <= -self.mixed_threshold)).to_numpy()
        return pd.DataFrame({"sentiment": score[codes], "sentiment_label": labels[codes],
                             "mixed": mixed[codes]}, index=texts.index)

    def _clause_scores(self, table: pd.DataFrame, doc_scores: np.ndarray, opposed_only: bool = False) -> pd.DataFrame:
        """The clause table with the model's score of each clause (a one-clause text keeps its own).

        With ``opposed_only`` only the clauses of texts whose lexicon clause scores have both
        signs are scored again (the others keep the text's score): a text the lexicon reads
        one way throughout is not ``mixed``, and ``transform`` skips half its work on tweets."""
        lexicon = table["sentiment"].to_numpy(float) if opposed_only and "sentiment" in table else None
        table = table[["doc", "clause", "text"]]
        doc = table["doc"].to_numpy()
        scores = doc_scores[doc].astype(float) if len(doc) else np.empty(0)
        several = np.r_[doc[1:] == doc[:-1], False] | np.r_[False, doc[1:] == doc[:-1]]
        if lexicon is not None and len(doc):
            n = int(doc.max()) + 1
            high, low = np.zeros(n), np.zeros(n)
            np.maximum.at(high, doc, lexicon)
            np.minimum.at(low, doc, lexicon)
            several &= ((high > 0) & (low < 0))[doc]
        if several.any():
            codes, clause_texts = pd.factorize(table["text"][several], use_na_sentinel=False)
            proba = self._proba_unique(pd.Series(clause_texts, dtype=object), split=False)[0]
            scores[several] = self._decide(proba)[0][codes]
        return table.assign(sentiment=scores)

    def clauses(self, X) -> pd.DataFrame:
        """One row per clause of each text: ``doc`` (position in ``X``), ``clause``, ``text``, ``sentiment``."""
        check_is_fitted(self, "stack_")
        texts = as_texts(X)
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        proba, table = self._proba_unique(pd.Series(uniques, dtype=object))
        return broadcast_clauses(self._clause_scores(table, self._decide(proba)[0]), codes)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(OUTPUT_COLUMNS, dtype=object)


# ---------------------------------------------------------------------------------
# Training with a held-out check
# ---------------------------------------------------------------------------------
def vader_scores(texts) -> np.ndarray:
    """Plain VADER compound scores (the reference the project's scorers are compared with)."""
    series = as_texts(texts)
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

    texts = as_texts(texts).reset_index(drop=True)
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

    texts = as_texts(texts).reset_index(drop=True)
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
