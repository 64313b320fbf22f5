"""Services: who may change what, optimistic locking, audit records (before/after, on behalf of)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog import reporting, services
from catalog.models import (
    DesignatedSystem,
    MigrationStatus,
    Offering,
    OfferingStatus,
    Source,
    StepDefinition,
    StepProgress,
)
from portal.api.errors import Conflict
from portal.audit import audit_history
from portal.models import Organization

from .factories import make_offering, make_system

pytestmark = pytest.mark.django_db


def _row(code: str = "205419", business: str = "family_register") -> MigrationStatus:
    return MigrationStatus.objects.select_related("municipality").get(municipality__code=code, business__slug=business)


DATA = {"status": "migrated", "planned_fiscal_year": None, "vendor_name": "デモ事業者", "on_gov_cloud": True}


def test_own_staff_reports_a_status(users: dict[str, Any]) -> None:
    row = _row()
    saved = reporting.migration_status_update(
        actor=users["obuse-staff"], status_row=row, data=DATA, version=row.version
    )
    assert (saved.status, saved.source, saved.version) == ("migrated", Source.REPORTED, row.version + 1)
    entry = audit_history(saved).get()
    assert entry.before["status"] == "migrating" and entry.after["status"] == "migrated"
    assert entry.before["source"] == "published" and entry.after["source"] == "reported"
    assert entry.actor == users["obuse-staff"] and entry.on_behalf_of is None


def test_prefecture_enters_on_behalf_of_its_municipality(users: dict[str, Any]) -> None:
    row = _row()
    reporting.migration_status_update(actor=users["nagano-pref-staff"], status_row=row, data=DATA, version=row.version)
    entry = audit_history(row).get()
    assert entry.on_behalf_of == Organization.objects.get(code="205419")
    assert entry.actor_organization == Organization.objects.get(code="200000")


@pytest.mark.parametrize("username", ["saku-staff", "tottori-pref-staff", "soumu-official", "vendor-demo"])
def test_others_may_not_enter_a_status(users: dict[str, Any], username: str) -> None:
    row = _row()
    with pytest.raises(PermissionDenied):
        reporting.migration_status_update(actor=users[username], status_row=row, data=DATA, version=row.version)
    assert _row().source == Source.PUBLISHED


def test_stale_version_is_refused_and_changes_nothing(users: dict[str, Any]) -> None:
    row = _row()
    read_version = row.version
    reporting.migration_status_update(actor=users["obuse-staff"], status_row=row, data=DATA, version=read_version)
    with pytest.raises(reporting.StaleVersionError) as raised:
        reporting.migration_status_update(
            actor=users["obuse-manager"], status_row=row, data=DATA | {"status": "preparing"}, version=read_version
        )
    assert isinstance(raised.value, Conflict)  # 409 through the API
    assert _row().status == "migrated"
    assert audit_history(row).count() == 1


def test_designated_hard_needs_a_planned_year_which_reaches_the_published_list(users: dict[str, Any]) -> None:
    row = _row("011002", "child_allowance")  # 札幌市, on the list
    sapporo = Organization.objects.get(code="011002")
    staff = users["obuse-staff"].__class__.objects.create(username="sapporo-staff", organization=sapporo)
    with pytest.raises(ValidationError) as raised:
        reporting.migration_status_update(
            actor=staff, status_row=row, data=DATA | {"status": "designated_hard"}, version=row.version
        )
    assert "planned_fiscal_year" in raised.value.message_dict
    reporting.migration_status_update(
        actor=staff,
        status_row=row,
        data=DATA | {"status": "designated_hard", "planned_fiscal_year": 2027},
        version=row.version,
    )
    listed = DesignatedSystem.objects.get(organization=sapporo, business__slug="child_allowance")
    assert listed.planned_fiscal_year == 2027


def test_planned_year_out_of_range_is_refused(users: dict[str, Any]) -> None:
    row = _row()
    with pytest.raises(ValidationError):
        reporting.migration_status_update(
            actor=users["obuse-staff"], status_row=row, data=DATA | {"planned_fiscal_year": 1999}, version=row.version
        )
    assert _row().version == row.version


def test_step_progress_is_audited_on_behalf(users: dict[str, Any]) -> None:
    obuse = Organization.objects.get(code="205419")
    steps = list(StepDefinition.objects.order_by("number")[:3])
    business = _row().business
    changed = reporting.step_progress_update(
        actor=users["nagano-pref-staff"],
        municipality=obuse,
        business=business,
        states={steps[0]: "done", steps[1]: "not_applicable", steps[2]: "in_progress"},
        reported_month=dt.date(2026, 2, 1),
    )
    assert changed == 3
    progress = StepProgress.objects.get(municipality=obuse, business=business, step=steps[0])
    entry = audit_history(progress).get()
    assert entry.after["state"] == "done" and entry.on_behalf_of == obuse
    with pytest.raises(PermissionDenied):
        reporting.step_progress_update(
            actor=users["tottori-pref-staff"],
            municipality=obuse,
            business=business,
            states={steps[0]: "not_started"},
            reported_month=dt.date(2026, 2, 1),
        )


def test_adoptions_only_by_the_organization_itself(users: dict[str, Any]) -> None:
    system = make_system()
    obuse = Organization.objects.get(code="205419")
    adoption = services.adoption_save(
        actor=users["obuse-staff"], organization=obuse, system=system, status="considering"
    )
    assert audit_history(adoption).get().action == "create"
    for username in ["nagano-pref-staff", "saku-staff", "soumu-official"]:
        with pytest.raises(PermissionDenied):
            services.adoption_save(actor=users[username], organization=obuse, system=system, status="in_use")
        with pytest.raises(PermissionDenied):
            services.adoption_delete(actor=users[username], adoption=adoption)
    services.adoption_save(actor=users["obuse-manager"], organization=obuse, system=system, status="in_use")
    adoption.refresh_from_db()
    assert adoption.status == "in_use"


def test_adoption_offering_must_belong_to_the_system(users: dict[str, Any]) -> None:
    system, other = make_system(), make_system()
    offering = make_offering(other)
    obuse = Organization.objects.get(code="205419")
    with pytest.raises(ValidationError):
        services.adoption_save(
            actor=users["obuse-staff"], organization=obuse, system=system, offering=offering, status="in_use"
        )


def test_vendor_proposes_and_official_publishes(users: dict[str, Any]) -> None:
    system = make_system(pattern="B")
    vendor = users["vendor-demo"].organization
    offering = services.offering_propose(
        actor=users["vendor-demo"], system=system, vendor=vendor, slug="new-offer", data={"product_name": "新製品"}
    )
    assert offering.status == OfferingStatus.PROPOSED
    with pytest.raises(PermissionDenied):
        services.offering_publish(actor=users["vendor-demo"], offering=offering)
    services.offering_publish(actor=users["soumu-official"], offering=offering, comment="確認しました")
    assert Offering.objects.get(pk=offering.pk).status == OfferingStatus.PUBLISHED
    with pytest.raises(Conflict):
        services.offering_decline(actor=users["soumu-official"], offering=offering, comment="二重")
    # A vendor's later change goes back to review.
    services.offering_update(actor=users["vendor-demo"], offering=offering, data={"price_min": 100, "price_max": 200})
    assert Offering.objects.get(pk=offering.pk).status == OfferingStatus.PROPOSED


def test_offering_rules(users: dict[str, Any]) -> None:
    standardized = make_system(pattern="standardized")
    vendor = users["vendor-demo"].organization
    with pytest.raises(PermissionDenied):
        services.offering_propose(actor=users["vendor-demo"], system=standardized, vendor=vendor, slug="x", data={})
    with pytest.raises(PermissionDenied):
        services.offering_propose(actor=users["obuse-staff"], system=make_system(), vendor=vendor, slug="y", data={})
    with pytest.raises(ValidationError):
        services.offering_propose(
            actor=users["vendor-demo"],
            system=make_system(),
            vendor=vendor,
            slug="z",
            data={"product_name": "逆転", "price_min": 500, "price_max": 100},
        )
    with pytest.raises(ValidationError):
        services.offering_decline(
            actor=users["soumu-official"], offering=make_offering(make_system(), status="proposed"), comment=" "
        )


def test_system_save_by_officials_only(users: dict[str, Any]) -> None:
    data = {
        "name": "新しい窓口システム",
        "name_kana": "アタラシイマドグチシステム",
        "slug": "new-window",
        "pattern": "B",
    }
    with pytest.raises(PermissionDenied):
        services.system_save(actor=users["obuse-manager"], data=data, business_areas=[])
    system = services.system_save(actor=users["soumu-official"], data=data, business_areas=[])
    assert "まどぐち" in system.search_key
    assert audit_history(system).get().action == "create"
