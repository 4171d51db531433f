"""The app in a real browser: `solara run app.py` on 127.0.0.1, driven by Debian's headless chromium.

Screenshots of every page go to test-artifacts/. Playwright's own browser download is not used (no
internet here): `.ci/run` installs Debian's chromium and this file launches /usr/bin/chromium.
"""

import os
import re
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
expect.set_options(timeout=30_000)  # the machine may be busy


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
    return page.locator("svg.network-picture").inner_html()


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
    page.locator("g.neuron[data-node='10']").click()  # XOR's output neuron
    expect(page.locator(".neuron-inspector")).to_contain_text("Neuron(10, output")
    expect(page.locator(".neuron-inspector")).to_contain_text("z = b + Σ w·a_in")


def test_a_bad_value_shows_a_message_and_the_server_keeps_serving(server, page):
    page.goto(server + "/")
    page.get_by_label("batch_size (empty: auto)").fill("1000")
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".page-message")).to_contain_text("batch_size 1000 exceeds the 4 training examples")
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


WATCH_TICKS = """() => {
  window.__ticks = [];
  let last = null;
  const look = () => {
    const svg = document.querySelector('svg.network-picture');
    const tick = svg && svg.getAttribute('data-tick');
    if (tick !== last) { last = tick; window.__ticks.push(tick); }
    requestAnimationFrame(look);
  };
  look();
}"""


def test_play_sends_each_frame_only_after_the_browser_painted_the_last(server, page):
    """Play pushes frames p1, p2, ... to the picture and waits for the browser's word that it painted one
    before it sends the next: the browser sees every one of them, none skipped (none queued up)."""
    page.goto(server + "/")
    page.get_by_role("button", name="Step", exact=True).wait_for()
    page.evaluate(WATCH_TICKS)
    page.get_by_role("button", name="Play").click()
    expect(page.locator(".step-readout")).not_to_have_text("Step: 0", timeout=15_000)
    time.sleep(3)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    pushed = [int(t[1:]) for t in page.evaluate("window.__ticks") if t and t.startswith("p")]
    assert len(pushed) >= 10  # Play pushed frames (and no page render stood in for each of them)
    assert pushed == list(range(pushed[0], pushed[0] + len(pushed)))  # one by one, none skipped
    steps = int(page.inner_text(".step-readout").split()[1])
    assert steps >= 5 * len(pushed)  # each frame is five steps on
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


# --- the teacher's instrument (stage view, pictures, links, uploads, hygiene) ------------------------
def svg(page):
    return page.locator("svg.network-picture")


def test_next_stage_draws_as_reached_exactly_what_the_model_computed_this_step(server, page):
    """The page's model and an independent copy built from its link advance together, stage by stage.

    The copy's registers are poisoned with nan before the step, so a finite value is one computed this
    step; the page must draw exactly those neurons as reached, at every stage.
    """
    import numpy as np

    from ui.link import decode
    from ui.network_page import build

    page.goto(server + "/")
    page.get_by_role("button", name="Step", exact=True).click()  # a step first: the registers hold old values
    expect(page.locator(".step-readout")).to_have_text("Step: 1")
    query = page.url.split("?", 1)[1]
    name, values = decode(query)
    model = build(name, values)
    model.step()
    s, sig = model.structure, model.signals
    sig.a[1:], sig.z[1:], sig.delta[1:-1] = np.nan, np.nan, np.nan
    sig.error[:, np.asarray(s.outputs)] = np.nan
    seen = []
    for label in model.stage_labels():
        page.get_by_role("button", name="Next stage").click()
        model.advance_stage()
        if label == "update":
            expect(page.locator(".step-readout")).to_have_text("Step: 2")
            expect(svg(page)).to_have_attribute("data-edge-kind", "update")
            continue
        expect(svg(page)).to_have_attribute("data-stage", label)
        t = model.ticks
        if label.startswith(("inject", "forward")):
            computed = np.isfinite(sig.a[t, :, 0])
        elif label == "error":
            computed = np.isfinite(sig.error[t, :, 0]) & np.isin(np.arange(s.n), s.outputs)
        else:
            computed = np.isfinite(sig.delta[t, :, 0]) & (np.asarray(s.roles) != "input")
        drawn = [int(v) for v in svg(page).get_attribute("data-reached").split()]
        assert drawn == np.flatnonzero(computed).tolist(), label
        seen.append((label, drawn))
        if label == "backward t=1 wave 1":
            heads = page.locator("g.heads polygon").count()
            assert heads == 8  # the eight w·δ messages from the output back to the hidden neurons
            page.screenshot(path=str(ARTIFACTS / "stage-backward.png"), full_page=True)
    assert seen[0] == ("inject", [0, 1]) and len(seen[-1][1]) == 9  # δ at every hidden and the output neuron
    assert np.array_equal(model.params.theta, model.params.theta)  # the copy completed its step too
    assert model.completed_steps == 2


