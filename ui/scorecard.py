"""The scorecard panel: the instruments (`model.measures.scorecard`) computed on demand.

It takes from seconds (network) to a minute (hive), so it runs in a thread behind a button and shows
which seed it is on. Should `model.measures` lack `scorecard`, the panel says so instead of guessing.
"""

from __future__ import annotations

import solara

import model.measures as measures

SEEDS = 3
COLUMNS = ["feature", "measure", "system_value", "control", "control_value", "separated"]


class Progress:
    """What `scorecard(progress=...)` calls once per seed: counts into a reactive for the page."""

    def __init__(self, done: solara.Reactive[int]):
        self.done = done

    def update(self, n: int = 1):
        self.done.set(self.done.value + n)


def scorecard_function():
    """`model.measures.scorecard(system, seeds=...) -> DataFrame`, or None while it does not exist."""
    return getattr(measures, "scorecard", None)


@solara.component
def ScorecardPanel(system: str):
    """A button that computes the scorecard for `system` ("network" or "hive") in a thread, then a table."""
    requested = solara.use_reactive(0)
    done = solara.use_reactive(0)
    compute = scorecard_function()

    def run():
        if requested.value == 0 or compute is None:
            return None
        done.set(0)
        table = compute(system, seeds=SEEDS, progress=Progress(done))
        return table[[c for c in COLUMNS if c in table.columns]]

    result = solara.use_thread(run, dependencies=[requested.value], intrusive_cancel=False)
    with solara.Card("Scorecard", margin=0, style={"min-width": "320px"}):
        if compute is None:
            solara.Warning(
                "Not available yet: the instruments (model.measures.scorecard) have not "
                "landed. This panel computes them on demand once they exist.",
                classes=["scorecard-missing"],
            )
            return
        solara.Text(
            f"Each complex-systems measure on the {system} and on its controls ({SEEDS} seeds). It takes a while."
        )
        solara.Button(
            "Compute the scorecard",
            on_click=lambda: requested.set(requested.value + 1),
            disabled=result.state == solara.ResultState.RUNNING,
        )
        if result.state == solara.ResultState.RUNNING:
            solara.ProgressLinear(True)
            solara.Text(f"Computing… seed {min(done.value + 1, SEEDS)} of {SEEDS}")
        elif result.error is not None:
            solara.Error(f"The scorecard failed: {result.error}")
        elif result.value is not None:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=result.value.to_html(index=False, float_format=lambda x: f"{x:.3g}"),
                classes=["scorecard-table"],
            )
            solara.Text("separated: the measure reads differently on the system and on its control.")
