"""Comparisons over time: periods, theme trends, trend tests, spike alerts and the shift-share decomposition of a score change.

Built like :mod:`feedbackml.stats.segments` from bincounts over period codes, with an optional
``weight`` per row so counts stand for the comments they count."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
from scipy import stats

from .drivers import benjamini_hochberg
from .scores import get_metric, weighted_rows
from .segments import (
    ALL_COMMENTS,
    MIN_GROUP_N,
    NO_THEME_LABEL,
    group_counts,
    role_masks,
    score_ci,
    whole_counts,
)

PERIODS = {"week": "W", "month": "M", "quarter": "Q"}


TREND_COLUMNS = ["period", "theme_id", "label", "n", "n_scored", "share", "nps", "nps_ci_low",
                 "nps_ci_high", "detractor_rate", "too_few", "detractor_rate_ci_low", "detractor_rate_ci_high"]
THEME_TREND_COLUMNS = ["theme_id", "label", "share_first", "share_last", "slope", "z", "p_value",
                       "q_value", "direction"]
DECOMPOSITION_COLUMNS = ["theme_id", "label", "weight_from", "weight_to", "score_from", "score_to",
                         "volume_effect", "score_effect", "total"]


#: Dates before this, or after the end of next year, are placeholders or typos: not trends.
EARLIEST_DATE = "1990-01-01"
#: A "lone" far-off group of periods: at most this share of the dated comments (≥ 1 comment)
#: and separated from the rest by more than the rest's span and more than this many days.
LONE_SHARE, LONE_GAP_DAYS = 0.01, 365
#: ... looked for only with at least this many dated comments (one in 20 is not "lone").
LONE_MIN_DATED = 20
#: Spike alerts: look-back window, least history for a mean + SD, least comments in the period.
ALERT_WINDOW, ALERT_MIN_HISTORY, ALERT_MIN_COUNT, ALERT_SD = 6, 3, 5, 2.0


def to_periods(dates: pd.Series, period: str = "month") -> pd.Series:
    """Each date's week (Monday start), month or quarter as a pandas Period (NaT stays NaT)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    values = pd.Series(dates).reset_index(drop=True)
    if not isinstance(values.dtype, pd.DatetimeTZDtype) and not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, errors="coerce")
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    return values.dt.to_period(PERIODS[period])


def screen_periods(periods: pd.Series, period: str = "month", weight=None,
                   today: datetime.date | None = None) -> tuple[pd.Series, dict]:
    """The periods with placeholder and far-off dates left out (NaT), and what was left out.

    A placeholder such as 9999-12-31 or 0001-01-01 among dates of 2025 would otherwise
    make every period in between — 95,700 months. Left out: periods that end before
    :data:`EARLIEST_DATE` or start after the end of next year (from ``today``, default the
    clock), and a "lone" group at either end: at most :data:`LONE_SHARE` of the dated
    comments (at least one, once there are :data:`LONE_MIN_DATED`), separated from the rest by a gap longer than both the span
    of the rest and :data:`LONE_GAP_DAYS` (2019-05 among dates of 2025). Works on
    periods, not raw dates, so that counts from chunks (``weight``) give the same answer.
    The dict: ``ignored`` (comments left out), ``too_early``, ``too_late``, ``lone``
    (labels of the first few periods of each) and ``kept_from`` / ``kept_to``.
    """
    periods = pd.Series(periods).reset_index(drop=True)
    w = np.ones(len(periods)) if weight is None else np.asarray(weight, dtype=float).reshape(-1)
    valid = periods.notna().to_numpy() & (w > 0)
    info = {"ignored": 0, "too_early": [], "too_late": [], "lone": [], "kept_from": None, "kept_to": None}
    if not valid.any():
        return periods, info
    today = datetime.date.today() if today is None else today
    index = pd.PeriodIndex(periods[valid])
    start = index.asfreq("D", how="start").asi8
    end = index.asfreq("D", how="end").asi8
    epoch = pd.Timestamp("1970-01-01")
    first_day = (pd.Timestamp(EARLIEST_DATE) - epoch).days
    last_day = (pd.Timestamp(year=today.year + 1, month=12, day=31) - epoch).days
    early, late = end < first_day, start > last_day
    inside = ~(early | late)
    lone = np.zeros(len(index), dtype=bool)
    if inside.any():
        ordinal = index.asi8
        values, inverse = np.unique(ordinal[inside], return_inverse=True)
        mass = np.bincount(inverse, weights=w[valid][inside])
        day = np.empty(len(values), dtype=np.int64)
        day[inverse] = start[inside]
        lo, hi = _lone_ends(day, mass)
        far = np.ones(len(values), dtype=bool)
        far[lo:hi] = False
        lone[inside] = far[inverse]
        kept = index[inside][~far[inverse]]
        info["kept_from"], info["kept_to"] = period_label(pd.PeriodIndex([kept.min(), kept.max()]), period)
    drop = np.zeros(len(periods), dtype=bool)
    drop[np.flatnonzero(valid)] = early | late | lone
    info["ignored"] = int(round(w[drop].sum()))
    for key, flag in (("too_early", early), ("too_late", late), ("lone", lone)):
        info[key] = period_label(pd.PeriodIndex(sorted(set(index[flag]))[:3], freq=index.freq), period)
    return periods.mask(pd.Series(drop)), info


