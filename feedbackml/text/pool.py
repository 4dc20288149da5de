"""Several open-text questions pooled into one set of comments, counted per respondent.

A survey often asks two or more open questions ("What did we do well?", "What could we
improve?"). With several text columns every (respondent, question) pair is one comment:
themes and sentiment are learned from and applied to all answers alike, and the comments
table has one row per answer, with ``question`` (the column the answer comes from) and the
respondent's ``row``. Every score statistic stays about respondents — a respondent is in a
theme when any of their answers is, and counts once (:func:`respondent_view`) — so the NPS,
its interval and the drivers do not grow with the number of questions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Name of the pooled text column in the comments table, and of the answer's source column.
POOLED_TEXT = "answer"
QUESTION = "question"
#: Fixed-point units of sentiment sums, as :data:`feedbackml.run.counts.SENTIMENT_SCALE` (exact sums).
SENTIMENT_SCALE = 2.0**32


def fixed_point(values) -> np.ndarray:
    """Values as int64 multiples of 1 / :data:`SENTIMENT_SCALE` (as :func:`feedbackml.run.counts.fixed_point`)."""
    return np.rint(np.nan_to_num(np.asarray(values, dtype=float)) * SENTIMENT_SCALE).astype(np.int64)


def pooled_name(columns) -> str:
    """The name of the pooled text column: :data:`POOLED_TEXT`, prefixed until it is not an input column."""
    name, taken = POOLED_TEXT, {str(c) for c in columns}
    while name in taken:
        name = f"pooled_{name}"
    return name


def pool_answers(accepted: pd.DataFrame, questions: tuple[str, ...], text: str) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per (respondent, question), respondent by respondent in question order.

    Returns the answers (the respondent's columns, ``question`` and the answer under
    ``text``; a fresh 0…n·k−1 index) and each answer's number, ``row · k + j`` for question
    ``j`` of the respondent in input row ``row`` (unique, and the same whatever the chunks;
    :func:`respondent_rows` turns it back into ``row``).
    """
    k = len(questions)
    take = np.repeat(np.arange(len(accepted)), k)
    answers = accepted.iloc[take].reset_index(drop=True)
    answers.insert(0, QUESTION, np.tile(np.asarray(questions, dtype=object), len(accepted)))
    values = np.column_stack([accepted[q].to_numpy(dtype=object) for q in questions]) if len(accepted) \
        else np.zeros((0, k), dtype=object)
    answers[text] = values.reshape(-1)
    ids = accepted.index.to_numpy(dtype="int64")[take] * k + np.tile(np.arange(k, dtype="int64"), len(accepted))
    return answers, ids


def respondent_rows(scored, k: int) -> None:
    """Answer numbers (:func:`pool_answers`) in a scored chunk's comments and mentions replaced
    by the respondent's input row, in place (what the output files hold)."""
    scored.comments["row"] = scored.comments["row"].to_numpy(dtype="int64") // k
    if scored.mentions is not None and len(scored.mentions):
        scored.mentions["row"] = scored.mentions["row"].to_numpy(dtype="int64") // k


def respondent_view(answers: pd.DataFrame, member: np.ndarray, k: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Per respondent (``answers`` holds ``k`` consecutive rows each): ``sentiment`` (mean of
    the answers that are not non-answers, 0 without one), ``sentiment_label`` ("negative" when
    any answer is, else the label of the answers' best: positive over neutral) and the theme
    membership (a respondent is in every theme any of their answers is in)."""
    n = len(answers) // k if k else 0
    usable = ~answers["is_nonanswer"].to_numpy(bool).reshape(n, k)
    sentiment = answers["sentiment"].to_numpy(float).reshape(n, k)
    count = usable.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, np.where(usable, sentiment, 0.0).sum(axis=1) / np.maximum(count, 1), 0.0)
    labels = answers["sentiment_label"].to_numpy(object).reshape(n, k)
    label = np.where((labels == "negative").any(axis=1), "negative",
                     np.where((labels == "positive").any(axis=1), "positive", "neutral"))
    view = pd.DataFrame({"sentiment": mean, "sentiment_label": label.astype(object)})
    return view, member.reshape(n, k, member.shape[1]).any(axis=1)


def question_counts(answers: pd.DataFrame, member: np.ndarray, questions: tuple[str, ...]) -> pd.DataFrame:
    """Sums per question (index, in ``questions`` order): ``answers`` (not non-answers),
    ``nonanswers``, ``negative``, fixed-point ``sentiment`` and ``t0…`` (answers in each theme)."""
    codes = pd.Categorical(answers[QUESTION], categories=list(questions)).codes
    q = len(questions)
    usable = ~answers["is_nonanswer"].to_numpy(bool)
    out = pd.DataFrame({
        "answers": np.bincount(codes[usable], minlength=q),
        "nonanswers": np.bincount(codes[~usable], minlength=q),
        "negative": np.bincount(codes, weights=(answers["sentiment_label"] == "negative").to_numpy(float),
                                minlength=q).astype(np.int64),
    }, index=pd.Index(list(questions), name=QUESTION))
    sums = np.zeros(q, dtype=np.int64)
    np.add.at(sums, codes, fixed_point(answers["sentiment"].to_numpy()))
    out["sentiment"] = sums
    themes = np.zeros((q, member.shape[1]), dtype=np.int64)
    np.add.at(themes, codes, member.astype(np.int64))
    for j in range(member.shape[1]):
        out[f"t{j}"] = themes[:, j]
    return out


def question_tables(counts: pd.DataFrame, themes: pd.DataFrame, wording: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``questions.csv`` (``question, wording, answers, nonanswers, negative_share,
    mean_sentiment``) and ``theme_questions.csv`` (``theme_id, label, question, n, share``:
    the question's answers in the theme, and their share of its answers)."""
    answers = counts["answers"].to_numpy(float)
    total = answers + counts["nonanswers"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        questions = pd.DataFrame({
            QUESTION: counts.index.to_numpy(dtype=object),
            "wording": [wording.get(q, q) for q in counts.index],
            "answers": counts["answers"].to_numpy(np.int64),
            "nonanswers": counts["nonanswers"].to_numpy(np.int64),
            "negative_share": np.round(counts["negative"].to_numpy(float) / total, 4),
            "mean_sentiment": np.round(counts["sentiment"].to_numpy(float) / SENTIMENT_SCALE / total, 4),
        })
        rows = []
        for j, (tid, label) in enumerate(zip(themes["theme_id"], themes["label"])):
            n = counts[f"t{j}"].to_numpy(np.int64)
            rows.append(pd.DataFrame({"theme_id": tid, "label": label, QUESTION: counts.index.to_numpy(dtype=object),
                                      "n": n, "share": np.round(n / answers, 4)}))
    per_theme = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["theme_id", "label", QUESTION, "n", "share"])
    return questions, per_theme
