"""The app in a real browser: `solara run app.py` on 127.0.0.1, driven by Debian's headless chromium.

Screenshots of every page go to test-artifacts/. Playwright's own browser download is not used (no
internet here): `.ci/run` installs Debian's chromium and this file launches /usr/bin/chromium.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium and a Solara server: seconds per test

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ERRORS = ".v-alert.error--text"  # solara.Error


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """One `solara run app.py --host 127.0.0.1` for the whole module, stopped by its pid."""
    port = free_port()
    solara = Path(sys.executable).with_name("solara")
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "solara-server.log", "w")
    process = subprocess.Popen(
        [str(solara), "run", "app.py", "--host", "127.0.0.1", "--port", str(port), "--production", "--no-open"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180  # a loaded CI machine can take a minute to import Solara and the models
    while True:
        try:
            if urllib.request.urlopen(url + "/", timeout=2).status == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            raise RuntimeError(f"solara did not start; see {ARTIFACTS / 'solara-server.log'}")
        time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(CHROMIUM), "Debian's chromium is needed: apt-get install -y chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def no_error_text(page):
    expect(page.locator(ERRORS)).to_have_count(0)
    body = page.inner_text("body")
    assert "Traceback" not in body and "Exception" not in body


def picture_src(page):
    return page.locator("img.network-picture").get_attribute("src")


def choose(page, label, option):
    """Open the v-select whose label is `label` and pick `option`."""
    page.locator(".v-select").filter(has=page.locator(f"label:text-is('{label}')")).first.click()
    page.locator(".menuable__content__active .v-list-item").filter(has_text=option).first.click()


def test_network_page_steps_draws_and_switches_scenario(server, page):
    page.goto(server + "/")
    step = page.get_by_role("button", name="Step", exact=True)
    step.wait_for()
    expect(page.locator(".step-readout")).to_have_text("Step: 0")
    before = picture_src(page)
    for _ in range(3):
        step.click()
    expect(page.locator(".step-readout")).to_have_text("Step: 3")
    assert picture_src(page) != before  # the network picture changed
    no_error_text(page)
    page.screenshot(path=str(ARTIFACTS / "network.png"), full_page=True)

    choose(page, "scenario", "moons")
    expect(page.locator(".model-description")).to_contain_text("moons · 2-16-16-1")
    expect(page.locator(".step-readout")).to_have_text("Step: 0")
    step.click()
    expect(page.locator(".step-readout")).to_have_text("Step: 1")
    expect(page.locator(".boundary-plot")).to_have_count(1)  # 2-D data: the decision boundary
    no_error_text(page)
    page.screenshot(path=str(ARTIFACTS / "network-moons.png"), full_page=True)


def test_the_million_edge_scenario_plays_in_the_browser(server, page):
    page.goto(server + "/")
    page.get_by_role("button", name="Step", exact=True).wait_for()
    choose(page, "scenario", "numerosity")
    expect(page.locator(".model-description")).to_contain_text("2122 neurons, 1124352 edges", timeout=60_000)
    page.get_by_role("button", name="Play").click()
    expect(page.locator(".step-readout")).not_to_have_text("Step: 0", timeout=30_000)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    no_error_text(page)
    page.screenshot(path=str(ARTIFACTS / "network-numerosity.png"), full_page=True)


def test_clicking_a_neuron_inspects_it(server, page):
    page.goto(server + "/")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(".step-readout")).to_have_text("Step: 1")
    # The output neuron of XOR's 2-8-1 sits on the right, half way down the drawing area.
    box = page.locator("img.network-picture").bounding_box()
    import scenarios
    from model import NetworkModel
    from ui.drawing import NetworkPicture

    picture = NetworkPicture(NetworkModel(**scenarios.get("xor").params))
    x, y = picture.pos[10]
    page.mouse.click(box["x"] + x, box["y"] + picture.fig.bbox.height - y)
    expect(page.locator(".neuron-inspector")).to_contain_text("Neuron(10, output")
    expect(page.locator(".neuron-inspector")).to_contain_text("bias b =")


def test_a_bad_value_shows_a_message_and_the_server_keeps_serving(server, page):
    page.goto(server + "/")
    page.get_by_label("n_samples").fill("999999")
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".page-message")).to_contain_text("n_samples must lie between 4 and 5000")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(".step-readout")).to_have_text("Step: 1")
    assert urllib.request.urlopen(server + "/", timeout=5).status == 200


def test_play_runs_and_pauses(server, page):
    page.goto(server + "/")
    page.get_by_role("button", name="Step", exact=True).wait_for()
    page.get_by_role("button", name="Play").click()
    expect(page.locator(".step-readout")).not_to_have_text("Step: 0", timeout=15_000)
    start, started = int(page.inner_text(".step-readout").split()[1]), time.time()
    time.sleep(3)
    steps = int(page.inner_text(".step-readout").split()[1]) - start
    rate = steps / (time.time() - started) / 5  # five training steps per redraw
    (ARTIFACTS / "play-rate.txt").write_text(f"{rate:.1f} redraws/s seen in the browser ({steps} steps)\n")
    assert steps >= 15  # lenient: at least one redraw a second on a busy shared machine
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    no_error_text(page)


def test_each_tab_has_its_own_model(server, browser):
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    first.goto(server + "/")
    first.get_by_role("button", name="Step", exact=True).click()
    expect(first.locator(".step-readout")).to_have_text("Step: 1")
    second.goto(server + "/")
    expect(second.locator(".step-readout")).to_have_text("Step: 0")
    context.close()


def test_hive_page_steps(server, page):
    page.goto(server + "/hive")
    step = page.get_by_role("button", name="Step", exact=True)
    step.click()
    step.click()
    expect(page.locator(".step-readout")).to_have_text("Step: 2")
    page.get_by_role("button", name="Start a heat wave now").click()
    expect(page.locator(".perturb-report")).to_contain_text("Heat wave")
    no_error_text(page)
    page.screenshot(path=str(ARTIFACTS / "hive.png"), full_page=True)


def test_compare_page_steps_both(server, page):
    page.goto(server + "/compare")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(".step-readout")).to_have_text(["Step: 1", "Step: 1"])
    no_error_text(page)
    page.screenshot(path=str(ARTIFACTS / "compare.png"), full_page=True)
