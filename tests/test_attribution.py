"""Overlap-aware attribution: the penalised logistic fit, adjusted odds ratios, Shapley impacts."""

from itertools import permutations

import numpy as np

from feedbackml.stats.attribution import adjusted_odds_ratios, fit_logistic, shapley_impacts


def test_logistic_fit_recovers_the_coefficients_of_simulated_counts():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(400), rng.integers(0, 2, 400), rng.integers(0, 2, 400)]).astype(float)
    beta = np.array([-1.0, 1.2, -0.7])
    trials = np.full(400, 50.0)
    events = rng.binomial(50, 1 / (1 + np.exp(-(X @ beta)))).astype(float)
    coef, cov = fit_logistic(X, events, trials, l2=np.array([0.0, 1e-6, 1e-6]))
    assert np.all(np.abs(coef - beta) < 4 * np.sqrt(np.diag(cov)))
    assert np.all(np.diag(cov) > 0)


def test_without_overlap_or_controls_the_adjusted_or_is_the_plain_odds_ratio():
    member = np.zeros((400, 1), dtype=bool)
    member[:200, 0] = True
    event = np.r_[np.arange(200) < 120, np.arange(200) < 60]  # 60% in the theme, 30% outside
    plain = (120 / 80) / (60 / 140)
    table = adjusted_odds_ratios(member, event, l2=1e-6)
    assert abs(table["adjusted_or"].iloc[0] / plain - 1) < 1e-3
    assert table["adjusted_or_ci_low"].iloc[0] < plain < table["adjusted_or_ci_high"].iloc[0]


def test_shapley_impacts_match_the_definition_on_two_overlapping_themes():
    rng = np.random.default_rng(1)
    member = rng.random((300, 2)) < [0.4, 0.3]
    value = np.where(member[:, 0], -60.0, 20.0) + rng.normal(0, 10, 300)

    def v(themes):  # score of all − score of the comments that mention none of ``themes``
        keep = ~member[:, list(themes)].any(axis=1) if themes else np.ones(300, bool)
        return value.mean() - value[keep].mean()

    exact = np.zeros(2)
    for order in permutations(range(2)):
        for i, theme in enumerate(order):
            exact[theme] += (v(order[:i + 1]) - v(order[:i])) / 2
    np.testing.assert_allclose(shapley_impacts(member, value), exact, rtol=1e-9, atol=1e-9)


def test_sampled_shapley_values_of_each_order_prefix_are_the_leave_out_values_of_that_prefix():
    from feedbackml.stats.attribution import _leave_out_values, _prefix_values

    rng = np.random.default_rng(2)
    patterns = rng.random((40, 15)) < 0.2
    counts = rng.integers(1, 9, 40).astype(float)
    sums = counts * rng.choice([-100.0, 0.0, 100.0], 40)
    orders = np.stack([rng.permutation(15) for _ in range(6)])
    prefixes = np.array([[np.isin(t, order[:s]) for t in range(15)] for order in orders for s in range(16)])
    expected = _leave_out_values(prefixes, patterns, sums, counts).reshape(6, 16)
    np.testing.assert_array_equal(_prefix_values(orders, patterns, sums, counts), expected)
