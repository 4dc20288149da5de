"""SVG charts: user text escaped, one mark per row, nothing drawn without data."""

import re

import pandas as pd

from feedbackml.report import charts, svg


def drivers(labels):
    n = len(labels)
    return pd.DataFrame({"theme_id": range(n), "label": labels, "n": [100] * n, "nps_impact": [-5.0 + i for i in range(n)],
                         "nps_impact_ci_low": [-8.0 + i for i in range(n)], "nps_impact_ci_high": [-2.0 + i for i in range(n)],
                         "detractor_lift": [1.5] * n, "lift_ci_low": [1.2] * n, "lift_ci_high": [1.9] * n,
                         "q_value": [0.01] * n, "significant": [True] * n})


def test_text_in_a_chart_is_escaped():
    assert "&lt;script&gt;" in svg.text(0, 0, "<script>alert(1)</script>")
    page = str(charts.driver_chart(drivers(["<b>late</b> delivery", "refund"])))
    assert "<b>late</b>" not in page and "&lt;b&gt;late&lt;/b&gt;" in page


def test_driver_chart_draws_one_impact_bar_with_whiskers_per_theme():
    page = str(charts.driver_chart(drivers(["late delivery", "refund", "app crash"])))
    assert page.startswith("<svg") and len(re.findall(r"<rect", page)) >= 3
    assert page.count("late delivery</text>") == 1  # one row label (tooltips repeat the name)


def test_signed_numbers_use_a_real_minus_sign():
    assert svg.signed(-2.5) == "−2.5" and svg.signed(3) == "+3.0" and svg.signed(float("nan")) == "–"
