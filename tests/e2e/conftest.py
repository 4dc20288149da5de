"""Shared pieces of the browser tests: Debian's Chromium driven by Playwright (no browser
download), a page that records console messages, errors, dialogs and requests, the
axe-core audit (installed from the npm registry by ``make test-e2e``), and the reports."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import sync_playwright

from feedbackml.cli import run
from tests.conftest import make_feedback

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample_feedback.csv"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(os.environ.get("AXE_CORE", ROOT / ".venv" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"))
# Flags that keep Chromium quiet and offline on a machine without network access.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = 400


@pytest.fixture(scope="session")
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

    def outside_requests(self):
        return [u for u in self.requests if not u.startswith(("file://", "data:"))]

    def axe(self) -> list[dict]:
        """Violations of an axe-core audit of the page (run through the devtools protocol,
        which the page's Content-Security-Policy does not govern)."""
        assert AXE.is_file(), f"{AXE} is missing: run `make test-e2e`, which installs axe-core from npm"
        self.page.evaluate(AXE.read_text("utf-8"))
        return self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))")

    def close(self):
        self.page.close()


@pytest.fixture
def open_page(browser):
    pages = []

    def opener(path: Path, width: int = 1280) -> Page:
        pages.append(Page(browser, path, width))
        return pages[-1]

    yield opener
    for p in pages:
        p.close()


def analyse(csv: Path, out: Path, *extra) -> Path:
    assert run(["analyze", str(csv), "--out", str(out), "--quiet", *extra]) == 0
    return out / "report.html"


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory):
    sample = SAMPLE.relative_to(Path.cwd()) if SAMPLE.is_relative_to(Path.cwd()) else SAMPLE
    return analyse(sample, tmp_path_factory.mktemp("sample"), "--segment", "channel", "--date", "submitted_at")


def csat_feedback(n_per_topic: int = 60) -> pd.DataFrame:
    """The test export with its 0–10 scores read as CSAT 1–5 and a month per row."""
    df = make_feedback(n_per_topic)
    score = pd.to_numeric(df["nps"])
    df["csat"] = (1 + (score * 4 / 10).round()).astype(int).astype(str)
    df["submitted_at"] = [f"2025-{1 + i % 4:02d}-{1 + i % 27:02d}" for i in range(len(df))]
    return df.drop(columns=["nps"])


@pytest.fixture(scope="session")
def csat_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csat")
    csv = folder / "csat.csv"
    csat_feedback().to_csv(csv, index=False)
    return analyse(csv, folder / "out", "--score", "csat", "--metric", "csat", "--segment", "channel",
                   "--date", "submitted_at", "--themes", "3")
