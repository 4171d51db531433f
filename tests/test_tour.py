"""The tour: its stops name real scenarios and notebooks, and the app's Tour page runs each stop's scenario."""

import pathlib

import ipyvuetify as v
import pytest
import solara

import scenarios
from scenarios.tour import TOUR, stop
from ui.tour_page import TourPage

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_every_stop_names_a_scenario_and_a_notebook_that_exist():
    assert [s.number for s in TOUR] == list(range(1, 8))
    for s in TOUR:
        scenarios.get(s.scenario)
        assert (ROOT / "notebooks" / s.notebook).exists()
    with pytest.raises(ValueError, match="stops"):
        stop(8)


def render():
    @solara.component
    def Root():
        with solara.AppLayout():
            TourPage()

    _, rc = solara.render(Root(), handle_error=False)
    return rc


def question(rc):
    return rc.find(v.Html, class_="tour-question").widget.children[0]


def readout(rc):
    return rc.find(v.Html, class_="step-readout").widget.children[0]


def network_pictures(rc) -> list:
    """The network page's picture: the SVG component (ui/network_view.py), found by what it is fed."""
    return [w for w in rc.find(v.VuetifyTemplate).widgets if hasattr(w, "frame") and hasattr(w, "geometry")]


def click(rc, label):
    [button] = [w for w in rc.find(v.Btn).widgets if label in [c for c in w.children if isinstance(c, str)]]
    button.click()


def test_the_tour_page_walks_the_stops_and_runs_their_scenarios():
    rc = render()
    assert question(rc) == stop(1).question and network_pictures(rc)
    click(rc, "Step")
    assert readout(rc) == "Step: 1"
    click(rc, "Next")
    assert question(rc) == stop(2).question and readout(rc) == "Step: 0"  # a fresh model of the next scenario
    rc.find(v.Select, label="stop").widget.v_model = "5 · Universality and mean field"
    assert question(rc) == stop(5).question
    assert not network_pictures(rc)  # the hive's live view, not the network's
    click(rc, "Step")
    assert readout(rc) == "Step: 1"  # the hive's readout counts ticks
