"""The HTML report: self-contained, escaped, deterministic, with optional sections."""

from __future__ import annotations

import base64
import hashlib
import re
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import feedbackml as fml
from feedbackml.report import render_report, svg
from feedbackml.report.driver_charts import impact_chart, impact_volume_chart, measures
from feedbackml.report.score_charts import score_mix_chart, segment_chart
from feedbackml.report.time_charts import decomposition_chart, share_chart, trend_chart
from feedbackml.report.words import words_for

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_feedback.csv"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def results():
    from tests.conftest import make_feedback

    df = make_feedback(n_per_topic=40)
    df.loc[0, "comment"] = f"the delivery was late again {SCRIPT}"
    df.loc[1, "comment"] = f"{IMG} the courier lost my parcel again"
    df.loc[2, "nps"] = "eleven"
    return fml.analyze(df, text="comment", score="nps", metric="nps", n_themes=3)  # given: no warning


def hostile(results):
    """A copy of ``results`` with markup in every place user text can reach the page."""
    res = fml.Results(comments=results.comments.copy(), themes=results.themes.copy(),
                      drivers=results.drivers.copy(), summary=dict(results.summary),
                      rejects=results.rejects.copy(), extra={})
    res.themes["label"] = res.themes["label"] + " " + SCRIPT
    res.themes["keywords"] = IMG
    res.themes["quotes"] = f"{SCRIPT} first | {IMG} second"
    res.drivers["label"] = res.drivers["label"] + " " + IMG
    res.rejects["value"] = SCRIPT
    res.summary["input"] = {**res.summary["input"], "source": f"{IMG}.csv", "text_column": SCRIPT}
    res.extra["segments"] = segments_table([SCRIPT, IMG])
    res.extra["trends"] = trends_table(res.themes["theme_id"].tolist())
    res.summary["alerts"] = [{"theme_id": int(res.themes["theme_id"].iloc[0]), "period": "2025-03",
                              "label": SCRIPT, "note": IMG}]
    return res


def segments_table(names):
    n = len(names)
    return pd.DataFrame({"segment": names, "n": np.arange(40, 40 + n), "nps": np.linspace(-20, 30, n),
                         "nps_ci_low": np.linspace(-35, 15, n), "nps_ci_high": np.linspace(-5, 45, n),
                         "q_value": np.linspace(0.001, 0.5, n), "differs": [i == 0 for i in range(n)]})


def trends_table(theme_ids, periods=("2025-01", "2025-02", "2025-03")):
    rows = []
    for k, p in enumerate(periods):
        rows.append({"period": p, "theme_id": np.nan, "n": 50, "nps": 10.0 + k, "nps_ci_low": -5.0 + k,
                     "nps_ci_high": 25.0 + k, "share": 1.0})
        for t in theme_ids:
            rows.append({"period": p, "theme_id": float(t), "n": 10, "nps": 5.0, "nps_ci_low": -20.0,
                         "nps_ci_high": 30.0, "share": 0.2 + 0.05 * k * (t == theme_ids[0])})
    return pd.DataFrame(rows)


def csp_of(page: str) -> str:
    return unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))


def sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_comment_markup_shows_as_text_never_as_markup(results):
    html = render_report(hostile(results))
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_page_has_one_script_and_one_data_block(results):
    html = render_report(hostile(results))
    assert html.count("<script>") == 1 and html.count('<script type="application/json" id="explorer-data">') == 1
    assert html.count("<script") == 2
    data = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in data and ">" not in data  # comment markup is escaped inside the data block
    assert re.search(r"<[a-z][^>]*\sonerror=", html) is None  # no element carries a handler


def test_csp_allows_only_the_inline_style_and_script_by_hash(results):
    html = render_report(results)
    csp = csp_of(html)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert f"style-src '{sha(style)}'" in csp and f"script-src '{sha(script)}'" in csp


def test_page_loads_nothing_from_outside(results):
    html = render_report(hostile(results))
    without_svg_ns = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in without_svg_ns and "https://" not in without_svg_ns
    assert "<link" not in html and " src=" not in html.replace("&lt;img src=", "")
    assert "<iframe" not in html and "@import" not in html


def test_same_results_render_byte_identical_pages(results):
    assert render_report(hostile(results)) == render_report(hostile(results))


def test_two_analyses_of_the_same_data_give_the_same_report(results):
    from tests.conftest import make_feedback

    a = fml.analyze(make_feedback(n_per_topic=20), n_themes=3)
    b = fml.analyze(make_feedback(n_per_topic=20), n_themes=3)
    assert render_report(a) == render_report(b)


