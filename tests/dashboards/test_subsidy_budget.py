"""The restricted money dashboard: numbers that reconcile with the claims, each reader's scope, CSV twins."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from dashboards import services
from portal.models import Organization
from subsidies.models import Claim, ClaimEvent, ClaimStatus, ProgramBudget
from subsidies.programs import load_programs
from subsidies.selectors import money_by_program_year

FY = 2025
BUDGET = 10_000_000_000
TOKYO = ZoneInfo("Asia/Tokyo")
URL = "/api/v1/dashboards/subsidy-budget/"


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=TOKYO)


def claim(
    program: Any, code: str, status: str, actor: Any, *, decided: int = 0, fixed: int = 0, days: Any = None
) -> Claim:
    """A claim in `status`, with its history: submitted on 5月1日, decided `days` later (None: not decided)."""
    c = Claim.objects.create(
        applicant=Organization.objects.get(slug=code),
        program=program,
        fiscal_year=FY,
        title="基幹業務システム標準化移行事業",
        status=status,
        decided_amount=decided or None,
        fixed_amount=fixed or None,
        created_by=actor,
    )
    submitted = dt.date(FY, 5, 1)
    history = [(ClaimStatus.DRAFT, submitted - dt.timedelta(days=3))]
    if status != ClaimStatus.DRAFT:
        history.append((ClaimStatus.SUBMITTED, submitted))
    if days is not None:
        outcome = ClaimStatus.REJECTED if status == ClaimStatus.REJECTED else ClaimStatus.APPROVED
        history.append((outcome, submitted + dt.timedelta(days=days)))
    for to_status, day in history:
        event = ClaimEvent.objects.create(claim=c, actor=actor, action=to_status, to_status=to_status)
        ClaimEvent.objects.filter(pk=event.pk).update(at=_at(day))
    return c


@pytest.fixture
def money(db: Any, users: Any) -> dict[str, Any]:
    program = {p.code: p for p in load_programs()}["standardization"]
    ProgramBudget.objects.update_or_create(program=program, fiscal_year=FY, defaults={"budget": BUDGET})
    actor = users["soumu-official"]
    claim(program, "205419", ClaimStatus.PAID, actor, decided=50_000_000, fixed=48_000_000, days=10)  # 小布施町
    claim(program, "205419", ClaimStatus.SUBMITTED, actor)
    claim(program, "202177", ClaimStatus.APPROVED, actor, decided=120_000_000, days=20)  # 佐久市
    claim(program, "313289", ClaimStatus.REJECTED, actor, days=30)  # 智頭町（鳥取県）
    claim(program, "313289", ClaimStatus.DRAFT, actor)
    claim(program, "200000", ClaimStatus.UNDER_REVIEW, actor)  # 長野県 for its own systems
    services.aggregates_build_all(names=["subsidy_budget"])
    return {"program": program}


def _series(api_as: Any, user: str, chart: str = "money") -> list[dict[str, Any]]:
    response = api_as(user).get(URL, {"chart": chart})
    assert response.status_code == 200, response.content
    return list(response.json()["series"])


def _one(series: list[dict[str, Any]]) -> dict[str, Any]:
    (row,) = [r for r in series if r["program"] == "standardization" and r["fiscal_year"] == FY]
    return row


def test_money_reconciles_with_the_claims_and_the_budget(money: Any, api_as: Any) -> None:
    row = _one(_series(api_as, "soumu-official"))
    counted = Claim.objects.filter(fiscal_year=FY, program=money["program"])
    decided = counted.filter(status__in=["approved", "reported", "fixed", "paid"]).aggregate(n=Sum("decided_amount"))
    assert row["budget"] == BUDGET
    assert row["decided"] == decided["n"] == 170_000_000
    raw = next(m for m in money_by_program_year() if m["program"] == "standardization" and m["fiscal_year"] == FY)
    assert row["paid"] == raw["paid"] == 48_000_000
    claims = {r["status"]: r["claims"] for r in _series(api_as, "soumu-official", "claims")}
    assert sum(claims.values()) == counted.exclude(status="draft").count() == 5
    assert claims["paid"] == 1 and claims["rejected"] == 1 and "draft" not in claims
    days = _one(_series(api_as, "soumu-official", "decision_days"))
    assert days["decisions"] == 3 and float(days["median_days"]) == 20


def test_each_role_sees_its_own_scope(money: Any, api_as: Any, api: Any, client_as: Any) -> None:
    pref = _one(_series(api_as, "nagano-pref-staff"))
    assert (pref["budget"], pref["decided"], pref["paid"]) == (None, 170_000_000, 48_000_000)
    pref_orgs = {r["organization_code"] for r in _series(api_as, "nagano-pref-staff", "organizations")}
    assert pref_orgs == {"205419", "202177", "200000"}  # 智頭町 (鳥取県) is not in 長野県's scope
    pref_days = _one(_series(api_as, "nagano-pref-staff", "decision_days"))
    assert pref_days["decisions"] == 2 and float(pref_days["median_days"]) == 15

    town = _one(_series(api_as, "obuse-staff"))
    assert (town["budget"], town["decided"], town["paid"]) == (None, 50_000_000, 48_000_000)
    assert {r["organization_code"] for r in _series(api_as, "obuse-staff", "organizations")} == {"205419"}
    town_claims = {r["status"]: r["claims"] for r in _series(api_as, "obuse-staff", "claims") if r["claims"]}
    assert town_claims == {"paid": 1, "submitted": 1}
    # A municipality asking for another prefecture still reads only its own rows.
    assert api_as("obuse-staff").get(URL, {"prefecture": "31"}).json()["series"] == []

    national = {r["prefecture_code"] for r in _series(api_as, "cao-official", "prefectures")}
    assert national == {"20", "31"}

    assert api_as("vendor-demo").get(URL).status_code == 403
    assert api.get(URL).status_code == 401
    assert client_as("vendor-demo").get("/dashboards/subsidy-budget/").status_code == 403


def test_pages_and_csv_for_each_role(money: Any, client: Any, client_as: Any) -> None:
    response = client.get("/dashboards/subsidy-budget/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/dashboards/subsidy-budget.csv").status_code == 302
    page = client_as("nagano-pref-staff").get("/dashboards/subsidy-budget/").content.decode()
    assert "1.7億円" in page and "4,800万円" in page
    assert "智頭町" not in page
    official = client_as("soumu-official").get("/dashboards/subsidy-budget/").content.decode()
    assert "100億円" in official and "智頭町" in official
    assert "/dashboards/subsidy-budget/" in client_as("obuse-staff").get("/dashboards/").content.decode()
    assert "/dashboards/subsidy-budget/" not in client_as("vendor-demo").get("/dashboards/").content.decode()
    assert client_as("vendor-demo").get("/dashboards/subsidy-budget.csv").status_code == 403


@pytest.mark.parametrize("chart", ["money", "claims", "decision_days", "prefectures", "organizations"])
def test_csv_has_exactly_the_chart_numbers(money: Any, client_as: Any, api_as: Any, chart: str) -> None:
    series = _series(api_as, "nagano-pref-staff", chart) if chart != "prefectures" else None
    user = "nagano-pref-staff" if series is not None else "soumu-official"
    series = series if series is not None else _series(api_as, user, chart)
    response = client_as(user).get("/dashboards/subsidy-budget.csv", {"chart": chart})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == len(series) + 1 and series
    numeric = [k for k in ("budget", "decided", "paid", "claims", "decisions") if k in series[0]]
    header = rows[0]
    for key in numeric:
        column = next(i for i, name in enumerate(header) if _label(chart, key) in name)
        assert [r[column] for r in rows[1:]] == ["" if s[key] is None else str(s[key]) for s in series]


def _label(chart: str, key: str) -> str:
    return {
        "budget": "予算額",
        "decided": "交付決定額",
        "paid": "支払額",
        "claims": "申請の件数",
        "decisions": "決定した",
    }[key]


def test_page_reads_a_constant_number_of_queries(money: Any, client_as: Any, users: Any) -> None:
    client = client_as("soumu-official")

    def count() -> int:
        services.aggregates_build_all(names=["subsidy_budget"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/dashboards/subsidy-budget/").status_code == 200
        return len(queries)

    before = count()
    for code in ("202011", "202029", "312011"):  # more applicants in more prefectures
        claim(
            money["program"], code, ClaimStatus.PAID, users["soumu-official"], decided=1_000_000, fixed=900_000, days=5
        )
    assert count() == before
