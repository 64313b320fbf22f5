"""Importing programs, budgets and the cap table on the shared framework: Shift_JIS or UTF-8, all rows or none."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from portal.audit import audit_history
from portal.models import AuditEntry, ImportRecord
from subsidies.models import OrganizationCap, Program, ProgramBudget

from .conftest import this_fiscal_year

CAPS = "organization,program,cap\n205419,standardization,250000000\n202029,standardization,480000000\n"
PROGRAM_HEADER = (
    "コード,名称,種類,所管府省,補助率,上限額,上限の対象,端数処理の単位,都道府県を経由する,受付開始日,受付終了日"
)


def _post(client: Any, kind: str, data: bytes, dry_run: int = 0, name: str = "f.csv") -> Any:
    upload = SimpleUploadedFile(name, data)
    return client.post(f"/api/v1/imports/{kind}/?dry_run={dry_run}", {"file": upload}, format="multipart")


def _caps() -> list[tuple[str, int]]:
    return sorted(OrganizationCap.objects.values_list("organization__slug", "cap"))


def test_templates_of_the_three_kinds(api_as: Any, programs: Any) -> None:
    client = api_as("soumu-official")
    expected = {
        "programs": PROGRAM_HEADER,
        "budgets": "補助事業,年度,予算額,予算の名称",
        "caps": "団体,補助事業,補助上限額",
    }
    for kind, header in expected.items():
        response = client.get(f"/api/v1/imports/{kind}/template/?format=csv")
        assert response.status_code == 200
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0] == header
        xlsx = client.get(f"/api/v1/imports/{kind}/template/?format=xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert [c.value for c in next(sheet.iter_rows())] == header.split(",")


def test_the_example_row_of_each_template_imports(api_as: Any, programs: Any) -> None:
    client = api_as("soumu-official")
    for kind in ("programs", "budgets", "caps"):
        template = client.get(f"/api/v1/imports/{kind}/template/?format=csv").content
        response = _post(client, kind, template, dry_run=1)
        assert response.status_code == 200, (kind, response.content)
        assert response.json()["totals"]["error"] == 0


def test_caps_from_shift_jis_with_dry_run_first(api_as: Any, programs: Any) -> None:
    client = api_as("soumu-official")
    dry = _post(client, "caps", CAPS.encode("cp932"), dry_run=1)
    assert dry.json()["totals"] == {"new": 1, "update": 1, "skip": 0, "error": 0}
    assert not OrganizationCap.objects.filter(organization__slug="202029").exists()
    real = _post(client, "caps", CAPS.encode("cp932"))
    assert real.status_code == 200, real.content
    assert OrganizationCap.objects.get(organization__slug="202029").cap == 480_000_000
    obuse = OrganizationCap.objects.get(organization__slug="205419")
    assert obuse.cap == 250_000_000
    entry = audit_history(obuse).get(action="import")
    assert (entry.before, entry.after) == ({"cap": 300_000_000}, {"cap": 250_000_000})
    assert f"取り込み#{real.json()['id']}" in entry.comment
    assert AuditEntry.objects.filter(action="import").count() == 2


def test_caps_by_name_within_a_prefecture(api_as: Any, programs: Any) -> None:
    text = "団体,補助事業,補助上限額\n長野県佐久市,standardization,310000000\n"
    assert _post(api_as("soumu-official"), "caps", text.encode("cp932")).status_code == 200
    assert OrganizationCap.objects.get(organization__slug="202177").cap == 310_000_000


def test_one_bad_row_changes_nothing(api_as: Any, programs: Any) -> None:
    before = _caps()
    data = CAPS + "205410,standardization,1000\n202177,standardization,-5\n"
    response = _post(api_as("soumu-official"), "caps", ("\ufeff" + data).encode("utf-8"))
    assert response.status_code == 400
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [(4, "organization"), (5, "cap")]
    assert _caps() == before
    assert not ImportRecord.objects.filter(kind="caps", status="done").exists()


def test_only_the_owning_ministry_imports(api_as: Any, programs: Any) -> None:
    response = _post(api_as("cao-official"), "caps", CAPS.encode())
    body = response.json()
    assert response.status_code == 400 and body["totals"]["error"] == 2
    assert body["errors"][0]["message"] == "所管府省の職員だけが取り込めます（総務省）。"
    assert _post(api_as("obuse-manager"), "caps", CAPS.encode()).status_code == 403


def test_a_cap_never_below_what_was_granted(api_as: Any, programs: Any) -> None:
    OrganizationCap.objects.filter(organization__slug="205419").update(granted=100_000_000)
    data = "organization,program,cap\n205419,standardization,99999999\n"
    errors = _post(api_as("soumu-official"), "caps", data.encode()).json()["errors"]
    assert errors == [{"line": 2, "field": "cap", "message": "交付決定済みの額（100,000,000円）より小さくできません。"}]


def test_next_years_budget_by_import_in_wareki(api_as: Any, programs: Any) -> None:
    data = "program,fiscal_year,label,budget\ndigiden-type1,令和9年度,令和9年度当初予算,12000000000\n"
    response = _post(api_as("cao-official"), "budgets", data.encode("cp932"))
    assert response.status_code == 200, response.content
    assert response.json()["totals"]["new"] == 1
    budget = ProgramBudget.objects.get(program__code="digiden-type1", fiscal_year=2027)
    assert (budget.budget, budget.label) == (12_000_000_000, "令和9年度当初予算")
    assert audit_history(budget).get(action="import").after["budget"] == 12_000_000_000
    missing = _post(api_as("cao-official"), "budgets", b"program,budget\ndigiden-type1,1\n", dry_run=1)
    assert missing.json()["errors"][0]["line"] == 1
    assert "fiscal_year" in missing.json()["errors"][0]["message"]


def test_a_budget_never_below_what_was_reserved(api_as: Any, programs: Any) -> None:
    budget = ProgramBudget.objects.get(program__code="standardization", fiscal_year=this_fiscal_year())
    ProgramBudget.objects.filter(pk=budget.pk).update(reserved=5_000_000)
    data = f"補助事業,年度,予算額\nstandardization,{budget.fiscal_year},4999999\n"
    errors = _post(api_as("soumu-official"), "budgets", data.encode("cp932")).json()["errors"]
    assert errors == [
        {"line": 2, "field": "budget", "message": "交付決定済みの額（5,000,000円）より小さくできません。"}
    ]


def test_programs_add_and_change(api_as: Any, programs: Any) -> None:
    text = (
        PROGRAM_HEADER
        + "\nstandardization,標準準拠システム移行経費補助,standardization,soumu,3/4,,subsidy,1000,yes,R8.4.1,令和9年3月31日"
        + "\nsoumu-pilot,自治体DX実証事業,digiden_type2,soumu,2/4,50000000,project_cost,1,no,2026-06-01,2026-12-28\n"
    )
    client = api_as("soumu-official")
    assert _post(client, "programs", text.encode("cp932"), dry_run=1).json()["totals"] == {
        "new": 1,
        "update": 1,
        "skip": 0,
        "error": 0,
    }
    assert _post(client, "programs", text.encode("cp932")).status_code == 200
    standardization = Program.objects.get(code="standardization")
    assert standardization.rate == Fraction(3, 4)
    assert (standardization.acceptance_from, standardization.acceptance_until) == (
        dt.date(2026, 4, 1),
        dt.date(2027, 3, 31),
    )
    pilot = Program.objects.get(code="soumu-pilot")
    assert (pilot.rate_label, pilot.cap, pilot.cap_basis, pilot.rounding_unit, pilot.routes_through_prefecture) == (
        "1/2",
        50_000_000,
        "project_cost",
        1,
        False,
    )
    assert pilot.owner.slug == "soumu"
    entry = audit_history(standardization).get(action="import")
    assert entry.after["rate_numerator"] == 3 and entry.after["rate_denominator"] == 4
    assert audit_history(pilot).get(action="import").before is None
    again = _post(client, "programs", text.encode("cp932"), dry_run=1).json()["totals"]
    assert again == {"new": 0, "update": 0, "skip": 2, "error": 0}


def test_another_ministrys_program_is_refused(api_as: Any, programs: Any) -> None:
    text = PROGRAM_HEADER + "\ndigiden-type1,奪取,digiden_type1,soumu,1/2,,,,,2026-04-01,2027-03-31\n"
    response = _post(api_as("soumu-payer"), "programs", text.encode("cp932"))  # not a portal admin
    assert response.json()["errors"] == [
        {"line": 2, "field": "owner", "message": "所管府省の職員だけが取り込めます（内閣府）。"}
    ]
    assert Program.objects.get(code="digiden-type1").name != "奪取"
