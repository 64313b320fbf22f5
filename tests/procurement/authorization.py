"""Authorization cases for the joint-procurement routes (see tests/reliability/authorization.py).

A procurement "of" an organization is led by its prefecture and, for a municipality, invites it: so for the
municipal roles `own` is a case inviting 小布施町, `same_prefecture` a 長野県 case inviting 佐久市 only, and
`other_prefecture` a 鳥取県 case inviting 智頭町.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import Organization
from procurement.categories import ensure_default_categories
from procurement.models import JointProcurement, Participation, ProcurementCategory, ProcurementDocument
from tests.reliability.authorization import LOGIN, Case

PUBLIC = {"*": 200}
API_NOT_LOGGED_IN = 401


def procurement_of(org: Organization, status: str) -> JointProcurement:
    ensure_default_categories()
    prefecture = org if org.kind == "prefecture" else org.prefecture
    procurement = JointProcurement.objects.create(
        lead_prefecture=prefecture,
        title=f"{prefecture.name} 共同調達（{status}）",
        category=ProcurementCategory.objects.get(slug="e_application"),
        method="proposal",
        status=status,
        estimated_amount=1_000_000,
    )
    if org.kind == "municipality":
        Participation.objects.create(procurement=procurement, municipality=org)
    return procurement


def document_of(org: Organization) -> str:
    procurement = procurement_of(org, "recruiting")
    document = ProcurementDocument(
        procurement=procurement, title="仕様書", original_name="spec.pdf", content_type="application/pdf", size=9
    )
    document.file.save("spec.pdf", SimpleUploadedFile("spec.pdf", b"%PDF-1.4\n"), save=False)
    document.visibility = "participants"
    document.save()
    return f"/procurement/{procurement.pk}/documents/{document.pk}/"


def page(suffix: str = "", status: str = "recruiting") -> Any:
    return lambda org: f"/procurement/{procurement_of(org, status).pk}/{suffix}"


def api(suffix: str = "", status: str = "recruiting") -> Any:
    return lambda org: f"/api/v1/procurement/joint-procurements/{procurement_of(org, status).pk}/{suffix}"


def ocds(org: Organization) -> str:
    procurement_of(org, "recruiting")
    return "/api/v1/procurement/ocds/"


# Who sees a planning case: its prefecture, officials and the municipalities it invites.
PLANNING_VISIBLE = {
    "anonymous": 404,
    "municipality_staff": {"own": 200, "same_prefecture": 404, "other_prefecture": 404},
    "municipality_manager": {"own": 200, "same_prefecture": 404, "other_prefecture": 404},
    "prefecture_staff": {"own": 200, "same_prefecture": 200, "other_prefecture": 404},
    "national_official": 200,
    "vendor": 404,
}
# Who changes a case: staff of its own prefecture; others who can see it get 403.
LEAD_ONLY = {"own": 302, "same_prefecture": 302, "other_prefecture": 403}
ANSWER = {"own": 200, "same_prefecture": 403, "other_prefecture": 403}

CASES = [
    Case("procurement/", "/procurement/", PUBLIC),
    Case("procurement/dashboard/", "/procurement/dashboard/", PUBLIC),
    Case("procurement/new/", "/procurement/new/", {"anonymous": LOGIN, "prefecture_staff": 200, "*": 403}),
    Case(
        "procurement/share-preview/",
        "/procurement/share-preview/?estimated_amount=1000&share_equal=100&participants=205419",
        {"prefecture_staff": 200, "*": 403},
        note="a JSON endpoint for the form's script: 403, not the login page, for everyone else",
    ),
    Case("procurement/<int:pk>/", page(), PUBLIC, scoped=True),
    Case("procurement/<int:pk>/", page(status="planning"), PLANNING_VISIBLE, scoped=True, note="planning"),
    Case(
        "procurement/<int:pk>/edit/",
        page("edit/"),
        {
            "anonymous": LOGIN,
            "prefecture_staff": {"own": 200, "same_prefecture": 200, "other_prefecture": 403},
            "*": 403,
        },
        scoped=True,
    ),
    Case(
        "procurement/<int:pk>/answer/",
        page("answer/"),
        {
            "anonymous": LOGIN,
            "municipality_staff": {"own": 302, "same_prefecture": 403, "other_prefecture": 403},
            "municipality_manager": {"own": 302, "same_prefecture": 403, "other_prefecture": 403},
            "*": 403,
        },
        method="post",
        data={"status": "committed"},
        scoped=True,
    ),
    Case(
        "procurement/<int:pk>/transitions/",
        page("transitions/"),
        {"anonymous": LOGIN, "prefecture_staff": LEAD_ONLY, "*": 403},
        method="post",
        data={"action": "start_tendering"},
        scoped=True,
    ),
    Case(
        "procurement/<int:pk>/documents/",
        page("documents/"),
        {"anonymous": LOGIN, "prefecture_staff": LEAD_ONLY, "*": 403},
        method="post",
        data={"title": ""},
        scoped=True,
        note="an empty form: the lead is sent back with the message, nothing is stored",
    ),
    Case(
        "procurement/<int:pk>/documents/<int:document_pk>/",
        document_of,
        {
            "anonymous": 404,
            "municipality_staff": {"own": 200, "same_prefecture": 404, "other_prefecture": 404},
            "municipality_manager": {"own": 200, "same_prefecture": 404, "other_prefecture": 404},
            "prefecture_staff": {"own": 200, "same_prefecture": 200, "other_prefecture": 404},
            "national_official": 200,
            "vendor": 404,
        },
        scoped=True,
        note="a document for the participants and the prefecture",
    ),
    Case("api/v1/procurement/ocds/", ocds, PUBLIC, scoped=True),
    Case("api/v1/procurement/joint-procurements/", "/api/v1/procurement/joint-procurements/", PUBLIC),
    Case(
        "api/v1/procurement/joint-procurements/",
        "/api/v1/procurement/joint-procurements/",
        {"anonymous": API_NOT_LOGGED_IN, "prefecture_staff": 201, "*": 403},
        method="post",
        data={"title": "共同調達", "category": "other", "method": "negotiated"},
    ),
    Case("api/v1/procurement/joint-procurements/<int:pk>/", api(), PUBLIC, scoped=True),
    Case(
        "api/v1/procurement/joint-procurements/<int:pk>/",
        api(status="planning"),
        PLANNING_VISIBLE,
        scoped=True,
        note="planning",
    ),
    Case(
        "api/v1/procurement/joint-procurements/<int:pk>/",
        api(),
        {
            "anonymous": API_NOT_LOGGED_IN,
            "prefecture_staff": {"own": 200, "same_prefecture": 200, "other_prefecture": 403},
            "*": 403,
        },
        method="patch",
        data={"version": 1, "title": "件名の変更"},
        scoped=True,
    ),
    Case("api/v1/procurement/joint-procurements/<int:pk>/shares/", api("shares/"), PUBLIC, scoped=True),
    Case(
        "api/v1/procurement/joint-procurements/<int:pk>/participation/",
        api("participation/"),
        {"anonymous": API_NOT_LOGGED_IN, "municipality_staff": ANSWER, "municipality_manager": ANSWER, "*": 403},
        method="post",
        data={"status": "committed"},
        scoped=True,
    ),
    Case(
        "api/v1/procurement/joint-procurements/<int:pk>/transitions/",
        api("transitions/"),
        {
            "anonymous": API_NOT_LOGGED_IN,
            "prefecture_staff": {"own": 200, "same_prefecture": 200, "other_prefecture": 403},
            "*": 403,
        },
        method="post",
        data={"action": "start_tendering"},
        scoped=True,
    ),
]
