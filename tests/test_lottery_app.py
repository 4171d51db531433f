"""The app's pruning: the lesion panel prunes, pruned edges are not drawn, the Lottery page plots and runs."""

import time

import ipyvuetify as v
import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest

from model import NetworkModel
from tests.test_app import click, render
from ui.drawing import NetworkPicture
from ui.inspector import neuron_lines
from ui.lottery_page import RECORDED, LotteryPage, figure, read_parquet
from ui.network_page import NetworkPage
from ui.stage_view import view


def test_the_lesion_panel_prunes_and_restores_edges():
    rc = render(NetworkPage)
    click(rc, "Prune")
    report = rc.find(v.Alert, class_="prune-report").widget.children[0]
    assert report.startswith("Pruned ") and "(magnitude)" in report and "Test accuracy" in report
    click(rc, "Restore edges")
    assert "pruned edges restored" in rc.find(v.Alert, class_="prune-report").widget.children[0]


def test_pruned_edges_are_absent_from_the_picture_and_shown_by_the_inspector():
    model = NetworkModel(dataset="xor", hidden=8, rng=0)
    picture = NetworkPicture(model)
    picture.frame()
    assert np.all(np.asarray(picture.lines.get_linewidths()) > 0)
    model.prune(0.5, by="magnitude")
    picture.frame()
    widths, colours = np.asarray(picture.lines.get_linewidths()), picture.lines.get_colors()
    gone = ~model.mask[picture.forward_edges]
    assert gone.sum() == model.pruning.n_pruned and np.all(widths[gone] == 0) and np.all(colours[gone, 3] == 0)
    assert np.all(widths[~gone] > 0)
    assert "pruned edges not drawn" in picture.footer.get_text()
    output = int(model.structure.outputs[0])
    model.step()  # the inspector writes out this step's sums: one term per surviving in-edge
    lines = neuron_lines(model, view(model, False), output)
    survivors = int(model.mask[model.structure.dst == output].sum())
    assert "pruned)" in lines[0] and lines[2].count(")(") == survivors


@pytest.mark.slow
def test_the_lottery_page_shows_the_recorded_run_and_runs_a_small_lottery():
    assert RECORDED.exists()
    rc = render(LotteryPage)
    images = [w for w in rc.find(widgets.Image).widgets if "lottery-plot" in w._dom_classes]
    assert len(images) == 1 and images[0].value[:4] == b"\x89PNG"
    assert "4.36%" in rc.find(v.Html, class_="lottery-table").widget.children[0]
    sliders = rc.find(v.Slider).widgets
    for slider, value in zip(sliders, (1, 1, 100)):  # rounds, seeds, steps per network
        slider.v_model = value
    click(rc, "Run the lottery")
    deadline = time.time() + 120
    while not buttons_enabled(rc) and time.time() < deadline:
        time.sleep(0.1)
    table = rc.find(v.Html, class_="lottery-table").widget.children[0]
    assert "over 1 seed(s)" in table and "80.49%" in table


def buttons_enabled(rc):
    from tests.test_app import buttons

    return not buttons(rc, "Run the lottery")[0].disabled


def test_the_figure_and_a_dropped_file(tmp_path):
    table = pd.read_parquet(RECORDED)
    assert figure(table)[:4] == b"\x89PNG"
    table.to_parquet(tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(read_parquet((tmp_path / "t.parquet").read_bytes()), table)
    with pytest.raises(ValueError, match="not a Parquet"):
        read_parquet(b"seed,round\n0,0\n")
    table[["seed", "round"]].to_parquet(tmp_path / "u.parquet")
    with pytest.raises(ValueError, match="lacks the columns"):
        read_parquet((tmp_path / "u.parquet").read_bytes())


def test_pruned_edges_are_absent_from_the_browser_picture():
    from ui.network_view import NetworkGeometry, frame_payload

    model = NetworkModel(dataset="xor", hidden=8, rng=0)
    geometry = NetworkGeometry(model, pictures=False)
    assert min(frame_payload(model, geometry, view(model, False))["edge_width"]) > 0
    model.prune(0.5, by="magnitude")
    frame = frame_payload(model, geometry, view(model, False))
    gone = ~model.mask[geometry.drawn]
    widths, opacity = np.asarray(frame["edge_width"]), np.asarray(frame["edge_opacity"])
    assert gone.sum() == model.pruning.n_pruned and np.all(widths[gone] == 0) and np.all(opacity[gone] == 0)
    assert np.all(widths[~gone] > 0)
