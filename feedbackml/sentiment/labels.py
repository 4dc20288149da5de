"""Sentiment labels: negative / neutral / positive from people's labels, from scores (weak labels), or from scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..lang import get_language

LABELS = np.array(["negative", "neutral", "positive"], dtype=object)


def label_scores(scores: np.ndarray, threshold: float = 0.05) -> np.ndarray:
    """negative / neutral / positive by VADER's usual ±0.05 cut-offs."""
    scores = np.asarray(scores, dtype=float)
    return LABELS[np.where(scores <= -threshold, 0, np.where(scores >= threshold, 2, 1))]


#: Scores counted as negative (≤ first) and positive (≥ second) per metric for weak labels.
WEAK_CUTS = {"nps": (6, 9), "csat": (2, 4), "ces": (3, 5)}


def sentiment_labels(values, language: str = "en") -> pd.Series:
    """Normalise a label column to negative / neutral / positive (missing stays missing).

    Spellings come from ``lang/<language>/sentiment_labels.tsv``; numeric columns are
    read as 0/1 = negative/positive or −1/0/1 = negative/neutral/positive. Any other
    value raises ``ValueError`` naming it.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    text = series.astype("string").str.strip().str.lower()
    missing = text.isna() | (text == "") | text.isin(["nan", "none", "null", "na", "n/a"])
    numbers = pd.to_numeric(text.where(~missing), errors="coerce")
    numeric = numbers.notna()
    ternary = bool((numbers[numeric] < 0).any())
    numeric_map = {-1.0: "negative", 0.0: "neutral" if ternary else "negative", 1.0: "positive"}
    aliases = get_language(language).sentiment_labels
    out = text.map(aliases).astype(object)
    out[numeric] = numbers[numeric].map(numeric_map)
    unknown = ~missing & pd.isna(out)
    if unknown.any():
        bad = sorted(series[unknown].astype(str).unique())[:5]
        raise ValueError(f"unknown sentiment label(s) {', '.join(map(repr, bad))}; use negative / neutral "
                         "/ positive, -1 / 0 / 1 or 0 / 1")
    return pd.Series(np.where(missing, None, out), index=series.index, dtype=object)


def weak_labels(scores, metric: str = "nps") -> pd.Series:
    """Weak sentiment labels from the score a customer gave: negative, positive or missing.

    NPS: detractors (0–6) negative, promoters (9–10) positive, passives (7–8) left out;
    CSAT 1–5: 1–2 / 4–5, 3 left out; CES 1–7 (agreement that it was easy): 1–3 / 5–7,
    4 left out. Left-out rows are missing, so a model learns from the clear cases only.
    """
    values = pd.to_numeric(pd.Series(scores) if not isinstance(scores, pd.Series) else scores,
                           errors="coerce").astype("float64")
    low, high = WEAK_CUTS[metric]
    out = np.where(values <= low, "negative", np.where(values >= high, "positive", None))
    return pd.Series(np.where(values.isna(), None, out), index=values.index, dtype=object)
