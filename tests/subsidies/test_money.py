"""The money rules at their boundaries: one yen under, at and over each unit and cap."""

from __future__ import annotations

from fractions import Fraction

import pytest

from subsidies.money import fixed_amount, madoguchi_bonus, round_down, subsidy_amount

OKU = 100_000_000


@pytest.mark.parametrize(
    ("amount", "expected"), [(999, 0), (1_000, 1_000), (1_001, 1_000), (1_999, 1_000), (2_000, 2_000), (0, 0)]
)
def test_round_down_to_the_unit(amount: int, expected: int) -> None:
    assert round_down(amount, 1000) == expected


def test_a_unit_of_one_yen_keeps_every_yen() -> None:
    assert subsidy_amount(eligible_total=1_234_567, rate=Fraction(1, 1), rounding_unit=1) == 1_234_567


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (1_999, 0),  # half is 999: under the unit
        (2_000, 1_000),  # half is exactly one unit
        (2_001, 1_000),
        (3_999, 1_000),
        (4_000, 2_000),
    ],
)
def test_half_rate_rounds_the_subsidy_down_not_the_cost(total: int, expected: int) -> None:
    assert subsidy_amount(eligible_total=total, rate=Fraction(1, 2), rounding_unit=1000) == expected


def test_two_thirds_is_exact_without_floats() -> None:
    # 300,000,001 × 2/3 = 200,000,000.67 → 200,000,000; a float would print 200000000.66666666
    assert subsidy_amount(eligible_total=300_000_001, rate=Fraction(2, 3), rounding_unit=1) == 200_000_000
    assert (
        subsidy_amount(eligible_total=1_000_000_000_000_001, rate=Fraction(2, 3), rounding_unit=1)
        == 666_666_666_666_667
    )


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (2 * OKU - 2, OKU - 1_000),  # one yen of subsidy under the cap, then rounded down
        (2 * OKU, OKU),  # exactly at the cap
        (2 * OKU + 2, OKU),  # one yen over: capped
        (10 * OKU, OKU),
    ],
)
def test_type1_caps_the_subsidy_at_1_oku(total: int, expected: int) -> None:
    assert (
        subsidy_amount(eligible_total=total, rate=Fraction(1, 2), rounding_unit=1000, cap=OKU, cap_basis="subsidy")
        == expected
    )


@pytest.mark.parametrize(
    ("project_cost", "expected"),
    [
        (5 * OKU - 1, 374_999_000),  # 499,999,999 × 3/4 = 374,999,999.25 → rounded down to the thousand
        (5 * OKU, 375_000_000),  # at the cap: 3.75億円
        (5 * OKU + 1, 375_000_000),  # over: the project cost counts only up to 5億円
        (20 * OKU, 375_000_000),
    ],
)
def test_type_s_caps_the_project_cost_not_the_subsidy(project_cost: int, expected: int) -> None:
    assert (
        subsidy_amount(
            eligible_total=project_cost, rate=Fraction(3, 4), rounding_unit=1000, cap=5 * OKU, cap_basis="project_cost"
        )
        == expected
    )


@pytest.mark.parametrize(
    ("remaining", "expected"),
    [(9_999_999, 9_999_999), (10_000_000, 10_000_000), (10_000_001, 10_000_000), (0, 0), (-5, 0)],
)
def test_the_organizations_remaining_cap_limits_the_standardization_subsidy(remaining: int, expected: int) -> None:
    assert (
        subsidy_amount(eligible_total=10_000_000, rate=Fraction(1, 1), rounding_unit=1000, remaining_cap=remaining)
        == expected
    )


@pytest.mark.parametrize(
    ("decided", "actual", "expected"),
    [
        (5_000_000, 10_000_000, 5_000_000),  # spent more than planned: never more than decided
        (5_000_000, 9_999_999, 4_999_000),  # spent less: the actual cost at the rate, rounded down
        (5_000_000, 10_001_999, 5_000_000),
        (5_000_000, 0, 0),
    ],
)
def test_fixed_amount_is_the_smaller_of_decided_and_actual_at_rate(decided: int, actual: int, expected: int) -> None:
    assert fixed_amount(decided=decided, actual_total=actual, rate=Fraction(1, 2), rounding_unit=1000) == expected


def test_every_amount_is_an_int() -> None:
    result = subsidy_amount(eligible_total=7_777_777, rate=Fraction(2, 3), rounding_unit=1000)
    assert type(result) is int


@pytest.mark.parametrize(
    ("uses", "route", "points"),
    [
        (True, "advisor_dispatch", 12),
        (True, "advisor_training", 8),
        (True, "other", 4),
        (True, "none", 0),  # no BPR, no bonus
        (False, "advisor_dispatch", 0),
    ],
)
def test_madoguchi_bonus_only_with_bpr(uses: bool, route: str, points: int) -> None:
    assert madoguchi_bonus(uses_madoguchi_saas=uses, bpr_route=route) == points
