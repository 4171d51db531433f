"""What a page keeps per browser tab, and the Play loop that trains it.

A page's state (scenario, values, model, frame, uploads) lives in the tab's Solara kernel, so it
survives moving to another page of the same tab and back; a reload or another tab starts afresh (from
the URL). Play runs in one thread per tab at most, and stops as soon as no browser page of the tab is
connected, however the connection ended.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import solara
from solara.server import kernel_context

import scenarios

FULL_REDRAW = 1.0  # seconds between two renders of a whole page while Play pushes frames to its picture
_LOCKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()
_TABS: dict[str, dict] = {}  # kernel id -> {page key: PageState}


def model_lock(model) -> threading.RLock:
    """One lock per model: Play's thread steps it while a render may read it (predict swaps registers)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.get(model)
        if lock is None:
            lock = _LOCKS[model] = threading.RLock()
        return lock


def current_tab():
    """The tab's Solara kernel context, or None outside a server (as in `solara.render` tests)."""
    return kernel_context.get_current_context() if kernel_context.has_current_context() else None


def tab_memory(tab) -> dict:
    """The tab's own dict of page states, forgotten when its kernel closes."""
    if tab is None:
        return {}
    if tab.id not in _TABS:
        _TABS[tab.id] = {}
        tab.on_close(lambda key=tab.id: _TABS.pop(key, None))
    return _TABS[tab.id]


def client_connected(tab) -> bool:
    """Whether a browser page of this tab is connected (always True outside a server)."""
    if tab is None:
        return True
    if tab.closed_event.is_set():
        return False
    status = dict(tab.page_status)
    return not status or kernel_context.PageStatus.CONNECTED in status.values()


@dataclass
class PageState:
    """A page's per-tab state: its scenario, the parameter values, the model built from them, the frame."""

    scenario_name: solara.Reactive[str]
    values: solara.Reactive[dict]
    model: solara.Reactive
    built_with: solara.Reactive[dict]
    frame: solara.Reactive[int]  # bumped on every redraw; read by the live view only, not the page
    playing: solara.Reactive[bool]
    message: solara.Reactive[str]
    build: Callable[[str, dict], object]
    what: str
    initial_values: Callable
    on_rebuild: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # page-specific reactives (uploads, staging, selection)

    def redraw(self):
        self.frame.set(self.frame.value + 1)

    def step(self):
        with model_lock(self.model.value):
            self.model.value.step()
        self.redraw()

    def advance(self, steps: int) -> bool:
        """Play's frame: several steps (fewer if the model stops), then one redraw; False once it stopped.

        If the page left a `push` in `extra` (the network picture does), most frames go straight to the
        picture's widget and the whole page is redrawn only every FULL_REDRAW seconds: re-rendering a page's
        components costs more than computing its picture (benchmarks/app_play.py)."""
        current = self.model.value
        with model_lock(current):
            for _ in range(max(1, steps)):
                current.step()
                if not current.running:
                    break
        push, now = self.extra.get("push"), time.perf_counter()
        quick = push is not None and current.running and self.playing.value
        if quick and now - self.extra.get("redrawn", 0.0) < FULL_REDRAW:
            push()
        else:
            self.extra["redrawn"] = now
            self.redraw()
        return current.running

    def rebuild(self, name=None, new_values=None, keep=None) -> bool:
        """Build from the scenario and values; on bad input keep the old model and say why.

        `keep(old, new)` may carry something over from the old model (the initial weights, say).
        """
        name = name or self.scenario_name.value
        new_values = dict(new_values if new_values is not None else self.values.value)
        self.playing.set(False)
        try:
            fresh = self.build(name, new_values)
            if keep is not None:
                keep(self.model.value, fresh)
        except (ValueError, TypeError) as error:
            self.message.set(f"Could not build the {self.what}: {error}")
            return False
        self.message.set("")
        self.model.set(fresh)
        self.built_with.set(new_values)
        for hook in self.on_rebuild:
            hook()
        self.redraw()
        return True

    def pick_scenario(self, name):
        fresh_values = self.initial_values(scenarios.get(name))
        self.scenario_name.set(name)
        self.values.set(fresh_values)
        self.rebuild(name, fresh_values)


