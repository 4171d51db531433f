"""What a `NetworkModel` lets you read (mixed into it from model/network.py): losses, metrics, predictions,
gradients from the neurons' own messages, and tables of weights, biases and neurons.

Nothing here changes the training state: `predict` and `gradients` run the neurons on scratch registers.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd


class ReadOuts:
    """The read-outs of a `NetworkModel`: metrics, predictions, gradients and tables."""

    # --- reading the model -----------------------------------------------------------------------
    @property
    def loss(self) -> float:
        """The last training batch's loss (nan while the system is closed)."""
        return self.environment.loss_value

    @property
    def input_power(self) -> float:
        return self.environment.input_power

    @property
    def error_power(self) -> float:
        return self.environment.error_power

    @property
    def epoch(self) -> int:
        return self.environment.stream.epoch

    def evaluate(self, split: str = "test") -> dict[str, float]:
        """{"loss", "accuracy"} on the whole train or test split; the training state is untouched."""
        x, y = self.environment.stream.split(split)
        y_hat = self.predict(x)
        return {"loss": self.loss_function.value(y_hat, y), "accuracy": self._accuracy(y_hat, y)}

    def predict(self, x) -> np.ndarray:
        """The outputs ŷ (B, n_outputs) for inputs x, computed by the neurons on scratch registers."""
        x = self._checked_inputs(x)
        with self.signals.scratch(len(x)), np.errstate(all="ignore"):
            self.environment.present(x)
            self.forward_phase()
            return self.environment.outputs_now().copy()

    def gradients(self, x, y):
        """({(u, v): dL/dw}, {node: dL/db}) from the neurons' own messages on batch (x, y); nothing is updated."""
        x, y = self._checked_inputs(x), self._checked_targets(y, len(x))
        with self.signals.scratch(len(x)):
            self.environment.present(x)
            self.forward_phase()
            self.environment.feedback(y)
            self.backward_phase()
            grad_w, grad_b = {}, {}
            for neuron in self.learners:
                gw, gb = neuron.gradient()
                grad_w.update(zip(zip(neuron.in_src.tolist(), [neuron.node] * len(gw)), np.ravel(gw).tolist()))
                grad_b[neuron.node] = float(gb)
        return grad_w, grad_b

    @cached_property
    def edge_index(self) -> dict[tuple[int, int], int]:
        """{(u, v): position of that edge in the parameter arrays}, built on first use."""
        return {edge: e for e, edge in enumerate(zip(self.structure.src.tolist(), self.structure.dst.tolist()))}

    def neuron_table(self) -> pd.DataFrame:
        """Every neuron now, one row each: its bias and the mean of its last signals over the batch."""
        s, last = self.structure, self.signals.ticks
        return pd.DataFrame(
            {
                "step": self.completed_steps,
                "node": np.arange(s.n),
                "role": s.roles,
                "bias": self.params.bias,
                "activation": self.signals.a[last].mean(axis=1),
                "delta": self.signals.delta[1 : last + 1].mean(axis=(0, 2)),
                "in_degree": np.bincount(s.dst, minlength=s.n),
                "out_degree": np.bincount(s.src, minlength=s.n),
                "silenced": self.lesions.copy(),
            }
        )

    def snapshots(self) -> pd.DataFrame:
        """The neuron tables recorded every `snapshot_every` steps (the last `history` of them, if set)."""
        if not self._snapshots:
            return self.neuron_table().iloc[0:0]
        return pd.concat(self._snapshots, ignore_index=True)

    def weights(self) -> dict[tuple[int, int], float]:
        """{(u, v): weight} for every edge."""
        return dict(zip(zip(self.structure.src.tolist(), self.structure.dst.tolist()), self.params.weight.tolist()))

    def biases(self) -> dict[int, float]:
        """{node: bias} for every non-input neuron."""
        return {n.node: n.bias for n in self.neurons if n.role != "input"}

    def summary(self) -> dict[str, float]:
        """Where training stands: the last batch loss and the full train and test metrics."""
        train, test = self.evaluate("train"), self.evaluate("test")
        return {
            "step": self.steps,
            "loss": self.loss,
            "train_loss": train["loss"],
            "train_accuracy": train["accuracy"],
            "test_loss": test["loss"],
            "test_accuracy": test["accuracy"],
        }

    # --- checking what a caller hands in ---
    def _checked_inputs(self, x) -> np.ndarray:
        """x as (B, n_inputs) or (B, ticks, n_inputs) floats; a ValueError saying what was expected otherwise."""
        x = np.asarray(x, dtype=float)
        n_in = self.environment.n_inputs
        if (
            not ((x.ndim == 2 and x.shape[1] == n_in) or (x.ndim == 3 and x.shape[1:] == (self.ticks, n_in)))
            or len(x) == 0
        ):
            raise ValueError(f"x must have shape (B, {n_in}) or (B, {self.ticks}, {n_in}) with B >= 1, got {x.shape}")
        return x

    def _checked_targets(self, y, batch) -> np.ndarray:
        """y as the loss wants it: (B,) class indices for cross_entropy, (B, n_outputs) floats otherwise."""
        y = np.asarray(y)
        n_out = self.environment.n_outputs
        if self.loss_function.name == "cross_entropy":
            if y.shape != (batch,) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n_out:
                raise ValueError(
                    f"cross_entropy takes y as {batch} class indices in 0..{n_out - 1}, got shape {y.shape}"
                )
        elif y.shape != (batch, n_out):
            raise ValueError(f"{self.loss_function.name} takes y of shape ({batch}, {n_out}), got {y.shape}")
        return y

    # --- accuracy and the test metrics ---------------------------------------------------------------
    def _accuracy(self, y_hat, y) -> float:
        if y is None or self.data.task == "regression":
            return float("nan")
        if y.ndim == 1:
            return int(np.count_nonzero(_classes(y_hat) == y)) / len(y)
        if y.size == 1:  # one example, one output: plain floats are several times faster
            return float((y_hat.flat[0] > 0.5) == (y.flat[0] > 0.5))
        if y.shape[1] == 1:
            return int(np.count_nonzero((y_hat[:, 0] > 0.5) == (y[:, 0] > 0.5))) / len(y)
        return int(np.count_nonzero(_classes(y_hat) == _classes(y))) / len(y)

    def _evaluate_test(self):
        result = self.evaluate("test")
        self.test_loss, self.test_accuracy = result["loss"], result["accuracy"]


def _classes(y_hat) -> np.ndarray:
    """The class each example's outputs pick (argmax, the first on ties); fast on the registers' transposed view."""
    return y_hat.T.argmax(axis=0) if y_hat.T.flags.c_contiguous else y_hat.argmax(axis=1)
