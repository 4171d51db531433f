"""The lottery-ticket scenario: the digits network whose weights model/tickets.py prunes round by round."""

from scenarios.network import network_scenario

LOTTERY_PARAMS = {
    "dataset": "digits",
    "hidden": (64, 32),
    "activation": "relu",
    "init": "xavier",
    "loss": "cross_entropy",
    "learning_rate": 0.1,
    "batch_size": 32,
    "eval_every": 50,
    "executor": "vectorized",
}
LOTTERY_STEPS = 1500  # about 36 epochs of the 1,347 training images: open_lth trains LeNet for 40
LOTTERY_ROUNDS = 15  # 0.8^15 = 3.5 % of the hidden weights, 0.9^15 = 21 % of the output weights: 4.4 % in all

network_scenario(
    "lottery-digits",
    "Lottery tickets: sparse subnetworks that train as well as the whole",
    LOTTERY_PARAMS,
    steps=LOTTERY_STEPS,
    what=(
        "Robustness, as Ladyman & Wiesner (What Is a Complex System?, 2020) use the word: the function survives "
        "the loss of a fraction of the elements or of their interactions. The lottery-ticket hypothesis "
        "(Frankle & Carbin, ICLR 2019) says more: a large network contains sparse subnetworks, the winning "
        "tickets, that trained alone from the same initial weights learn as fast and as well. Here a 64-64-32-10 "
        "ReLU network reads scikit-learn's 8x8 digits, and `neurohive lottery digits` looks for its tickets."
    ),
    how_extra=(
        "The experiment (model/tickets.py): train for 1,500 steps; remove the 20 % smallest-magnitude "
        "surviving weights of each hidden layer and 10 % of the output layer's (Frankle & Carbin's rates for "
        "LeNet: the output layer is small and each of its weights feeds one class); reset the survivors to "
        "their initial values; train again; repeat for 15 rounds, down to 4.4 % of the weights. A pruned "
        "edge's weight is exactly 0 and gets no gradient, so it carries nothing forward or back. Beside every "
        "ticket two controls with the same number of weights per layer: the same mask with freshly drawn "
        "initial weights (reinit), and a random mask on the same initial weights (random)."
    ),
    notice=(
        "Plot test accuracy against the weights remaining, on a log axis (the Lottery page does). With the "
        "protocol above, five seeds: the dense network reaches 0.969 ± 0.005; tickets stay within 0.6 points "
        "of it on average (paired by seed; single seeds down to -1.3) down to 12 % of the weights, and are 1.4 "
        "points below it at 4.4 % (0.955); "
        "reinitialised tickets fall off sooner (0.937 at 12 %, 0.824 ± 0.061 at 4.4 %), random masks sooner "
        "still (0.887 at 12 %, 0.18 at 4.4 %). Tickets never beat the dense network, and they do not reach "
        "their best accuracy sooner than it does: two of Frankle & Carbin's claims that this small task "
        "does not show."
    ),
    try_=(
        "`neurohive lottery digits --rounds 15 --seeds 5 --out tickets.parquet`; --rewind-step 100 (rewind to "
        "step 100 instead of the initial weights, Frankle et al., ICML 2020); --rate 0.4 (faster, coarser); "
        "--output-rate 0.2 (prune the output layer as hard as the others). In the network page, prune 80 % "
        "of the weights by magnitude after training, without retraining, and watch the test accuracy."
    ),
    extend=(
        "Prune globally instead of per layer (model.prune(0.2, scope='global')); rewind to a later step; "
        "try another data set or a skip-connection graph: the masks work on any graph, dense or sparse."
    ),
)
