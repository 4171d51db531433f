"""How fast the instruments are: each measure on a 2,000-step run of a default scenario, and the whole scorecard.

Run by hand from the project folder: `python benchmarks/measures_speed.py [--seeds 3] [--skip-scorecard]`.
Targets: each measure <= 2 s on a 2,000-step run; the scorecard for both systems <= 3 minutes.
The runs themselves (recording included) are timed separately from the measures that read them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model.measures import features as F  # noqa: E402
from model.measures import scorecard  # noqa: E402
from model.measures.scorecard import HIVE_LAGS, WATCHED, _groups, _hive, _network  # noqa: E402
from model.measures.systems import NetworkSystem  # noqa: E402


def timed(label, function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:7.3f} s")
    return value, seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--skip-scorecard", action="store_true")
    args = parser.parse_args(argv)
    worst = 0.0

    print(f"network: moons, {args.steps} steps, vectorised")
    system = NetworkSystem(_network(1))
    record, _ = timed("run + probe recording (not a measure)", lambda: system.run(args.steps).arrays())
    for label, function in [
        ("numerosity (leave-one-out, N_eff)", lambda: F.numerosity(system)),
        ("decentralised control", lambda: F.decentralised_control(system)),
        ("openness", lambda: F.openness(record, system)),
        ("feedback (TE both ways, 33 neurons, null)", lambda: F.feedback(record["activity"], record["incoming"])),
        ("robustness (lesion curves)", lambda: F.robustness(system)),
        (
            "self-organisation (dynamic equilibrium)",
            lambda: F.dynamic_equilibrium(record["macro"], record["micro_change"]),
        ),
        ("participation ratio over time", lambda: F.participation_over_time(record["activity"])),
        ("nonlinearity (linearisation error)", lambda: F.network_linearisation(system)),
        (
            "emergence (CKA of two representations)",
            lambda: F.linear_cka(system.representation(), system.representation()),
        ),
    ]:
        worst = max(worst, timed(label, function)[1])

    print(f"hive: hive-day, {args.steps} ticks, vectorised")
    hive = _hive(1)
    record, _ = timed("run + recording (not a measure)", lambda: hive.run(args.steps).arrays())
    for label, function in [
        ("numerosity (30 lesion runs, N_eff)", lambda: F.numerosity(hive)),
        ("decentralised control", lambda: F.decentralised_control(hive)),
        ("openness", lambda: F.openness(record, hive)),
        (
            "feedback (TE both ways, 20 bees, 8 lags, null)",
            lambda: F.feedback(
                record["activity"],
                record["incoming"],
                lags=HIVE_LAGS,
                agents=F.most_active(record["activity"], WATCHED),
            ),
        ),
        ("robustness (lesion curves: 18 runs)", lambda: F.robustness(hive)),
        (
            "self-organisation (dynamic equilibrium)",
            lambda: F.dynamic_equilibrium(record["macro"], record["micro_change"]),
        ),
        ("nonlinearity (superposition: 4 runs)", lambda: F.hive_superposition(hive)),
        ("emergence (mean-field gap ratio)", lambda: F.mean_field_ratio(hive.params)),
        (
            "emergence (Ψ with shuffle null)",
            lambda: F.psi_test(_groups(record["activity"]), record["activity"].sum(axis=1)),
        ),
    ]:
        worst = max(worst, timed(label, function)[1])
    print(f"slowest single measure: {worst:.3f} s (target <= 2 s)")

    if not args.skip_scorecard:
        start = time.perf_counter()
        for kind in ("network", "hive"):
            _, seconds = timed(f"scorecard {kind}, {args.seeds} seeds", scorecard, kind, seeds=args.seeds)
        total = time.perf_counter() - start
        print(f"scorecard, both systems: {total:.1f} s (target <= 180 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
