"""Cells of notebooks 1-4 of the tour (see notebooks/build.py)."""

N1 = [
    """# md
# 1 · The basic structure: forward signals, backward signals, and their product

**Question.** A network in training is a crowd of neurons, each a Mesa agent that reads only the signals on its
own edges. Forward, each sends its activation; backward, each sends an error signal δ. Is every weight change
really just the product of the two signals that crossed that edge, Δw = -η·a·δ?

This notebook steps one training step stage by stage, checks the product rule on every edge, trains the network,
and shows the app's network page inside the notebook.""",
    """# md
## One step, stage by stage
The XOR network of the `xor` scenario: 2 inputs, 8 hidden tanh neurons, 1 sigmoid output.""",
    """model = scenarios.get("xor").build(rng=1)
labels = model.stage_labels()
print(model)
print(labels)""",
    """for _ in labels[:-1]:  # every stage but the update
    model.advance_stage()
a, delta = model.signals.a[1].copy(), model.signals.delta[1].copy()  # (neurons x batch) at tick 1
print("forward signals of the hidden neurons (batch mean):", a[2:10].mean(axis=1).round(3))
print("backward signals of the hidden neurons (batch mean):", delta[2:10].mean(axis=1).round(4))""",
    """# md
Now predict every weight change from the two registers alone, then let the neurons update.""",
    """lr = model.optimizer.learning_rate
s = model.structure
predicted = -lr * (a[s.src] * delta[s.dst]).sum(axis=1)   # one product per edge, summed over the batch
before = model.params.weight.copy()
model.advance_stage()                                     # the update stage
actual = model.params.weight - before
print(f"{len(actual)} edges; largest |actual - predicted| = {np.max(np.abs(actual - predicted)):.2e}")""",
    """assert model.stage == "update" and model.completed_steps == 1
assert np.allclose(actual, predicted, rtol=1e-12, atol=1e-15), "a weight changed by something other than -lr·a·δ"
""",
    """# md
## Training: the loss falls, though no neuron sees the loss""",
    """for _ in range(600):
    model.step()
frame = model.datacollector.get_model_vars_dataframe()
fig, ax = plt.subplots(1, 2, figsize=(10, 3))
ax[0].plot(frame["step"], frame["loss"]); ax[0].set(xlabel="step", ylabel="training loss", yscale="log")
ax[1].plot(frame["step"], frame["error_power"]); ax[1].set(xlabel="step", ylabel="error power entering")
plt.tight_layout()
final = model.evaluate("test")
print(final)""",
    """assert final["accuracy"] == 1.0 and frame["loss"].iloc[-1] < 0.1 * frame["loss"].iloc[1]""",
    """# md
## The app, inside the notebook
The browser app's pages are Solara components; a cell can display one. (In a notebook server it is live:
Play, Step and Next stage work as in the browser. Run it with `solara run app.py` for the full app.)""",
    """import ipyvuetify as v
import solara

from ui.network_page import NetworkPage
from ui.tour_page import Embedded, TourPage

Embedded(NetworkPage)  # the network page, live: the controls are in its sidebar (the menu button)""",
    """_, rendered = solara.render(Embedded(NetworkPage), handle_error=False)  # the same page, rendered here to check it
assert rendered.find(v.Btn, children=["Step"]).widgets and rendered.find(v.Btn, children=["Reset"]).widgets
Embedded(TourPage)  # the Tour page: the same seven stops as these notebooks""",
    """# md
## Exercises
1. Repeat the check with `momentum=0.9`: which part of the rule changes, and is the update still local?
2. Set `hidden=2` in the scenario and train with seeds 1-10 (`scenarios.get("xor").build(rng=s, hidden=2)`):
   how often does it get stuck, and what do the stuck networks' δ look like?
3. Use `executor="vectorized"`: compare the weights after 100 steps with the agents' (they agree to 1e-12).""",
]

