"""The one input helper of the text transformers: what they accept as "texts"."""

from __future__ import annotations

import numpy as np
import pandas as pd


def as_texts(X, *, raw: bool = False) -> pd.Series:
    """The texts in ``X`` as a Series, keeping a Series' or frame's index.

    Accepted: a Series, a list / array / any iterable of texts, a one-column DataFrame,
    or the frame :class:`~feedbackml.TextCleaner` returns (its ``clean_text``, with
    non-answers as empty texts), so the transformers compose in a
    :func:`sklearn.pipeline.make_pipeline`. Any other frame is a ``ValueError`` (a
    frame of several columns is never read by position).

    ``raw=True`` returns the values as given (pandas' Arrow-backed strings stay so,
    missing stays missing), for the cleaner; otherwise missing texts become "" and
    every value is a ``str``.
    """
    if isinstance(X, pd.DataFrame):
        if "clean_text" in X.columns:
            text = X["clean_text"]
            if "is_nonanswer" in X.columns:
                text = text.where(~X["is_nonanswer"].astype(bool), "")
            X = text
        elif X.shape[1] == 1:
            X = X.iloc[:, 0]
        else:
            raise ValueError(f"expected texts: a Series, a list, a one-column frame or TextCleaner's "
                             f"output, got a frame with {X.shape[1]} columns "
                             f"({', '.join(map(str, X.columns[:5]))}{' …' if X.shape[1] > 5 else ''})")
    if isinstance(X, pd.Series):
        series = X
    elif isinstance(X, str):
        raise ValueError("expected a collection of texts, got one string (wrap it in a list)")
    else:
        series = pd.Series(list(X) if not isinstance(X, np.ndarray) else X.ravel(), dtype=object)
    if raw:
        # pandas' Arrow-backed strings stay so: factorising them is done by Arrow, fast
        return series if isinstance(series.dtype, pd.StringDtype) else series.astype(object)
    return series.astype(object).where(series.notna(), "").astype(str)
