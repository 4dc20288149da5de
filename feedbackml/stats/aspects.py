"""Aspect × polarity drivers: what negative (or positive) mentions of a theme do to the score.

Membership alone cannot find what hurts when a topic is praised about as often as it is
criticised: on seat reviews legroom is both the top complaint and the top praise, so
"mentions legroom" has a detractor lift near 1. Splitting each theme's comments by the
sentiment of their mention of it ("negative mentions of legroom", "positive mentions of
legroom") and running the usual driver statistics on those 2k memberships shows it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .drivers import DRIVER_COLUMNS, EXTRA_COLUMNS, theme_drivers

POLARITIES = ("negative", "positive")
#: Columns of ``aspect_drivers.csv``: the drivers' columns with ``polarity`` after ``label``.
ASPECT_DRIVER_COLUMNS = DRIVER_COLUMNS[:2] + ["polarity"] + DRIVER_COLUMNS[2:]


def aspect_drivers(negative: np.ndarray, positive: np.ndarray, category: pd.Series, themes: pd.DataFrame,
                   **options) -> pd.DataFrame:
    """One row per (theme, polarity) with at least one such mention, most harmful first.

    ``negative`` / ``positive`` are boolean comments × themes matrices (in the order of
    ``themes``): the comment has a negative / positive mention of the theme. ``options``
    go to :func:`feedbackml.drivers.theme_drivers` (alpha, min_n, metric, event,
    controls, weight, random_state); the q-values and adjusted odds ratios treat the 2k
    memberships as one family, as drivers.csv does its k themes.
    """
    k = len(themes)
    member = np.hstack([np.asarray(negative, bool), np.asarray(positive, bool)])
    stand_in = pd.DataFrame({"theme_id": np.arange(2 * k), "label": np.tile(themes["label"].to_numpy(object), 2)})
    out = theme_drivers(member, category, stand_in, **options)
    which = out["theme_id"].to_numpy()
    out["theme_id"] = themes["theme_id"].to_numpy(np.int64)[which % max(k, 1)] if k else which
    out.insert(2, "polarity", np.where(which < k, POLARITIES[0], POLARITIES[1]))
    out = out[out["n"] > 0].reset_index(drop=True)
    return out[ASPECT_DRIVER_COLUMNS + EXTRA_COLUMNS]