N2 = [
    """# md
# 2 · The conditions: numerosity, decentralised control, openness, feedback

**Question.** Ladyman & Wiesner name the conditions under which complex systems arise: many parts, no central
control, an open system driven from outside, feedback. Each is measured here beside a control that lacks it.""",
    """from model.measures import NetworkSystem
from model.measures import features as F

def trained(steps=1500, **overrides):
    net = scenarios.get("moons").build(rng=1, executor="vectorized", **overrides)
    for _ in range(steps):
        net.step()
    return net

moons = trained()
system = NetworkSystem(moons)
ledger = F.numerosity(system)
control = F.decentralised_control(system)
print(ledger)
print(control)""",
    """# md
**Numerosity.** Every step each live edge carries one forward and one backward signal per example. `n_eff` is
the effective number of hidden neurons carrying the work (exp of the entropy of their leave-one-out importance).
**Decentralised control.** `top_share` is the largest single neuron's share of that importance.""",
    """assert ledger["signals_per_step"] == 2 * ledger["interactions"] * moons.batch_size
assert ledger["n_eff"] > 2 and control["top_share"] < 1.0""",
    """# md
## Openness: close the system and learning stops
The `closed-system` scenario switches the environment off at step 500.""",
    """closed = scenarios.get("closed-system").build(rng=1, executor="vectorized")
for _ in range(800):
    closed.step()
run = closed.datacollector.get_model_vars_dataframe()
fig, ax = plt.subplots(1, 2, figsize=(10, 3))
ax[0].plot(run["step"], run["input_power"] + run["error_power"]); ax[0].set(xlabel="step", ylabel="energy in per step")
ax[1].plot(run["step"], run["weight_change"]); ax[1].set(xlabel="step", ylabel="‖Δθ‖ per step", yscale="log")
for a_ in ax: a_.axvline(500, color="grey", ls="--")
plt.tight_layout()
after = run[run["step"] > 500]
print("weight change after closing:", after["weight_change"].abs().max())""",
    """assert (after["weight_change"] == 0).all() and (after["input_power"] == 0).all()
assert (run[(run["step"] > 1) & (run["step"] <= 500)]["weight_change"] > 0).all()""",
    """# md
## Feedback: cut the loop and the loss stays where it was
With learning rate 0 the errors still flow back, but no weight answers them.""",
    """frozen = scenarios.get("moons").build(rng=1, executor="vectorized")
NetworkSystem(frozen).freeze()  # learning rate 0: errors still arrive, no weight answers them
for _ in range(1500):
    frozen.step()
loss_open, loss_frozen = moons.evaluate("test")["loss"], frozen.evaluate("test")["loss"]
print(f"test loss with feedback {loss_open:.4f}, without {loss_frozen:.4f}")""",
    """assert loss_open < 0.5 * loss_frozen""",
    """# md
## Exercises
1. Build `moons` with `hidden=(3,)`: how do `n_eff` and `top_share` change? Is a three-neuron network centrally controlled?
2. In `closed-system`, add `weight_decay=0.001`: what happens to the test loss after closing, and why?
3. `neurohive scorecard network` runs all conditions against their controls over three seeds: which rows separate?""",
]

