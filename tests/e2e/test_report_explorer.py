"""The comment explorer in a browser: one row per embedded comment, filters by words,
theme, score category, sentiment and segment, theme chips, sorting by keyboard."""

from __future__ import annotations

import json
import re


def rows(view):
    """The visible rows' text, score category word, sentiment word and segment."""
    return view.page.evaluate(
        "[...document.querySelectorAll('#explorer-table tbody tr')].filter(r => !r.hidden).map(r => ({"
        " text: r.cells[0].firstChild.textContent.toLowerCase(),"
        " chips: [...r.querySelectorAll('button.chip')].map(b => b.dataset.theme),"
        " cat: (r.cells[1].querySelector('.kw') || {}).textContent || '',"
        " sent: (r.cells[2].querySelector('.kw') || {}).textContent || '',"
        " seg: r.cells[3].textContent, score: r.cells[1].firstChild.textContent}))")


def matching(view) -> int:
    """How many comments match the filters, as the status line says."""
    status = view.page.locator("#ex-status").inner_text()
    return int(re.search(r"of ([\d,]+) matching", status).group(1).replace(",", ""))


def embedded(view):
    return json.loads(view.page.locator("#explorer-data").text_content())["rows"]


def test_one_table_row_per_embedded_comment(open_page, sample_report):
    view = open_page(sample_report)
    n = len(embedded(view))
    assert n > 0 and view.page.locator("#explorer-table tbody tr").count() == n
    assert view.page.locator("section#explorer input[type=search]").count() == 1
    assert 0 < len(rows(view)) < n  # a page at a time
    assert view.console_errors() == []


def test_search_keeps_only_comments_with_the_words(open_page, sample_report):
    view = open_page(sample_report)
    view.page.fill("#ex-q", "refund")
    got = rows(view)
    want = sum("refund" in r[1].lower() for r in embedded(view))
    assert got and all("refund" in r["text"] for r in got)
    assert f"of {want:,} matching" in view.page.locator("#ex-status").inner_text()


def test_theme_category_sentiment_and_segment_filters_combine(open_page, sample_report):
    view = open_page(sample_report)
    values = [o.get_attribute("value") for o in view.page.locator("#ex-theme option").all()]
    theme = next(v for v in values if v.startswith("t:"))  # a theme, not a group
    view.page.select_option("#ex-theme", theme)
    view.page.select_option("#ex-cat", "d")
    view.page.select_option("#ex-sent", "n")
    segment = view.page.locator("#ex-seg option").nth(1)
    view.page.select_option("#ex-seg", segment.get_attribute("value"))
    got, n = rows(view), matching(view)
    assert got and n == sum(int(theme[2:]) in r[6] and r[3] == "d" and r[5] == "n" and str(r[7]) == segment.get_attribute("value")
                            for r in embedded(view))
    assert all(theme[2:] in r["chips"] and r["cat"].endswith("detractor") and r["sent"].endswith("negative")
               and r["seg"] == segment.inner_text() for r in got)
    view.page.click("#ex-reset")
    assert matching(view) == len(embedded(view)) > n


def test_a_theme_chip_filters_to_its_theme(open_page, sample_report):
    view = open_page(sample_report)
    chip = view.page.locator("#explorer-table button.chip").first
    theme = chip.get_attribute("data-theme")
    chip.click()
    assert view.page.locator("#ex-theme").input_value() == f"t:{theme}"
    assert all(theme in r["chips"] for r in rows(view))


def test_sorting_by_score_works_from_the_keyboard(open_page, sample_report):
    view = open_page(sample_report)
    button = view.page.locator("#explorer-table th[data-col=score] button")
    button.focus()
    view.page.keyboard.press("Enter")
    scores = [float(r["score"]) for r in rows(view) if r["score"] != "–"]
    assert scores == sorted(scores)
    view.page.keyboard.press("Enter")
    scores = [float(r["score"]) for r in rows(view) if r["score"] != "–"]
    assert scores == sorted(scores, reverse=True)
    assert view.page.locator("#explorer-table th[data-col=score]").get_attribute("aria-sort") == "descending"


def test_show_more_reveals_more_matches(open_page, sample_report):
    view = open_page(sample_report)
    before = len(rows(view))
    view.page.click("#ex-more")
    assert len(rows(view)) > before