def test_headline_shows_score_with_interval_and_row_counts(results):
    html = render_report(results)
    nps = results.summary["nps"]
    assert f"{nps['nps']:.1f}".replace("-", "−") in html
    assert f"95% CI {nps['ci_low']:.1f}".replace("-", "−") in html
    assert f"{results.summary['rows']['in']:,} rows" in html


def test_rejected_rows_link_to_their_reasons(results):
    html = render_report(results)
    assert 'href="#rejects"' in html and 'href="#reject-1"' in html and 'id="reject-1"' in html
    assert "not a number" in html


def test_optional_sections_are_left_out_without_their_data(results):
    html = render_report(results)
    assert 'id="changes"' not in html and 'id="segments"' not in html and "spiked" not in html
    assert 'id="checks"' not in html  # no warnings, no "Check before you share"


def test_trends_segments_and_alerts_are_drawn_when_present(results):
    res = hostile(results)
    res.extra["segments"] = segments_table(["web", "app", "phone"])
    html = render_report(res)
    assert 'id="changes"' in html and 'id="segments"' in html
    assert "NPS per period with 95% confidence band" in html
    assert "Share of comments per theme and period" in html and "spike alert" in html
    assert "spiked in 2025-03" in html and "phone (n = 42)" in html


def test_alerts_without_a_trend_table_still_show(results):
    res = hostile(results)
    del res.extra["trends"]
    html = render_report(res)
    assert "spiked in 2025-03" in html and "NPS per period" not in html


def test_every_theme_appears_with_up_to_three_quotes(results):
    res = hostile(results)
    res.themes["quotes"] = "one quote | two quote | three quote | four quote"
    html = render_report(res)
    assert html.count("<blockquote>") == 3 * len(res.themes)
    assert "four quote" not in html
    for label in results.themes["label"]:
        assert label in html


def test_theme_and_driver_tables_are_sortable(results):
    html = render_report(results)
    assert 'class="sortable" id="theme-table"' in html and 'class="sortable" id="driver-table"' in html
    assert 'data-type="num"' in html and "data-v=" in html


def test_columns_from_later_analyses_are_shown_when_present(results):
    res = hostile(results)
    res.drivers = res.drivers.assign(shapley_impact=-1.0, odds_ratio=2.0, or_ci_low=1.5, or_ci_high=2.5,
                                     adjusted_or=1.8, adjusted_or_ci_low=1.2, adjusted_or_ci_high=2.4,
                                     nps_impact_ci_low=res.drivers["nps_impact"] - 3,
                                     nps_impact_ci_high=res.drivers["nps_impact"] + 3)
    res.themes = res.themes.assign(negative_share=0.25)
    res.comments = res.comments.assign(mixed=False)
    html = render_report(res)
    assert "Overlap-free NPS impact" in html and "Adjusted odds ratio (95% CI)" in html
    assert "Odds ratio (95% CI)" in html and "25% negative" in html and " mixed" in html
    assert "line: 95% CI" in html


def test_methods_name_versions_thresholds_and_input_fingerprint(results):
    html = render_report(results)
    assert results.summary["input"]["sha256"] in html
    assert f"scikit-learn {results.summary['versions']['scikit-learn']}" in html
    assert "below 0.05" in html and "at least 30 comments" in html and "seeded with random_state = 0" in html


def test_report_rebuilt_from_a_folder_matches_the_original(results, tmp_path):
    res = hostile(results)
    res.to_folder(tmp_path / "o")
    first = (tmp_path / "o" / "report.html").read_text("utf-8")
    again = fml.Results.from_folder(tmp_path / "o")
    assert 'id="segments"' in render_report(again) and 'id="changes"' in first
    assert SCRIPT not in render_report(again)


def test_bundled_sample_report_is_small_and_shows_hostile_comments_as_text(tmp_path):
    res = fml.analyze(fml.read_table(SAMPLE), text="comment", score="nps")
    html = render_report(res)
    assert len(html.encode("utf-8")) < 3 * 1024 * 1024
    assert SCRIPT not in html and IMG not in html
    quoted = " ".join(res.themes["quotes"].fillna(""))
    if "<script>" in quoted:  # the sample's hostile comment was picked as a quote
        assert "&lt;script&gt;" in html


def test_nice_steps_are_one_two_or_five_times_a_power_of_ten():
    for span in (0.3, 1, 7, 42, 130, 999):
        step = svg.nice_step(span)
        mantissa = step / 10 ** np.floor(np.log10(step))
        assert round(mantissa, 6) in (1, 2, 5, 10)


