"""The report in a real browser: answer first, clean console, nothing loaded from outside,
no chart wider than a phone, an accessibility audit, print, and the screenshots."""

from __future__ import annotations

import re

from tests.e2e.conftest import ARTIFACTS, PHONE

NPS_WORDS = re.compile(r"\b(nps|net promoter|detractors?|promoters?|passives?)\b", re.I)


def test_sample_report_opens_with_the_answer_and_a_clean_console(open_page, sample_report):
    view = open_page(sample_report)
    assert view.console_errors() == [] and view.outside_requests() == []
    assert view.page.locator("h1").inner_text() == "What drives NPS"
    answer = view.page.locator("p.answer").inner_text()
    assert answer.startswith("NPS is ") and "95% CI" in answer and "cost the most" in answer
    first = view.page.evaluate("[...document.querySelectorAll('main > section, main > aside')].map(e => e.id)")
    assert first[0] == "answer" and first.index("overview") < first.index("drivers")
    for section in ("#overview", "#drivers", "#changes", "#themes", "#segments", "#explorer", "#rejects", "#methods"):
        assert view.page.locator(section).is_visible(), section


def test_sample_report_is_screenshotted_on_a_desktop_and_a_phone(open_page, sample_report):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, name in ((1280, "report_sample"), (PHONE, "report_sample_phone")):
        view = open_page(sample_report, width)
        shot = ARTIFACTS / f"{name}.png"
        view.page.screenshot(path=str(shot), full_page=True)
        top = ARTIFACTS / f"{name}_top.png"
        view.page.screenshot(path=str(top), full_page=True,
                             clip={"x": 0, "y": 0, "width": width, "height": 1400 if width > PHONE else 2200})
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and top.stat().st_size > 20_000


def test_no_chart_scrolls_sideways_on_a_phone(open_page, sample_report, csat_report):
    for report in (sample_report, csat_report):
        view = open_page(report, PHONE)
        assert view.page.evaluate("document.documentElement.scrollWidth") <= PHONE
        charts = view.page.evaluate(
            "[...document.querySelectorAll('svg.chart')].filter(s => s.getClientRects().length)"
            ".map(s => { const r = s.getBoundingClientRect(), p = s.parentElement;"
            " return {right: r.right, left: r.left, overflow: p.scrollWidth - p.clientWidth}; })")
        assert len(charts) >= 5
        assert all(c["left"] >= 0 and c["right"] <= PHONE and c["overflow"] <= 0 for c in charts), charts


def test_axe_finds_no_serious_or_critical_violation(open_page, sample_report, csat_report):
    for report in (sample_report, csat_report):
        for width in (1280, PHONE):
            view = open_page(report, width)
            bad = [v for v in view.axe() if v["impact"] in ("serious", "critical")]
            assert bad == [], bad


def test_a_csat_report_speaks_csat_in_headings_charts_and_table_heads(open_page, csat_report):
    view = open_page(csat_report)
    assert view.page.locator("h1").inner_text() == "What drives CSAT"
    texts = view.page.evaluate(
        "[...document.querySelectorAll('title, h1, h2, h3, th, legend, label, summary, svg.chart text, "
        "svg.chart title, .card .k, p.answer, .findings li')].map(e => e.textContent)")
    assert any("CSAT" in t for t in texts) and any("dissatisfied" in t for t in texts)
    assert [t for t in texts if NPS_WORDS.search(t)] == []


def test_the_leave_out_impact_shows_on_demand(open_page, sample_report):
    view = open_page(sample_report)
    shapley, leaveout = view.page.locator(".view-shapley"), view.page.locator(".view-leaveout")
    assert shapley.is_visible() and not leaveout.is_visible()
    view.page.locator("label[for=view-leaveout]").click()
    assert leaveout.is_visible() and not shapley.is_visible()
    view.page.locator("#view-leaveout").press("ArrowLeft")  # radio buttons: arrow keys switch
    assert shapley.is_visible()


def test_printing_gives_the_brief_without_the_explorer(open_page, sample_report):
    view = open_page(sample_report)
    view.page.emulate_media(media="print")
    assert not view.page.locator("#explorer").is_visible() and not view.page.locator("nav").is_visible()
    assert view.page.locator("#drivers .fig .wide svg").first.is_visible()
    assert not view.page.locator("#drivers .fig .narrow svg").first.is_visible()
    pdf = ARTIFACTS / "report_sample.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    view.page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes()[:5] == b"%PDF-"


PAYLOADS = ["<script>window.__pwned = 1; alert(1)</script>",
            "<img src=x onerror=\"window.__pwned = 2; alert(2)\">",
            "<svg onload=\"window.__pwned = 3\"></svg>"]


def test_markup_in_comments_and_segments_is_shown_as_text_and_never_runs(open_page, tmp_path):
    from tests.conftest import make_feedback
    from tests.e2e.conftest import analyse

    feedback = make_feedback()
    late = feedback["comment"].str.contains("late|parcel|courier")
    feedback.loc[late, "comment"] = [f"{c} {PAYLOADS[i % 3]}" for i, c in enumerate(feedback.loc[late, "comment"])]
    feedback["channel"] = feedback["channel"].map({"web": PAYLOADS[1], "app": PAYLOADS[2]})
    csv = tmp_path / "hostile.csv"
    feedback.to_csv(csv, index=False)
    view = open_page(analyse(csv, tmp_path / "out", "--themes", "3", "--segment", "channel"))
    view.page.fill("#ex-q", "window.__pwned")  # the explorer shows the comments that carry markup
    view.page.select_option("#ex-seg", index=1)
    assert view.dialogs == [] and view.page.evaluate("window.__pwned") is None
    assert view.console_errors() == []  # not even a blocked attempt: nothing was parsed as markup
    shown = view.page.locator("#explorer-table tbody tr:not([hidden])").all_inner_texts()
    assert shown and all(any(p in row for p in PAYLOADS) for row in shown)
    assert view.page.locator("img").count() == 0 and view.page.locator("script:not([type])").count() == 1
    view.page.screenshot(path=str(ARTIFACTS / "report_hostile.png"), full_page=True)
