"""Forecasting weekly intake and spotting spikes. Pure arithmetic on a list of weekly counts
(statsmodels' exponential smoothing state-space models); no database.

- With two years or more of weeks, a seasonal (52-week) additive model.
- With eight weeks or more, Holt's damped trend.
- With fewer, the mean and the spread of what there is.
Intervals are the model's 95% prediction intervals, never below zero.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

SEASON = 52
LEVEL = 0.95


@dataclass(frozen=True)
class Forecast:
    method: str
    mean: list[float]
    lower: list[float]
    upper: list[float]


def _naive(values: list[float], horizon: int) -> Forecast:
    n = len(values)
    mean = sum(values) / n if n else 0.0
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else max(mean, 1.0)
    margin = 1.96 * spread * math.sqrt(1 + 1 / max(n, 1))
    return Forecast(
        "mean",
        [round(mean, 2)] * horizon,
        [round(max(mean - margin, 0), 2)] * horizon,
        [round(mean + margin, 2)] * horizon,
    )


def forecast(values: list[int | float], *, horizon: int = 8) -> Forecast:
    """The next `horizon` weeks with their 95% prediction intervals."""
    values = [float(v) for v in values]
    if len(values) < 8 or max(values, default=0) == min(values, default=0):
        return _naive(values, horizon)
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = len(values) >= 2 * SEASON
    best = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # with and without a (damped) trend; the one with the lower AIC forecasts
        for trend in ("add", None):
            model = ETSModel(
                pd.Series(values),
                error="add",
                trend=trend,
                damped_trend=trend is not None,
                seasonal="add" if seasonal else None,
                seasonal_periods=SEASON if seasonal else None,
            )
            fitted = model.fit(disp=False)
            if best is None or fitted.aic < best.aic:
                best = fitted
        frame = best.get_prediction(start=len(values), end=len(values) + horizon - 1).summary_frame(
            alpha=1 - LEVEL
        )
    return Forecast(
        "holt_winters" if seasonal else "holt_damped",
        [round(max(v, 0.0), 2) for v in frame["mean"]],
        [round(max(v, 0.0), 2) for v in frame["pi_lower"]],
        [round(max(v, 0.0), 2) for v in frame["pi_upper"]],
    )


def is_spike(values: list[int | float], *, minimum: int = 5) -> tuple[bool, float | None]:
    """Whether the last week is far above what the weeks before it let one expect: above the
    upper bound of a one-week forecast from them (and at least `minimum` cases, so that 0 → 2
    is no alarm). Returns (spike, the upper bound)."""
    if len(values) < 5:
        return False, None
    expected = forecast(values[:-1], horizon=1)
    upper = expected.upper[0]
    return values[-1] >= minimum and values[-1] > upper, upper
