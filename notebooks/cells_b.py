"""Cells of notebooks 5-7 of the tour (see notebooks/build.py)."""

N5 = [
    """# md
# 5 · Universality and mean field (and where it fails)

**Question.** A mean-field theory replaces the many parts by their average: each part feels only the mean of the
others. When does the average tell the whole story? For the network at initialisation (Poole et al. 2016;
Schoenholz et al. 2017) the length q and correlation c of signals obey maps that predict every layer; for the
hive, a deterministic equation for the expected number of fanners and heaters predicts the temperature.""",
    """# md
## The hive: the mean field holds for a diverse colony and fails for a uniform one
RMS(T_colony - T_mean field) over a day, for colonies of 10 to 300 bees.""",
    """from model.measures.hive_mean_field import mean_field_gap
sizes = (10, 30, 100, 300)
day = dict(executor="vectorized")
gaps = {"15 fathers": mean_field_gap({**day, "patrilines": 15}, sizes=sizes, seeds=(1, 2)),
        "identical bees": mean_field_gap({**day, "sigma_between": 0.0, "sigma_within": 0.0}, sizes=sizes, seeds=(1, 2))}
gaps_table = pd.DataFrame(gaps)
for name in gaps_table:
    plt.plot(gaps_table.index, gaps_table[name], "o-", label=name)
plt.xscale("log"); plt.xlabel("bees"); plt.ylabel("RMS gap to the mean field (°C)"); plt.legend()
gaps_table.round(3)""",
    """diverse, uniform = gaps_table["15 fathers"], gaps_table["identical bees"]
assert diverse[300] < diverse[10]           # the mean field becomes exact as the diverse colony grows
assert uniform[300] > 2 * diverse[300]      # the uniform colony's bees switch together: it stays wrong""",
    """# md
## The network: self-averaging across seeds
If a macro variable self-averages, its spread across seeds shrinks as the width grows (like N^-1/2).""",
    """from model import NetworkModel

spread = {}
for width in (4, 16, 64):
    losses = []
    for seed in range(1, 6):
        net = NetworkModel(dataset="moons", hidden=(width, width), learning_rate=0.1, batch_size=32,
                           executor="vectorized", rng=seed)
        for _ in range(400):
            net.step()
        losses.append(net.evaluate("test")["loss"])
    spread[width] = float(np.std(losses))
print("across-seed std of the test loss after 400 steps:", {k: round(v, 4) for k, v in spread.items()})""",
    """assert spread[64] < spread[4]""",
    """# md
## Signal propagation against the mean-field maps
The theory is `model/meanfield.py` (the q and c maps, χ₁ and the critical line); the agents' measurement is
`model.meanfield.propagation`.""",
    """from model import meanfield
from model.meanfield import propagation""",
    """sigma_b2 = 0.05
critical = meanfield.critical_sigma_w2(sigma_b2)
rows = []
for sigma_w2 in (0.8, critical, 3.0):
    frame = propagation(width=128, depth=10, sigma_w2=sigma_w2, sigma_b2=sigma_b2, c0=0.6, seeds=[1, 2],
                        executor="vectorized")
    mean = frame.groupby("layer").mean(numeric_only=True)
    plt.plot(mean.index, mean["c"], "o", label=f"σw²={sigma_w2:.2f} agents")
    plt.plot(mean.index, mean["c_theory"], "-", color=plt.gca().lines[-1].get_color())
    rows.append((sigma_w2, meanfield.chi_1(sigma_w2, sigma_b2), float((mean["c"] - mean["c_theory"]).abs().max())))
plt.xlabel("layer"); plt.ylabel("correlation c of two inputs"); plt.legend()
print(pd.DataFrame(rows, columns=["sigma_w2", "chi_1", "max |c - c_theory|"]))""",
    """assert abs(meanfield.chi_1(critical, sigma_b2) - 1.0) < 1e-6  # the critical line is where χ₁ = 1
assert all(gap < 0.1 for *_, gap in rows)                     # width 128: the maps predict every layer""",
    """# md
## Exercises
1. Give the uniform colony `sensing_delay=0`: does the mean field hold again? Why would the delay matter?
2. Repeat the network spread at step 2000 instead of 400: does self-averaging survive training?
3. At which width does the measured c leave the prediction by more than 0.1?""",
]

