"""The app's scorecard panel: it measures the page's scenario with the page's parameters, and says so."""

import ipyvuetify as v
import ipywidgets
import pandas as pd

from model.measures.scorecard import COLUMNS
from tests.test_app import click, render, wait_until
from ui.hive_page import HivePage


def fake_card():
    row = {c: "" for c in COLUMNS}
    row.update(
        feature="openness",
        design="minimal pair",
        measure="irreversibility",
        unit="1",
        control="constant weather",
        direction="greater",
        system_mean=0.1,
        control_mean=0.01,
        difference=0.09,
        ci_low=0.05,
        ci_high=0.12,
        p_value=0.0001,
        effect_size=3.0,
        separated=True,
        n_system=3,
        n_control=3,
        system_seeds=[0.1, 0.11, 0.09],
        control_seeds=[0.01, 0.02, 0.0],
        falsifiable="Currents no larger.",
    )
    return pd.DataFrame([row], columns=COLUMNS)


def test_the_panel_measures_the_pages_scenario_with_its_parameters(monkeypatch):
    import ui.scorecard as panel

    calls = []

    def fake_scorecard(system, seeds=10, params=None, progress=None):  # the real one takes minutes
        calls.append((system, seeds, params))
        for _ in range(seeds * 9):
            progress.update()
        return fake_card()

    monkeypatch.setattr(panel.measures, "scorecard", fake_scorecard)
    rc = render(HivePage)
    click(rc, "Measure this scenario")

    def rows():
        return rc.find(v.Html, class_="scorecard-explain").widgets

    assert wait_until(rows)
    assert "Currents no larger." in rows()[0].children[0]
    system, seeds, params = calls[0]
    assert (system, seeds) == ("hive", 10) and params["n_bees"] == 300 and params["patrilines"] == 15
    assert "rng" not in params and "executor" not in params
    said = rc.find(v.Html, class_="scorecard-what").widget.children[0]
    assert "hive-day" in said and "n_bees=300" in said and "10 seeds" in said
    images = rc.find(ipywidgets.Image).widgets
    assert any(bytes(w.value).startswith(b"\x89PNG") for w in images)  # the strip plot


def test_explanations_and_strip_plots_of_a_real_row():
    import ui.scorecard as panel

    row = fake_card().iloc[0]
    assert "expected higher in the system" in panel.explain(row) and "Currents no larger." in panel.explain(row)
    assert panel.strip_plot(row).startswith(b"\x89PNG")
    assert panel.measured_params("network", "moons", {"hidden": "8,8", "rng": 5})["hidden"] == (8, 8)
