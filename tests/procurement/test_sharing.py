"""Cost sharing (割り勘): integer yen that add up exactly, largest remainder, ties by municipality code."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurement.sharing import Party, compute_shares, parse_weights

codes = st.integers(min_value=10006, max_value=479999).map(lambda n: f"{n:06d}")


@st.composite
def cases(draw: st.DrawFn) -> tuple[int, list[Party], dict[str, Fraction]]:
    total = draw(st.integers(min_value=0, max_value=10**12))
    party_codes = draw(st.lists(codes, min_size=1, max_size=40, unique=True))
    parties = [
        Party(
            code=code,
            population=draw(st.integers(min_value=0, max_value=4_000_000)),
            usage_units=draw(st.integers(min_value=0, max_value=100_000)),
            standalone_estimate=draw(st.none() | st.integers(min_value=0, max_value=10**11)),
        )
        for code in party_codes
    ]
    raw = draw(st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=3).filter(any))
    weights = {key: Fraction(value, sum(raw)) for key, value in zip(("equal", "population", "usage"), raw, strict=True)}
    return total, parties, weights


@given(cases())
def test_shares_add_up_exactly_and_stay_within_a_yen_of_the_exact_split(case: tuple) -> None:
    total, parties, weights = case
    shares = compute_shares(total=total, parties=parties, weights=weights)
    assert sum(s.share for s in shares) == total
    assert [s.code for s in shares] == [p.code for p in parties]
    for share in shares:
        assert isinstance(share.share, int)
        assert share.share >= 0
        assert abs(share.share - share.exact) < 1
        # Rounded down, or up by exactly one yen: never further.
        assert share.share - (share.exact.numerator // share.exact.denominator) in (0, 1)
    assert sum(s.exact for s in shares) == total


@given(cases())
def test_the_left_over_yen_go_to_the_largest_remainders(case: tuple) -> None:
    total, parties, weights = case
    shares = compute_shares(total=total, parties=parties, weights=weights)
    up = [s for s in shares if s.share > s.exact]
    down = [s for s in shares if s.share < s.exact]
    if up and down:
        # Everyone rounded up had a fractional part at least as large as anyone rounded down.
        assert min(s.exact % 1 for s in up) >= max(s.exact % 1 for s in down)


def test_ties_go_to_the_lower_municipality_code() -> None:
    parties = [Party(code="205419"), Party(code="202177"), Party(code="203211")]
    shares = compute_shares(total=100, parties=parties, weights={"equal": Fraction(1)})
    assert {s.code: s.share for s in shares} == {"202177": 34, "203211": 33, "205419": 33}


def test_thirty_percent_equal_seventy_percent_population() -> None:
    parties = [
        Party("202177", population=98_000),
        Party("205419", population=11_000),
        Party("204854", population=1_000),
    ]
    weights = parse_weights({"equal": "0.3", "population": "0.7"})
    shares = {s.code: s.share for s in compute_shares(total=10_000_000, parties=parties, weights=weights)}
    # 1,000,000 each equally; 7,000,000 by population 98 : 11 : 1.
    assert shares == {"202177": 1_000_000 + 6_236_364, "205419": 1_000_000 + 700_000, "204854": 1_000_000 + 63_636}
    assert sum(shares.values()) == 10_000_000


def test_saving_against_procuring_alone() -> None:
    shares = compute_shares(
        total=900, parties=[Party("202177", standalone_estimate=1_000), Party("205419")], weights={"equal": Fraction(1)}
    )
    assert (shares[0].share, shares[0].saving) == (450, 550)
    assert shares[1].saving is None


def test_a_basis_nobody_has_is_split_equally() -> None:
    shares = compute_shares(total=10, parties=[Party("202177"), Party("205419")], weights={"usage": Fraction(1)})
    assert [s.share for s in shares] == [5, 5]


@pytest.mark.parametrize(
    "raw",
    [
        {"equal": "0.3", "population": "0.6"},
        {"equal": "1.2", "population": "-0.2"},
        {"equal": "abc"},
        {"size": "1"},
        {"equal": 0.5, "population": 0.5},
    ],
)
def test_bad_weights_are_refused_with_a_message(raw: dict) -> None:
    with pytest.raises(ValueError, match=r".+"):
        parse_weights(raw)


def test_negative_or_non_integer_totals_are_refused() -> None:
    with pytest.raises(ValueError, match="整数"):
        compute_shares(total=-1, parties=[Party("202177")], weights={"equal": Fraction(1)})
    with pytest.raises(ValueError, match="整数"):
        compute_shares(total=1.5, parties=[Party("202177")], weights={"equal": Fraction(1)})  # type: ignore[arg-type]


@given(cases(), st.randoms(use_true_random=False))
def test_the_order_participants_are_listed_in_does_not_change_anyones_share(case: tuple, rnd: object) -> None:
    total, parties, weights = case
    shuffled = list(parties)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    first = {s.code: s.share for s in compute_shares(total=total, parties=parties, weights=weights)}
    second = {s.code: s.share for s in compute_shares(total=total, parties=shuffled, weights=weights)}
    assert first == second


@given(st.integers(min_value=0, max_value=10**12), st.lists(codes, min_size=1, max_size=60, unique=True))
def test_an_equal_split_differs_by_at_most_one_yen_and_the_lowest_codes_pay_the_extra(
    total: int, party_codes: list
) -> None:
    shares = compute_shares(total=total, parties=[Party(c) for c in party_codes], weights={"equal": Fraction(1)})
    amounts = sorted(s.share for s in shares)
    assert amounts[-1] - amounts[0] <= 1
    extra = total % len(party_codes)
    paying_more = sorted(s.code for s in shares if s.share > total // len(party_codes))
    assert paying_more == sorted(party_codes)[:extra]