N6 = [
    """# md
# 6 · Downward causation: the box on a truck

**Question.** The truck turns, and every part of the box turns with it; no part's own past says why. Here the
macro change is made from outside the parts: the task switches (the labels flip every 200 steps), or the
weather brings heat waves. How much of the micro trajectory (each weight's update; each bee's task switch)
does that change explain *beyond the micro past*?

The measure: for each part, a nested regression of its next change on its own past, with and without the macro
change; the gain in explained variance (ΔR²) and its information, a conditional transfer entropy in bits,
against circularly shifted copies of the macro change.""",
    """# md
## First, a system whose answer is known
x_{t+1} = a x_t + b M_{t+1} + noise: with fair random signs M the gain is b²(1-a²)/(b²+σ²) of the variance and
½ log2(1 + b²/σ²) bits. With b = 0 (the box not on the truck) it is zero.""",
    """from model.measures import downward as D
x, m = D.driven_parts(steps=4000, a=0.5, b=1.0, noise=1.0, rng=1)
known = D.downward_causation(x, m, history=1, lag=0, n_null=9)
x0, m0 = D.driven_parts(steps=4000, b=0.0, switch_every=100, rng=1)
unattached = D.downward_causation(x0, m0, history=1, lag=0, n_null=9)
share, bits = D.known_gain(0.5, 1.0, 1.0)
pd.DataFrame({"known": known, "unattached": unattached}).T[["gain", "bits", "null_bits", "excess_bits", "significant"]]""",
    """assert abs(known["gain"] - share) < 0.02 and abs(known["bits"] - bits) < 0.03
assert abs(unattached["excess_bits"]) < 0.002""",
    """# md
## The network: labels that flip every 200 steps
Micro: every weight's update Δw (304 edges). Macro change: the task's phase (±1), set by the environment's clock.""",
    """updates, phase = D.network_switch_run(steps=2000, period=200, rng=1)
network = D.downward_causation(updates, phase, history=2, lag=0, n_null=9)
fig, ax = plt.subplots(1, 2, figsize=(11, 3))
ax[0].plot(np.linalg.norm(updates, axis=1)); ax[0].set(xlabel="step", ylabel="‖Δw‖", yscale="log")
for k in range(200, 2000, 200): ax[0].axvline(k, color="grey", lw=0.5)
gains = D.nested_gain(updates, phase, history=2, lag=0)["gain"]
ax[1].hist(gains, bins=40); ax[1].set(xlabel="ΔR² per edge", ylabel="edges")
plt.tight_layout()
network""",
    """# md
## The hive: heat waves of +8 °C, four hours on, four hours off
Micro: every bee's task switch (the change of heat +1 / idle 0 / fan -1). Macro change: the heat wave on or off.
The bees feel the wave only through the nest temperature they sense, five minutes late, so lags are scanned too.""",
    """switches, wave = D.hive_heat_wave_run(ticks=2880, period=240, delta=8.0, rng=1)
hive = {lag: D.downward_causation(switches, wave, history=2, lag=lag, n_null=9) for lag in (0, 3, 6)}
pd.DataFrame({"network (lag 0)": network, **{f"hive (lag {k})": v for k, v in hive.items()}}).T[
    ["gain", "null_gain", "bits", "null_bits", "excess_bits", "significant", "parts"]]""",
    """# md
**What this shows.** In both systems the macro change explains well under 1 % of each part's next change beyond
its own past (the gain): the parts' own histories already carry most of what the truck did to them, and most of
each step is noise. Yet the effect is there: far more parts than the 1 in 10 that chance gives beat every shifted
copy of the macro change (about half the network's edges; a quarter to two fifths of the bees at lags 0-3).
The box is on the truck, but it is loosely tied.""",
    """assert network["gain"] < 0.05 and max(v["gain"] for v in hive.values()) < 0.05
assert network["significant"] > 0.2 and hive[3]["significant"] > 0.2  # chance: 1 in 10 beat all 9 shifts""",
    """# md
## Rosas' Δ: the macro variable's own view
Δ > 0 would mean the macro variable V = f(X) (here the probe loss; the nest temperature) predicts some part's
future better than all parts together. It reads negative at every scale here.""",
    """from model.measures import NetworkSystem, closure as C
system = NetworkSystem(scenarios.get("moons").build(rng=1, executor="vectorized"))
rec = system.run(800).arrays()
delta_table = C.emergence_across_scales(rec["activity"], {"layers": [range(16), range(16, 32), [32]]}, rec["macro"], n_null=3)
delta_table[["scale", "parts", "delta", "psi"]]""",
    """assert (delta_table["delta"] < 0).all()""",
    """# md
## Exercises
1. Make the truck shake the box harder: `drift_period=50`. Does the gain rise?
2. Clamp the hive's temperature (`model.clamp(35.0)`) during a heat wave run: what is left of the bees' response?
3. Use the bees' *states* instead of their switches as the micro trajectory. What changes, and why?""",
]

