"""Migration statuses edited by several people at once, and imported while someone saves the form
(PostgreSQL, real threads and connections): every acknowledged save is kept, on top of the one before it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection, connections

from catalog import reporting
from catalog.models import BusinessArea, MigrationStatus
from conftest import require_service
from portal.audit import audit_history
from portal.imports.kinds import get_kind
from portal.imports.services import Upload, import_apply
from portal.models import Organization, User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def row() -> MigrationStatus:
    """小布施町's 戸籍 status (made here: these tests do not need the published figures of every municipality)."""
    require_service("PostgreSQL", connection.vendor == "postgresql", "needs concurrent writers")
    business, _created = BusinessArea.objects.get_or_create(
        slug="family_register", defaults={"code": "B03", "name": "戸籍", "is_standardized": True}
    )
    status, _created = MigrationStatus.objects.get_or_create(
        municipality=Organization.objects.get(code="205419"), business=business, defaults={"status": "preparing"}
    )
    return status


def _in_threads(calls: list[Callable[[], str]]) -> list[str]:
    """Run every call in its own thread and connection, released together; their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], str]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(call())
        except Exception as exc:
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return outcomes


def test_six_people_saving_one_status_each_land_once_after_reloading(row: MigrationStatus) -> None:
    """Everyone told "someone saved first" reloads and saves again: all six saves land, one version each."""
    start = row.version
    editors = ["obuse-staff", "obuse-manager", "nagano-pref-staff"]

    def save(n: int) -> Callable[[], str]:
        def call() -> str:
            actor = User.objects.get(username=editors[n % len(editors)])
            for attempt in range(20):
                current = MigrationStatus.objects.select_related("municipality").get(pk=row.pk)
                try:
                    reporting.migration_status_update(
                        actor=actor,
                        status_row=current,
                        data={"status": "migrating", "vendor_name": f"v{n}"},
                        version=current.version,
                    )
                    return "saved"
                except reporting.StaleVersionError:
                    time.sleep(0.01 * attempt)
            return "gave up"

        return call

    assert _in_threads([save(n) for n in range(6)]) == ["saved"] * 6
    row.refresh_from_db()
    assert row.version == start + 6
    history = list(audit_history(row).order_by("pk"))
    assert [(e.before["version"], e.after["version"]) for e in history] == [
        (start + i, start + i + 1) for i in range(6)
    ]  # an unbroken chain: every save was made on top of the one before it
    assert history[-1].after["vendor_name"] == row.vendor_name


def test_an_import_racing_a_form_save_of_the_same_row_loses_nothing(row: MigrationStatus) -> None:
    """The prefecture imports its municipalities' statuses while 小布施町 saves the same row on the form.

    Either the form saves first and the import is applied on top (two versions), or the import comes first and
    the form is told someone saved first (one version): the stored row is always the import's, and the history
    holds exactly the acknowledged writes.
    """
    for _round in range(3):
        row.refresh_from_db()
        start, entries = row.version, audit_history(row).count()
        vendor = f"一括取込{_round}"
        upload = Upload(
            name="進捗.csv",
            data=f"団体,業務,進捗,事業者\r\n205419,family_register,migrated,{vendor}\r\n".encode("cp932"),
        )

        def by_form(row: MigrationStatus = row, version: int = start) -> str:
            try:
                reporting.migration_status_update(
                    actor=User.objects.get(username="obuse-staff"),
                    status_row=row,
                    data={"status": "preparing", "vendor_name": "フォーム"},
                    version=version,
                )
                return "form saved"
            except reporting.StaleVersionError:
                return "form refused"

        def by_import(upload: Upload = upload) -> str:
            import_apply(
                kind=get_kind("migration-status"),
                actor=User.objects.get(username="nagano-pref-staff"),
                upload=upload,
            )
            return "imported"

        outcomes = _in_threads([by_form, by_import])
        assert "imported" in outcomes and len(outcomes) == 2, outcomes
        acknowledged = 2 if "form saved" in outcomes else 1
        row.refresh_from_db()
        assert row.version == start + acknowledged
        assert audit_history(row).count() == entries + acknowledged
        assert (row.status, row.vendor_name) == ("migrated", vendor)