def test_nice_range_contains_the_data():
    for lo, hi in ((-27.3, 29.1), (0, 0.43), (-3, -1), (5, 5)):
        vmin, vmax, ticks = svg.nice_range(lo, hi)
        assert vmin <= lo and vmax >= hi and ticks[0] == vmin and ticks[-1] == vmax


def test_segment_points_stay_inside_the_plot_area_at_both_widths():
    for width, lo, hi in ((svg.WIDE, 330, 900), (svg.NARROW, 12, svg.NARROW - 50)):
        chart = str(segment_chart(segments_table(["a", "b", "c", "d"]), 12.0, words_for({}), width=width))
        xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', chart)]
        assert len(xs) == 4 and all(lo <= x <= hi for x in xs)


def test_charts_are_empty_without_data():
    empty, words = pd.DataFrame(), words_for({})
    assert measures(empty, words) == [] and segment_chart(empty, None, words) == ""
    assert trend_chart(empty, words) == "" and share_chart(empty, {}) == ""
    assert decomposition_chart(empty, words) == "" and score_mix_chart(empty, None, words) == ""


def test_every_chart_is_drawn_for_a_desktop_and_for_a_phone(results):
    html = render_report(results)
    assert html.count('<div class="wide">') == html.count('<div class="narrow">') >= 3
    assert f'viewBox="0 0 {svg.NARROW} ' in html and f'viewBox="0 0 {svg.WIDE} ' in html


def test_overlap_free_impact_comes_first_and_the_leave_out_impact_second(results):
    ms = measures(results.drivers, words_for(results.summary))
    assert [m.key for m in ms] == ["shapley", "leaveout"] and ms[1].ci == ("nps_impact_ci_low", "nps_impact_ci_high")
    chart = str(impact_chart(results.drivers, ms[0], words_for(results.summary)))
    order = [int(t) for t in re.findall(r"<text[^>]*>theme (\d+) · n = ", chart)]
    by_shapley = results.drivers.sort_values("shapley_impact", kind="stable")
    assert order == by_shapley["theme_id"].tolist()
    # people read the label; the ID ties the row to drivers.csv on the note line below it
    assert all(f">{lab}</text>" in chart for lab in by_shapley["label"])
    assert not re.search(r"<text[^>]*>\d+ · ", chart)
    assert impact_volume_chart(results.drivers, ms[0], words_for(results.summary)) != ""


