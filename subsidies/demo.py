"""Demo claims in every state across 長野県, 鳥取県 and 静岡県, made through the real services.

Deterministic and re-runnable: the previous demo claims (and their audit rows) are removed first, and budgets
and caps are recomputed from the claims that remain. Caps of the demo organizations are demo values (there is
no published per-organization table in the shared data). E-mail is not sent while seeding.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, Coalesce
from django.test.utils import override_settings
from django.utils import timezone

from catalog.models import BusinessArea
from portal.japanese import fiscal_year
from portal.models import AuditEntry, Organization, Role, User

from . import services
from .models import (
    ActualLineItem,
    Attachment,
    Claim,
    ClaimEvent,
    ClaimResult,
    ClaimStatus,
    DigidenPlan,
    LineItem,
    OrganizationCap,
    Program,
    ProgramBudget,
)
from .programs import load_programs

OKU = 100_000_000
S = ClaimStatus

# Demo 補助上限額 (labelled is_demo): organization code -> cap in yen.
DEMO_CAPS = {
    "205419": 180_000_000,  # 小布施町
    "202177": 620_000_000,  # 佐久市
    "202011": 1_450_000_000,  # 長野市
    "200000": 900_000_000,  # 長野県
    "313289": 150_000_000,  # 智頭町
    "312011": 980_000_000,  # 鳥取市
    "310000": 700_000_000,  # 鳥取県
    "221007": 2_100_000_000,  # 静岡市
    "221309": 2_300_000_000,  # 浜松市
}

STD_LINES = [
    {
        "category": "A",
        "description": "標準仕様書とのFit&Gap分析・移行計画策定支援",
        "vendor": "信州自治体コンサルティング",
        "amount": 4_180_000,
    },
    {
        "category": "B",
        "description": "住民記録・税データの移行と外字の文字情報基盤文字への同定",
        "vendor": "長野情報システム",
        "amount": 12_650_000,
    },
    {
        "category": "C",
        "description": "標準準拠システムの環境接続・初期パラメータ設定",
        "vendor": "長野情報システム",
        "amount": 6_270_000,
    },
    {
        "category": "D",
        "description": "標準準拠システムの総合テスト・操作研修",
        "vendor": "長野情報システム",
        "amount": 3_520_000,
    },
    {
        "category": "E",
        "description": "財務会計システムとの連携プログラム改修",
        "vendor": "信濃ソフトウェア",
        "amount": 2_860_000,
    },
]
TRAVEL = {"category": "D", "description": "職員の旅費（ベンダー研修への出張）", "vendor": "", "amount": 86_400}
LEASE = {
    "category": "F",
    "description": "現行システムのリース残債（早期解約）",
    "vendor": "地方リース",
    "amount": 3_300_000,
    "justification": "令和8年1月の移行期限に間に合わせるため契約期間中に解約した残債で、区分Fの経費です。",
}
DIGIDEN_LINES = [
    {
        "category": "1",
        "description": "窓口DX SaaS（書かない窓口）の導入・初期設定",
        "vendor": "デモ自治体クラウド株式会社",
        "amount": 38_500_000,
    },
    {
        "category": "3",
        "description": "窓口業務のBPR（業務改革）支援委託",
        "vendor": "信州自治体コンサルティング",
        "amount": 6_600_000,
    },
    {"category": "4", "description": "窓口用タブレット端末の購入", "vendor": "長野OA機器", "amount": 4_400_000},
]


def _scaled(lines: list[dict[str, Any]], factor: int) -> list[dict[str, Any]]:
    return [{**line, "amount": line["amount"] * factor} for line in lines]


def _member(code: str, role: str) -> User:
    """The demo login of an organization with that role, or a demo account without a password (no login)."""
    org = Organization.objects.get(slug=code)
    user = User.objects.filter(organization=org, role=role, is_active=True).order_by("pk").first()
    if user is not None:
        return user
    user, _created = User.objects.select_related(None).get_or_create(
        username=f"demo-{code}-{role}",
        defaults={
            "organization": org,
            "role": role,
            "full_name": f"{org.name} {'管理者' if role == Role.MANAGER else '担当'}（デモ）",
            "email": f"demo-{code}-{role}@demo.example.lg.jp",
        },
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def clear_claims(claims: QuerySet[Claim]) -> None:
    """Remove these demo claims with their rows and audit, set-wise (the national data set has 20,000)."""
    AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Claim),
        target_id__in=claims.annotate(key=Cast("pk", CharField())).values("key"),
    ).delete()
    for model in (LineItem, ActualLineItem, ClaimEvent, Attachment, ClaimResult, DigidenPlan):
        model.objects.filter(claim__in=claims).delete()
    Claim.businesses.through.objects.filter(claim__in=claims).delete()
    claims.delete()


def recompute_money() -> None:
    """Budgets and caps hold exactly what the standing decisions take (the fixed amount once fixed)."""
    taken = Claim.objects.filter(status__in=[S.APPROVED, S.REPORTED, S.FIXED, S.PAID]).order_by()
    amount = Sum(Coalesce("fixed_amount", "decided_amount"))
    per_budget = taken.filter(program=OuterRef("program"), fiscal_year=OuterRef("fiscal_year"))
    ProgramBudget.objects.update(
        reserved=Coalesce(Subquery(per_budget.values("program").annotate(total=amount).values("total")), 0)
    )
    per_cap = taken.filter(program=OuterRef("program"), applicant=OuterRef("organization"))
    OrganizationCap.objects.update(
        granted=Coalesce(Subquery(per_cap.values("program").annotate(total=amount).values("total")), 0)
    )


def ministry_actors(owner: str) -> tuple[User, User]:
    """The official who decides and fixes a program's claims, and the other one who pays."""
    official = User.objects.filter(username=f"{owner}-official").first() or _member(owner, Role.STAFF)
    payer = User.objects.filter(username=f"{owner}-payer").first() or _member(owner, Role.MANAGER)
    return official, payer