def use_page_state(
    default: str,
    build: Callable[[str, dict], object],
    initial_values: Callable,
    what: str,
    on_rebuild: Callable[[], None] | None = None,
    start: tuple[str, dict] | None = None,
    key: str | None = None,
) -> PageState:
    """A page's per-tab state (a custom hook: call it at the top of the page component, every render).

    With a `key` the state is kept in the tab's kernel and found again when the page is mounted again;
    `start` = (scenario, values) is where a new state begins (from a link), else the default scenario.
    """
    tab = current_tab()

    def fresh() -> PageState:
        name, values, problem = default, initial_values(scenarios.get(default)), ""
        if start is not None:
            name, values = start
        try:
            model = build(name, values)
        except (ValueError, TypeError) as error:  # a bad link: say why, start from the default
            problem = f"The link's parameters were refused ({error}); showing {default} instead."
            name, values = default, initial_values(scenarios.get(default))
            model = build(name, values)
        return PageState(
            solara.reactive(name),
            solara.reactive(values),
            solara.reactive(model),
            solara.reactive(values),
            solara.reactive(0),
            solara.reactive(False),
            solara.reactive(problem),
            build,
            what,
            initial_values,
        )

    def remembered() -> PageState:
        memory = tab_memory(tab)
        if key is None or key not in memory:
            state = fresh()
            if key is not None:
                memory[key] = state
            return state
        return memory[key]

    state = solara.use_memo(remembered, [])
    state.build = build  # the page's current closure (it may read the tab's uploads)
    state.on_rebuild[:] = [on_rebuild] if on_rebuild else []
    solara.use_effect(lambda: lambda: state.playing.set(False), [])  # leaving the page pauses Play
    return state


def use_player(
    playing: solara.Reactive[bool], advance: Callable[[], bool], interval: Callable[[], float] | None = None
) -> threading.Event:
    """While `playing`: call `advance()` (steps, then bumps the frame) in a thread; it returns False to stop.

    One loop per tab: a new loop waits for the last to end. The loop stops, and Play with it, as soon as
    no page of the tab is connected (a closed lid or a killed browser leaves no client to draw for).
    Returns the event a `FrameDone` component sets once a frame has been drawn: the thread waits for it,
    so it never runs ahead of the drawing (several steps per redraw, never a redraw per step). `interval()`, if
    given, is the least time between two frames: a large picture takes the browser longer to draw, and frames
    sent faster than it draws would queue up in front of a click on Pause.
    """
    drawn = solara.use_memo(threading.Event, [])
    one_loop = solara.use_memo(threading.Lock, [])
    tab = current_tab()

    def loop(cancel: threading.Event):
        if not playing.value:
            return
        with one_loop:
            while playing.value and not cancel.is_set():
                if not client_connected(tab):
                    playing.set(False)
                    return
                drawn.clear()
                started = time.perf_counter()
                try:
                    keep_going = advance()
                except Exception:  # an error in a frame stops Play; the page shows the message
                    playing.set(False)
                    raise
                if not keep_going:
                    playing.set(False)
                    return
                drawn.wait(2.0)
                least = interval() if interval is not None else 0.0
                cancel.wait(max(0.01, least - (time.perf_counter() - started)))  # a breath for clicks (Pause)

    solara.use_thread(loop, dependencies=[playing.value], intrusive_cancel=False)
    return drawn


@solara.component
def FrameDone(tick: int, drawn: threading.Event):
    """Put last in a frame's view: once frame `tick` is rendered, tell the Play thread it may go on."""
    solara.use_effect(drawn.set, [tick])
