"""Import pages beyond the journey: forms, a large file's progress page, templates, history."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from catalog.models import StepProgress
from portal.models import ImportRecord, Organization

from .conftest import fingerprint


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_upload_without_a_file_shows_the_field_error(client_as: Any, db: Any) -> None:
    response = client_as("nagano-pref-staff").post("/imports/migration-status/", {})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in page and "この項目は必須です。" in page
    assert 'aria-describedby="id_file_helptext id_file_error"' in page


def test_upload_page_lists_the_columns(client_as: Any, db: Any) -> None:
    page = client_as("nagano-pref-staff").get("/imports/migration-steps/").content.decode()
    assert "<caption>作業手順の進捗のファイルの列</caption>" in page
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="id_file">' in page


def test_xlsx_template_from_the_page(client_as: Any, db: Any) -> None:
    response = client_as("soumu-official").get("/imports/organizations/template.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [("団体", "人口", "人口の基準日"), ("205419", "10,862", "2025-01")]


def test_a_large_file_is_previewed_and_imported_by_the_worker(
    client_as: Any, businesses: Any, steps: Any, django_capture_on_commit_callbacks: Any
) -> None:
    codes = sorted(Organization.objects.filter(prefecture__code="200000").values_list("code", flat=True))[:8]
    lines = ["団体,業務,作業手順の番号,状況"] + [
        f"{code},{slug},{n},done" for code in codes for slug in sorted(businesses) for n in range(1, 41)
    ]
    client = client_as("nagano-pref-staff")
    stored = StepProgress.objects.count()
    before = fingerprint()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/migration-steps/", {"file": SimpleUploadedFile("大きい.csv", "\r\n".join(lines).encode("cp932"))}
        )
    preview = ImportRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/records/{preview.pk}/"
    assert (preview.dry_run, preview.status, preview.count_new) == (True, "done", 6400)
    assert StepProgress.objects.count() == stored
    page = client.get(response["Location"]).content.decode()
    assert "取り込む" in page and 'name="checksum"' in page
    status = client.get(f"/imports/records/{preview.pk}/status.json").json()
    assert (status["status"], status["progress"]) == ("done", 100)

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(
            "/imports/migration-steps/confirm/", {"checksum": preview.checksum, "file_name": "大きい.csv"}
        )
    record = ImportRecord.objects.exclude(pk=preview.pk).get()
    assert confirmed["Location"] == f"/imports/records/{record.pk}/"
    assert (record.dry_run, record.status, record.count_new) == (False, "done", 6400)
    assert StepProgress.objects.count() == stored + 6400
    assert fingerprint() != before


def test_progress_page_while_running_polls_and_offers_a_refresh_link(client_as: Any, users: Any) -> None:
    record = ImportRecord.objects.create(
        kind="migration-steps",
        actor=users["nagano-pref-staff"],
        organization=users["nagano-pref-staff"].organization,
        file_name="x.csv",
        checksum="0" * 64,
        status="running",
        progress=30,
    )
    page = client_as("nagano-pref-staff").get(f"/imports/records/{record.pk}/").content.decode()
    assert '<progress id="import-progress" max="100" value="30">' in page
    assert f'data-import-status-url="/imports/records/{record.pk}/status.json"' in page
    assert "imports/progress.js" in page and "<script>" not in page
    assert f'href="/imports/records/{record.pk}/"' in page


def test_a_failed_import_shows_its_errors(client_as: Any, users: Any) -> None:
    record = ImportRecord.objects.create(
        kind="migration-steps",
        actor=users["nagano-pref-staff"],
        organization=users["nagano-pref-staff"].organization,
        file_name="x.csv",
        checksum="0" * 64,
        status="failed",
        count_error=1,
        errors=[{"line": 90001, "field": "state", "message": "状況「finished」は使えません。"}],
    )
    page = client_as("nagano-pref-staff").get(f"/imports/records/{record.pk}/").content.decode()
    assert "<caption>誤りのある行</caption>" in page
    assert '<th scope="row">90001行目</th><td>state</td><td>状況「finished」は使えません。</td>' in page
    assert 'role="alert"' in page
