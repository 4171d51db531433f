"""The scorecard's statistics: calibrated under the null, powerful under a known shift, honest about NaN."""

import math

import numpy as np
import pytest

from model.measures.statistics import compare, hedges_g, loglog_slope


def test_same_distribution_is_not_separated_in_at_least_95_of_100_repeats():
    rng = np.random.default_rng(0)
    verdicts = [
        compare(rng.normal(size=10), rng.normal(size=10), "greater", resamples=199, rng=i)["separated"]
        for i in range(100)
    ]
    assert sum(verdicts) <= 5


def test_a_known_shift_is_separated_in_its_direction_only():
    rng = np.random.default_rng(1)
    hits = [
        compare(rng.normal(3.0, 1.0, 10), rng.normal(0.0, 1.0, 10), "greater", resamples=199, rng=i) for i in range(20)
    ]
    assert sum(h["separated"] for h in hits) >= 19  # power of a 3-sd shift at n = 10, α = 0.01 is above 0.99
    assert all(h["ci_low"] > 0 and h["p_value"] < 0.01 for h in hits if h["separated"])
    wrong_way = compare(rng.normal(3.0, 1.0, 10), rng.normal(0.0, 1.0, 10), "less", resamples=199)
    assert not wrong_way["separated"] and wrong_way["p_value"] > 0.5


def test_constant_samples_nan_and_too_few_values():
    assert compare(np.ones(10), np.zeros(10))["separated"]
    same = compare(np.zeros(10), np.zeros(10))
    assert not same["separated"] and same["difference"] == 0 and same["p_value"] == 1.0
    dropped = compare([1.0, 2.0, math.nan, 3.0], [0.0, 0.5, 1.0, math.nan])
    assert dropped["n_system"] == 3 and dropped["n_control"] == 3
    few = compare([1.0, math.nan], [0.0, 0.1, 0.2])
    assert not few["separated"] and math.isnan(few["p_value"])
    with pytest.raises(ValueError, match="direction"):
        compare([1, 2], [3, 4], "bigger")


def test_hedges_g_and_the_loglog_slope_on_known_values():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 2.0])
    assert hedges_g(a, b) == pytest.approx(1.0 * (1 - 3 / (4 * 6 - 9)))
    assert hedges_g(np.ones(3), np.zeros(3)) == math.inf
    sizes = np.array([4, 8, 16, 32])
    assert loglog_slope(sizes, 3 * sizes**0.7) == pytest.approx(0.7)
    assert math.isnan(loglog_slope(sizes, [math.nan, -1, 2, math.nan]))
