"""The parameter declarations (model/parameters.py): one source for the constructors, --set, the app, scenarios."""

import contextlib
import inspect
import io
import math

import ipyvuetify as v
import numpy as np
import pytest
import solara
from hypothesis import given, settings
from hypothesis import strategies as st

import scenarios
from model import HiveModel, NetworkModel
from model.declaration import ParameterError
from model.parameters import HIVE, NETWORK
from scenarios import cli
from scenarios.registry import Info, Scenario
from ui import params as P

MODELS = {"network": NetworkModel, "hive": HiveModel}
SMALL = {"network": {}, "hive": {"n_bees": 20}}  # a small base so each example builds in milliseconds


@pytest.mark.parametrize("model_class", [NetworkModel, HiveModel])
def test_the_declaration_is_the_constructors_signature(model_class):
    signature = inspect.signature(model_class.__init__).parameters
    declared = model_class.parameters
    assert sorted(declared.names) == sorted(k for k in signature if k != "self")
    assert {k: p.default for k, p in signature.items() if k != "self"} == declared.defaults()


# --- every value of every type, to every parameter ---------------------------------------------------------
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(-2, 40), max_size=4),
    st.tuples(st.integers(-5, 50), st.integers(-5, 50), st.floats(-50, 50)),
    st.tuples(st.floats(-50, 50), st.floats(-50, 50)),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.integers(0, 40).map(np.int64),
    st.floats(-5, 5).map(np.float64),
    st.just(np.zeros(0)),
)


PAIRS = [(system, name) for system, cls in MODELS.items() for name in cls.parameters.names]


@pytest.mark.parametrize("system, name", PAIRS, ids=[f"{s}-{n}" for s, n in PAIRS])
@settings(max_examples=12, derandomize=True, database=None, deadline=None)
@given(data=st.data())
def test_any_value_for_any_parameter_builds_or_is_refused_naming_it(system, name, data):
    parameter = MODELS[system].parameters[name]
    value = data.draw(st.one_of(ANY_VALUE, st.sampled_from((parameter.default, *parameter.choices))))
    kwargs = {**SMALL[system], name: value}
    try:
        MODELS[system](**kwargs)
    except (ValueError, TypeError) as error:
        assert name in str(error), f"{name}={value!r}: {error}"


TEXT = st.one_of(
    st.text(max_size=10), st.sampled_from(["3.5", "16,16", "(4,0)", "none", "true", "-1", "1e400", "[", ""])
)


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(system=st.sampled_from(["network", "hive"]), data=st.data())
def test_set_on_the_command_line_runs_or_says_one_line_and_exits_2(system, data):
    declaration = MODELS[system].parameters
    name = data.draw(st.sampled_from(declaration.names))
    text = data.draw(st.one_of(TEXT, st.sampled_from([str(c) for c in declaration[name].choices] or ["x"])))
    scenario = "xor" if system == "network" else "hive-day"
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = cli.main(["run", scenario, "--steps", "0", "--quiet", "--set", f"{name}={text}"])
    said = err.getvalue()
    if code == 0:
        assert out.getvalue().strip()  # the summary
    else:
        assert code == 2 and said.count("\n") == 1 and said.startswith("neurohive: error: "), said
        assert "Traceback" not in said and (name in said or "--set" in said), said


def test_a_mistyped_value_says_which_parameter_what_it_got_and_what_it_accepts():
    with pytest.raises(ParameterError, match=r"^hidden must be a whole number >= 1 or a tuple of them, got 3.5$"):
        NetworkModel(hidden=3.5)
    with pytest.raises(ParameterError, match=r"^unknown activation \{\}; valid ones are: identity, tanh"):
        NetworkModel(activation={})
    with pytest.raises(ParameterError, match=r"^n_bees must be a whole number >= 1, got nan$"):
        HiveModel(n_bees=float("nan"))
    assert cli.main(["run", "moons", "--set", "hidden=3.5", "--quiet"]) == 2


# --- text: encode, decode, parse ----------------------------------------------------------------------------
def valid_value(p):
    """Values the parameter accepts, of its own kind (objects such as graphs cannot be written as text)."""
    low = -1e6 if p.low is None else p.low
    high = 1e6 if p.high is None else p.high
    if p.kind == "int":
        return st.integers(int(math.ceil(low)), int(min(high, 10**6)))
    if p.kind == "seed":
        return st.integers(0, 2**40)
    if p.kind == "float":
        return st.floats(low, high, exclude_min=p.open_low, exclude_max=p.open_high, allow_subnormal=True)
    if p.kind == "bool":
        return st.booleans()
    if p.kind == "choice":
        paths = st.text(min_size=1, max_size=12).map(lambda s: s + ".csv") if p.also else st.nothing()
        return st.one_of(st.sampled_from(p.choices), paths)
    if p.kind == "sizes":
        return st.one_of(st.integers(1, 4096), st.lists(st.integers(1, 4096), min_size=1, max_size=4).map(tuple))
    if p.kind == "tuple":
        return st.tuples(*(st.integers(0, 10**6) if k == "int" else st.floats(-1e6, 1e6) for k in p.items)).filter(
            lambda t: p.where is None or p.where(t)
        )
    if p.kind == "series":
        return st.lists(st.floats(-100, 100), min_size=1, max_size=5).map(tuple)
    return st.nothing()


