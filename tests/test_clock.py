"""QuickClock (model/clock.py) against Mesa's own event loop: the same time, steps, events and trajectory."""

from __future__ import annotations

import mesa
import numpy as np
import pytest
from mesa.time import Priority
from mesa.time.events import Event

from model import NetworkModel
from model.hive import HiveModel


def _pair(**kwargs):
    return [NetworkModel(dataset="moons", hidden=[4], executor="vectorized", rng=3, **kwargs) for _ in range(2)]


def _mesa_step(model):
    """One step through mesa.Model's own loop, bypassing the quick path."""
    mesa.Model._wrapped_step(model)


def _state(model):
    generator = model._default_schedule
    pending = sorted((e.time, e.priority) for e in model._event_list._events if not e.CANCELED)
    return model.time, model.steps, generator.execution_count, generator.next_scheduled_time, pending


def _events_built(monkeypatch) -> list:
    """From now on, the time of every Mesa Event made (the quick path makes none)."""
    built = []
    original = Event.__init__
    monkeypatch.setattr(Event, "__init__", lambda self, *a, **k: (built.append(a[0]), original(self, *a, **k))[1])
    return built


def test_quick_steps_build_no_event_and_match_mesa(monkeypatch):
    quick, plain = _pair()
    for _ in range(25):
        _mesa_step(plain)
    built = _events_built(monkeypatch)
    for _ in range(25):
        quick.step()
    assert built == []  # the quick path was taken every time
    assert _state(quick) == _state(plain)
    assert np.array_equal(quick.params.theta, plain.params.theta)
    assert quick.datacollector.get_model_vars_dataframe().equals(plain.datacollector.get_model_vars_dataframe())


@pytest.mark.parametrize("executor", ["agents", "vectorized"])
def test_the_hive_takes_the_quick_path_too_and_matches_mesa(monkeypatch, executor):
    quick, plain = (
        HiveModel(n_bees=40, executor=executor, remove_fraction=0.25, remove_at=10, rng=3) for _ in range(2)
    )
    for _ in range(30):
        _mesa_step(plain)
    built = _events_built(monkeypatch)
    for _ in range(30):
        quick.step()
    assert built == []
    assert _state(quick) == _state(plain)
    assert list(quick.history) == list(plain.history) and np.array_equal(quick.states, plain.states)
    assert quick.datacollector.get_model_vars_dataframe().equals(plain.datacollector.get_model_vars_dataframe())


class Logging(NetworkModel):
    """A model whose events write down when they ran, and whose step schedules events of its own."""

    def __init__(self, **kwargs):
        super().__init__(dataset="xor", hidden=[3], executor="vectorized", rng=1, **kwargs)
        self.log = []

    def note(self):
        self.log.append(("note", self.time, self.steps))

    def now(self):
        self.log.append(("now", self.time, self.steps))

    def soon(self):
        self.log.append(("soon", self.time, self.steps))

    def step(self):
        super().step()
        self.log.append(("step", self.time, self.steps))
        if self.steps in (3, 7):
            self.schedule_event(self.now, at=self.time, priority=Priority.LOW)  # due at once
            self.schedule_event(self.soon, at=self.time + 1, priority=Priority.HIGH)  # beside the next step


@pytest.mark.parametrize("extra", ["none", "events", "recurring"])
def test_events_run_in_mesa_order(extra):
    runs = []
    for stepper in (lambda m: m.step(), _mesa_step):
        model = Logging()
        if extra == "events":
            model.schedule_event(model.note, at=2.0)
            model.schedule_event(model.note, at=4.0, priority=Priority.HIGH)
            model.checkpoint(5)
        elif extra == "recurring":
            model.schedule_recurring(model.note, mesa.time.Schedule(interval=2.0, start=1.0))
        for _ in range(10):
            stepper(model)
        runs.append((model.log, _state(model), sorted(model.checkpoints), model.params.theta.copy()))
    (quick_log, quick_state, quick_ckpt, quick_theta), (plain_log, plain_state, plain_ckpt, plain_theta) = runs
    assert quick_log == plain_log
    assert ("now", 3.0, 3) in quick_log  # due at once: run within step 3's advance
    assert ("soon", 4.0, 3) in quick_log  # scheduled before step 4's event was made: it runs first
    assert quick_state == plain_state and quick_ckpt == plain_ckpt
    assert np.array_equal(quick_theta, plain_theta)


def test_a_stopped_schedule_still_stops_the_steps():
    model = NetworkModel(dataset="xor", hidden=[3], executor="vectorized", rng=0)
    model.step()
    model._default_schedule.stop()
    theta = model.params.theta.copy()
    model.step()
    assert (model.time, model.steps) == (2.0, 1)
    assert np.array_equal(model.params.theta, theta)
