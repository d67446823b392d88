"""The forecast on synthetic series with known shape, and spike detection."""

import math
import random

from kesu.reports.forecast import forecast, is_spike


def seasonal_series(weeks: int, seed: int = 1) -> list[int]:
    rng = random.Random(seed)
    return [
        round(50 + 0.1 * t + 20 * math.sin(2 * math.pi * t / 52) + rng.gauss(0, 3))
        for t in range(weeks)
    ]


def test_a_seasonal_series_is_forecast_within_its_intervals():
    history = seasonal_series(156 + 8)
    train, future = history[:156], history[156:]
    result = forecast(train, horizon=8)
    assert result.method == "holt_winters"
    assert len(result.mean) == len(result.lower) == len(result.upper) == 8
    inside = sum(
        low <= actual <= high
        for actual, low, high in zip(future, result.lower, result.upper, strict=True)
    )
    # the 95% intervals hold most weeks (they leave out the parameters' own uncertainty)
    assert inside >= 5
    # and the forecast is off by little more than the noise (σ = 3) on average
    assert sum(abs(m - a) for m, a in zip(result.mean, future, strict=True)) / 8 < 6


def test_a_short_series_uses_a_damped_trend_and_a_tiny_one_the_mean():
    assert forecast([10, 12, 11, 13, 12, 14, 13, 15, 14, 16]).method == "holt_damped"
    tiny = forecast([3, 5, 4])
    assert tiny.method == "mean" and tiny.mean[0] == 4.0 and tiny.lower[0] >= 0


def test_intervals_never_go_below_zero():
    assert min(forecast([0, 1, 0, 2, 0, 1, 0, 0, 1, 0]).lower) >= 0


def test_a_jump_is_a_spike_and_ordinary_noise_is_not():
    normal = seasonal_series(60, seed=3)
    assert is_spike(normal)[0] is False
    jumped = [*normal[:-1], normal[-2] + 80]
    spike, upper = is_spike(jumped)
    assert spike is True and upper < jumped[-1]
    assert is_spike([0, 0, 0, 0, 0, 3])[0] is False  # too few cases to alarm anyone
