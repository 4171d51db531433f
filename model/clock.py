"""Mesa's step, without Mesa building and queueing an Event for it when nothing else is due.

`mesa.Model.step` is `_advance_time(time + 1)`: it pops the default schedule's event, runs the user's step,
and has the EventGenerator create a fresh `Event` (weak references, an id, a heap push) for the next one.
That costs about 20 µs a step, as much as the arithmetic of a 2-16-16-1 network at batch 1
(benchmarks/train_speed.py). When the step is the only event due before time + 1 (nothing scheduled by
`schedule_event`, `checkpoint(k)`, a recurring schedule, ...), `QuickClock` does what Mesa would, in place:
time and steps move by one, the user's step runs, and the pending event moves on to the next time. In every
other case, and whenever Mesa's internals are not as this expects, Mesa's own loop runs. NetworkModel and
HiveModel mix it in (in a 300-bee vectorised tick it saves a quarter: benchmarks/hive_speed.py);
tests/test_clock.py checks that both give the same time, steps, event list and trajectory as Mesa's loop.
"""

from __future__ import annotations

import heapq
import logging

from mesa.time.events import Event

_mesa_logger = logging.getLogger("mesa.model")


class QuickClock:
    """Mixed into a `mesa.Model` before it: `step()` takes the quick path when only the step is due."""

    def _wrapped_step(self) -> None:
        """Advance time by one unit, processing any scheduled events (as mesa.Model does)."""
        until = self.time + 1
        generator = getattr(self, "_default_schedule", None)
        events = getattr(getattr(self, "_event_list", None), "_events", None)
        pending = getattr(generator, "_current_event", None)
        if not (
            events is not None
            and len(events) == 1
            and events[0] is pending
            and pending.time == until
            and not pending.CANCELED
            and generator._active
            and not generator._paused
            and generator.schedule.interval == 1.0
            and generator.schedule.end is None
            and generator.schedule.count is None
            and not _mesa_logger.isEnabledFor(logging.INFO)
        ):
            super()._wrapped_step()
            return
        events.pop()  # the step's event, as Mesa's loop pops it
        self.time = until
        self.steps += 1
        self._user_step()  # if this raises, no next step is queued: as in Mesa
        generator._execution_count += 1
        pending.time, pending.unique_id = until + 1.0, next(Event._ids)  # the next step, as a fresh Event would be
        heapq.heappush(events, pending)
        if len(events) > 1:  # the step scheduled events of its own: run those due by now, as Mesa's loop would
            self._run_due(until)
        self.time = until

    def _run_due(self, until: float) -> None:
        """Mesa's `_advance_time` loop: every event due by `until`, in order."""
        while True:
            try:
                event = self._event_list.pop_event()
            except IndexError:
                break
            if event.time > until:
                self._event_list.add_event(event)
                break
            self.time = event.time
            event.execute()
