"""The tour's notebooks by file name, with their cells (notebooks/build.py writes them)."""

from notebooks.cells_a import N1, N2, N3, N4
from notebooks.cells_b import N5, N6, N7

NOTEBOOKS = {
    "01_structure.ipynb": N1,
    "02_conditions.ipynb": N2,
    "03_products.ipynb": N3,
    "04_multiscale.ipynb": N4,
    "05_mean_field.ipynb": N5,
    "06_downward_causation.ipynb": N6,
    "07_hive_beside_the_network.ipynb": N7,
}
