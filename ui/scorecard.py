"""The scorecard panel: the instruments of issue 5 (`model.measures.scorecard`) computed on demand.

If the instruments have not landed yet, the panel says so plainly instead of showing made-up numbers.
"""

from __future__ import annotations

import solara

import model.measures as measures

SEEDS = 3


def scorecard_function():
    """`model.measures.scorecard(system, seeds=...) -> DataFrame`, or None while it does not exist."""
    return getattr(measures, "scorecard", None)


@solara.component
def ScorecardPanel(system: str):
    """A button that computes the scorecard for `system` ("network" or "hive") in a thread, then a table."""
    requested = solara.use_reactive(0)
    compute = scorecard_function()

    def run():
        if requested.value == 0 or compute is None:
            return None
        return compute(system, seeds=SEEDS)

    result = solara.use_thread(run, dependencies=[requested.value], intrusive_cancel=False)
    with solara.Card("Scorecard", margin=0, style={"min-width": "320px"}):
        if compute is None:
            solara.Warning("Not available yet: the instruments (issue 5, model.measures.scorecard) have not "
                           "landed. This panel computes them on demand once they exist.", classes=["scorecard-missing"])
            return
        solara.Text(f"Each complex-systems measure on the {system} and on its controls ({SEEDS} seeds). "
                    "It takes a while.")
        solara.Button("Compute the scorecard", on_click=lambda: requested.set(requested.value + 1),
                      disabled=result.state == solara.ResultState.RUNNING)
        if result.state == solara.ResultState.RUNNING:
            solara.ProgressLinear(True)
            solara.Text("Computing…")
        elif result.error is not None:
            solara.Error(f"The scorecard failed: {result.error}")
        elif result.value is not None:
            solara.HTML(tag="div", unsafe_innerHTML=result.value.to_html(float_format=lambda x: f"{x:.3g}"),
                        classes=["scorecard-table"])
