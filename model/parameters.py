"""Each model's parameters, declared once: `NETWORK` (`NetworkModel.parameters`) and `HIVE` (`HiveModel.parameters`).

A parameter's kind, default, range or choices, group, unit and help live here and nowhere else; choices come
from the registries that define them (model/functions.py, model/initialisation.py, model/datasets.py,
model/executors.py, agents/weather.py). The constructors validate through these declarations before any
work; the app's controls (ui/params.py), `--set` / `--vary` (scenarios/cli.py), the sweeps' checks
(model/sweep/plan.py), the scenario registry and `encode` / `decode` are built from them. The machinery is
in model/declaration.py.
"""

from __future__ import annotations

import networkx as nx

from agents.weather import KINDS as WEATHER_KINDS
from model import datasets, functions
from model.architectures import ARCHITECTURES
from model.declaration import Declaration, Parameter, ParameterError, Rule
from model.executors import EXECUTORS
from model.initialisation import INITS

__all__ = ["NETWORK", "HIVE", "Declaration", "Parameter", "ParameterError", "Rule"]

CONTROLS = ("bees", "thermostat", "open_loop")  # HiveModel: who decides (model/hive.py)
REMOVAL_RULES = ("random", "targeted")  # HiveModel.remove_bees: which bees go
HIVE_EXECUTORS = ("agents", "vectorized")  # HiveModel: each bee's rule, or all at once on the arrays


def _csv_path(value) -> bool:
    return isinstance(value, str) and value.lower().endswith(".csv")


P = Parameter
# fmt: off
NETWORK = Declaration(
    "NetworkModel",
    (
        # Data
        P("dataset", "choice", "xor", "Data", "the data stream the environment injects", choices=tuple(datasets.GENERATORS),
          types=(datasets.Dataset,), also=_csv_path, accepts_text="a path to a .csv file, or a model.datasets.Dataset"),
        P("n_samples", "int", 400, "Data", "examples generated (2-D and sequence sets)", low=4, app_max=5000),
        P("noise", "float", 0.1, "Data", "noise added to the generated inputs", low=0.0, app_max=2.0),
        P("test_fraction", "float", 0.25, "Data", "share of the examples held out for testing", low=0.0, high=1.0,
          open_high=True, app_max=0.9),
        P("drift", "choice", None, "Data", "how the world changes over time", choices=tuple(d for d in datasets.DRIFTS if d),
          optional=True, none="none"),
        P("drift_period", "int", 500, "Data", "steps per full drift cycle", "steps", low=1),
        P("influx", "bool", True, "Data", "data and error flow in (an open system)"),
        P("close_at", "int", None, "Data", "close the system after this step", "step", low=0, optional=True, none="never"),
        # Network
        P("graph", "object", None, "Network", "the network itself; None: built from architecture and hidden",
          types=(nx.DiGraph,), optional=True, none="built"),
        P("architecture", "choice", None, "Network", "how the graph is built (default layered, recurrent for sequences)",
          choices=ARCHITECTURES, optional=True),
        P("hidden", "sizes", 8, "Network", "hidden layer sizes (neurons per layer)", low=1, app_max=2048),
        P("connection_p", "float", 0.3, "Network", "edge probability of a random_dag", low=0.0, high=1.0),
        P("activation", "choice", "tanh", "Network", "hidden neurons' activation", choices=tuple(functions.ACTIVATIONS)),
        P("output_activation", "choice", None, "Network", "output neurons' activation (default from the loss)",
          choices=tuple(functions.ACTIVATIONS), optional=True),
        P("init", "choice", "xavier", "Network", "initial weights and biases", choices=INITS),
        # Learning
        P("loss", "choice", None, "Learning", "loss function, PyTorch's definitions (default from the data)",
          choices=tuple(functions.LOSSES), optional=True),
        P("learning_rate", "float", 0.1, "Learning", "SGD step size (influx=False stops learning)", low=0.0,
          open_low=True, suggest=(0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)),
        P("momentum", "float", 0.0, "Learning", "SGD momentum", low=0.0, high=1.0, open_high=True,
          suggest=(0.0, 0.5, 0.9, 0.99)),
        P("weight_decay", "float", 0.0, "Learning", "L2 penalty added to every weight's gradient", low=0.0,
          suggest=(0.0, 1e-5, 1e-4, 1e-3, 1e-2)),
        P("batch_size", "int", None, "Learning", "examples per step (default min(32, training set))",
          low=1, optional=True, app_max=4096),
        P("ticks", "int", None, "Learning", "ticks per step (default 1, or the sequence length)", "ticks", low=1,
          optional=True, app_max=20),
        # Run
        P("executor", "choice", "agents", "Run", "each neuron's own rule, or each wave at once", choices=tuple(EXECUTORS)),
        P("eval_every", "int", 10, "Run", "test metrics refreshed every k steps", "steps", low=1, app_max=10_000),
        P("history", "int", None, "Run", "keep only about this many recorded rows", "rows", low=1, optional=True,
          none="all"),
        P("snapshot_every", "int", None, "Run", "a per-neuron table every k steps", "steps", low=1, optional=True,
          none="never"),
        P("rng", "seed", None, "Run", "the seed: the same seed gives the same run", app_max=2**32 - 1),
    ),
    ("Data", "Network", "Learning", "Run"),
)