def saved_theta(page):
    import io

    import numpy as np

    with page.expect_download() as download:
        page.get_by_text("Save model").click()
    with np.load(io.BytesIO(open(download.value.path(), "rb").read())) as archive:
        return archive["theta"].copy()


def test_a_copied_link_rebuilds_the_same_model_in_a_fresh_browser(server, browser, page):
    import numpy as np

    page.goto(server + "/")
    page.get_by_label("hidden (layer sizes, e.g. 16,16)", exact=True).fill("3 2")
    expect(page.locator(".apply-hint")).to_be_visible()  # the server has taken the first edit (it redraws the sidebar)
    page.get_by_label("seed", exact=True).fill("5")
    expect(page.get_by_label("seed", exact=True)).to_have_value("5")
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".model-description")).to_contain_text("2-3-2-1")
    expect(page.locator(".model-description")).to_contain_text("seed 5")
    expect(page).to_have_url(re.compile(r"hidden-3_2.*rng-5"))
    link = page.url
    for _ in range(3):
        page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(".step-readout")).to_have_text("Step: 3")
    first = saved_theta(page)
    context = browser.new_context(accept_downloads=True)
    other = context.new_page()
    other.goto(link)
    expect(other.locator(".model-description")).to_contain_text("2-3-2-1")
    expect(other.locator(".model-description")).to_contain_text("seed 5")
    for _ in range(3):
        other.get_by_role("button", name="Step", exact=True).click()
    expect(other.locator(".step-readout")).to_have_text("Step: 3")
    assert np.array_equal(saved_theta(other), first)  # bit for bit
    context.close()


def test_the_model_survives_a_visit_to_another_page(server, page):
    page.goto(server + "/")
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(".step-readout")).to_have_text("Step: 2")
    page.locator(".nav-hive").click()
    expect(page.locator(".step-readout")).to_have_text("Step: 0")
    page.locator(".nav-network").click()
    expect(page.locator(".step-readout")).to_have_text("Step: 2")


def test_a_csv_picked_by_clicking_survives_reset(server, page, tmp_path):
    import numpy as np

    rows = "\n".join(f"{x:.3f},{y:.3f},{int(x > y)}" for x, y in np.random.default_rng(0).random((60, 2)))
    path = tmp_path / "mine.csv"
    path.write_text("x,y,label\n" + rows + "\n")
    page.goto(server + "/")
    page.get_by_role("button", name="Step", exact=True).wait_for()
    page.locator(".csv-drop input[type=file]").first.set_input_files(str(path))
    expect(page.locator(".model-description")).to_contain_text("mine · 2-8-1")
    expect(page.locator(".apply-hint")).to_have_count(0)
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".model-description")).to_contain_text("mine · 2-8-1")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(".step-readout")).to_have_text("Step: 1")
    no_error_text(page)