class Story:
    """One demo claim, walked through the workflow by the people whose turn it is."""

    def __init__(self, program: Program, code: str, title: str, lines: list[dict[str, Any]], fy: int) -> None:
        self.staff = _member(code, Role.STAFF)
        self.manager = _member(code, Role.MANAGER)
        self.claim = services.claim_create(
            actor=self.staff,
            program=program,
            fiscal_year=fy,
            title=title,
            line_items=lines,
            businesses=list(BusinessArea.objects.filter(is_standardized=True).order_by("order", "code")[:3]),
        )
        Claim.objects.filter(pk=self.claim.pk).update(is_demo=True)
        org = self.claim.applicant
        self.prefecture = _member(org.prefecture.slug, Role.STAFF) if org.prefecture is not None else None
        self.official, self.payer = ministry_actors(program.owner.slug)

    def do(self, action: str, actor: User, **kwargs: Any) -> Story:
        self.claim = services.claim_transition(claim=self.claim, actor=actor, action=action, **kwargs)
        return self

    def submit(self) -> Story:
        self.do("submit", self.manager, comment="よろしくお願いします。")
        if self.claim.status == S.SUBMITTED:
            self.do("confirm", self.prefecture, comment="内容を確認しました。")  # type: ignore[arg-type]
        return self

    def approve(self, ratio: tuple[int, int] = (1, 1)) -> Story:
        amount = self.claim.requested_amount * ratio[0] // ratio[1] // 1000 * 1000
        return self.do("approve", self.official, amount=amount, comment="交付を決定します。")

    def report(self, lines: list[dict[str, Any]]) -> Story:
        return self.do("report", self.manager, actual_line_items=lines, comment="事業が完了しました。")

    def fix(self) -> Story:
        return self.do("fix", self.official, comment="実績報告を確認し、額を確定します。")


def seed(*, scale: str = "demo", stdout: Any = None) -> None:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        programs = {p.code: p for p in load_programs()}
        fy = fiscal_year(timezone.localdate())
        for program in programs.values():
            ProgramBudget.objects.get_or_create(
                program=program,
                fiscal_year=fy,
                defaults={"label": f"{fy}年度（デモ）", "budget": 500 * OKU, "is_demo": True},
            )
        for code, cap in DEMO_CAPS.items():
            OrganizationCap.objects.update_or_create(
                program=programs["standardization"],
                organization=Organization.objects.get(slug=code),
                defaults={"cap": cap, "is_demo": True},
            )
        clear_claims(Claim.objects.filter(is_demo=True))
        recompute_money()
        _stories(programs, fy)
        recompute_money()
    if stdout is not None:
        stdout.write(f"  交付申請 {Claim.objects.filter(is_demo=True).count()} 件（すべての状態）")
    if scale == "national":
        from .demo_national import seed_national  # it reuses this module's caps and money

        seed_national(stdout=stdout)


