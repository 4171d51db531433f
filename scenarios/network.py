"""The network's teaching scenarios."""

from scenarios.registry import Info, Scenario, register

COMMON_HOW = (
    "Each step is one contact with the environment. The Environment agent writes a batch of data into "
    "the input neurons. Neurons fire in waves: a neuron fires once every signal on its incoming edges has "
    "arrived, computing a = f(b + Σ w·a_in). The Environment reads the outputs, computes the loss and writes "
    "the error dL/dŷ into the output neurons. The error travels back in the reverse waves: each neuron "
    "computes δ = f'(z)·(e + Σ w·δ_out) from what its receivers sent back. Finally each neuron changes the "
    "weight of each incoming edge by -η·a_in·δ: the product of the two signals that crossed that edge. "
    "No neuron sees the loss or the other neurons' parameters; nothing coordinates them."
)
COMMON_USE = (
    "Run it headless with `neurohive run {name}` (add `--steps N`, `--rng S`, `--set key=value`, "
    "`--out run.csv`), or from Python: `scenarios.get('{name}').build(rng=1)` then `model.step()`. "
    "The DataCollector records loss, accuracy, test_loss, test_accuracy, weight_change, input_power "
    "and error_power every step."
)
RELATED = (
    "TensorFlow Playground (the same 2-D tasks, layered nets only); NetLogo's Perceptron and Artificial "
    "Neural Net models; Karpathy's micrograd; the hive scenarios here, which are measured with the same instruments."
)
REFERENCES = (
    "Rumelhart, Hinton & Williams (1986), Learning representations by back-propagating errors, Nature 323. "
    "Werbos (1990), Backpropagation through time, Proc. IEEE 78. Ladyman & Wiesner (2020), What is a "
    "Complex System? Yale University Press. Built on Mesa (Kazil et al. 2020; ter Hoeven et al. 2025)."
)


def network_scenario(name, title, params, steps, what, notice, try_, extend="", how_extra=""):
    return register(
        Scenario(
            name=name,
            system="network",
            params=params,
            steps=steps,
            title=title,
            info=Info(
                what_is_it=what,
                how_it_works=COMMON_HOW + (" " + how_extra if how_extra else ""),
                how_to_use_it=COMMON_USE.format(name=name),
                things_to_notice=notice,
                things_to_try=try_,
                extending_the_model=extend
                or (
                    "Give neurons another rule (e.g. Hebbian: Δw = η·a_in·a), or pass your own networkx.DiGraph "
                    "as graph= (nodes 0..N-1 with a role; edges with delay 0 or 1)."
                ),
                related_models=RELATED,
                credits_and_references=REFERENCES,
            ),
        )
    )


network_scenario(
    "xor",
    "XOR: the problem one layer cannot solve",
    dict(
        dataset="xor",
        hidden=8,
        activation="tanh",
        output_activation="sigmoid",
        loss="bce",
        learning_rate=0.5,
        batch_size=4,
    ),
    steps=2000,
    what=(
        "Two inputs, one output that should be 1 when exactly one input is 1. No single neuron can draw "
        "that boundary (Minsky & Papert 1969); eight hidden neurons, each learning only from its own "
        "signals, solve it together."
    ),
    notice=(
        "The loss stays flat for a while, then falls steeply: the hidden neurons break their initial "
        "symmetry and specialise. Test accuracy jumps from 0.5 or 0.75 to 1.0 within a few hundred "
        "steps. The error power falls with the loss: less energy enters once the network fits its world."
    ),
    try_=(
        "Set hidden=2: it still can, but often gets stuck. Set learning_rate=20: every neuron saturates, no "
        "error signal gets through any more, and the run stops with a message saying so. Try activation=relu, "
        "or loss=mse with output_activation=sigmoid."
    ),
)

network_scenario(
    "moons",
    "Two moons: a curved boundary from local rules",
    dict(dataset="moons", noise=0.1, hidden=(16, 16), learning_rate=0.1, batch_size=32),
    steps=3000,
    what=(
        "Two interleaving half circles of noisy points. A 2-16-16-1 network learns a curved decision "
        "boundary that generalises to points it never saw."
    ),
    notice=(
        "Train and test loss fall together (little overfitting at this noise). weight_change is large "
        "early and small late: the micro-level keeps moving while the macro-level (the loss) settles."
    ),
    try_="Raise noise to 0.3; shrink hidden to (4,); compare init=he with activation=relu.",
)

