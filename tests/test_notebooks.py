"""The tour: every notebook in notebooks/ executes top to bottom (its assert cells are its key claims)."""

import pathlib
import sys
import time

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BUDGET = 45  # seconds per notebook on a quiet machine


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A kernelspec named for this interpreter, written locally (no network, nothing installed globally)."""
    from ipykernel.kernelspec import write_kernel_spec

    spec_dir = tmp_path_factory.mktemp("kernels") / "kernels" / "neurohive-test"
    write_kernel_spec(
        path=str(spec_dir),
        overrides={
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "neurohive test",
        },
    )
    import os

    previous = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(spec_dir.parent.parent) + (os.pathsep + previous if previous else "")
    yield "neurohive-test"
    if previous is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = previous


def test_there_are_seven_notebooks_committed_without_outputs():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07"]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
        assert sum("assert " in c.source for c in nb.cells if c.cell_type == "code") >= 2
        assert any("Exercises" in c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, kernel):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, kernel_name=kernel, timeout=180, resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()
    elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert elapsed < 4 * BUDGET, f"{path.name} took {elapsed:.0f} s"  # generous: the machine is shared
    print(f"{path.name}: {elapsed:.1f} s")
