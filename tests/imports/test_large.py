"""Large files: 100,000 step-progress rows run as a Celery task with progress, in a bounded number of queries."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import StepDefinition, StepProgress
from portal.models import AuditEntry, ImportRecord, Organization

from .conftest import fingerprint, step_list

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def long_step_list(db: Any) -> list[StepDefinition]:
    return step_list(65)


def _nagano_file(businesses: dict[str, Any], *, bad_line_state: str | None = None) -> bytes:
    """77 municipalities × 20 businesses × 65 steps = 100,100 rows of 長野県."""
    codes = sorted(Organization.objects.filter(prefecture__code="200000").values_list("code", flat=True))
    slugs = sorted(businesses)
    out = io.StringIO()
    out.write("municipality,business,step,state,reported_month\r\n")
    states = ["done", "in_progress", "not_started", "not_applicable"]
    line = 1
    for code in codes:
        for slug in slugs:
            for step in range(1, 66):
                line += 1
                state = states[(line + step) % 4]
                if bad_line_state and line == 90_001:
                    state = bad_line_state
                out.write(f"{code},{slug},{step},{state},2026-01\r\n")
    return out.getvalue().encode()


def test_100k_rows_run_as_a_task_with_progress(
    api_as: Any, businesses: Any, long_step_list: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = _nagano_file(businesses)
    client = api_as("nagano-pref-staff")
    stored, audited = StepProgress.objects.count(), AuditEntry.objects.filter(action="import").count()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/migration-steps/?dry_run=0",
            {"file": SimpleUploadedFile("steps.csv", data)},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status_url"] == f"/api/v1/imports/records/{body['id']}/"
    # Two passes (validate, then write) of 51 batches: one SELECT of stored rows per batch and pass, never one
    # per row. The INSERTs are bulk; SQLite's 999-parameter limit splits them into statements of ~80–160 rows.
    selects = [q for q in queries.captured_queries if q["sql"].startswith('SELECT "catalog_stepprogress"')]
    assert len(selects) <= 2 * 51
    assert len(queries) < 100_100 // 40

    status = client.get(body["status_url"]).json()
    assert (status["status"], status["progress"], status["rows"]) == ("done", 100, 100_100)
    assert status["totals"] == {"new": 100_100, "update": 0, "skip": 0, "error": 0}
    assert StepProgress.objects.count() == stored + 100_100
    assert AuditEntry.objects.filter(action="import").count() == audited + 100_100
    assert AuditEntry.objects.filter(action="import", on_behalf_of__isnull=True).count() == audited
    sample = StepProgress.objects.filter(municipality__code="205419").order_by("business_id", "step_id").first()
    assert sample is not None and AuditEntry.objects.filter(target_id=str(sample.pk), action="import").exists()
    record = ImportRecord.objects.get(pk=body["id"])
    assert not Path(record.stored_path).exists()  # the kept file is gone once imported


def test_one_bad_row_in_100k_changes_nothing(
    api_as: Any, businesses: Any, long_step_list: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = _nagano_file(businesses, bad_line_state="finished")
    stored = StepProgress.objects.count()
    before = fingerprint()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("nagano-pref-staff").post(
            "/api/v1/imports/migration-steps/?dry_run=0",
            {"file": SimpleUploadedFile("steps.csv", data)},
            format="multipart",
        )
    record = ImportRecord.objects.get(pk=response.json()["id"])
    assert record.status == "failed"
    assert record.count_error == 1
    assert record.errors == [
        {
            "line": 90_001,
            "field": "state",
            "message": "状況「finished」は使えません。次のいずれかを入力してください："
            "完了（done）、作業中（in_progress）、未着手（not_started）、対象外（not_applicable）",
        }
    ]
    assert StepProgress.objects.count() == stored
    assert not AuditEntry.objects.filter(action="import").exists()
    assert fingerprint() != before  # only the ImportRecord itself (failed, with its errors) was written
    assert ImportRecord.objects.count() == 1


def test_a_bad_row_after_written_batches_rolls_them_back(api_as: Any, businesses: Any, steps: Any) -> None:
    """A 4,000-row file is imported synchronously: the first 2,000 rows are written before line 3,901 is read."""
    codes = sorted(Organization.objects.filter(prefecture__code="200000").values_list("code", flat=True))[:5]
    lines = ["municipality,business,step,state"]
    for code in codes:
        for slug in sorted(businesses):
            for step in range(1, 41):
                lines.append(f"{code},{slug},{step},done")
    lines[3900] = lines[3900].replace(",done", ",donee")
    before = fingerprint()
    response = api_as("nagano-pref-staff").post(
        "/api/v1/imports/migration-steps/?dry_run=0",
        {"file": SimpleUploadedFile("steps.csv", "\r\n".join(lines).encode())},
        format="multipart",
    )
    assert response.status_code == 400
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [(3901, "state")]
    assert response.json()["totals"]["new"] == 3999
    assert fingerprint() == before
