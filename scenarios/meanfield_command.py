"""`neurohive meanfield`: the mean-field theory of signal propagation beside the agents, layer by layer.

    neurohive meanfield --width 512 --depth 30 --sigma-w2 2.5 --sigma-b2 0.05 [--seeds 5] [--out f.parquet]

prints, per hidden layer, the length q and correlation c measured across the neurons (mean over seeds)
beside the maps' prediction (model/meanfield.py), the backward signals' ‖δ^l‖²/‖δ^(l+1)‖² beside χ, and
then the gap between agents and theory.
"""

from __future__ import annotations

import math
import sys

import numpy as np


def add_parser(subparsers):
    """The `meanfield` subcommand and its options."""
    command = subparsers.add_parser(
        "meanfield", help="signal propagation in a deep random network: the agents against mean-field theory"
    )
    command.add_argument("--width", type=int, default=512, help="neurons per hidden layer (default 512)")
    command.add_argument("--depth", type=int, default=30, help="hidden layers (default 30)")
    command.add_argument("--sigma-w2", type=float, default=2.5, help="weight variance σ_w² (W ~ N(0, σ_w²/fan_in))")
    command.add_argument("--sigma-b2", type=float, default=0.05, help="bias variance σ_b² (b ~ N(0, σ_b²))")
    command.add_argument("--c0", type=float, default=0.6, help="correlation of each input pair (default 0.6)")
    command.add_argument("--seeds", type=int, default=5, help="networks, one per seed 0..n-1 (default 5)")
    command.add_argument("--pairs", type=int, default=8, help="input pairs per network (default 8)")
    command.add_argument("--executor", default="vectorized", help="vectorized (default) or agents")
    command.add_argument("--out", help="write every layer of every seed to a .csv or .parquet file")
    command.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    command.set_defaults(func=run)
    return command


def run(args) -> int:
    from model import meanfield
    from model.propagation import check_run, fit_depth_scale, propagation
    from scenarios.cli import check_out, write_table

    check_run(
        args.width,
        args.depth,
        args.sigma_w2,
        args.sigma_b2,
        args.c0,
        None,
        "tanh",
        args.executor,
        args.seeds,
        args.pairs,
    )
    out = check_out(args.out, args.force)
    frame = propagation(
        args.width, args.depth, args.sigma_w2, args.sigma_b2, args.c0, args.seeds, args.executor, pairs=args.pairs
    )
    print(format_layers(frame))
    print()
    print(format_gap(frame, meanfield, fit_depth_scale))
    if out is not None:
        write_table(frame, out)
        print(f"wrote {len(frame)} rows to {out}", file=sys.stderr)
    return 0


def format_layers(frame) -> str:
    """One line per layer: measured (mean ± sd over seeds) beside predicted."""
    table = frame.groupby("layer").agg(
        q=("q", "mean"),
        q_sd=("q", "std"),
        q_theory=("q_theory", "first"),
        c=("c", "mean"),
        c_sd=("c", "std"),
        c_theory=("c_theory", "first"),
        delta_ratio=("delta_ratio", "mean"),
        chi=("chi", "first"),
    )
    lines = [
        f"{'layer':>5}  {'q (agents)':>16}  {'q theory':>8}  {'c (agents)':>16}  {'c theory':>8}  "
        f"{'|δ|² ratio':>10}  {'χ theory':>8}"
    ]
    for layer, row in table.iterrows():
        q_sd = "" if math.isnan(row.q_sd) else f" ± {row.q_sd:.3f}"
        c_sd = "" if math.isnan(row.c_sd) else f" ± {row.c_sd:.3f}"
        lines.append(
            f"{layer:>5}  {f'{row.q:.4f}{q_sd}':>16}  {row.q_theory:>8.4f}  {f'{row.c:.4f}{c_sd}':>16}  "
            f"{row.c_theory:>8.4f}  {row.delta_ratio:>10.4f}  {row.chi:>8.4f}"
        )
    return "\n".join(lines)


def format_gap(frame, meanfield, fit_depth_scale) -> str:
    """The theory's fixed points and phase, and how far the agents are from it."""
    first = frame.iloc[0]
    sigma_w2, sigma_b2, width = float(first.sigma_w2), float(first.sigma_b2), int(first.width)
    chi_1, c_star, xi_c = float(first.chi_1), float(first.c_star), float(first.xi_c)
    critical = meanfield.critical_sigma_w2(sigma_b2)
    phase = "critical" if abs(chi_1 - 1) < 1e-3 else "ordered" if chi_1 < 1 else "chaotic"
    mean = frame.groupby("layer")[["c", "c_theory"]].mean()
    runs = frame.seed.nunique() * int(first.get("pairs", 1))
    fitted = fit_depth_scale(mean.index, mean.c - c_star, floor=4 * (1 - c_star**2) / math.sqrt(width * runs))
    told = (
        f"a fitted depth scale of {fitted:.3g} layers"
        if math.isfinite(fitted) or fitted == math.inf
        else "too few layers above the sampling noise to fit a depth scale"
    )
    c_gap = float(np.sqrt(np.mean((frame.c - frame.c_theory) ** 2)))
    q_gap = float(np.sqrt(np.mean((frame.q / frame.q_theory - 1) ** 2)))
    ratio = float(frame.delta_ratio.mean())
    return "\n".join(
        [
            f"theory   q* {meanfield.q_star(sigma_w2, sigma_b2):.4f}   c* {c_star:.4f}   χ₁ {chi_1:.4f} ({phase}; the critical "
            f"line at σ_b² = {sigma_b2:g} is σ_w² = {critical:.4f})   ξ_c {xi_c:.3g} layers",
            f"gap      c: RMS(c - c_theory) = {c_gap:.4f}   q: RMS(q/q_theory - 1) = {q_gap:.4f}   "
            f"(sampling alone: ~1/√width = {1 / math.sqrt(width):.3f} per layer and pair)",
            f"backward mean ‖δ^l‖²/‖δ^(l+1)‖² = {ratio:.4f} against χ₁ = {chi_1:.4f} ({100 * (ratio / chi_1 - 1):+.1f} %)",
            f"depth    |c^l - c*| decays with {told} against ξ_c = {xi_c:.3g}",
        ]
    )