network_scenario(
    "spirals",
    "Spirals: why depth helps",
    dict(dataset="spirals", noise=0.05, hidden=(16, 16, 16), learning_rate=0.3, batch_size=32),
    steps=4000,
    what=(
        "Two interleaved spiral arms, the classic hard 2-D task. Three hidden layers of 16 reach about 97 % "
        "test accuracy in 4000 steps; two layers of 24 (more neurons, less depth) stay near 65 %."
    ),
    notice=(
        "Long plateaus, then sudden drops in the loss: learning reorganises the network in bursts. "
        "Error signals must travel back through four waves: watch how small δ gets in the first layer."
    ),
    try_="Compare hidden=(24, 24) at the same learning rate; try learning_rate=0.1 (much slower).",
)

network_scenario(
    "digits",
    "Handwritten digits: 74 agents read 8x8 images",
    dict(dataset="digits", hidden=32, learning_rate=0.1, batch_size=32, loss="cross_entropy"),
    steps=1500,
    what=(
        "scikit-learn's 1,797 bundled 8x8 handwritten digits (nothing is downloaded): 64 input neurons, "
        "32 hidden, 10 outputs read as logits by a softmax cross-entropy loss. Above 0.9 test accuracy."
    ),
    notice=(
        "The environment injects far more energy per step here (64 inputs), yet each neuron still reads "
        "only its own edges. The output neurons receive the error softmax(ŷ) - onehot(y)."
    ),
    try_="hidden=8 (fewer contributors); activation=relu with init=he; momentum=0.9 with learning_rate=0.02.",
)

network_scenario(
    "numerosity",
    "Numerosity: a million edges, 2,122 agents, no one in charge",
    dict(
        dataset="digits",
        hidden=(1024, 1024),
        learning_rate=0.05,
        batch_size=32,
        loss="cross_entropy",
        executor="vectorized",
    ),
    steps=400,
    what=(
        "The digits task again, now with two hidden layers of 1,024 neurons: 2,122 neuron agents and "
        "1,124,352 edges. Each step every edge carries one forward and one backward signal per example, about "
        "72 million local messages, and every weight still changes only by the product of the two signals that "
        "crossed it. Building the network takes a few seconds; a step takes about 11 ms with the vectorised "
        "executor, which computes each wave as the synchronous action of its neurons on the same registers."
    ),
    notice=(
        "Test accuracy passes 0.9 within 100 steps and reaches about 0.96 by step 400. No neuron matters "
        "much on its own: silencing a random tenth of the hidden neurons after training leaves test accuracy "
        "where it was, and silencing half of them costs about three points (seed 0). The picture in the app "
        "draws a fixed random sample of the edges; the network computes with all of them."
    ),
    try_=(
        "executor=agents: the same trajectory, every neuron acting on its own, about six times slower (64 ms a step). hidden=(64, 64), "
        "then (256, 256): how accuracy and time per step grow with the number of agents. Run "
        "`python benchmarks/scaling.py` to see time per step grow in proportion to the edges."
    ),
)

network_scenario(
    "recurrent-sequence",
    "Parity through time: a recurrent network remembers",
    dict(dataset="parity", ticks=3, architecture="recurrent", hidden=8, learning_rate=0.1, batch_size=16),
    steps=3000,
    what=(
        "A sequence of ±1 bits arrives, one per tick; at the last tick the output should say whether an odd "
        "number of them were +1. An Elman network: every hidden neuron feeds every hidden neuron one tick "
        "later (delay-1 edges)."
    ),
    how_extra=(
        "With delay edges the forward phase runs for `ticks` ticks and every neuron keeps its "
        "preactivation per tick; the backward phase runs the ticks in reverse and delay-1 edges carry δ "
        "back to the previous tick. That is backpropagation through time, done by local messages."
    ),
    notice=(
        "Chance is 50 %. The network reaches 100 % test accuracy: the parity of all earlier bits must be "
        "carried in the hidden neurons' signals from tick to tick."
    ),
    try_="dataset=recall with ticks=4 (remember the first bit); ticks=5 with dataset=parity (harder).",
)

