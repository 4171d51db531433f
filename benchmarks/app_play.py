"""Play in a real browser (run by hand): `python benchmarks/app_play.py [--seconds 8] [--scenarios xor,numerosity]`.

Starts `solara run app.py`, opens the network page in one and then two headless Chromium tabs at once,
presses Play in each, and counts the frames each tab paints (a requestAnimationFrame loop notes every
change of the picture's `data-tick`, which the page bumps once per redraw). Then presses Pause and times
how long the page takes to show Play again. Budgets (ui/network_page.py): 10 redraws/s on xor and 3 on
numerosity, with two tabs playing at once. The reference measured in the same run is one tab alone:
the two-tab rate is also given as a ratio of it.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
COUNTER = """() => {
  window.__painted = [];
  let last = null;
  const look = () => {
    const svg = document.querySelector('svg.network-picture');
    const tick = svg && svg.getAttribute('data-tick');
    if (tick !== last) { last = tick; window.__painted.push(performance.now()); }
    requestAnimationFrame(look);
  };
  look();
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server():
    port = free_port()
    solara = Path(sys.executable).with_name("solara")
    command = [str(solara), "run", "app.py", "--host", "127.0.0.1", "--port", str(port), "--production", "--no-open"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if urllib.request.urlopen(url + "/", timeout=2).status == 200:
                return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("solara did not start")


def open_page(browser, url, scenario):
    page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
    page.set_default_timeout(120_000)
    page.goto(url + "/")
    page.get_by_role("button", name="Step", exact=True).wait_for()
    if scenario != "xor":
        before = page.inner_text(".model-description")
        page.locator(".v-select").filter(has=page.locator("label:text-is('scenario')")).first.click()
        page.locator(".menuable__content__active .v-list-item").filter(has_text=scenario).first.click()
        page.wait_for_function(
            "before => document.querySelector('.model-description').innerText !== before", arg=before
        )
    page.locator("svg.network-picture").wait_for()
    page.evaluate(COUNTER)
    return page


def rate(page, since: float) -> float:
    """Frames painted per second since `since` (the page's performance.now(), ms)."""
    stamps = [t for t in page.evaluate("window.__painted") if t >= since]
    return (len(stamps) - 1) / ((stamps[-1] - stamps[0]) / 1000) if len(stamps) > 2 else 0.0


def play(browser, url, scenario, tabs, seconds):
    """(redraws/s per tab, seconds from a click on Pause to Play shown again, per tab)."""
    pages = [open_page(browser, url, scenario) for _ in range(tabs)]
    for page in pages:
        page.get_by_role("button", name="Play").click()
    time.sleep(2.0)  # the first frames (a large network's first is slow)
    starts = [page.evaluate("performance.now()") for page in pages]
    time.sleep(seconds)
    rates = [rate(page, start) for page, start in zip(pages, starts)]
    pauses = []
    for page in pages:
        clicked = time.perf_counter()
        page.get_by_role("button", name="Pause").click()
        page.get_by_role("button", name="Play").wait_for()
        pauses.append(time.perf_counter() - clicked)
    for page in pages:
        page.context.close()
    return rates, pauses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--scenarios", default="xor,numerosity")
    args = parser.parse_args()
    process, url = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for scenario in args.scenarios.split(","):
                alone, alone_pause = play(browser, url, scenario, 1, args.seconds)
                both, both_pause = play(browser, url, scenario, 2, args.seconds)
                print(
                    f"Play on {scenario}: one tab {alone[0]:.1f} redraws/s; two tabs at once "
                    f"{' and '.join(f'{r:.1f}' for r in both)} redraws/s (two / one = {min(both) / max(alone[0], 1e-9):.2f}); "
                    f"Pause took {alone_pause[0]:.2f} s alone, {' and '.join(f'{t:.2f}' for t in both_pause)} s with two",
                    flush=True,
                )
            browser.close()
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