def parameter_sets(declaration):
    writable = [p for p in declaration if p.kind != "object"]
    return st.fixed_dictionaries(
        {}, optional={p.name: st.one_of(valid_value(p), st.none()) if p.optional else valid_value(p) for p in writable}
    ).filter(lambda values: _valid(declaration, values))


def _valid(declaration, values) -> bool:
    try:
        declaration.validate(values)
    except ValueError:
        return False
    return True


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(data=st.data())
def test_encode_then_decode_gives_the_same_parameter_set_without_the_defaults(data):
    declaration = data.draw(st.sampled_from([NETWORK, HIVE]))
    values = data.draw(parameter_sets(declaration))
    text = declaration.encode(values)
    assert all(c.isalnum() or c in "-._~" for c in text)  # unreserved in a URL, safe in a file name
    changed = {
        k: v for k, v in values.items() if declaration[k].encode(v) != declaration[k].encode(declaration[k].default)
    }
    assert declaration.decode(text) == changed


def test_encode_is_compact_and_readable():
    values = {"dataset": "moons", "hidden": (16, 16), "learning_rate": 0.05, "noise": 0.1, "close_at": None}
    assert NETWORK.encode(values) == "dataset-moons~hidden-16_16~learning_rate-0.05"
    assert NETWORK.decode("hidden-4_") == {"hidden": (4,)} and NETWORK.decode("hidden-4") == {"hidden": 4}
    assert HIVE.decode(HIVE.encode({"heat_wave": (10, 20, -3.5)})) == {"heat_wave": (10, 20, -3.5)}
    for bad in ("hidden-x", "hiden-4", "hidden", "hidden-0", "hidden-4~hidden-5"):
        with pytest.raises(ParameterError):
            NETWORK.decode(bad)
    with pytest.raises(ParameterError, match="graph"):
        NETWORK.encode({"graph": __import__("networkx").DiGraph()})


@pytest.mark.parametrize(
    "name, text, value",
    [("hidden", "16,16", (16, 16)), ("hidden", "8", 8), ("close_at", "", None), ("drift", "none", None),
     ("influx", "false", False), ("learning_rate", "1e-3", 0.001), ("dataset", "my data.csv", "my data.csv"),
     ("activation", "relu", "relu"), ("rng", "7", 7)],
)  # fmt: skip
def test_parse_reads_text_as_set_does(name, text, value):
    assert NETWORK.parse(name, text) == value


# --- the app's controls and the scenarios ---------------------------------------------------------------------
def test_the_apps_controls_follow_the_declaration(monkeypatch):
    specs = {s.name: s for s in P.specs_for("network")[0]}
    assert specs["n_samples"].high == 5000 and specs["activation"].choices == tuple(NETWORK["activation"].choices)
    monkeypatch.setattr(NetworkModel, "parameters", NETWORK.replace("n_samples", app_max=100, help="fewer"))
    specs = {s.name: s for s in P.specs_for("network")[0]}
    assert specs["n_samples"].high == 100 and specs["n_samples"].help == "fewer"
    assert "n_samples must lie between 4 and 100" in P.problem(specs["n_samples"], "500")


def test_a_refused_value_is_shown_beside_its_control():
    from ui.components import ParamPanel

    values = solara.reactive({"dataset": "moons", "n_samples": 2, "noise": 0.1, "test_fraction": 0.25})
    specs, groups = P.specs_for("network")
    _, rc = solara.render(ParamPanel(specs[:4], groups, values), handle_error=False)
    messages = [m for w in rc.find(v.TextField).widgets for m in w.messages]  # the field's own error line
    assert messages == ["n_samples must lie between 4 and 5000; got 2"]  # under that field, and only there


def test_every_scenarios_keys_are_parameters_and_a_bad_key_is_refused():
    for scenario in scenarios.SCENARIOS.values():
        assert scenario.model_class.parameters.validate(scenario.params) == dict(scenario.params)
    info = Info("a", "b", "c", "d", "e")
    with pytest.raises(ValueError, match=r"scenario 'x': unknown parameter 'hiden' \(did you mean 'hidden'\?\)"):
        Scenario("x", "network", {"hiden": 4}, info)
    with pytest.raises(ValueError, match=r"scenario 'y': n_bees must be a whole number >= 1, got 0"):
        Scenario("y", "hive", {"n_bees": 0}, info)
