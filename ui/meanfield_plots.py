"""Charts of the Mean field page: the agents' q, c and δ ratio per layer against the theory, and the phase diagram.

Like ui/plots.py: a `matplotlib.figure.Figure` without pyplot, colour-blind-safe colours (Okabe & Ito).
Measured values are dots (one colour per seed), predictions are lines.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from model import meanfield
from ui.drawing import DIVERGING
from ui.plots import OKABE_ITO

SIGMA_W2_RANGE = (0.1, 8.0)
SIGMA_B2_RANGE = (0.0, 1.0)


def layers_figure(frame, trained=None, width=9.6, height=2.9, dpi=90) -> Figure:
    """q^l, c^l and ‖δ^l‖²/‖δ^(l+1)‖² against the layer: dots per seed (agents), lines (theory)."""
    fig = Figure(figsize=(width, height), dpi=dpi)
    axes = fig.subplots(1, 3)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.17, top=0.86, wspace=0.28)
    theory = frame.groupby("layer").first()
    panels = (
        ("q", "q_theory", "length q^l = mean h²"),
        ("c", "c_theory", "correlation c^l of a pair"),
        ("delta_ratio", "chi", "‖δ^l‖² / ‖δ^(l+1)‖²"),
    )
    for ax, (measured, predicted, title) in zip(axes, panels):
        for i, (seed, run) in enumerate(frame.groupby("seed")):
            ax.plot(
                run.layer,
                run[measured],
                "o",
                ms=3,
                color=OKABE_ITO[i % 7],
                alpha=0.8,
                label=f"agents, seed {seed}" if i < 3 else None,
            )
        ax.plot(theory.index, theory[predicted], "-", color="#000000", lw=1.5, label="theory")
        if trained is not None:  # pairs of digits: before (crosses) and after (squares) training, their theory dashed
            before, after = trained[trained.steps == 0], trained[trained.steps == trained.steps.max()]
            ax.plot(before.layer, before[measured], "x", ms=3.5, color="#999999", label="digit pairs, untrained")
            ax.plot(
                after.layer,
                after[measured],
                "s",
                ms=3.5,
                mfc="none",
                color="#D55E00",
                label=f"digit pairs, after {int(after.steps.iloc[0])} steps",
            )
            ax.plot(before.layer, before[predicted], "--", color="#555555", lw=1)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("layer l", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    axes[2].axhline(1.0, color="#999999", lw=0.8, ls=":")
    axes[1].legend(fontsize=6, loc="best")
    return fig


@lru_cache(maxsize=1)
def chi_grid(n_w=40, n_b=24):
    """log χ₁ over the (σ_w², σ_b²) plane, and the critical line (computed once: about a second)."""
    sw = np.linspace(*SIGMA_W2_RANGE, n_w)
    sb = np.linspace(*SIGMA_B2_RANGE, n_b)
    log_chi = np.array([[np.log(meanfield.chi_1(w, b)) for w in sw] for b in sb])
    line_b = np.linspace(*SIGMA_B2_RANGE, 21)
    line_w = np.array([meanfield.critical_sigma_w2(b) for b in line_b])
    return sw, sb, log_chi, line_w, line_b


def phase_figure(sigma_w2, sigma_b2, measured=None, width=4.4, height=3.4, dpi=90) -> Figure:
    """The phase diagram: ordered (χ₁ < 1, blue) and chaotic (χ₁ > 1, orange), the critical line, your point."""
    sw, sb, log_chi, line_w, line_b = chi_grid()
    fig = Figure(figsize=(width, height), dpi=dpi)
    ax = fig.add_axes((0.14, 0.14, 0.8, 0.76))
    scale = 0.6  # |ln χ₁| beyond this is deep in a phase: one colour
    ax.imshow(
        log_chi,
        origin="lower",
        aspect="auto",
        cmap=DIVERGING,
        vmin=-scale,
        vmax=scale,
        alpha=0.8,
        extent=(sw[0], sw[-1], sb[0], sb[-1]),
    )
    ax.plot(line_w, line_b, "-", color="#000000", lw=1.5, label="critical line χ₁ = 1")
    if measured is not None and len(measured):
        ax.scatter(
            measured.sigma_w2,
            measured.sigma_b2,
            s=12 + 4 * np.clip(measured.xi_measured, 0, 30),
            facecolors="none",
            edgecolors="#222222",
            lw=0.6,
            label="measured ξ (size)",
        )
    ax.plot([sigma_w2], [sigma_b2], "*", ms=13, color="#F0E442", mec="#000000", label="your network")
    ax.text(0.03, 0.93, "ordered", transform=ax.transAxes, fontsize=8)
    ax.text(0.97, 0.93, "chaotic", transform=ax.transAxes, fontsize=8, ha="right")
    ax.set_xlim(*SIGMA_W2_RANGE)
    ax.set_ylim(*SIGMA_B2_RANGE)
    ax.set_xlabel("σ_w² (weight variance)", fontsize=8)
    ax.set_ylabel("σ_b² (bias variance)", fontsize=8)
    ax.set_title(f"phase diagram: χ₁ = {meanfield.chi_1(sigma_w2, sigma_b2):.3f} here", fontsize=9)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6, loc="lower right")
    return fig
