"""Mean-field scenarios: deep random tanh networks in the ordered phase, the chaotic phase, at the edge, and narrow.

Each trains on the digits like any network scenario; the Mean field page (ui/meanfield_page.py) and
`neurohive meanfield` read their width, depth, σ_w² and σ_b² to put the agents beside the theory.
"""

from model import meanfield
from scenarios.network import COMMON_HOW, RELATED
from scenarios.registry import Info, Scenario, register

SIGMA_B2 = 0.05
EDGE = round(meanfield.critical_sigma_w2(SIGMA_B2), 4)  # 1.761: χ₁ = 1 at σ_b² = 0.05
HOW = (
    COMMON_HOW + " The weights start as the mean-field theory assumes (init='normal'): W_ij ~ N(0, σ_w²/fan_in), "
    "b_i ~ N(0, σ_b²), i.i.d. For a wide network the theory (model/meanfield.py) then predicts, layer by layer, "
    "the length q^l = mean of h² over a layer's neurons and the correlation c^l of two inputs' preactivations, "
    "and the factor χ₁ = σ_w² ∫Dz tanh'(√q* z)² by which the squared error signal grows or shrinks per layer on "
    "its way back."
)
USE = (
    "Run it with `neurohive run {name}` (training, as any scenario), or measure the signals at initialisation "
    "with `neurohive meanfield --width {width} --depth {depth} --sigma-w2 {sigma_w2} --sigma-b2 {sigma_b2}`; "
    "the Mean field page of the app draws the same numbers against the theory, the phase diagram with this "
    "scenario's point on it, and trains the network to show it leaving the theory."
)
EXTEND = (
    "Try another bounded activation the theory covers (sigmoid); change σ_b² and follow the critical line "
    "(meanfield.critical_sigma_w2); measure the phase diagram with model.meanfield.phase_diagram."
)
REFERENCES = (
    "Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli (2016), Exponential expressivity in deep neural networks "
    "through transient chaos, NeurIPS. Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017), Deep information "
    "propagation, ICLR. Roberts, Yaida & Hanin (2022), The Principles of Deep Learning Theory (finite-width "
    "corrections). Ladyman & Wiesner (2020), What is a Complex System? (mean-field theories and their failure)."
)
TRAINING = (
    "Trained with SGD (learning rate 0.01, batch 32, 200 steps, seeds 0-2, width 64, 30 layers) the critical network "
    "reached a training loss of 0.66-0.74 nats while σ_w² = 0.5 and σ_w² = 6 stayed at 2.30-2.33, chance "
    "(ln 10 = 2.30; tests/test_meanfield_failures.py)."
)


def meanfield_scenario(name, title, width, depth, sigma_w2, what, notice, try_):
    params = dict(
        dataset="digits",
        hidden=(width,) * depth,
        activation="tanh",
        init="normal",
        sigma_w2=sigma_w2,
        sigma_b2=SIGMA_B2,
        loss="cross_entropy",
        learning_rate=0.01,
        batch_size=32,
        executor="vectorized",
    )
    use = USE.format(name=name, width=width, depth=depth, sigma_w2=sigma_w2, sigma_b2=SIGMA_B2)
    return register(
        Scenario(
            name=name,
            system="network",
            params=params,
            steps=200,
            title=title,
            tags=("meanfield",),
            info=Info(
                what_is_it=what,
                how_it_works=HOW,
                how_to_use_it=use,
                things_to_notice=notice,
                things_to_try=try_,
                extending_the_model=EXTEND,
                related_models=RELATED,
                credits_and_references=REFERENCES,
            ),
        )
    )


meanfield_scenario(
    "meanfield-order",
    "Mean field, ordered phase: every input looks the same deep down",
    64,
    30,
    0.5,
    what=(
        "A 30-layer tanh network on the digits with small weights (σ_w² = 0.5, σ_b² = 0.05, χ₁ = 0.43). The "
        "theory predicts that any two inputs become perfectly correlated with depth (c* = 1) within a depth "
        "scale ξ_c = 1.2 layers, and that error signals shrink by χ₁ at every layer on their way back."
    ),
    notice=(
        "Deep layers carry almost the same pattern whatever the image: the network cannot tell its inputs "
        "apart. The error reaching the first layers is smaller by about 0.43³⁰ ≈ 10⁻¹¹: those layers do not "
        "learn. " + TRAINING
    ),
    try_="Raise sigma_w2 towards the edge (1.761) and watch the depth scale grow; compare meanfield-edge.",
)

meanfield_scenario(
    "meanfield-chaos",
    "Mean field, chaotic phase: nearby inputs decorrelate",
    64,
    30,
    6.0,
    what=(
        "The same network with large weights (σ_w² = 6, χ₁ = 1.57). The theory predicts that two nearly equal "
        "inputs drift apart until their correlation settles at c* = 0.08, and that error signals grow by χ₁ "
        "per layer on their way back (about 10⁶ over 30 layers)."
    ),
    notice=(
        "Two similar digits map to unrelated deep patterns: small input changes are amplified, so the network "
        "computes a very wiggly function. The exploding gradients make training erratic. " + TRAINING
    ),
    try_="Lower sigma_w2 to 2.5 and 4.0: c* rises and the error signals grow more slowly; compare meanfield-edge.",
)

meanfield_scenario(
    "meanfield-edge",
    "Mean field at the edge of chaos: the deepest trainable network",
    64,
    30,
    EDGE,
    what=(
        f"σ_w² = {EDGE} at σ_b² = 0.05: on the critical line χ₁ = 1, where the correlation depth scale ξ_c "
        "diverges. Correlations between inputs survive through all 30 layers, and error signals reach the first "
        "layer neither exploded nor vanished. Schoenholz et al. (2017) found networks trainable to a few ξ_c."
    ),
    notice=("Of the three 30-layer networks only this one learns within 200 steps. " + TRAINING),
    try_=(
        "Make it deeper (hidden=(64,)*60); move sigma_w2 by ±0.3 and compare the training loss after 200 steps; "
        "set sigma_b2=0.5 (the critical line moves to σ_w² = 2.84)."
    ),
)

meanfield_scenario(
    "meanfield-narrow",
    "Mean field fails: a network 8 neurons wide",
    8,
    30,
    2.5,
    what=(
        "The chaotic network (σ_w² = 2.5) only 8 neurons wide. Mean-field theory is exact for infinitely wide "
        "layers; with 8 neurons a layer's q and c are averages over 8 numbers, and their fluctuations, of "
        "order 1/√8, no longer average out."
    ),
    notice=(
        "The measured correlations scatter widely around the theory's line and differ from seed to seed. "
        "Measured at σ_w² = 2.5 over 20 layers, the RMS gap between the agents' c and the theory's shrinks "
        "roughly as width^(-1/2) from width 8 to 512 (tests/test_meanfield_failures.py)."
    ),
    try_="Widen it on the Mean field page's width slider and watch the dots close in on the lines.",
)