def _lone_ends(day: np.ndarray, mass: np.ndarray) -> tuple[int, int]:
    """Slice [lo, hi) of the sorted distinct periods (start ``day``, comments ``mass``) kept."""
    total = mass.sum()
    limit = max(LONE_SHARE * total, 1.0) if total >= LONE_MIN_DATED else 0.0
    lo, hi, last = 0, len(day), len(day) - 1
    below = np.cumsum(mass)
    for i in range(last):  # low tail: periods 0..i
        if below[i] > limit:
            break
        if day[i + 1] - day[i] > max(day[last] - day[i + 1], LONE_GAP_DAYS):
            lo = i + 1
    above = np.cumsum(mass[::-1])
    for i in range(last - lo):  # high tail: the last i + 1 periods
        if above[i] > limit:
            break
        first_kept, rest_end = last - i, last - i - 1
        if day[first_kept] - day[rest_end] > max(day[rest_end] - day[lo], LONE_GAP_DAYS):
            hi = first_kept
    return lo, hi


def period_label(periods: pd.PeriodIndex, period: str) -> list[str]:
    """Readable, sortable labels: ``2025-W02`` (ISO week), ``2025-01``, ``2025-Q1``."""
    if period == "week":
        iso = pd.DatetimeIndex(periods.start_time).isocalendar()
        return [f"{y:04d}-W{w:02d}" for y, w in zip(iso["year"], iso["week"])]
    if period == "quarter":
        return [f"{p.year}-Q{p.quarter}" for p in periods]
    return [str(p) for p in periods]


def _period_codes(periods: pd.Series) -> tuple[np.ndarray, pd.PeriodIndex]:
    """Code per comment (−1 without a date) and every period from the first to the last."""
    valid = periods.notna().to_numpy()
    if not valid.any():
        return np.full(len(periods), -1, dtype=np.int64), pd.PeriodIndex([], freq=periods.dt.freq)
    ordinal = np.asarray(periods.array.asi8, dtype=np.int64)
    first, last = ordinal[valid].min(), ordinal[valid].max()
    codes = np.where(valid, ordinal - first, -1)
    full = pd.period_range(pd.Period(ordinal=first, freq=periods.dt.freq),
                           pd.Period(ordinal=last, freq=periods.dt.freq))
    return codes.astype(np.int64), full


