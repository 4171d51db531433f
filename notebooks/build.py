"""Writes the tour's notebooks (01..07) from the cells below, without outputs: `python notebooks/build.py`.

Each notebook is a list of cells: a string starting with "# md" is Markdown (that first line dropped), any
other string is code. Edit here, rebuild, commit the .ipynb files (CI executes them: tests/test_notebooks.py).
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import nbformat

HERE = pathlib.Path(__file__).parent

SETUP = """\
import pathlib
import sys

root = next(p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "pyproject.toml").exists())
sys.path.insert(0, str(root))  # run from the repository or from notebooks/, installed or not
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import scenarios

pd.set_option("display.width", 160)"""


def notebook(name: str, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for text in cells:
        if text.startswith("# md\n"):
            nb.cells.append(nbformat.v4.new_markdown_cell(text[len("# md\n") :].strip()))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(text.strip()))
    nbformat.write(nb, HERE / name)


def main():
    from notebooks import tour

    for name, cells in tour.NOTEBOOKS.items():
        notebook(name, [cells[0], SETUP, *cells[1:]])
    # The house style (pyproject.toml): imports sorted, unused ones dropped, then the formatter.
    paths = [str(HERE / name) for name in tour.NOTEBOOKS]
    subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--fix", "--select", "I,F401", "--quiet", *paths], check=False
    )
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", *paths], check=True)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    main()
