"""The README's figures of the bundled sample are what `make demo` produces (they cannot drift)."""

import re
from pathlib import Path

from feedbackml.config import Config
from feedbackml.report.brief import markdown_brief
from feedbackml.results import Results
from feedbackml.run import jobs

ROOT = Path(__file__).resolve().parents[1]


def test_readme_sample_figures_match_a_fresh_demo_run(tmp_path):
    # what `make demo` runs: feedbackml analyze data/sample_feedback.csv --segment channel --date submitted_at
    jobs.analyze_file(ROOT / "data" / "sample_feedback.csv", tmp_path / "sample",
                      Config(segment="channel", date="submitted_at"))
    expected = markdown_brief(Results.from_folder(tmp_path / "sample"))
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"<!-- sample:start -->\n(.*?)\n<!-- sample:end -->", readme, re.S)
    assert block is not None, "README.md has lost its sample block"
    assert block.group(1) == expected, "README's sample figures are stale: run `make readme`"


def test_readme_stays_short():
    assert len((ROOT / "README.md").read_text("utf-8").splitlines()) <= 300
