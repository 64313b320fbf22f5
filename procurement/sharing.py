"""Cost sharing (割り勘) of a joint procurement: a pure function, exact with Fractions.

Guarantees of `compute_shares` for a total T ≥ 0 and at least one participant:
- every share is an integer and the shares add up to T exactly;
- each share is floor(e) or floor(e) + 1 of its exact proportional value e, so it differs from e by less
  than 1 yen, is never negative, and an exact integer e is paid exactly;
- the yen left over after rounding down go to the largest fractional parts (largest remainder method),
  ties broken by the lower municipality code;
- a basis (population or usage) that totals zero for everyone is split equally instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

BASES = ("equal", "population", "usage")


@dataclass(frozen=True)
class Party:
    code: str  # 全国地方公共団体コード
    population: int = 0
    usage_units: int = 0
    standalone_estimate: int | None = None


@dataclass(frozen=True)
class Share:
    code: str
    share: int
    exact: Fraction
    standalone_estimate: int | None

    @property
    def saving(self) -> int | None:
        """What the participant saves against procuring alone (negative when joining costs more)."""
        if self.standalone_estimate is None:
            return None
        return self.standalone_estimate - self.share


def parse_weights(raw: Mapping[str, object]) -> dict[str, Fraction]:
    """Weights from the API or a form ({"equal": "0.3", "population": "0.7"}); ValueError with a message."""
    unknown = set(raw) - set(BASES)
    if unknown:
        raise ValueError(f"不明な按分方法です: {', '.join(sorted(unknown))}（equal, population, usage のいずれか）")
    weights: dict[str, Fraction] = {}
    for key in BASES:
        value = raw.get(key)
        if value in (None, ""):
            weights[key] = Fraction(0)
            continue
        if isinstance(value, float | bool):
            raise ValueError('割合は文字列（例: "0.3"）で指定してください。')
        try:
            weight = Fraction(str(value).strip())
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"割合「{value}」を数として読めません。") from exc
        if weight < 0 or weight > 1:
            raise ValueError("割合は0以上1以下で指定してください。")
        weights[key] = weight
    if sum(weights.values()) != 1:
        raise ValueError("均等割・人口割・利用量割の割合の合計は1にしてください。")
    return weights


def compute_shares(*, total: int, parties: Sequence[Party], weights: Mapping[str, Fraction]) -> list[Share]:
    """Split `total` yen over `parties` by the weighted bases; see the module docstring for the guarantees."""
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise ValueError("按分する金額は0以上の整数（円）です。")
    if not parties:
        return []
    if any(w < 0 for w in weights.values()) or sum(weights.values(), Fraction(0)) != 1:
        raise ValueError("割合は0以上で、合計が1でなければなりません。")
    codes = [p.code for p in parties]
    if len(set(codes)) != len(codes):
        raise ValueError("同じ団体が二度含まれています。")
    count = len(parties)
    ratios = [Fraction(0)] * count
    for basis in BASES:
        weight = Fraction(weights.get(basis, 0))
        if weight == 0:
            continue
        amounts = [_basis_amount(p, basis) for p in parties]
        basis_total = sum(amounts)
        for i in range(count):
            part = Fraction(amounts[i], basis_total) if basis_total else Fraction(1, count)
            ratios[i] += weight * part
    exact = [total * r for r in ratios]
    floors = [e.numerator // e.denominator for e in exact]
    left_over = total - sum(floors)
    # Largest remainder first; ties by the lower municipality code.
    order = sorted(range(count), key=lambda i: (-(exact[i] - floors[i]), parties[i].code))
    shares = list(floors)
    for i in order[:left_over]:
        shares[i] += 1
    return [
        Share(code=p.code, share=shares[i], exact=exact[i], standalone_estimate=p.standalone_estimate)
        for i, p in enumerate(parties)
    ]


def _basis_amount(party: Party, basis: str) -> int:
    if basis == "equal":
        return 1
    value = party.population if basis == "population" else party.usage_units
    if value < 0:
        raise ValueError("人口・利用量は0以上です。")
    return value
