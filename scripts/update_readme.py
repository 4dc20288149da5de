"""Rewrite the README's figures of the bundled sample (and the report pictures in docs/) from ``make demo``'s output.

    make readme        # = make demo, then: python scripts/update_readme.py out/sample

The figures sit between ``<!-- sample:start -->`` and ``<!-- sample:end -->``;
tests/test_readme.py fails when they differ from a fresh analysis of the sample. The
screenshot needs Chromium (``/usr/bin/chromium``, as ``make test-e2e`` installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedbackml.report.brief import markdown_brief  # noqa: E402
from feedbackml.results import Results  # noqa: E402

START, END = "<!-- sample:start -->", "<!-- sample:end -->"


def replace_block(readme: str, block: str) -> str:
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    return pattern.sub(START + "\n" + block + "\n" + END, readme)


def screenshot(report: Path, target: Path, size: str = "1280,1500") -> bool:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("no chromium: docs/report.png left as it is", file=sys.stderr)
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                        "--hide-scrollbars", f"--window-size={size}", f"--screenshot={target}", report.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return True


def main(folder: str) -> None:
    results = Results.from_folder(folder)
    readme = ROOT / "README.md"
    readme.write_text(replace_block(readme.read_text("utf-8"), markdown_brief(results)), "utf-8")
    print("README.md: sample figures updated")
    report = Path(folder).resolve() / "report.html"
    if screenshot(report, ROOT / "docs" / "report.png") and screenshot(report, ROOT / "docs" / "report_phone.png", "400,1300"):
        print("docs/report.png and docs/report_phone.png updated")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/sample")