network_scenario(
    "closed-system",
    "Closing the system: no influx, no learning",
    dict(dataset="moons", noise=0.1, hidden=(16, 16), learning_rate=0.1, batch_size=32, close_at=500),
    steps=1000,
    what=(
        "The moons network trains for 500 steps, then the environment is switched off (influx=False): "
        "no data and no error enter any more."
    ),
    notice=(
        "From step 501 input_power and error_power read exactly zero and weight_change is zero: with no "
        "energy flowing in, the network is frozen in place (the loss reads nan: there is nothing to be "
        "wrong about). Open systems learn; closed ones only keep what they have. With weight_decay > 0 "
        "the weights slowly decay toward zero instead: forgetting."
    ),
    try_="Set weight_decay=0.001 and watch test_loss rise after closing; set close_at=0: nothing is ever learned.",
)

network_scenario(
    "drift",
    "A drifting world: learning never finishes",
    dict(
        dataset="moons", noise=0.1, hidden=(16, 16), learning_rate=0.1, batch_size=32, drift="rotate", drift_period=4000
    ),
    steps=4000,
    what=(
        "The moons slowly rotate: a full turn every 4000 steps. The network must keep relearning a boundary that moves."
    ),
    notice=(
        "The loss does not settle at zero: it stays at a level set by how fast the world turns against "
        "how fast the network learns. weight_change never dies down: a dynamic equilibrium kept up by "
        "the flow of data, not a fixed point."
    ),
    try_="drift=switch (the labels swap every drift_period steps); close the system with close_at=2000 and watch accuracy decay as the world moves on.",
)

network_scenario(
    "numerosity-hive-scale",
    "Numerosity at a hive's scale: 100,000 neurons, ten million edges",
    dict(
        dataset="digits",
        architecture="sparse",
        hidden=(50_000, 50_000),
        fan_in=128,
        learning_rate=0.05,
        batch_size=32,
        loss="cross_entropy",
        executor="vectorized",
        eval_every=25,
    ),
    steps=200,
    what=(
        "As many neuron agents as a strong colony has bees: the digits task with two hidden layers of 50,000 "
        "neurons, 100,074 Neuron agents in all. Each first-layer neuron reads all 64 pixels; each second-layer "
        "neuron listens to 128 random neurons of the first layer; each output to 128 random second-layer neurons, "
        "and every second-layer neuron that no output chose sends to one random output. That is 9,650,010 "
        "edges, so each step carries about 600 million local messages (one forward and one backward signal per "
        "edge and example), and every weight still changes only by the product of the two signals that crossed it."
    ),
    how_extra=(
        "The architecture is built as edge arrays (model.architectures.Edges), never as a networkx graph, and "
        "the vectorised executor computes each wave as the synchronous action of its neurons: a scipy CSR "
        "product over the wave's in-edges forward, over its out-edges backward, in two blocks of rows on two threads. The test set is measured every "
        "25 steps, in parts small enough that its registers stay below 32 MiB each."
    ),
    notice=(
        "It learns, slowly at first: in one run (seed 0) the batch loss fell from 2.30 to 1.33 in 60 steps and "
        "test accuracy rose from 0.06 to 0.76 at step 25 (0.73 at step 50). Building the network and its 100,074 "
        "agents takes tens of seconds of CPU time, a step one to two seconds, a test measurement several steps' worth "
        "(`python benchmarks/scaling.py --scenario` measures them on your machine). Set beside the 100,000-bee "
        "colony of `hive-numerosity`, the two systems have the same number of parts but not the same number of "
        "interactions: a bee reads one shared temperature, a neuron its own 128 senders."
    ),
    try_=(
        "fan_in=16: an eighth of the edges, the same number of agents; hidden=(5000, 5000): a tenth of the agents. "
        "executor=agents: the same trajectory, every neuron acting on its own (slow at this size). In the app the "
        "picture draws a fixed sample of 2,000 neurons and the edges between them."
    ),
    extend=(
        "Pass your own edge arrays as graph=Edges(src=..., dst=..., delay=..., roles=...) or a scipy sparse "
        "adjacency matrix: they are validated by the same rules as a DiGraph, without a Python object per edge."
    ),
)