HIVE = Declaration(
    "HiveModel",
    (
        # Colony
        P("n_bees", "int", 300, "Colony", "bees in the colony", low=1, app_max=5000),
        P("patrilines", "int", 15, "Colony", "fathers: threshold offsets are drawn per patriline", low=1, app_max=100),
        P("sigma_between", "float", 0.75, "Colony", "threshold spread between patrilines", "°C", low=0.0),
        P("sigma_within", "float", 0.1, "Colony", "threshold spread within a patriline", "°C", low=0.0),
        P("mu_heat", "float", 34.5, "Colony", "mean heating threshold", "°C"),
        P("mu_fan", "float", 35.5, "Colony", "mean fanning threshold", "°C"),
        P("initial_temperature", "float", 35.0, "Colony", "nest temperature at tick 0", "°C"),
        # Behaviour
        P("p_quit", "float", 0.2, "Behaviour", "chance per tick that a working bee stops", low=0.0, high=1.0),
        P("sensing_delay", "int", 5, "Behaviour", "age of the temperature a bee senses", "min", low=0, app_max=120),
        P("beta", "float", 0.0, "Behaviour", "softness of the thresholds (0: sharp)", "°C", low=0.0),
        P("control", "choice", "bees", "Behaviour", "who decides: every bee, one thermostat bee, or a fixed plan",
          choices=CONTROLS),
        # Heat balance
        P("lam", "float", 1 / 120, "Heat balance", "Newton cooling rate towards the outside", "1/min", low=0.0),
        P("m0", "float", 0.05, "Heat balance", "baseline metabolic heating of the full colony", "°C/min", low=0.0),
        P("h", "float", 0.25, "Heat balance", "heating by the full colony", "°C/min", low=0.0),
        P("c", "float", 0.15, "Heat balance", "cooling by the full colony", "°C/min", low=0.0),
        P("dt", "float", 1.0, "Heat balance", "length of a tick", "min", low=0.0, open_low=True),
        # Weather
        P("weather", "choice", "daily", "Weather", "daily cycle, constant, or a given series", choices=WEATHER_KINDS),
        P("outside_mean", "float", 25.0, "Weather", "mean outside temperature", "°C"),
        P("outside_amplitude", "float", 8.0, "Weather", "amplitude of the daily cycle", "°C"),
        P("day_length", "float", 1440.0, "Weather", "period of the daily cycle", "min", low=0.0, open_low=True),
        P("outside_series", "series", None, "Weather", "outside temperature per tick (weather='series')", "°C",
          optional=True, none="none"),
        # Perturbation
        P("heat_wave", "tuple", None, "Perturbation", "(start, duration, +°C): the outside is hotter for a while",
          "min, min, °C", items=("int", "int", "float"), optional=True, none="none",
          where=lambda v: v[0] >= 0 and v[1] >= 0, accepts_text="start and duration >= 0"),
        P("cold_snap", "tuple", None, "Perturbation", "(start, duration, -°C): the outside is colder for a while",
          "min, min, °C", items=("int", "int", "float"), optional=True, none="none",
          where=lambda v: v[0] >= 0 and v[1] >= 0, accepts_text="start and duration >= 0"),
        P("remove_fraction", "float", 0.0, "Perturbation", "share of the living bees removed at remove_at", low=0.0,
          high=1.0),
        P("remove_at", "int", 1440, "Perturbation", "tick of the removal", "min", low=0),
        P("remove_how", "choice", "random", "Perturbation", "which bees go: at random, or the keenest fanners first",
          choices=REMOVAL_RULES),
        # Run
        P("band", "tuple", (34.0, 36.0), "Run", "the brood band the summary scores", "°C", items=("float", "float"),
          where=lambda v: v[0] < v[1], accepts_text="low < high"),
        P("analyse_after", "int", 1440, "Run", "the summary reads the ticks after this one", "min", low=0),
        P("executor", "choice", "agents", "Run", "each bee's own rule, or all at once", choices=HIVE_EXECUTORS),
        P("rng", "seed", None, "Run", "the seed: the same seed gives the same run", app_max=2**32 - 1),
    ),
    ("Colony", "Behaviour", "Heat balance", "Weather", "Perturbation", "Run"),
    rules=(
        Rule(("mu_heat", "mu_fan"), lambda v: v["mu_heat"] < v["mu_fan"],
             lambda v: f"mu_heat ({v['mu_heat']}) must be below mu_fan ({v['mu_fan']}): the dead band must be positive"),
        Rule(("outside_series", "weather"), lambda v: v["weather"] != "series" or v["outside_series"] is not None,
             lambda v: "outside_series must be a non-empty sequence of °C values when weather='series'"),
        Rule(("outside_series", "weather"), lambda v: v["weather"] == "series" or v["outside_series"] is None,
             lambda v: f"outside_series is only used with weather='series' (weather is {v['weather']!r})"),
    ),
)
# fmt: on
