"""The Mean field page with `solara.render`: it measures the agents, follows its sliders, trains, refuses bad input."""

import ipyvuetify as v
import ipywidgets
import pytest
import solara

import ui.meanfield_page as page
from tests.test_app import buttons, render, select


def summary(rc):
    return rc.find(v.Html, class_="meanfield-summary").widget.children[0]


def slider(rc, label_start):
    found = [w for w in rc.find(v.Slider).widgets if str(w.label).startswith(label_start)]
    assert len(found) == 1, label_start
    return found[0]


@pytest.mark.slow
def test_the_page_draws_the_agents_against_the_theory_and_follows_the_width_slider():
    rc = render(page.MeanFieldPage)
    assert select(rc, "scenario").v_model == "meanfield-edge"
    assert "edge of chaos" in summary(rc) and "width 64" in summary(rc)
    images = [w for w in rc.find(ipywidgets.Image).widgets if w.value]
    assert {"meanfield-layers", "meanfield-phase"} <= {c for w in images for c in w._dom_classes}
    slider(rc, "depth").v_model = 5
    slider(rc, "width").v_model = 0  # the first of WIDTHS: 8 neurons
    assert "width 8" in summary(rc)
    narrow = float(summary(rc).split("gap RMS(c - c_theory) = ")[1].split()[0])
    slider(rc, "width").v_model = 6  # 512
    wide = float(summary(rc).split("gap RMS(c - c_theory) = ")[1].split()[0])
    assert narrow > wide


@pytest.mark.slow
def test_train_shows_the_network_leaving_the_theory_and_scenarios_set_the_sliders():
    rc = render(page.MeanFieldPage)
    slider(rc, "depth").v_model = 4
    slider(rc, "width").v_model = 1  # 16
    buttons(rc, f"Train {page.TRAIN_STEPS} steps on digits")[0].click()
    trained = rc.find(v.Html, class_="meanfield-trained").widget.children[0]
    assert "went from" in trained
    select(rc, "scenario").v_model = "meanfield-chaos"
    assert "chaotic" in summary(rc)
    assert not rc.find(v.Html, class_="meanfield-trained").widgets  # a new scenario forgets the training


def test_bad_sigma_is_shown_beside_the_controls_not_raised():
    rc = render(page.MeanFieldPage)
    slider(rc, "σ_b²").v_model = -0.5
    assert any("sigma_b2" in str(w.children) for w in rc.find(v.Alert).widgets)


def test_the_page_is_registered_in_the_app():
    import app

    assert ("/meanfield", "Mean field") in app.PAGES
    assert any(route.path == "meanfield" and route.component is page.MeanFieldPage for route in app.routes)
    assert solara  # the module renders with solara (imported above)
