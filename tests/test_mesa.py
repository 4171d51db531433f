"""NetworkModel is an ordinary Mesa model: batch_run and SolaraViz take it as Mesa documents them."""

import mesa
import numpy as np
import pytest

from model import NetworkModel


def test_mesa_batch_run_sweeps_the_network():
    rows = mesa.batch_run(
        NetworkModel,
        parameters={"dataset": "xor", "learning_rate": [0.1, 0.5], "batch_size": 4},
        rng=[1, 2],
        max_steps=30,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(rows) == 4
    assert {(r["learning_rate"], r["rng"]) for r in rows} == {(0.1, 1), (0.1, 2), (0.5, 1), (0.5, 2)}
    for row in rows:
        assert row["Step"] == 30
        assert 0 <= row["loss"] < 1 and 0 <= row["test_accuracy"] <= 1
    by_key = {(r["learning_rate"], r["rng"]): r["loss"] for r in rows}
    direct = NetworkModel(dataset="xor", learning_rate=0.5, batch_size=4, rng=2)
    for _ in range(30):
        direct.step()
    assert by_key[(0.5, 2)] == direct.loss  # batch_run's runs are the ordinary, reproducible ones


def test_solara_viz_renders_and_steps_the_network():
    import ipyvuetify
    import solara
    from mesa.visualization import SolaraViz, make_plot_component

    model = NetworkModel(dataset="moons", rng=1)

    @solara.component
    def Page():
        with solara.AppLayout():
            SolaraViz(
                model,
                components=[make_plot_component(["loss", "test_loss"])],
                model_params={
                    "learning_rate": {"type": "SliderFloat", "value": 0.1, "min": 0.01, "max": 1.0, "step": 0.01}
                },
            )

    _, rc = solara.render(Page(), handle_error=False)
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    assert model.steps == 1
    assert rc.find(ipyvuetify.Slider, label="learning_rate").widget.v_model == pytest.approx(0.1)
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    assert model.steps == 2 and model.running


def test_the_agent_executor_calls_each_neurons_own_rule_as_agentset_do_does(monkeypatch):
    """Its bound rules, looked up once per wave, give the trajectory `wave.do(rule)` gives, bit for bit."""
    from model.executors import AgentExecutor

    def run(use_do):
        if use_do:
            monkeypatch.setattr(AgentExecutor, "forward", lambda self, t, wave: self.model.waves[wave].do("forward", t))
            monkeypatch.setattr(
                AgentExecutor, "backward", lambda self, t, wave: self.model.waves[wave].do("backward", t)
            )
            monkeypatch.setattr(AgentExecutor, "update", lambda self: self.model.learners.do("update"))
        model = NetworkModel(dataset="moons", hidden=(5, 4), momentum=0.5, batch_size=3, executor="agents", rng=4)
        calls = []
        hidden = model.waves[1]
        for neuron in hidden:  # an instance's own rule, as a user might replace it before the first step
            rule = neuron.backward
            neuron.backward = lambda t, rule=rule, node=neuron.node: (calls.append(node), rule(t))[1]
        for _ in range(25):
            model.step()
        monkeypatch.undo()
        return model.params.theta.copy(), calls

    by_rules, called = run(use_do=False)
    by_do, called_by_do = run(use_do=True)
    assert np.array_equal(by_rules, by_do)
    assert called == called_by_do and len(called) == 25 * 4, "each neuron of the wave, once a step, in the same order"
