"""Authorization cases for the subsidies routes (see tests/reliability/authorization.py).

A claim "of" an organization names it as the applicant: 小布施町 for the municipal roles' own scope, 長野県 itself
for prefecture staff, 佐久市 (same prefecture) and 智頭町 (another prefecture). Every path builder makes a NEW claim,
so one role's successful step never changes what the next role meets. The standardization program is 総務省's,
so soumu-official decides its claims; the デジ田 programs are 内閣府's (soumu-official only reads those).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.models import Organization, User
from subsidies.models import Attachment, Claim, ClaimResult, ClaimStatus, OrganizationCap, Program, ProgramBudget
from subsidies.programs import load_programs
from tests.reliability.authorization import LOGIN, Case
from tests.subsidies.conftest import BUDGET, CAP, GOOD_LINES, make_claim, this_fiscal_year

PUBLIC = {"*": 200}
NOT_LOGGED_IN = 401  # the API's answer to anonymous callers
S = ClaimStatus
CAPPED = ("205419", "202177", "200000", "313289")


def programs() -> dict[str, Program]:
    """The seeded programs open for submission today, with a budget and caps for every target organization."""
    if not OrganizationCap.objects.filter(organization__slug="313289", cap=CAP).exists():
        today = timezone.localdate()
        for program in load_programs():
            program.acceptance_from = today - dt.timedelta(days=30)
            program.acceptance_until = today + dt.timedelta(days=30)
            program.save()
            ProgramBudget.objects.update_or_create(
                program=program, fiscal_year=this_fiscal_year(), defaults={"budget": BUDGET, "reserved": 0}
            )
        for code in CAPPED:
            OrganizationCap.objects.update_or_create(
                program=Program.objects.get(code="standardization"),
                organization=Organization.objects.get(slug=code),
                defaults={"cap": CAP, "granted": 0},
            )
    return {p.code: p for p in Program.objects.all()}


def claim_of(org: Organization, status: str, program: str = "standardization", fixed_by: str = "soumu-payer") -> Claim:
    """A new claim of `org` in `status`, made by its own staff (a prefecture's own claims skip the confirmation).

    A fixed claim was fixed by `fixed_by` (by default not the matrix's official, who may then pay it)."""
    if status == S.SUBMITTED and org.kind == "prefecture":
        status = S.UNDER_REVIEW
    staff = org.members.order_by("pk").first() or org.members.create(username=f"matrix-{org.slug}", role="staff")
    fixer = User.objects.get(username=fixed_by) if status in (S.FIXED, S.PAID) else None
    claim = make_claim(status, program=programs()[program], applicant=org.slug, by=staff, fixed_by=fixer)
    if status in (S.APPROVED, S.REPORTED, S.FIXED, S.PAID):
        claim.decision_number = f"総行デ第{claim.pk}号"
        claim.save(update_fields=["decision_number"])
    return claim


def page(suffix: str, status: str, program: str = "standardization") -> Callable[[Organization], str]:
    return lambda org: f"/subsidies/claims/{claim_of(org, status, program).pk}/{suffix}"


def api(suffix: str, status: str, program: str = "standardization", **options: str) -> Callable[[Organization], str]:
    return lambda org: f"/api/v1/subsidies/claims/{claim_of(org, status, program, **options).pk}/{suffix}"


def attachment_of(org: Organization) -> str:
    claim = claim_of(org, S.SUBMITTED)
    attachment = Attachment(
        claim=claim,
        original_name="見積書.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=claim.created_by,
    )
    attachment.file.save("quote.pdf", SimpleUploadedFile("quote.pdf", b"%PDF-1.4\n"), save=False)
    attachment.save()
    return f"/subsidies/attachments/{attachment.pk}/"


def published_result_of(org: Organization) -> str:
    claim = claim_of(org, S.FIXED)
    ClaimResult.objects.create(
        claim=claim,
        implementation_status="標準準拠システムへ移行済み。",
        effects="窓口の待ち時間が減った。",
        published=True,
    )
    return f"/subsidies/results/{claim.pk}/"


def with_programs(url: str) -> Callable[[Organization], str]:
    """A fixed URL whose answer needs the programs loaded."""

    def build(org: Organization) -> str:
        programs()
        return url

    return build


def cap_of(org: Organization) -> str:
    cap = OrganizationCap.objects.get(program=programs()["standardization"], organization=org)
    return f"/api/v1/subsidies/caps/{cap.pk}/"


def upload(org: Organization) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("見積書.pdf", b"%PDF-1.4\n%matrix\n"), "description": "見積書"}


def scoped(**by_role: Any) -> dict[str, Any]:
    """An expectation per role; a role not named gets 404 for every scope (it may not see the claim)."""
    return {"*": 404, **by_role}


def own(status: int) -> dict[str, int]:
    return {"own": status, "same_prefecture": 404, "other_prefecture": 404}


def prefecture(own_status: int, municipality_status: int) -> dict[str, int]:
    return {"own": own_status, "same_prefecture": municipality_status, "other_prefecture": 404}


# A submitted claim: its applicant, its prefecture and every national official read it; nobody else knows it exists.
READ_SUBMITTED = scoped(
    municipality_staff=own(200),
    municipality_manager=own(200),
    prefecture_staff=prefecture(200, 200),
    national_official=200,
)
# A draft is seen by its applicant only (never submitted: not yet the prefecture's or the ministry's business).
DRAFT_ONLY = scoped(municipality_staff=own(200), municipality_manager=own(200), prefecture_staff=prefecture(200, 404))
# A returned claim is edited by the applicant (staff and manager); those who only read it are refused (403).
EDIT_RETURNED = scoped(
    municipality_staff=own(302),
    municipality_manager=own(302),
    prefecture_staff=prefecture(302, 403),
    national_official=403,
)
LINES = [
    {"category": line["category"], "description": line["description"], "amount": line["amount"]} for line in GOOD_LINES
]

CASES = [
    # Pages ---------------------------------------------------------------------------------------------------
    Case(
        "subsidies/",
        "/subsidies/",
        {"anonymous": LOGIN, "*": 200},
        note="the list shows only the claims the reader may see (none for a vendor)",
    ),
    Case(
        "subsidies/claims/",
        "/subsidies/claims/",
        {"anonymous": LOGIN, "*": 200},
        note="the list shows only the claims the reader may see (none for a vendor)",
    ),
    Case(
        "subsidies/claims/export/",
        "/subsidies/claims/export/",
        {"anonymous": LOGIN, "*": 200},
        note="the same rows as the list: a vendor gets the header line only",
    ),
    Case(
        "subsidies/claims/new/",
        with_programs("/subsidies/claims/new/?program=standardization"),
        {"anonymous": LOGIN, "national_official": 403, "vendor": 403, "*": 200},
        note="applicants are municipalities and prefectures",
    ),
    Case(
        "subsidies/claims/<int:pk>/",
        page("", S.SUBMITTED),
        {"anonymous": LOGIN, **READ_SUBMITTED},
        scoped=True,
    ),
    Case(
        "subsidies/claims/<int:pk>/",
        page("", S.DRAFT),
        {"anonymous": LOGIN, **DRAFT_ONLY},
        scoped=True,
        note="a draft never submitted is the applicant's alone (tighter than the table: its prefecture and the "
        "ministry see it once submitted)",
    ),
    Case(
        "subsidies/claims/<int:pk>/edit/",
        page("edit/", S.DRAFT),
        {"anonymous": LOGIN, **DRAFT_ONLY},
        scoped=True,
    ),
    Case(
        "subsidies/claims/<int:pk>/edit/",
        page("edit/", S.SUBMITTED),
        {
            "anonymous": LOGIN,
            **scoped(
                municipality_staff=own(403),
                municipality_manager=own(403),
                prefecture_staff=prefecture(403, 403),
                national_official=403,
            ),
        },
        scoped=True,
        note="only drafts and returned claims are editable; readers of a submitted claim are refused, not misled",
    ),
    Case(
        "subsidies/claims/<int:pk>/transition/",
        page("transition/", S.SUBMITTED),
        {
            "anonymous": LOGIN,
            **scoped(
                municipality_staff=own(403),
                municipality_manager=own(403),
                # 長野県's own claim went straight to the ministry: it does not confirm its own claims
                prefecture_staff=prefecture(403, 302),
                national_official=403,
            ),
        },
        method="post",
        data={"action": "confirm"},
        scoped=True,
        note="confirm (経由): staff of the applicant's prefecture",
    ),
    Case(
        "subsidies/claims/<int:pk>/transition/",
        page("transition/", S.UNDER_REVIEW),
        {
            "anonymous": LOGIN,
            **scoped(
                municipality_staff=own(403),
                municipality_manager=own(403),
                prefecture_staff=prefecture(403, 403),
                national_official=302,
            ),
        },
        method="post",
        data={"action": "approve", "amount": "1000000", "comment": "交付決定"},
        scoped=True,
        note="approve: officials of the owning ministry (総務省)",
    ),
    Case(
        "subsidies/claims/<int:pk>/report/",
        page("report/", S.APPROVED),
        {
            "anonymous": LOGIN,
            **scoped(
                municipality_staff=own(403),
                municipality_manager=own(200),
                prefecture_staff=prefecture(403, 403),  # 長野県's staff member is not its manager
                national_official=403,
            ),
        },
        scoped=True,
        note="実績報告: the applicant's manager",
    ),
    Case(
        "subsidies/claims/<int:pk>/notice/",
        page("notice/", S.APPROVED),
        {"anonymous": LOGIN, **READ_SUBMITTED},
        scoped=True,
        note="the decision notice is read by whoever reads the claim",
    ),
    Case(
        "subsidies/claims/<int:pk>/attachments/",
        page("attachments/", S.RETURNED),
        {"anonymous": LOGIN, **EDIT_RETURNED},
        method="post",
        data=upload,
        scoped=True,
    ),
    Case(
        "subsidies/claims/<int:pk>/result/",
        page("result/", S.FIXED),
        {"anonymous": LOGIN, **EDIT_RETURNED},
        method="post",
        data={"implementation_status": "移行を完了した。", "effects": "運用経費が減った。", "published": "on"},
        scoped=True,
        note="実施状況・効果の公表: the applicant, after the amount is fixed",
    ),
    Case(
        "subsidies/claims/<int:pk>/plan/",
        page("plan/", S.RETURNED, "digiden-type1"),
        {"anonymous": LOGIN, **EDIT_RETURNED},
        method="post",
        data={"uses_madoguchi_saas": "on", "bpr_route": "advisor_training", "service_name": "窓口DX SaaS"},
        scoped=True,
        note="a デジ田 claim (内閣府's): other officials read it but do not change the plan",
    ),
    Case(
        "subsidies/attachments/<int:pk>/",
        attachment_of,
        {"anonymous": LOGIN, **READ_SUBMITTED},
        scoped=True,
    ),
    Case("subsidies/results/", "/subsidies/results/", PUBLIC),
    Case("subsidies/results/<int:pk>/", published_result_of, PUBLIC, scoped=True, note="published results are public"),
    Case("subsidies/score/", "/subsidies/score/?uses_madoguchi_saas=on&bpr_route=other", PUBLIC),
    # API -----------------------------------------------------------------------------------------------------
    Case(
        "api/v1/subsidies/check/",
        with_programs("/api/v1/subsidies/check/"),
        {"anonymous": NOT_LOGGED_IN, "*": 200},
        method="post",
        data={"program": "standardization", "line_items": LINES},
        note="checks lines against the program's public rules, saves nothing; the cap shown is the caller's own",
    ),
    Case("api/v1/subsidies/programs/", with_programs("/api/v1/subsidies/programs/"), PUBLIC),
    Case("api/v1/subsidies/programs/<str:code>/", with_programs("/api/v1/subsidies/programs/standardization/"), PUBLIC),
    Case(
        "api/v1/subsidies/caps/",
        "/api/v1/subsidies/caps/",
        {"anonymous": NOT_LOGGED_IN, "*": 200},
        note="rows scoped to those the caller may read",
    ),
    Case(
        "api/v1/subsidies/caps/<str:pk>/",
        cap_of,
        {
            "anonymous": NOT_LOGGED_IN,
            **scoped(
                municipality_staff=own(200),
                municipality_manager=own(200),
                prefecture_staff=prefecture(200, 200),
                national_official=200,
            ),
        },
        scoped=True,
    ),
    Case(
        "api/v1/subsidies/claims/",
        "/api/v1/subsidies/claims/",
        {"anonymous": NOT_LOGGED_IN, "*": 200},
        note="only the claims the caller may see",
    ),
    Case(
        "api/v1/subsidies/claims/",
        with_programs("/api/v1/subsidies/claims/"),
        {"anonymous": NOT_LOGGED_IN, "national_official": 403, "vendor": 403, "*": 201},
        method="post",
        data=lambda org: {
            "program": "standardization",
            "fiscal_year": this_fiscal_year(),
            "title": "基幹業務システム標準化移行事業",
            "line_items": LINES,
        },
    ),
    Case(
        "api/v1/subsidies/claims/<str:pk>/",
        api("", S.SUBMITTED),
        {"anonymous": NOT_LOGGED_IN, **READ_SUBMITTED},
        scoped=True,
    ),
    Case(
        "api/v1/subsidies/claims/<str:pk>/",
        api("", S.RETURNED),
        {
            "anonymous": NOT_LOGGED_IN,
            **scoped(
                municipality_staff=own(200),
                municipality_manager=own(200),
                prefecture_staff=prefecture(200, 403),
                national_official=403,
            ),
        },
        method="patch",
        data={"version": 1, "title": "基幹業務システム標準化移行事業（修正）"},
        scoped=True,
    ),
    Case(
        "api/v1/subsidies/claims/<str:pk>/history/",
        api("history/", S.SUBMITTED),
        {"anonymous": NOT_LOGGED_IN, **READ_SUBMITTED},
        scoped=True,
    ),
    Case(
        "api/v1/subsidies/claims/<str:pk>/transitions/",
        api("transitions/", S.SUBMITTED),
        {
            "anonymous": NOT_LOGGED_IN,
            **scoped(
                municipality_staff=own(403),
                municipality_manager=own(403),
                prefecture_staff=prefecture(403, 200),
                national_official=403,
            ),
        },
        method="post",
        data={"action": "confirm"},
        scoped=True,
        note="confirm (経由): staff of the applicant's prefecture",
    ),
    Case(
        "api/v1/subsidies/claims/<str:pk>/transitions/",
        api("transitions/", S.UNDER_REVIEW),
        {
            "anonymous": NOT_LOGGED_IN,
            **scoped(
                municipality_staff=own(403),
                municipality_manager=own(403),
                prefecture_staff=prefecture(403, 403),
                national_official=200,
            ),
        },
        method="post",
        data={"action": "approve", "amount": 1_000_000},
        scoped=True,
        note="approve: officials of the owning ministry (総務省)",
    ),
    Case(
        "api/v1/subsidies/claims/<str:pk>/transitions/",
        api("transitions/", S.UNDER_REVIEW, "digiden-type1"),
        {
            "anonymous": NOT_LOGGED_IN,
            **scoped(
                municipality_staff=own(403),
                municipality_manager=own(403),
                prefecture_staff=prefecture(403, 403),
                national_official=403,
            ),
        },
        method="post",
        data={"action": "approve", "amount": 1_000_000},
        scoped=True,
        note="a デジ田 claim is decided by 内閣府: 総務省's official reads it but may not approve it",
    ),
    Case(
        "api/v1/subsidies/claims/<str:pk>/transitions/",
        api("transitions/", S.FIXED),
        {
            "anonymous": NOT_LOGGED_IN,
            **scoped(
                municipality_staff=own(403),
                municipality_manager=own(403),
                prefecture_staff=prefecture(403, 403),
                national_official=200,
            ),
        },
        method="post",
        data={"action": "pay"},
        scoped=True,
        note="pay: an official of the owning ministry other than the one who fixed the amount (soumu-payer here)",
    ),
    Case(
        "api/v1/subsidies/claims/<str:pk>/transitions/",
        api("transitions/", S.FIXED, fixed_by="soumu-official"),
        {
            "anonymous": NOT_LOGGED_IN,
            **scoped(
                municipality_staff=own(403),
                municipality_manager=own(403),
                prefecture_staff=prefecture(403, 403),
                national_official=403,
            ),
        },
        method="post",
        data={"action": "pay"},
        scoped=True,
        note="the official who fixed the amount does not pay it",
    ),
]