N3 = [
    """# md
# 3 · The products: robustness, self-organisation, nonlinearity

**Question.** What do the conditions produce? A network that degrades gracefully when parts are lost (and
sparse sub-networks that train as well: lottery tickets), order that no one designed, and a response that is no
sum of its parts.""",
    """from model.measures import NetworkSystem
from model.measures import features as F
from model.measures import scales as S

net = scenarios.get("moons").build(rng=1, executor="vectorized")
system = NetworkSystem(net)  # made before training: it keeps θ0, the initial weights
pr = []
for step in range(1, 1501):
    net.step()
    if step % 100 == 0:
        pr.append((step, S.layer_participation(net, 0), S.layer_participation(net, 1)))
fractions = F.FRACTIONS
random_curve = F.lesion_curve(system, "random", repeats=3)
targeted_curve = F.lesion_curve(system, "targeted")
auc = {"random": F.curve_auc(random_curve), "targeted": F.curve_auc(targeted_curve)}
print("area under the lesion curves:", {k: round(v, 3) for k, v in auc.items()})""",
    """fig, ax = plt.subplots(1, 2, figsize=(10, 3))
ax[0].plot(fractions, random_curve, "o-", label="random"); ax[0].plot(fractions, targeted_curve, "s-", label="targeted")
ax[0].set(xlabel="share of hidden neurons silenced", ylabel="test accuracy"); ax[0].legend()
steps, pr1, pr2 = zip(*pr)
ax[1].plot(steps, pr1, label="layer 1"); ax[1].plot(steps, pr2, label="layer 2")
ax[1].set(xlabel="step", ylabel="participation ratio"); ax[1].legend()
plt.tight_layout()""",
    """assert random_curve[0] > 0.9 and auc["targeted"] < auc["random"]  # graceful, but weakest against a targeted attack""",
    """# md
**Self-organisation.** The participation ratio counts how many independent directions a layer's representation
uses; over training it changes without anyone setting it. **Nonlinearity.** How far the trained network is
from the straight-line (tangent) model at its initial weights, against a network with identity activations.""",
    """linear_net = scenarios.get("moons").build(rng=1, executor="vectorized", activation="identity")
linear_system = NetworkSystem(linear_net)
for _ in range(1500):
    linear_net.step()
nonlinearity = {"tanh": F.network_linearisation(system), "identity": F.network_linearisation(linear_system)}
print("linearisation error:", {k: round(v, 3) for k, v in nonlinearity.items()})""",
    """assert nonlinearity["tanh"] > nonlinearity["identity"]""",
    """# md
## Lottery tickets
Frankle & Carbin (ICLR 2019): prune the smallest weights, rewind the survivors to their initial values, train
again; the sparse "ticket" trains as well as the dense network, while the same mask with fresh weights
("reinit") and a random mask ("random") do worse. The experiment is `model/tickets.py`.""",
    """from model import tickets

network = dict(dataset="moons", hidden=(16, 16), learning_rate=0.1, batch_size=32, executor="vectorized")
table = tickets.lottery(network, rounds=4, rate=0.3, seeds=[0, 1], steps=600, progress=False)
summary = tickets.summary(table)
print(summary[["round", "kind", "weights_remaining", "accuracy_mean", "accuracy_min"]].to_string(index=False))
for kind, part in summary.groupby("kind", observed=True):
    plt.plot(part["weights_remaining"], part["accuracy_mean"], "o-", label=kind)
plt.xscale("log"); plt.gca().invert_xaxis(); plt.xlabel("share of weights remaining"); plt.ylabel("test accuracy")
plt.legend()""",
    """assert set(table["kind"].astype(str)) == {"ticket", "reinit", "random"}
assert table["weights_remaining"].min() < 0.3  # four rounds of 30 %: about a quarter of the weights left""",
    """# md
## Exercises
1. Repeat the lesion curves on a network with `hidden=(4, 4)`: is a small network less robust?
2. Is the participation ratio's course the same for other seeds? Try `rng=2..5` and plot them together.
3. With tickets: at which share of remaining weights does the ticket fall below the dense accuracy?""",
]