def trend_table(periods: pd.Series, category: pd.Series, member: np.ndarray, themes: pd.DataFrame,
                *, period: str = "month", metric: str = "nps", alpha: float = 0.05,
                ci_method: str = "analytic", n_boot: int = 2000, random_state: int = 0,
                event: pd.Series | None = None, min_n: int = MIN_GROUP_N, weight=None) -> pd.DataFrame:
    """Long table (:data:`TREND_COLUMNS`): per period a row for all comments, then one per theme.

    ``periods`` comes from :func:`to_periods`; every period from the first to the last
    appears, empty ones with n = 0. The all-comments row has an empty ``theme_id`` and
    ``share``; a theme row's ``share`` is its comments over the period's comments with a
    theme. ``nps`` is the metric's score with its CI (empty without scores in the period).
    ``too_few``: fewer than ``min_n`` scored comments in the row (drawn as "too few").
    ``detractor_rate`` (the event rate) has its Agresti–Coull interval.
    """
    member = np.asarray(member, dtype=bool)
    weight, periods, category, member, event = weighted_rows(weight, periods, category, member, event)
    codes, full = _period_codes(periods)
    t, k = len(full), member.shape[1]
    if t == 0:
        return pd.DataFrame(columns=TREND_COLUMNS)
    roles = role_masks(category, event)
    dated = codes >= 0
    whole = group_counts(codes[dated], t, {x: v[dated] for x, v in roles.items()},
                    weight=None if weight is None else weight[dated])
    rows, ks = np.nonzero(member & dated[:, None])
    cell = group_counts(codes[rows] * k + ks, t * k, roles, rows, weight)
    _, with_theme = _theme_period_counts(codes, member, t, weight)
    # One block of t "all" rows followed by t·k theme rows, scored together.
    both = {x: np.concatenate([whole[x], cell[x]]) for x in whole}
    res = score_ci(both, metric, alpha, ci_method, n_boot, random_state)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.concatenate([np.full(t, np.nan), cell["n"] / np.repeat(with_theme, k)])
    labels = period_label(full, period)
    out = pd.DataFrame({
        "period": np.concatenate([labels, np.repeat(labels, k)]),
        "theme_id": pd.array(np.concatenate([np.full(t, -1), np.tile(themes["theme_id"].to_numpy(), t)]),
                             dtype="Int64"),
        "label": np.concatenate([np.full(t, ALL_COMMENTS, dtype=object),
                                 np.tile(themes["label"].to_numpy(dtype=object), t)]),
        "n": both["n"], "n_scored": both["scored"], "share": share, "nps": res["score"],
        "nps_ci_low": res["ci_low"], "nps_ci_high": res["ci_high"], "detractor_rate": res["event_rate"],
        "too_few": both["scored"] < min_n,
        "detractor_rate_ci_low": res["event_ci_low"], "detractor_rate_ci_high": res["event_ci_high"],
        "_order": np.concatenate([np.arange(t) * (k + 1), np.repeat(np.arange(t) * (k + 1), k)
                                  + np.tile(np.arange(1, k + 1), t)]),
    })
    out.loc[out.index < t, "theme_id"] = pd.NA
    return out.sort_values("_order").drop(columns="_order").reset_index(drop=True)[TREND_COLUMNS]