N7 = [
    """# md
# 7 · The hive beside the network

**Question.** One set of instruments reads a neural network in training and a honey-bee colony regulating its
brood. Where do they read alike? Where not? The claim under test is that they are the same kind of thing.""",
    """from model.measures import NetworkSystem, HiveSystem, closure as C
from model.measures import features as F
net_system = NetworkSystem(scenarios.get("moons").build(rng=1, executor="vectorized"))
net = net_system.run(1000).arrays()
hive_model = scenarios.get("hive-heatwave").build(rng=1, executor="vectorized")
hive_system = HiveSystem(hive_model)
hive = hive_system.run(4320).arrays()
fig, ax = plt.subplots(1, 2, figsize=(11, 3))
ax[0].plot(net["macro"]); ax[0].set(title="network: probe loss", xlabel="step", yscale="log")
ax[1].plot(hive["macro"], label="nest"); ax[1].plot(hive["environment"], label="outside", alpha=0.6)
ax[1].axhspan(34, 36, color="orange", alpha=0.15); ax[1].set(title="hive: temperature (°C)", xlabel="minute"); ax[1].legend()
plt.tight_layout()""",
    """# md
## The same measures, side by side
- openness: mean energy influx per step, and the micro change it drives;
- closure of the macro variable given the micro parts (neurons; 30 groups of 10 bees);
- Ψ at a coarse scale (layers; 4 groups of bees), against its time-shuffled null;
- participation ratio of the parts' activity.""",
    """bee_groups = [list(g) for g in np.array_split(np.arange(hive_model.n_bees), 30)]
four = [list(g) for g in np.array_split(np.arange(hive_model.n_bees), 4)]
bees30 = C.coarse_grain(hive["activity"], bee_groups)

def column(record, micro, coarse):
    clo = C.closure(micro, record["macro"])
    psi = C.emergence_across_scales(record["activity"], {"coarse": coarse}, record["macro"], n_null=5).iloc[0]
    open_ = F.openness(record)
    return {"influx per step": open_["influx"], "micro change per step": open_["micro_change"],
            "closure gap (bits)": clo["gap"], "closure bias (bits)": clo["bias"], "closure ratio": clo["ratio"],
            "Ψ coarse (bits)": psi["psi"], "Ψ null": psi["psi_null"],
            "participation ratio": F.participation_ratio(micro[:, np.ptp(micro, axis=0) > 0])}

side = pd.DataFrame({"network": column(net, net["activity"], [range(16), range(16, 32), [32]]),
                     "hive": column(hive, bees30, four)})
side.round(4)""",
    """assert (side.loc["closure gap (bits)"] > 3 * side.loc["closure bias (bits)"]).all()  # neither macro is closed
assert (side.loc["Ψ coarse (bits)"] > side.loc["Ψ null"]).all()  # both: Ψ above its null at the coarse scale
assert (side.loc["influx per step"] > 0).all()""",
    """# md
## Where they differ
The network's macro variable settles (the loss falls and stays low) while its weights keep moving; the colony's
is held in a band by bees that keep switching. In the network, feedback changes the parts (weights) slowly; in the
colony, it changes what the parts do (states) every minute, and the parts themselves (thresholds) never change.""",
    """late_net = np.abs(np.diff(net["macro"][-300:])).mean() / np.abs(np.diff(net["macro"][:30])).mean()
in_band = float(np.mean((hive["macro"][1440:] >= 34) & (hive["macro"][1440:] <= 36)))
print(f"network: late / early macro movement {late_net:.3f}; hive: share of minutes in band after day 1 {in_band:.3f}")
assert late_net < 0.5 and in_band > 0.9""",
    """# md
## Exercises
1. Replace `hive-heatwave` by `hive-thermostat` (one bee decides): which rows of the table change most?
2. Run the full scorecard for both (`from model.measures import scorecard; scorecard("hive", seeds=3)`): which
   features separate system from control in one system and not in the other?
3. Which of the colony's parameters plays the role of the network's learning rate? Argue, then test it.""",
]
