"""The report in a real browser (headless Chromium): renders cleanly, runs no comment text,
loads nothing from outside, sorts its tables, and leaves a screenshot for review.

Run with ``make test-e2e`` (installs Debian's chromium when missing); not part of ``make test``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from feedbackml.cli import run

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample_feedback.csv"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium quiet and offline on a machine without network access.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAYLOADS = ["<script>window.__pwned = 1; alert(1)</script>",
            "<img src=x onerror=\"window.__pwned = 2; alert(2)\">",
            "<svg onload=\"window.__pwned = 3\"></svg>"]


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: run `make test-e2e`, which installs it"
    with sync_playwright() as p:
        # A new, empty profile directory for every launch; no browser download.
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


class Page:
    """A page with every console message, page error, dialog and request recorded."""

    def __init__(self, browser, path: Path, width: int = 1280):
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.console, self.errors, self.dialogs, self.requests = [], [], [], []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri(), wait_until="load")

    def console_errors(self):
        return [text for kind, text in self.console if kind in ("error", "warning")] + self.errors


def analyse(csv: Path, out: Path, *extra) -> Path:
    assert run(["analyze", str(csv), "--out", str(out), "--quiet", *extra]) == 0
    return out / "report.html"


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    sample = SAMPLE.relative_to(Path.cwd()) if SAMPLE.is_relative_to(Path.cwd()) else SAMPLE
    return analyse(sample, tmp_path_factory.mktemp("sample"), "--segment", "channel", "--date", "submitted_at")


def test_sample_report_renders_without_console_errors_and_is_screenshotted(browser, sample_report):
    view = Page(browser, sample_report)
    try:
        assert view.console_errors() == []
        assert view.dialogs == [] and view.page.evaluate("window.__pwned") is None
        assert view.page.locator("h1").inner_text() == "What drives detractors"
        for section in ("#overview", "#drivers", "#themes", "#rejects", "#methods"):
            assert view.page.locator(section).is_visible(), section
        assert view.page.locator("svg.chart").count() >= 2
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "report_sample.png"
        view.page.screenshot(path=str(shot), full_page=True)
        # The top of the page (headline, findings, driver chart): the README's docs/report.png.
        view.page.screenshot(path=str(ARTIFACTS / "report_sample_top.png"), full_page=True,
                             clip={"x": 0, "y": 0, "width": 1280, "height": 1380})
        assert shot.stat().st_size > 50_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        view.page.close()


def test_report_loads_nothing_but_itself(browser, sample_report):
    view = Page(browser, sample_report)
    try:
        assert [u for u in view.requests if not u.startswith(("file://", "data:"))] == []
    finally:
        view.page.close()


def test_markup_in_comments_and_segments_is_shown_as_text_and_never_runs(browser, tmp_path, feedback):
    late = feedback["comment"].str.contains("late|parcel|courier")
    feedback.loc[late, "comment"] = [f"{c} {PAYLOADS[i % 3]}" for i, c in enumerate(feedback.loc[late, "comment"])]
    feedback["channel"] = feedback["channel"].map({"web": PAYLOADS[1], "app": PAYLOADS[2]})
    csv = tmp_path / "hostile.csv"
    feedback.to_csv(csv, index=False)
    report = analyse(csv, tmp_path / "out", "--themes", "3", "--segment", "channel")
    view = Page(browser, report)
    try:
        assert view.dialogs == [] and view.page.evaluate("window.__pwned") is None
        assert view.console_errors() == []  # not even a blocked attempt: nothing was parsed as markup
        text = view.page.locator("body").inner_text()
        assert PAYLOADS[0] in text or PAYLOADS[1] in text or PAYLOADS[2] in text
        assert view.page.locator("img").count() == 0 and view.page.locator("script").count() == 1
        view.page.screenshot(path=str(ARTIFACTS / "report_hostile.png"), full_page=True)
    finally:
        view.page.close()


def test_clicking_a_column_heading_sorts_the_theme_table(browser, sample_report):
    view = Page(browser, sample_report)
    try:
        table = view.page.locator("#theme-table")
        heading = table.locator("thead th", has_text="Comments")

        def counts():
            return [float(v) for v in table.locator("tbody tr td:nth-child(2)").evaluate_all(
                "cells => cells.map(c => c.getAttribute('data-v'))")]

        heading.locator("button").click()
        assert counts() == sorted(counts()) and heading.get_attribute("aria-sort") == "ascending"
        heading.locator("button").click()
        assert counts() == sorted(counts(), reverse=True) and heading.get_attribute("aria-sort") == "descending"
        assert view.console_errors() == []
    finally:
        view.page.close()


def test_report_reads_on_a_phone_sized_screen(browser, sample_report):
    view = Page(browser, sample_report, width=390)
    try:
        page_width = view.page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= 390 + 1  # no sideways scrolling of the whole page; wide tables scroll inside
        view.page.screenshot(path=str(ARTIFACTS / "report_sample_phone.png"), full_page=True)
    finally:
        view.page.close()
