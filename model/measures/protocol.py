"""The scorecard's protocol, fixed before any data were looked at: each row's pair, direction and falsifier.

Every row compares a *system* arm with a *control* arm over independent seeds (seed s builds both arms'
data and initial state from `rng=s`; the arms differ only in the one feature named). Where no control can
differ in one thing only (numerosity: a system cannot lack "many parts" and keep its size), the row is a
scaling curve: its value per seed is the log-log slope of N_eff against size, and the control arm is the same
curve for the same-size systems in which one element carries the signal or the decision.

Shared protocol. Network: the page's scenario (default `moons`: 2-16-16-1, tanh, lr 0.1, batch 32), vectorised
executor, `STEPS` training steps, measured on its own test set or probe (the first 64 test examples); the
shared probe for comparing networks across seeds is seed 0's test inputs. Hive: the page's scenario (default
`hive-day`: 300 bees, 15 patrilines, daily weather), vectorised, `STEPS` ticks; lesion runs last `LESION_TICKS`
ticks after which the first `BURN_IN` are dropped, with the same random numbers in every lesioned copy.
Irreversibility: the micro trajectory after its first quarter, centred, projected on its two leading principal
components (x, y); the mean signed area swept at lag `TAU` steps, A = ⟨x_t y_{t+τ} − x_{t+τ} y_t⟩ / 2, divided by
sd(x)·sd(y), in absolute value. It vanishes in expectation under detailed balance (Kunin et al., Neural
Computation 36:151, 2023; Zia & Schmittmann, J. Stat. Mech. 2007). Information is in bits throughout.

Statistics (model/measures/statistics.py): the difference of means, system − control; a one-sided permutation
p-value in the stated direction; a BCa bootstrap 95 % interval; Hedges' g. `separated`: p < 0.01 and the
interval excludes 0 on the stated side. Unpaired: the arms are treated as independent samples.
"""

from __future__ import annotations

from dataclasses import dataclass

SEEDS = 10
STEPS = 2000
TAU = 10  # lag (steps) of the irreversibility measure
WIDTHS = (4, 8, 16, 32, 64)  # hidden width of both layers, numerosity scaling (network)
SIZES = (20, 40, 80, 160, 300)  # colony sizes, numerosity scaling (hive)
GROUP = 10  # bees per lesion unit
LESION_TICKS, BURN_IN = 1440, 120
HIVE_GROUPS = 10  # the micro level for Ψ, Δ, Γ in the hive: ten groups of bees, each its net heat
ALPHA = 0.01
TASK_PARTNER = {"moons": "circles", "circles": "moons", "spirals": "circles", "xor": "circles"}


@dataclass(frozen=True)
class Row:
    """One scorecard row: what is measured, on which pair, which way the feature points, what would refute it."""

    feature: str
    measure: str
    unit: str
    direction: str  # "greater": the system's value exceeds the control's when the feature is present
    control: str
    design: str  # "minimal pair", "scaling curve" or "surrogate"
    falsifiable: str

    def __post_init__(self):
        if self.direction not in ("greater", "less"):
            raise ValueError(f"direction must be 'greater' or 'less', got {self.direction!r}")


NETWORK_ROWS = (
    Row(
        "numerosity",
        "log-log slope of N_eff (leave-one-out) against width 4…64",
        "1",
        "greater",
        "the same widths wired through one neuron (w, 1, w−1 hidden)",
        "scaling curve",
        "A slope no larger than the one-neuron-bottleneck networks' would mean a few neurons carry the work "
        "whatever the size.",
    ),
    Row(
        "decentralised_control",
        "top neuron's share of leave-one-out importance",
        "1",
        "less",
        "the same 32 hidden neurons wired so that every signal passes through one (16, 1, 15)",
        "minimal pair",
        "A top share as large as in the bottlenecked network would mean one neuron controls the trained network too.",
    ),
    Row(
        "openness",
        "irreversibility of the parameter trajectory |A|/(sd·sd), lag 10",
        "1",
        "greater",
        "full-batch gradient descent plus isotropic noise of SGD's size (equilibrium Langevin)",
        "minimal pair",
        "Probability currents no larger than under the equilibrium process would mean the data stream drives "
        "no current through parameter space.",
    ),
    Row(
        "feedback",
        "TE loop: weaker of TE(δ→a), TE(a→δ), above circular-shift null",
        "bits",
        "greater",
        "learning frozen (lr 0), weights jittered as much as training moves them",
        "minimal pair",
        "A loop no stronger than with learning frozen would mean the error does not steer the neurons.",
    ),
    Row(
        "robustness",
        "area under the random-order lesion curve (train accuracy)",
        "1",
        "greater",
        "the same network trained on shuffled labels (Morcos et al., ICLR 2018)",
        "minimal pair",
        "An area no larger than the memorising network's would mean generalising brings no robustness to lesions.",
    ),
    Row(
        "self_organisation",
        "fall of the hidden representation's participation ratio, log(PR₀/PR_T)",
        "nats",
        "greater",
        "the same network trained on shuffled labels (no structure to find)",
        "minimal pair",
        "A fall no larger than on shuffled labels would mean the structure is not organised by the task.",
    ),
    Row(
        "nonlinearity",
        "linearisation error of the logits against the tangent model at θ₀",
        "1",
        "greater",
        "identity activations (a deep linear network)",
        "minimal pair",
        "An error no larger than the deep linear network's would mean the activations add no nonlinearity.",
    ),
    Row(
        "emergence",
        "Rosas' Ψ with the first-order correction, 32 hidden neurons → their sum",
        "bits",
        "greater",
        "the same series, time-shuffled (same permutation for micro and macro)",
        "surrogate",
        "A corrected Ψ no larger than on time-shuffled series would mean no causal emergence at this coarse-graining.",
    ),
    Row(
        "universality",
        "linear CKA of hidden representations, two seeds of the task",
        "1",
        "greater",
        "CKA between the task and a different task of the same shape (moons ↔ circles)",
        "minimal pair",
        "Seeds no more alike than two different tasks would mean the representation is not universal across seeds.",
    ),
)