@pytest.mark.parametrize(
    "field, value, outcome",
    [
        ("hidden (layer sizes, e.g. 16,16)", "16 16", "2-16-16-1"),  # two layers, as meant
        ("hidden (layer sizes, e.g. 16,16)", "(4,)", "2-4-1"),  # moons' Things to try
        ("learning_rate (η, any value)", "20", "learning_rate-20"),  # xor's Things to try: accepted
        ("hidden (layer sizes, e.g. 16,16)", "200000", "each layer needs 1 to 100000 neurons"),  # past the app's limit
    ],
)
def test_what_the_things_to_try_suggest_is_accepted_or_refused_beside_its_field(server, page, field, value, outcome):
    page.goto(server + "/")
    page.get_by_label(field, exact=True).fill(value)
    if outcome[0].isdigit() or "-20" in outcome:
        page.get_by_role("button", name="Reset").click()
        expect(page.locator(".page-message")).to_have_count(0)
        if "-20" in outcome:
            expect(page).to_have_url(re.compile(re.escape(outcome)))
        else:
            expect(page.locator(".model-description")).to_contain_text(outcome)
    else:
        field_box = page.locator(".v-text-field").filter(has=page.get_by_label(field, exact=True))
        expect(field_box.locator(".v-messages__message")).to_contain_text(outcome)


def test_neuron_pictures_for_2d_data_and_a_word_why_not_otherwise(server, page):
    page.goto(server + "/")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(".step-readout")).to_have_text("Step: 1")
    expect(page.locator("image.neuron-picture")).to_have_count(11)
    page.locator("g.neuron[data-node='4']").hover()
    expect(page.locator("g.neuron-zoom")).to_have_count(1)
    page.locator("path.edge").first.hover(force=True)
    page.screenshot(path=str(ARTIFACTS / "network-pictures.png"), full_page=True)
    choose(page, "scenario", "digits")
    expect(page.locator(".no-pictures")).to_contain_text("digits has 64 inputs")
    expect(page.locator("image.neuron-picture")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "network-digits.png"), full_page=True)


def test_killing_the_browser_during_play_lets_the_server_go_idle(server, browser):
    """A browser killed mid-Play (no page close): the server's CPU time stops growing within 10 s."""
    import psutil

    port = int(server.rsplit(":", 1)[1])
    solara = next(
        p
        for p in psutil.process_iter(["cmdline"])
        if p.info["cmdline"] and "--port" in p.info["cmdline"] and str(port) in p.info["cmdline"]
    )
    debug_port = free_port()
    chromium = subprocess.Popen(
        [
            CHROMIUM,
            *CHROMIUM_ARGS,
            f"--remote-debugging-port={debug_port}",
            f"--user-data-dir={ARTIFACTS / 'chromium-kill'}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                remote = browser.browser_type.connect_over_cdp(f"http://127.0.0.1:{debug_port}")
                break
            except Exception:
                time.sleep(0.2)
        if True:
            page = remote.contexts[0].new_page()
            page.set_default_timeout(30_000)
            page.goto(server + "/")
            page.get_by_role("button", name="Play").click()
            expect(page.locator(".step-readout")).not_to_have_text("Step: 0", timeout=15_000)
            busy_before = solara.cpu_times()
            time.sleep(2)
            busy = sum(solara.cpu_times()[:2]) - sum(busy_before[:2])
            psutil.Process(chromium.pid).kill()  # no page close, no goodbye
            chromium.wait(5)
    finally:
        if chromium.poll() is None:
            chromium.kill()
    time.sleep(8)
    before = solara.cpu_times()
    time.sleep(2)
    idle = sum(solara.cpu_times()[:2]) - sum(before[:2])
    (ARTIFACTS / "play-after-kill.txt").write_text(
        f"server CPU while playing {busy / 2:.0%} of a core, 8-10 s after the browser was killed {idle / 2:.0%}\n"
    )
    assert busy > 0.4  # it was training
    assert idle < 0.1 * 2  # under 10 % of a core
