"""notebooks/explore.ipynb: stored without outputs and runs top to bottom on the bundled sample."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel imports this checkout's feedbackml, installed or not.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute(
        env={**os.environ, "PYTHONPATH": path})
    return nb


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)


def test_notebook_runs_top_to_bottom_without_errors(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]


def test_notebook_shows_the_drivers_table_and_charts(executed):
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    html = " ".join(o.get("data", {}).get("text/html", "") for o in outputs)
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert "nps_impact" in html and "detractor_lift" in html
    assert len(svgs) >= 2


def test_notebook_applies_a_saved_model_to_next_month(executed):
    text = " ".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert "applying to" in text and "NPS next month" in text
