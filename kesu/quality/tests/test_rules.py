"""The improvement loop's rules, pure: the draw, the score, the effect, the quarter."""

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kesu.core.errors import Conflict, ValidationFailed
from kesu.quality import rules


@given(
    st.lists(st.integers(1, 10**6), min_size=1, max_size=200, unique=True), st.integers(0, 2**32)
)
def test_the_draw_is_reproducible_and_independent_of_order(population, seed):
    size = max(1, len(population) // 3)
    first = rules.draw(population, size=size, seed=seed)
    assert first == rules.draw(list(reversed(population)), size=size, seed=seed)
    assert len(set(first)) == size and set(first) <= set(population)


def test_the_draw_is_unbiased():
    # every case of 20 is drawn about equally often over many seeds (5 of 20, 4000 draws)
    counts = Counter()
    for seed in range(4000):
        counts.update(rules.draw(range(20), size=5, seed=seed))
    expected = 4000 * 5 / 20
    chi_square = sum((counts[i] - expected) ** 2 / expected for i in range(20))
    assert chi_square < 43.8  # the 0.1% critical value for 19 degrees of freedom


@pytest.mark.parametrize(
    ("population", "size", "percent", "expected"),
    [(100, 10, None, 10), (100, None, 5, 5), (7, None, 10, 1), (3, 10, None, 3), (0, None, 50, 0)],
)
def test_the_sample_size(population, size, percent, expected):
    assert rules.sample_size(population, size=size, percent=percent) == expected


@pytest.mark.parametrize(
    ("size", "percent"), [(None, None), (5, 10), (0, None), (None, 0), (None, 101)]
)
def test_a_bad_sample_size_is_refused(size, percent):
    with pytest.raises(ValidationFailed):
        rules.sample_size(10, size=size, percent=percent)


def test_the_score_needs_every_item():
    assert rules.score(
        {"1": True, "2": True, "3": True, "4": True, "5": False}, [1, 2, 3, 4, 5]
    ) == (80, True)
    assert rules.score({"1": True, "2": False}, [1, 2]) == (50, False)
    with pytest.raises(ValidationFailed):
        rules.score({"1": True}, [1, 2])


def test_the_effect_compares_rates_per_30_days():
    effect = rules.effect(before=30, after=10, before_days=90, after_days=60)
    assert (effect["rate_before"], effect["rate_after"], effect["change_percent"]) == (
        10.0,
        5.0,
        -50.0,
    )
    assert rules.effect(before=0, after=3, before_days=90, after_days=90)["change_percent"] is None


def test_actions_move_forward_only():
    rules.check_move("planned", "in_progress")
    rules.check_move("done", "effective")
    for current, target in (("planned", "effective"), ("effective", "done"), ("done", "planned")):
        with pytest.raises(Conflict):
            rules.check_move(current, target)


def test_quarters():
    assert rules.previous_quarter(dt.date(2026, 1, 1)) == (2025, 4)
    assert rules.previous_quarter(dt.date(2026, 11, 23)) == (2026, 3)
    assert rules.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))


def test_a_league_table_ranks_best_first_ties_share_a_place_and_no_data_comes_last():
    from kesu.quality.performance import Row, league

    rows = [
        Row(key="1", name="甲", handled=5, timeliness=0.9, reopen_rate=0.2),
        Row(key="2", name="乙", handled=7, timeliness=0.8, reopen_rate=0.0),
        Row(key="3", name="丙", handled=5, timeliness=None, reopen_rate=None),
        Row(key="4", name="丁", handled=2, timeliness=0.9, reopen_rate=0.1),
    ]
    places = lambda by: [(p, r.name) for p, r in league(rows, by)]  # noqa: E731
    assert places("handled") == [(1, "乙"), (2, "丙"), (2, "甲"), (4, "丁")]
    assert places("timeliness") == [(1, "丁"), (1, "甲"), (3, "乙"), (None, "丙")]
    # fewer reopenings is better
    assert places("reopen_rate") == [(1, "乙"), (2, "丁"), (3, "甲"), (None, "丙")]
    with pytest.raises(ValueError):
        league(rows, "shoe_size")