N4 = [
    """# md
# 4 · Multiscale dynamics: properties, fibres, macro dynamics

**Question.** A weight, a layer's representation, the loss: each is a *property*, a function on the state space.
Many states share one value of a property (its *fibre*). Does a macro property have a dynamics of its own
(is it *closed*), and at which scale of description does something emerge?""",
    """import mesa
from model.measures import scales as S, fibres as Fb, closure as C
net = scenarios.get("moons").build(rng=1, executor="vectorized")
collector = mesa.DataCollector(model_reporters=S.scale_reporters(net, every_k=25))
for _ in range(1000):
    net.step()
    collector.collect(net)
record = collector.get_model_vars_dataframe()
print(S.scale_table(S.network_properties(net)))
record.iloc[::200]""",
    """fig, ax = plt.subplots(1, 3, figsize=(13, 3))
ax[0].plot(record.iloc[:, 0]); ax[0].set(title="micro: one weight", xlabel="step")
ax[1].plot(record["pr[layer 1]"], label="PR layer 1"); ax[1].plot(record["cka[layer 1 to last]"] * 10, label="10·CKA(layer 1, last)")
ax[1].set(title="meso: layers", xlabel="step"); ax[1].legend()
ax[2].plot(record["loss"]); ax[2].set(title="macro: training loss", xlabel="step", yscale="log")
plt.tight_layout()""",
    """# md
## Fibres: one function, many θ
Relabel the hidden neurons of each layer (each with its weights and bias). θ moves far; the function does not.
In float64 each neuron adds its inputs in id order, so the relabelled network adds the same numbers in another
order: its outputs may differ in the last bits. Added with a correctly rounded sum (`exact_outputs`), they are
the same floats.""",
    """fibre = Fb.permutation_fibre(net, rng=0)
fibre""",
    """assert fibre["exact_equal"] and fibre["theta_distance"] > 0.5 and fibre["predict_max_difference"] < 1e-12""",
    """# md
Networks from different seeds: the same test loss, far-apart θ, similar representations. The untrained rows are
the baseline a CKA value needs (untrained networks on 2-D inputs already look alike).""",
    """models, untrained = {}, {}
for seed in (1, 2, 3, 4):
    untrained[seed] = scenarios.get("moons").build(rng=seed, executor="vectorized")
    models[seed] = scenarios.get("moons").build(rng=seed, executor="vectorized")
    for _ in range(1000):
        models[seed].step()
distances = Fb.seed_distances(models, untrained=untrained)
print(distances.round(3).to_string(index=False))
trained_pairs = distances[distances.against == "trained"]
fig, ax = plt.subplots(1, 2, figsize=(10, 3))
for kind, part in distances.groupby("against"):
    ax[0].scatter(part.theta_distance, part.cka_distance, label=kind)
    ax[1].scatter(part.theta_distance, part.loss_distance, label=kind)
ax[0].set(xlabel="θ distance", ylabel="CKA distance"); ax[1].set(xlabel="θ distance", ylabel="test-loss distance")
ax[0].legend(); plt.tight_layout()""",
    """assert (trained_pairs.theta_distance > 0.5).all() and (trained_pairs.loss_distance < 0.05).all()
assert (trained_pairs.aligned_theta_distance < trained_pairs.theta_distance).all()""",
    """# md
## Macro dynamics: closure
`closure(micro, macro)` asks how much the micro state X_t adds to V_t about V_{t+1} (the gap, in bits; 0 means
closed). First on a system whose answer is known: x_{t+1} = A x_t + noise. Its mean is closed exactly when the
columns of A have equal sums (1ᵀA = λ1ᵀ), not otherwise.""",
    """rng = np.random.default_rng(0)
coupling = rng.normal(size=(8, 8)) * 0.15
systems = {"closed by construction": 0.5 * np.eye(8) + coupling - coupling.mean(axis=0),
           "not closed": 0.5 * np.eye(8) + coupling}
validation = {}
for name, a in systems.items():
    x = C.linear_system(a, steps=5000, rng=1)
    validation[name] = C.closure(x, x.mean(axis=1))
pd.DataFrame(validation).T[["gap", "bias", "ratio", "r2_macro", "r2_micro"]]""",
    """assert validation["closed by construction"]["gap"] < 3 * validation["closed by construction"]["bias"]
assert validation["not closed"]["gap"] > 30 * validation["not closed"]["bias"]""",
    """# md
Now the network: the micro state is every neuron's probe activation, the macro the probe loss; and Rosas' Ψ
(Ψ > 0: the macro predicts its own future better than the parts do one by one) with the micro level cut at two
scales. Series in training trend, which the Gaussian estimators read as dependence: read these as relative.""",
    """from model.measures import NetworkSystem
system = NetworkSystem(scenarios.get("moons").build(rng=1, executor="vectorized"))
rec = system.run(1000).arrays()
activity, loss = rec["activity"], rec["macro"]
net_closure = C.closure(activity, loss)
scales_ = {"neurons": [[j] for j in range(activity.shape[1])], "layers": [range(16), range(16, 32), [32]]}
table = C.emergence_across_scales(activity, scales_, loss)
print({k: round(float(v), 4) for k, v in net_closure.items()})
table.round(3)""",
    """assert net_closure["gap"] > 3 * net_closure["bias"]  # the probe loss is not closed: the neurons know more
assert table.set_index("scale").loc["layers", "psi"] > table.set_index("scale").loc["neurons", "psi"]""",
    """# md
## Exercises
1. How large is the fibre? `Fb.symmetry_group_size(net)` gives log10 of the number of θ the permutations and sign
   flips map one θ to. Compute it for `hidden=(64, 64)`.
2. Is the *training accuracy* more closed than the loss? Use `record` columns, or record your own.
3. Cut the neurons into 4 random groups of 8 instead of layers: does Ψ change sign?""",
]
