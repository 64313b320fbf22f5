"""Each kind adds, changes and leaves rows as its users expect, with audit entries naming the import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import (
    DesignatedSystem,
    MigrationStatus,
    PublishedRate,
    PublishedSnapshot,
    PublishedSnapshotKind,
    StepDefinition,
    StepProgress,
)
from portal.audit import audit_history
from portal.imports.kinds import all_kinds
from portal.models import AuditEntry, ImportRecord, Organization

from .conftest import fingerprint


def _post(client: Any, kind: str, text: str, dry_run: int = 0) -> Any:
    return client.post(
        f"/api/v1/imports/{kind}/?dry_run={dry_run}",
        {"file": SimpleUploadedFile("f.csv", text.encode("cp932"))},
        format="multipart",
    )


def test_every_kind_has_a_template_whose_example_row_reads_back(api_as: Any) -> None:
    client = api_as("soumu-official")
    for kind in all_kinds():
        response = client.get(f"/api/v1/imports/{kind.name}/template/?format=csv")
        assert response.status_code == 200
        header = response.content.decode("utf-8-sig").splitlines()[0]
        assert header == ",".join(c.header_ja for c in kind.columns)


def test_kinds_listed_per_caller(api_as: Any) -> None:
    official = {k["kind"] for k in api_as("soumu-official").get("/api/v1/imports/").json()}
    prefecture = {k["kind"] for k in api_as("nagano-pref-staff").get("/api/v1/imports/").json()}
    assert official == {
        "organizations",
        "step-definitions",
        "published-progress",
        "programs",
        "budgets",
        "caps",
        "kpi-observations",
        "adoptions",
        "catalog-systems",
        "offerings",
        "joint-procurements",
    }
    assert prefecture == {"migration-status", "migration-steps", "adoptions", "participations", "joint-procurements"}


def test_migration_status_creates_missing_rows_as_reported(api_as: Any, businesses: Any) -> None:
    MigrationStatus.objects.filter(municipality__code="205419", business__code="B01").delete()  # none stored yet
    response = _post(api_as("obuse-staff"), "migration-status", "団体,業務,進捗\r\n205419,B01,準備中\r\n")
    assert response.json()["totals"] == {"new": 1, "update": 0, "skip": 0, "error": 0}
    row = MigrationStatus.objects.get(municipality__code="205419", business__code="B01")
    assert (row.status, row.source, row.version) == ("preparing", "reported", 1)
    entry = audit_history(row).filter(action="import").get()
    assert entry.before is None and entry.after["status"] == "preparing"
    assert entry.on_behalf_of is None


def test_step_definitions_add_and_correct(api_as: Any, steps: Any) -> None:
    client = api_as("soumu-official")
    text = "version,number,phase,name\r\n2024.1,1,移行,作業1\r\n2024.1,2,計画,現行システム概要調査\r\n2024.1,41,運用,本番稼働\r\n"
    assert _post(client, "step-definitions", text, 1).json()["totals"] == {"new": 1, "update": 1, "skip": 1, "error": 0}
    assert _post(client, "step-definitions", text).status_code == 200
    step2 = StepDefinition.objects.get(version="2024.1", number=2)
    assert (step2.phase, step2.name) == ("計画", "現行システム概要調査")
    assert StepDefinition.objects.filter(version="2024.1").count() == 41
    assert audit_history(step2).filter(action="import").get().before == {"phase": "移行", "name": "作業2"}


def test_migration_steps_update_and_skip(api_as: Any, businesses: Any, steps: Any) -> None:
    client = api_as("nagano-pref-staff")
    first = "団体,業務,作業手順の番号,状況,報告月\r\n205419,B03,1,完了,2026-01\r\n205419,B03,2,作業中,令和8年1月\r\n"
    assert _post(client, "migration-steps", first).json()["totals"]["new"] == 2
    second = "municipality,business,step,state\r\n205419,B03,1,done\r\n205419,B03,2,done\r\n"
    assert _post(client, "migration-steps", second).json()["totals"] == {"new": 0, "update": 1, "skip": 1, "error": 0}
    step2 = StepProgress.objects.get(municipality__code="205419", business__code="B03", step__number=2)
    assert (step2.state, step2.reported_month) == ("done", dt.date(2026, 1, 1))  # an empty month keeps the stored one
    history = list(audit_history(step2).filter(action="import"))
    assert [e.after["state"] for e in history] == ["in_progress", "done"]
    assert history[1].before == {"state": "in_progress", "reported_month": "2026-01-01"}
    assert all(e.on_behalf_of is not None and e.on_behalf_of.code == "205419" for e in history)


def test_migration_steps_unknown_step_number(api_as: Any, businesses: Any, steps: Any) -> None:
    before = fingerprint()
    response = _post(
        api_as("obuse-staff"), "migration-steps", "municipality,business,step,state\r\n205419,B03,99,done\r\n"
    )
    assert response.json()["errors"] == [
        {
            "line": 2,
            "field": "step",
            "message": "作業手順の番号 99 は手順書（版 2024.1）にありません。手順書の番号を確認してください。",
        }
    ]
    assert fingerprint() == before


def test_published_progress_makes_a_new_snapshot(api_as: Any, businesses: Any) -> None:
    text = "時点,団体,業務,完了率\r\n2026-02,205419,B03,0.75\r\n2026-02,205419,,65%\r\n2026-02,202177,国民年金,1\r\n"
    response = _post(api_as("soumu-official"), "published-progress", text)
    assert response.json()["totals"] == {"new": 3, "update": 0, "skip": 0, "error": 0}
    snapshot = PublishedSnapshot.objects.get(as_of=dt.date(2026, 2, 1))
    rates = {(r.municipality.code, r.business.code if r.business else None): r.rate for r in snapshot.rates.all()}
    assert rates == {
        ("205419", "B03"): Decimal("0.75"),
        ("205419", None): Decimal("0.65"),
        ("202177", "B20"): Decimal("1"),
    }
    assert AuditEntry.objects.filter(action="import").count() == 3
    again = _post(api_as("soumu-official"), "published-progress", text.replace("0.75", "0.8"))
    assert again.json()["totals"] == {"new": 0, "update": 1, "skip": 2, "error": 0}
    assert PublishedRate.objects.get(snapshot=snapshot, business__code="B03").rate == Decimal("0.8")
    assert ImportRecord.objects.count() == 2


def test_published_rate_out_of_range(api_as: Any, businesses: Any) -> None:
    response = _post(
        api_as("soumu-official"), "published-progress", "as_of,municipality,rate\r\n2026-02,205419,1.5\r\n"
    )
    assert response.json()["errors"] == [
        {"line": 2, "field": "rate", "message": "完了率は0から1まで（0%〜100%）で入力してください：1.5"}
    ]


def test_a_preview_queues_nothing_and_a_task_run_twice_imports_once(
    api_as: Any,
    users: Any,
    published_statuses: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    from portal.imports import services
    from portal.imports.kinds import get_kind

    settings.MEDIA_ROOT = tmp_path
    kind = get_kind("migration-status")
    assert kind is not None
    upload = services.Upload("s.csv", b"municipality,business,status\r\n205419,B03,migrating\r\n")
    actor = users["nagano-pref-staff"]
    with django_capture_on_commit_callbacks() as callbacks:
        services.import_preview(kind=kind, actor=actor, upload=upload)
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        record = services.import_start(kind=kind, actor=actor, upload=upload, dry_run=False)
    assert len(callbacks) == 1  # queued only once the transaction commits
    services.import_run(record_id=record.pk)
    services.import_run(record_id=record.pk)  # a redelivered task finds the record done and leaves it alone
    record.refresh_from_db()
    assert (record.status, record.count_update) == ("done", 1)
    row = MigrationStatus.objects.get(municipality__code="205419", business__code="B03")
    assert row.version == 2
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_common_header_variants_are_accepted(api_as: Any, published_statuses: Any) -> None:
    text = "団体コード,業務名,進捗\r\n205419,住民基本台帳,移行中\r\n"
    assert _post(api_as("nagano-pref-staff"), "migration-status", text, 1).json()["totals"]["update"] == 1


def test_the_api_schema_documents_the_imports(api: Any, db: Any) -> None:
    schema = api.get("/api/schema/").content.decode()
    for path in ("/api/v1/imports/{kind}/", "/api/v1/imports/{kind}/template/", "/api/v1/imports/records/{id}/"):
        assert path in schema


def test_migration_status_import_follows_the_forms_rules(api_as: Any, published_statuses: Any) -> None:
    """A 特定移行支援システム needs its planned year, the year is in the form's range, and it reaches the published list."""
    snapshot = PublishedSnapshot.objects.create(
        kind=PublishedSnapshotKind.DESIGNATED_SYSTEMS, as_of=dt.date(2026, 3, 31), source="デジタル庁"
    )
    obuse = Organization.objects.get(code="205419")
    listed = DesignatedSystem.objects.create(
        snapshot=snapshot, organization=obuse, business=published_statuses[0].business
    )
    client = api_as("obuse-staff")
    header = "団体,業務,進捗,移行予定年度\r\n"

    missing = _post(client, "migration-status", header + "205419,resident_registry,特定移行支援システム,\r\n")
    assert missing.json()["errors"] == [
        {
            "line": 2,
            "field": "planned_fiscal_year",
            "message": "特定移行支援システムは移行予定年度を入力してください。",
        }
    ]
    too_late = _post(client, "migration-status", header + "205419,resident_registry,特定移行支援システム,2036\r\n")
    assert [e["field"] for e in too_late.json()["errors"]] == ["planned_fiscal_year"]
    assert MigrationStatus.objects.get(pk=published_statuses[0].pk).status == "not_started"

    done = _post(client, "migration-status", header + "205419,resident_registry,特定移行支援システム,令和9年度\r\n")
    assert done.json()["totals"]["update"] == 1
    listed.refresh_from_db()
    assert listed.planned_fiscal_year == 2027
