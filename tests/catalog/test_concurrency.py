"""Two people saving the same migration status at the same moment from the same version: exactly one wins,
the other gets a conflict, and no update is silently lost (PostgreSQL, real concurrent transactions)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from catalog import reporting
from catalog.models import MigrationStatus
from portal.audit import audit_history
from portal.models import User


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers; SQLite serializes them")
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_the_same_version() -> None:
    # The tables are emptied afterwards; tests/catalog/conftest.py loads the data again for the next test.
    row = MigrationStatus.objects.get(municipality__code="205419", business__slug="family_register")
    version = row.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(username: str, status: str) -> None:
        try:
            actor = User.objects.get(username=username)
            barrier.wait(timeout=10)
            reporting.migration_status_update(
                actor=actor, status_row=row, data={"status": status, "vendor_name": username}, version=version
            )
            outcomes[username] = "saved"
        except reporting.StaleVersionError:
            outcomes[username] = "conflict"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=("obuse-staff", "migrated")),
        threading.Thread(target=save, args=("obuse-manager", "preparing")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    row.refresh_from_db()
    assert row.version == version + 1 and row.vendor_name == winner
    assert audit_history(row).count() == 1