def _stories(programs: dict[str, Program], fy: int) -> None:
    std = programs["standardization"]
    # 小布施町: a draft with a line to fix, and a finished, paid and published project
    Story(std, "205419", "令和8年度 標準準拠システム移行（第2期：福祉系）", [*STD_LINES[:3], TRAVEL], fy)
    paid = Story(std, "205419", "基幹業務システム標準化移行（住民記録・税）", [*STD_LINES, LEASE], fy).submit()
    paid.approve().report([*STD_LINES[:4], LEASE]).fix()
    paid.do("pay", paid.payer, comment="支払を完了しました。")
    services.result_publish(
        claim=paid.claim,
        actor=paid.staff,
        implementation_status="住民記録・個人住民税など5業務を標準準拠システムへ移行し、ガバメントクラウド上で稼働を開始しました。",
        effects="帳票の様式統一により窓口の交付事務が1件あたり約3分短縮。運用経費は年約1,100万円の削減を見込みます。",
    )
    # 佐久市: waiting for the prefecture, under review, returned
    Story(std, "202177", "標準準拠システム移行（国民健康保険・介護保険）", _scaled(STD_LINES, 3), fy).do(
        "submit", _member("202177", Role.MANAGER)
    )
    Story(std, "202177", "標準準拠システム移行（住民記録・印鑑登録）", _scaled(STD_LINES, 2), fy).submit()
    returned = Story(std, "202177", "標準準拠システム移行（就学・児童手当）", _scaled(STD_LINES, 2), fy).submit()
    returned.do("return", returned.official, comment="区分Eの連携改修の見積書を添付してください。")
    # 長野市: fixed at less than decided, results published
    fixed = Story(std, "202011", "基幹業務20業務の標準準拠システム移行", _scaled(STD_LINES, 9), fy).submit()
    fixed.approve((9, 10)).report(_scaled(STD_LINES[:4], 8)).fix()
    services.result_publish(
        claim=fixed.claim,
        actor=fixed.staff,
        implementation_status="20業務のうち18業務の移行を完了。残る2業務は特定移行支援システムとして令和9年度に移行予定。",
        effects="住民記録と税の情報連携が自動化され、月約120時間の照合作業が不要になりました。",
    )
    # 鳥取県: 智頭町 approved and reported, 鳥取市 rejected, the prefecture's own claim in review
    Story(std, "313289", "標準準拠システム移行（住民記録・税・福祉）", STD_LINES, fy).submit().approve()
    Story(std, "313289", "標準準拠システム移行（戸籍附票・選挙）", STD_LINES[:3], fy).submit().approve().report(
        STD_LINES[:3]
    )
    rejected = Story(
        std,
        "312011",
        "庁内ネットワーク更改",
        [{"category": "C", "description": "庁内LAN機器の更新", "vendor": "鳥取通信", "amount": 24_000_000}],
        fy,
    ).submit()
    rejected.do("reject", rejected.official, comment="庁内LAN機器の更新は標準準拠システムへの移行経費にあたりません。")
    Story(std, "310000", "県の標準準拠システム移行（生活保護・児童扶養手当）", _scaled(STD_LINES, 2), fy).submit()
    # 静岡県: a withdrawn claim and one waiting for the prefecture
    withdrawn = Story(std, "221007", "標準準拠システム移行（重複申請）", STD_LINES[:2], fy)
    withdrawn.do("withdraw", withdrawn.manager, comment="別の申請にまとめたため取り下げます。")
    Story(std, "221309", "標準準拠システム移行（住民記録・税・国保）", _scaled(STD_LINES, 6), fy).do(
        "submit", _member("221309", Role.MANAGER)
    )
    # デジ田: 佐久市 TYPE1 with 窓口DX SaaS in review, 長野市 TYPE S decided
    type1 = Story(programs["digiden-type1"], "202177", "書かない窓口の導入（窓口DX SaaS）", DIGIDEN_LINES, fy)
    services.digiden_plan_save(
        claim=type1.claim,
        actor=type1.staff,
        uses_madoguchi_saas=True,
        bpr_route="advisor_dispatch",
        service_name="窓口DX SaaS（デモ）",
    )
    type1.submit()
    Story(
        programs["digiden-type-s"],
        "202011",
        "デジタル行財政改革 先行挑戦（窓口・施設予約）",
        _scaled(DIGIDEN_LINES, 12),
        fy,
    ).submit().approve()
