"""An evaluation reuses its registers: after the first, it allocates none (tracemalloc)."""

import tracemalloc

import numpy as np

from model import NetworkModel
from model.architectures import layered


def test_an_evaluation_allocates_no_register_after_the_first():
    model = NetworkModel(
        graph=layered([64, 128, 10]),
        dataset="digits",
        loss="cross_entropy",
        batch_size=32,
        executor="vectorized",
        rng=0,
    )
    register = model.signals.a.itemsize * (model.ticks + 1) * model.structure.n * len(model.data.x_test)
    first = model.evaluate("test")
    tracemalloc.start()
    again = model.evaluate("test")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert again == first
    assert peak < register / 4, f"an evaluation allocated {peak} bytes; one register of the test set is {register}"


def test_evaluation_registers_leave_the_training_signals_alone():
    model = NetworkModel(dataset="moons", hidden=(8,), executor="vectorized", rng=1)
    model.step()
    a, delta = model.signals.a.copy(), model.signals.delta.copy()
    for _ in range(3):
        model.evaluate("test")
        model.gradients(model.data.x_test[:5], model.data.y_test[:5])
    assert np.array_equal(model.signals.a, a) and np.array_equal(model.signals.delta, delta)
    assert model.signals.batch_size == model.batch_size
