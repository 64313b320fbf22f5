"""The four commonization patterns (共通化パターン) and what each means for a municipality.

From the national working team's table (DESIGN.md); the patterns page and `/api/v1/catalog/patterns/` read it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Pattern


@dataclass(frozen=True)
class PatternInfo:
    code: str
    owner: Any
    procures: Any
    systems_built: Any
    example: Any
    how_common: Any
    merit: Any
    challenge: Any
    note: Any

    @property
    def label(self) -> str:
        return str(Pattern(self.code).label)

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()} | {"name": self.label}


PATTERNS = [
    PatternInfo(
        code=Pattern.A,
        owner=_("国"),
        procures=_("なし"),
        systems_built=_("1"),
        example=_("VRS（ワクチン接種記録システム）"),
        how_common=_("国が定める仕様"),
        merit=_("団体は利用するだけでよい"),
        challenge=_("国の開発体制に限りがある。競争が働かない"),
        note=_("主に緊急時"),
    ),
    PatternInfo(
        code=Pattern.B,
        owner=_("事業者"),
        procures=_("利用契約"),
        systems_built=_("参入事業者ごとに1"),
        example=_("窓口DX SaaS"),
        how_common=_("標準仕様＋基本契約。原則ガバメントクラウド上"),
        merit=_("少数のシステムから選び、利用契約を結ぶだけ"),
        challenge=_("新しい市場に参入を促す仕組みが必要"),
        note=_("共通化の基本形"),
    ),
    PatternInfo(
        code=Pattern.STANDARDIZED,
        owner=_("団体"),
        procures=_("開発・運用・保守の契約"),
        systems_built=_("最大約1,800"),
        example=_("標準化対象の20業務"),
        how_common=_("なし（標準仕様書により機能を共通化）"),
        merit=_("仕様書を作りやすく、データ連携が容易。ベンダーロックインが減る"),
        challenge=_("団体によっては開発・運用の費用が高くなる"),
        note="",
    ),
    PatternInfo(
        code=Pattern.INDIVIDUAL,
        owner=_("団体"),
        procures=_("開発・運用・保守の契約"),
        systems_built=_("最大約1,800"),
        example=_("各団体の既存システム"),
        how_common=_("なし"),
        merit=_("地域の事情に合わせて作り込める"),
        challenge=_("すべて団体の負担。データ連携が難しい"),
        note="",
    ),
]

PATTERN_BY_CODE = {p.code: p for p in PATTERNS}

# Rows of the reference table: (attribute, heading).
PATTERN_ROWS = [
    ("owner", _("システムの所有者")),
    ("procures", _("団体が調達するもの")),
    ("systems_built", _("構築されるシステムの数")),
    ("example", _("例")),
    ("how_common", _("共通化の方法")),
    ("merit", _("メリット")),
    ("challenge", _("課題")),
    ("note", _("備考")),
]
