"""Importing the cap table and budgets from CSV: Shift_JIS or UTF-8, all rows or none."""

from __future__ import annotations

from typing import Any

from portal.models import AuditEntry
from subsidies.imports import import_csv
from subsidies.models import OrganizationCap, ProgramBudget

CAPS = "organization,program,cap\n205419,standardization,250000000\n202029,standardization,480000000\n"


def test_caps_from_shift_jis_with_dry_run_first(programs: Any, users: Any) -> None:
    data = CAPS
    dry = import_csv(kind="caps", data=data.encode("cp932"), actor=users["soumu-official"], dry_run=True)
    assert dry.totals == {"new": 1, "update": 1, "skip": 0, "error": 0}
    assert not OrganizationCap.objects.filter(organization__slug="202029").exists()
    real = import_csv(kind="caps", data=data.encode("cp932"), actor=users["soumu-official"], dry_run=False)
    assert not real.errors
    assert OrganizationCap.objects.get(organization__slug="202029").cap == 480_000_000
    assert OrganizationCap.objects.get(organization__slug="205419").cap == 250_000_000
    assert AuditEntry.objects.filter(action="import.caps").count() == 2


def test_one_bad_row_changes_nothing(programs: Any, users: Any) -> None:
    before = list(OrganizationCap.objects.values_list("organization__slug", "cap"))
    data = CAPS + "205410,standardization,1000\n202177,standardization,-5\n"
    result = import_csv(
        kind="caps", data=("\ufeff" + data).encode("utf-8"), actor=users["soumu-official"], dry_run=False
    )
    assert {(e["line"], e["field"]) for e in result.errors} == {(4, "organization"), (5, "cap")}
    assert list(OrganizationCap.objects.values_list("organization__slug", "cap")) == before


def test_only_the_owning_ministry_imports(programs: Any, users: Any) -> None:
    result = import_csv(kind="caps", data=CAPS.encode(), actor=users["cao-official"], dry_run=False)
    assert result.totals["error"] == 2
    assert "所管府省" in result.errors[0]["message"]


def test_a_cap_never_below_what_was_granted(programs: Any, users: Any) -> None:
    OrganizationCap.objects.filter(organization__slug="205419").update(granted=100_000_000)
    data = "organization,program,cap\n205419,standardization,99999999\n"
    result = import_csv(kind="caps", data=data.encode(), actor=users["soumu-official"], dry_run=False)
    assert result.errors[0]["field"] == "cap" and "100,000,000" in result.errors[0]["message"]


def test_next_years_budget_by_import(programs: Any, users: Any) -> None:
    data = "program,fiscal_year,label,budget\ndigiden-type1,2027,令和9年度当初予算,12000000000\n"
    result = import_csv(kind="budgets", data=data.encode("cp932"), actor=users["cao-official"], dry_run=False)
    assert not result.errors and result.totals["new"] == 1
    assert ProgramBudget.objects.get(program__code="digiden-type1", fiscal_year=2027).budget == 12_000_000_000
    missing = import_csv(kind="budgets", data=b"program,budget\n", actor=users["cao-official"], dry_run=True)
    assert missing.errors[0]["line"] == 1 and "fiscal_year" in missing.errors[0]["message"]