def test_formula_like_text_is_neutralised_and_numbers_are_not():
    from feedbackml.report.xlsx import neutralise_formulas

    df = pd.DataFrame({"text": ["=HYPERLINK(\"http://x\")", "+1", "-2 stars", "@SUM(A1)", "fine", None],
                       "score": [1, -2, 3, -4, 5, 6], "themes": [[0, 1], [], [2], [0], [1], [2]]})
    out = neutralise_formulas(df)
    assert out["text"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2 stars", "'@SUM(A1)", "fine", None]
    assert out["score"].tolist() == [1, -2, 3, -4, 5, 6]
    assert out["themes"].tolist() == ["0;1", "", "2", "0", "1", "2"]
    assert df["text"].iloc[0].startswith("=")  # the input is not changed


def test_workbook_has_the_tables_as_sheets_and_no_formula_cells(results, tmp_path):
    from openpyxl import load_workbook

    from feedbackml.report.xlsx import write_xlsx

    res = hostile(results)
    res.comments.loc[0, "comment"] = "=1+1 was the total"
    path = write_xlsx(res, tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["comments", "themes", "drivers", "segments", "trends", "rejects"]
    assert not [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    header = [c.value for c in wb["comments"][1]]
    assert wb["comments"].cell(2, header.index("comment") + 1).value == "'=1+1 was the total"
    assert wb["comments"].max_row == len(res.comments) + 1


def test_workbook_bytes_are_the_same_on_every_write(results, tmp_path):
    from feedbackml.report.xlsx import write_xlsx

    a = write_xlsx(results, tmp_path / "a.xlsx").read_bytes()
    b = write_xlsx(results, tmp_path / "b.xlsx").read_bytes()
    assert a == b


def test_report_without_scores_explains_instead_of_drawing_empty_charts():
    from tests.conftest import make_feedback

    res = fml.analyze(make_feedback(n_per_topic=20).drop(columns="nps"), text="comment", n_themes=3)
    html = render_report(res)
    assert "No scored rows" in html and "drivers need scored comments" in html
    assert "Drivers: NPS impact" not in html and "Score mix and NPS by theme" not in html


def test_impact_interval_in_drivers_agrees_with_a_bootstrap_of_the_rows(results):
    ci = results.drivers[["nps_impact_ci_low", "nps_impact_ci_high"]]
    cat = results.comments["nps_category"].astype(object).to_numpy()
    scored = np.flatnonzero(pd.notna(cat))
    value = np.where(cat == "promoter", 100.0, np.where(cat == "detractor", -100.0, 0.0))
    rng = np.random.default_rng(0)
    draws = rng.integers(0, len(scored), size=(1000, len(scored)))
    for k, tid in enumerate(results.drivers["theme_id"]):
        member = np.array([tid in list(ids) for ids in results.comments["themes"]])[scored]
        v, m = value[scored][draws], member[draws]
        boot = v.mean(axis=1) - (v * ~m).sum(axis=1) / (~m).sum(axis=1)
        low, high = np.percentile(boot, [2.5, 97.5])
        width = ci["nps_impact_ci_high"].iloc[k] - ci["nps_impact_ci_low"].iloc[k]
        assert 0.8 < width / (high - low) < 1.25
        assert ci["nps_impact_ci_low"].iloc[k] < results.drivers["nps_impact"].iloc[k] < ci["nps_impact_ci_high"].iloc[k]


def test_impact_interval_is_drawn_only_from_the_drivers_columns(results):
    res = hostile(results)
    res.drivers = results.drivers.drop(columns=["nps_impact_ci_low", "nps_impact_ci_high"])
    assert "line: 95% CI" not in render_report(res)
    assert "line: 95% CI" in render_report(results)


def test_decomposition_and_trend_directions_are_shown_when_present(results):
    res = hostile(results)
    ids = res.themes["theme_id"].tolist()
    res.extra["decomposition"] = pd.DataFrame({
        "theme_id": ids, "label": res.themes["label"], "weight_from": 0.3, "weight_to": 0.3,
        "score_from": 10.0, "score_to": 5.0, "volume_effect": 0.5, "score_effect": -1.5, "total": -1.0})
    res.summary["decomposition"] = {"from": "2025-02", "to": "2025-03", "score_from": 12.0, "score_to": 9.0,
                                    "change": -3.0}
    res.summary["trends"] = {"period": "month", "themes": [
        {"theme_id": ids[0], "label": "rising theme", "share_first": 0.1, "share_last": 0.3, "q_value": 0.001,
         "direction": "rising"}]}
    html = render_report(res)
    assert "Where the change in NPS came from" in html and "change from 2025-02 to 2025-03" in html
    assert "NPS fell 3.0 points</b> from 2025-02 (12.0) to 2025-03 (9.0)" in html
    assert "rising theme</b> is rising" in html


def test_methods_say_how_the_intervals_segments_and_spikes_are_computed(results):
    from feedbackml.report.methods import statistics
    from feedbackml.report.words import words_for
    summary = {**results.summary, "segments": {"min_n": 40, "min_difference": 7.5}}
    sentences = " ".join(s["sentence"] for s in statistics(summary, words_for(summary), results.drivers,
                                                             True, True, []))
    assert "adjusted Wald" in sentences and "at least 7.5 points" in sentences
    assert "fewer than 40 scored comments" in sentences and "false-alarm control over every theme" in sentences
    csat = {**summary, "score": {**summary["score"], "metric": "csat"}}
    assert "Agresti–Coull" in statistics(csat, words_for(csat), None, False, False, [])[0]["sentence"]


def test_warnings_groups_and_aspects_are_drawn_when_present_and_escaped(results):
    res = hostile(results)
    res.summary["warnings"] = [{"code": "metric_inferred", "message": f"metric inferred {SCRIPT}"}]
    res.themes["group_id"] = [i % 2 for i in range(len(res.themes))]
    res.themes["group_label"] = res.themes["group_id"].map({0: "Fulfilment", 1: IMG})
    res.extra["aspect_drivers"] = pd.concat([results.drivers.assign(polarity="negative"),
                                             results.drivers.assign(polarity="positive")], ignore_index=True)
    html = render_report(res)
    assert 'id="checks"' in html and "Check before you share" in html and "metric inferred &lt;script&gt;" in html
    assert "Groups of themes" in html and "<b>Fulfilment</b>" in html and "&lt;img src=x" in html
    assert "Aspects: what customers say about each theme" in html and "(negative)" in html
    assert SCRIPT not in html and IMG not in html
