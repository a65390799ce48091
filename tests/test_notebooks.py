"""Every notebook runs headless with papermill, with its default parameters and with others."""

from pathlib import Path

import nbformat
import papermill as pm
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path):
    out = tmp_path / path.name
    pm.execute_notebook(str(path), str(out), parameters={"ensemble_draws": 5}, kernel_name="python3",
                        progress_bar=False, cwd=str(tmp_path))
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")


def test_tour_runs_on_other_parameters(tmp_path):
    tour = next(p for p in NOTEBOOKS if "tour" in p.name)
    out = tmp_path / "tour.ipynb"
    pm.execute_notebook(str(tour), str(out), parameters={"study_id": "S1", "seed": 3, "ensemble_draws": 3},
                        kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    text = out.read_text()
    assert "Med Sci Monit" in text and "synthetic" in text