def _theme_period_counts(codes: np.ndarray, member: np.ndarray, t: int,
                         weight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Comments per period × theme, and comments with any theme per period."""
    k = member.shape[1]
    dated = codes >= 0
    rows, ks = np.nonzero(member & dated[:, None])
    counts = np.bincount(codes[rows] * k + ks, weights=None if weight is None else weight[rows],
                         minlength=t * k)
    themed = dated & member.any(axis=1)
    with_theme = np.bincount(codes[themed], weights=None if weight is None else weight[themed],
                             minlength=t)
    return whole_counts(counts).reshape(t, k), whole_counts(with_theme)


def theme_trend_tests(periods: pd.Series, member: np.ndarray, themes: pd.DataFrame,
                      alpha: float = 0.05, weight=None) -> pd.DataFrame:
    """Is each theme's share rising or falling? Cochran–Armitage trend test across periods.

    Per theme (:data:`THEME_TREND_COLUMNS`): share in the first and last period with
    themed comments, ``slope`` (least-squares change of share per period, weighted by
    comments), ``z`` and ``p_value`` of the test, Benjamini–Hochberg ``q_value``, and
    ``direction`` (rising / falling when q < alpha, else empty).
    """
    member = np.asarray(member, dtype=bool)
    weight, periods, member = weighted_rows(weight, periods, member)
    codes, full = _period_codes(periods)
    counts, n_t = _theme_period_counts(codes, member, len(full), weight)
    has = n_t > 0
    if has.sum() < 2:
        return pd.DataFrame(columns=THEME_TREND_COLUMNS)
    x = np.arange(len(n_t), dtype=float)
    big_n = n_t.sum()
    x_bar = (n_t * x).sum() / big_n
    sxx = (n_t * (x - x_bar) ** 2).sum()
    p = counts.sum(axis=0) / big_n
    stat = ((x - x_bar)[:, None] * counts).sum(axis=0)
    var = p * (1 - p) * sxx
    z = stat / np.sqrt(np.where(var > 0, var, 1.0))
    p_value = 2 * stats.norm.sf(np.abs(z))
    q_value = benjamini_hochberg(p_value)
    first, last = np.flatnonzero(has)[[0, -1]]
    direction = np.where(q_value < alpha, np.where(stat > 0, "rising", "falling"), "")
    return pd.DataFrame({"theme_id": themes["theme_id"].to_numpy(), "label": themes["label"].to_numpy(),
                         "share_first": counts[first] / n_t[first], "share_last": counts[last] / n_t[last],
                         "slope": stat / sxx, "z": z, "p_value": p_value, "q_value": q_value,
                         "direction": direction}, columns=THEME_TREND_COLUMNS)


def spike_alerts(periods: pd.Series, member: np.ndarray, themes: pd.DataFrame, period: str = "month",
                 window: int = ALERT_WINDOW, min_history: int = ALERT_MIN_HISTORY,
                 min_count: int = ALERT_MIN_COUNT, n_sd: float = ALERT_SD, alpha: float = 0.05,
                 weight=None) -> list[dict]:
    """Themes whose share of a period jumps above their recent level, or that are new.

    ``share`` is as in the trends (theme comments over the period's comments with a
    theme). Every (theme, period) with enough history is tested, and the alerts are the
    tests that pass Benjamini–Hochberg at ``alpha`` over all of them (themes × periods), so
    an export with no real change raises none however many themes and periods it has.

    - ``spike``: at least ``min_history`` earlier periods with themed comments in the
      ``window``. p-value: one-sided exact test that the period holds more of the theme's
      comments than its size predicts from the window (given the theme's comments in the
      window and the period, the period's count is binomial with the period's share of
      themed comments). It must also beat mean + ``n_sd`` × SD of the window's shares,
      SD the larger of their sample SD and the binomial SD of a share of that mean in
      this period, so that ordinary month-to-month swings are no alert however big n is.
    - ``new``: comments now and none in any earlier period (at least one with themed
      comments); p-value: the chance that all of them fall in this period by its size.

    Either needs ``min_count`` comments of the theme in the period. One dict per alert
    (period, theme_id, label, kind, n, share, baseline_mean, baseline_sd, threshold,
    p_value, q_value), latest period first.
    """
    member = np.asarray(member, dtype=bool)
    weight, periods, member = weighted_rows(weight, periods, member)
    codes, full = _period_codes(periods)
    counts, n_t = _theme_period_counts(codes, member, len(full), weight)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(n_t[:, None] > 0, counts / n_t[:, None], np.nan)
    labels = period_label(full, period)
    ids, names = themes["theme_id"].to_numpy(), themes["label"].to_numpy(dtype=object)
    tests = []  # (period, theme, kind, p_value, is a candidate, mean, sd, history)
    for t in range(1, len(full)):
        if n_t[t] == 0:
            continue
        past = s[max(0, t - window):t]
        valid = ~np.isnan(past)
        n_hist = valid.sum(axis=0)
        mean = np.where(valid, past, 0.0).sum(axis=0) / np.maximum(n_hist, 1)
        sd = np.sqrt((np.where(valid, past - mean, 0.0) ** 2).sum(axis=0) / np.maximum(n_hist - 1, 1))
        sd = np.maximum(sd, np.sqrt(mean * (1 - mean) / n_t[t]))
        earlier = n_t[:t].sum()
        ever = counts[:t].sum(axis=0) > 0
        enough = counts[t] >= min_count
        n_window = n_t[max(0, t - window):t].sum()
        in_window = counts[max(0, t - window):t].sum(axis=0)
        p_spike = stats.binom.sf(counts[t] - 1, in_window + counts[t], n_t[t] / (n_window + n_t[t]))
        p_new = (n_t[t] / (earlier + n_t[t])) ** counts[t]
        for j in np.flatnonzero(~ever if earlier > 0 else np.zeros(len(ever), bool)):
            tests.append((t, j, "new", p_new[j], enough[j], mean[j], sd[j], n_hist[j]))
        spike = enough & (s[t] > mean + n_sd * sd)
        for j in np.flatnonzero(ever & (n_hist >= min_history)):
            tests.append((t, j, "spike", p_spike[j], spike[j], mean[j], sd[j], n_hist[j]))
    if not tests:
        return []
    tests.sort(key=lambda test: (test[0], test[1]))
    q_values = benjamini_hochberg(np.array([test[3] for test in tests], dtype=float))
    alerts = []
    for (t, j, kind, p_value, candidate, mean, sd, n_hist), q_value in zip(tests, q_values):
        if not (candidate and q_value < alpha):
            continue
        alerts.append({"period": labels[t], "theme_id": int(ids[j]), "label": str(names[j]),
                       "kind": kind, "n": int(counts[t, j]), "share": round(float(s[t, j]), 4),
                       "baseline_mean": round(float(mean), 4) if n_hist else None,
                       "baseline_sd": round(float(sd), 4) if n_hist > 1 else None,
                       "threshold": round(float(mean + n_sd * sd), 4) if n_hist > 1 else None,
                       "p_value": float(f"{p_value:.4g}"), "q_value": float(f"{q_value:.4g}")})
    return sorted(alerts, key=lambda a: a["period"], reverse=True)


def _period_masses(member: np.ndarray, value: np.ndarray, count: np.ndarray,
                   rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Weight and score of each theme (and of "no theme", last) among ``rows``, and the score.

    A comment with m themes counts 1/m in each. Sums are taken per m first (whole counts,
    exact) and divided by m after, so rows and their counts give identical floats.
    """
    k = member.shape[1]
    c, v, m = count[rows], value[rows], member[rows].sum(axis=1)
    r, j = np.nonzero(member[rows])
    cell = m[r] * k + j
    per_m = np.bincount(cell, weights=c[r], minlength=(k + 1) * k).reshape(k + 1, k)
    value_per_m = np.bincount(cell, weights=(c * v)[r], minlength=(k + 1) * k).reshape(k + 1, k)
    fraction = 1.0 / np.maximum(np.arange(k + 1), 1)[:, None]
    none = m == 0
    mass = np.append((per_m * fraction).sum(axis=0), c[none].sum())
    sums = np.append((value_per_m * fraction).sum(axis=0), (c * v)[none].sum())
    total = c.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        score = sums / mass
    return mass / total, score, float((c * v).sum() / total)


def score_decomposition(periods: pd.Series, category: pd.Series, member: np.ndarray,
                        themes: pd.DataFrame, *, period: str = "month",
                        metric: str = "nps", weight=None) -> tuple[pd.DataFrame, dict]:
    """Shift-share split of the score change between the last two periods with scores.

    Each scored comment with m themes counts 1/m in each (themeless comments form a
    "(no theme)" group), so the score is exactly Σ weight·score over groups. The change
    is split per group into a volume effect (Δweight × mean score) and a score effect
    (Δscore × mean weight); the parts add up exactly to the change. Returns the table
    (:data:`DECOMPOSITION_COLUMNS`) and a dict with ``from``, ``to``, ``score_from``,
    ``score_to``, ``change`` (empty table and None values with fewer than two periods).
    """
    member = np.asarray(member, dtype=bool)
    weight, periods, category, member = weighted_rows(weight, periods, category, member)
    codes, full = _period_codes(periods)
    roles = role_masks(category, None)
    use = (codes >= 0) & roles["scored"]
    meta = {"metric": metric, "from": None, "to": None, "score_from": None, "score_to": None, "change": None}
    with_scores = np.unique(codes[use])
    if len(with_scores) < 2:
        return pd.DataFrame(columns=DECOMPOSITION_COLUMNS), meta
    a, b = with_scores[-2:]
    w = get_metric(metric).detractor_weight
    value = 100.0 * roles["pro"] - 100.0 * w * roles["det"]
    count = np.ones(len(codes)) if weight is None else weight
    parts = [_period_masses(member, value, count, use & (codes == code)) for code in (a, b)]
    (w0, s0, total0), (w1, s1, total1) = parts
    s0 = np.where(np.isnan(s0), s1, s0)  # a group absent in one period: its score effect is 0
    s1 = np.where(np.isnan(s1), s0, s1)
    s0, s1 = np.nan_to_num(s0), np.nan_to_num(s1)
    volume = (w1 - w0) * (s0 + s1) / 2
    score_effect = (s1 - s0) * (w0 + w1) / 2
    labels = period_label(full[[a, b]], period)
    table = pd.DataFrame({
        "theme_id": np.append(themes["theme_id"].to_numpy(), -1).astype("int64"),
        "label": np.append(themes["label"].to_numpy(dtype=object), NO_THEME_LABEL),
        "weight_from": w0, "weight_to": w1,
        "score_from": np.where(w0 > 0, s0, np.nan), "score_to": np.where(w1 > 0, s1, np.nan),
        "volume_effect": volume, "score_effect": score_effect, "total": volume + score_effect,
    }, columns=DECOMPOSITION_COLUMNS)
    table = table.sort_values(["total", "theme_id"], kind="stable").reset_index(drop=True)
    meta.update({"from": labels[0], "to": labels[1], "score_from": total0, "score_to": total1,
                 "change": total1 - total0})
    return table, meta
