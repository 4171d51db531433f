"""The guided tour: seven stops, each a question, a scenario to run, and the notebook that answers it with numbers.

The notebooks live in notebooks/ (01_structure.ipynb ... 07_hive_beside_the_network.ipynb); the app's Tour page
opens the same scenarios with the same questions. The stops follow Ladyman & Wiesner, What Is a Complex
System? (2020): the structure, the conditions, the products, multiscale dynamics, universality and mean field,
downward causation, and the hive beside the network.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stop:
    """One stop of the tour: what to ask, what to run, where the worked answer is."""

    number: int
    title: str
    notebook: str
    scenario: str
    question: str
    look_for: str

    def __repr__(self):
        return f"Stop({self.number}, {self.title!r}, {self.scenario!r})"


TOUR = (
    Stop(
        1,
        "The basic structure",
        "01_structure.ipynb",
        "xor",
        "Signals go forward, errors come back: is every weight change really just the product of the two signals "
        "that crossed that edge?",
        "Press Next stage and watch one step: inject, the forward waves, the error, the backward waves, the update.",
    ),
    Stop(
        2,
        "The conditions",
        "02_conditions.ipynb",
        "closed-system",
        "Many parts, no one in charge, energy flowing in, feedback: what happens when the flow stops?",
        "From step 500 no data and no error enter: input and error power read zero and the weights stop.",
    ),
    Stop(
        3,
        "The products",
        "03_products.ipynb",
        "moons",
        "Robustness, self-organisation, nonlinearity: how much of the network can you silence before it fails?",
        "Train, then silence 10 %, 30 %, 60 % of the hidden neurons at random and most influential first.",
    ),
    Stop(
        4,
        "Multiscale dynamics",
        "04_multiscale.ipynb",
        "spirals",
        "A weight, a layer, the loss: which of them has a dynamics of its own, and how many networks share one loss?",
        "The loss falls in plateaus and drops while individual weights keep wandering.",
    ),
    Stop(
        5,
        "Universality and mean field",
        "05_mean_field.ipynb",
        "hive-diversity",
        "When does the average tell the whole story, and when do the parts march in step so it fails?",
        "One father: the bees switch together and the colony oscillates; fifteen: the mean field holds.",
    ),
    Stop(
        6,
        "Downward causation",
        "06_downward_causation.ipynb",
        "drift",
        "The task changes at the macro scale: how much of what each weight does does that change explain?",
        "The loss never settles: the weights keep chasing a world that moves.",
    ),
    Stop(
        7,
        "The hive beside the network",
        "07_hive_beside_the_network.ipynb",
        "hive-heatwave",
        "One set of instruments for two systems: where do a colony and a network read alike, and where not?",
        "Play to day three (minute 3480): the heat wave comes, and the fanners are recruited step by step, no "
        "colony-wide panic.",
    ),
)


def stop(number: int) -> Stop:
    """The stop with this number (1..7); a ValueError naming the valid ones otherwise."""
    for s in TOUR:
        if s.number == number:
            return s
    raise ValueError(f"the tour has stops {[s.number for s in TOUR]}, not {number!r}")