HIVE_ROWS = (
    Row(
        "numerosity",
        "log-log slope of N_eff (leave-one-group-of-10-out) against colony size 20…300",
        "1",
        "greater",
        "the same colonies run by one bee (thermostat)",
        "scaling curve",
        "A slope no larger than the thermostat colonies' would mean a few bees carry the regulation whatever the size.",
    ),
    Row(
        "decentralised_control",
        "top group's share of leave-one-out importance (30 groups of 10)",
        "1",
        "less",
        "the same colony run by one bee (thermostat)",
        "minimal pair",
        "A top share as large as the thermostat's would mean one group of bees controls the colony.",
    ),
    Row(
        "openness",
        "irreversibility of the bee-state trajectory |A|/(sd·sd), lag 10",
        "1",
        "greater",
        "constant weather at the same mean",
        "minimal pair",
        "Currents no larger than under constant weather would mean the weather drives no circulation of the "
        "colony's states.",
    ),
    Row(
        "feedback",
        "TE loop: weaker of TE(T→bee), TE(bee→T), 20 most active bees, above null",
        "bits",
        "greater",
        "open-loop colony (bees follow a plan, not the temperature)",
        "minimal pair",
        "A loop no stronger than the open-loop colony's would mean the temperature does not steer the bees.",
    ),
    Row(
        "robustness",
        "area under the random-order lesion curve (ticks in band)",
        "1",
        "greater",
        "the same colony run by one bee (thermostat)",
        "minimal pair",
        "An area no larger than the thermostat's would mean distributed control brings no robustness.",
    ),
    Row(
        "self_organisation",
        "dynamic equilibrium S·P from 30 °C (macro settles, micro moves)",
        "1",
        "greater",
        "the same colony run by one bee, from 30 °C",
        "minimal pair",
        "An index no larger than the thermostat's would mean the order needs a decider.",
    ),
    Row(
        "nonlinearity",
        "superposition error of the response to +3 and +3 vs +6 °C warm spells",
        "1",
        "greater",
        "open-loop colony",
        "minimal pair",
        "An error no larger than the open-loop colony's would mean the colony responds linearly.",
    ),
    Row(
        "emergence",
        "Rosas' Ψ with the first-order correction, 10 bee groups → colony heat",
        "bits",
        "greater",
        "the same series, time-shuffled",
        "surrogate",
        "A corrected Ψ no larger than on time-shuffled series would mean no causal emergence at this coarse-graining.",
    ),
    Row(
        "universality",
        "mean-field gap, 10 bees ÷ 300 bees (the macro law takes over with size)",
        "1",
        "greater",
        "uniform colony (one patriline, identical thresholds)",
        "minimal pair",
        "A ratio no larger than the uniform colony's would mean diversity does not make the macro law exact.",
    ),
)

ROWS = {"network": NETWORK_ROWS, "hive": HIVE_ROWS}
FEATURES = tuple(row.feature for row in NETWORK_ROWS)


def row(system: str, feature: str) -> Row:
    """The protocol row of `feature` for `system` ("network" or "hive")."""
    if system not in ROWS:
        raise ValueError(f"system must be 'network' or 'hive', not {system!r}")
    for r in ROWS[system]:
        if r.feature == feature:
            return r
    raise ValueError(f"no feature {feature!r}; the features are {', '.join(FEATURES)}")
