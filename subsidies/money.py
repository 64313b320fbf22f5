"""The money rules, as pure functions of integers and fractions. Never a float.

Subsidy = eligible total × rate, rounded down to the program's unit, then capped:
- cap basis `subsidy`: the subsidy is at most the cap;
- cap basis `project_cost` (TYPE S): the project cost counts only up to the cap, and the rate applies to that;
- an organization's remaining cap (補助上限額 − already granted) limits it further.
"""

from __future__ import annotations

from fractions import Fraction

SUBSIDY = "subsidy"
PROJECT_COST = "project_cost"


def round_down(amount: int, unit: int) -> int:
    """`amount` rounded down to a multiple of `unit` (a unit of 1 changes nothing)."""
    if unit <= 0:
        raise ValueError("rounding unit must be positive")
    return (amount // unit) * unit


def apply_rate(amount: int, rate: Fraction) -> int:
    """floor(amount × rate), exactly."""
    return (amount * rate.numerator) // rate.denominator


def subsidy_amount(
    *,
    eligible_total: int,
    rate: Fraction,
    rounding_unit: int,
    cap: int | None = None,
    cap_basis: str = SUBSIDY,
    remaining_cap: int | None = None,
) -> int:
    """The subsidy for an eligible total under a program's rate, rounding and caps."""
    if eligible_total <= 0:
        return 0
    base = eligible_total
    if cap is not None and cap_basis == PROJECT_COST:
        base = min(base, cap)
    amount = round_down(apply_rate(base, rate), rounding_unit)
    if cap is not None and cap_basis == SUBSIDY:
        amount = min(amount, cap)
    if remaining_cap is not None:
        amount = min(amount, max(remaining_cap, 0))
    return amount


def fixed_amount(
    *,
    decided: int,
    actual_total: int,
    rate: Fraction,
    rounding_unit: int,
    cap: int | None = None,
    cap_basis: str = SUBSIDY,
) -> int:
    """額の確定: the smaller of the decided amount and the subsidy on the actual eligible cost."""
    on_actual = subsidy_amount(
        eligible_total=actual_total, rate=rate, rounding_unit=rounding_unit, cap=cap, cap_basis=cap_basis
    )
    return min(decided, on_actual)


# デジ田 review: bonus points for using 窓口DX SaaS, only where BPR is done (or done alongside).
MADOGUCHI_BONUS = {"advisor_dispatch": 12, "advisor_training": 8, "other": 4, "none": 0}


def madoguchi_bonus(*, uses_madoguchi_saas: bool, bpr_route: str) -> int:
    """The 窓口DX SaaS bonus: +12 (BPR advisor dispatch), +8 (advisor training), +4 (other BPR), else 0."""
    if not uses_madoguchi_saas:
        return 0
    return MADOGUCHI_BONUS.get(bpr_route, 0)
