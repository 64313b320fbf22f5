"""The issue's "done when": a prefecture fills the migration-status template in Excel (CP932 CSV), one bad check
digit is named in Japanese, it fixes the file, imports, and sees the statuses and their history — pages and API.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from catalog.models import MigrationStatus
from portal.audit import audit_history
from portal.models import ImportRecord, Organization

from .conftest import fingerprint

BAD_DIGIT = "団体コード 202178 の検査数字が正しくありません（正しくは 202177）"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _fill(template: bytes, saku_code: str) -> bytes:
    """What a person does in Excel: keep the header row, replace the example by real rows, save as CSV (CP932)."""
    header = next(csv.reader(io.StringIO(template.decode("cp932"))))
    rows = [
        header,
        ["205419", "住民基本台帳", "移行中", "令和8年度", "", "yes"],
        [saku_code, "個人住民税", "移行完了", "", "株式会社サンプル", "yes"],
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp932")


def _check_imported(record: ImportRecord, actor: Any) -> None:
    obuse = MigrationStatus.objects.get(municipality__code="205419", business__slug="resident_registry")
    saku = MigrationStatus.objects.get(municipality__code="202177", business__slug="individual_inhabitant_tax")
    assert (obuse.status, obuse.planned_fiscal_year, obuse.source, obuse.version) == ("migrating", 2026, "reported", 2)
    assert (saku.status, saku.vendor_name, saku.source, saku.version) == ("migrated", "株式会社サンプル", "reported", 2)
    for status, municipality in ((obuse, "205419"), (saku, "202177")):
        entry = audit_history(status).filter(action="import").get()
        assert entry.actor == actor
        assert entry.on_behalf_of == Organization.objects.get(code=municipality)
        assert entry.before["status"] == "not_started" and entry.before["source"] == "published"
        assert entry.after["source"] == "reported"
        assert entry.comment == f"取り込み#{record.pk}（{record.file_name}）による変更"
    assert (record.count_update, record.count_new, record.count_error, record.status) == (2, 0, 0, "done")
    assert len(record.checksum) == 64


def test_done_when_in_the_browser(client_as: Any, users: Any, published_statuses: Any) -> None:
    client = client_as("nagano-pref-staff")
    index = client.get("/imports/")
    assert "標準化の進捗" in index.content.decode()

    template = client.get("/imports/migration-status/template.csv?encoding=cp932")
    assert template.status_code == 200
    assert "attachment" in template["Content-Disposition"]
    lines = template.content.decode("cp932").splitlines()
    assert lines[0] == "団体,業務,進捗,移行予定年度,事業者,ガバメントクラウド利用"
    assert lines[1].startswith("205419,resident_registry,migrating")

    before = fingerprint()
    bad = client.post(
        "/imports/migration-status/", {"file": SimpleUploadedFile("進捗.csv", _fill(template.content, "202178"))}
    )
    page = bad.content.decode()
    assert bad.status_code == 400
    assert "3行目" in page and BAD_DIGIT in page
    assert "<caption>誤りのある行</caption>" in page
    assert 'name="checksum"' not in page  # nothing to confirm
    assert fingerprint() == before

    fixed = _fill(template.content, "202177")
    preview = client.post("/imports/migration-status/", {"file": SimpleUploadedFile("進捗.csv", fixed)})
    assert preview.status_code == 200
    assert "取り込む（追加 0件・変更 2件）" in preview.content.decode()
    assert "進捗：not_started → migrating" in preview.content.decode()
    assert fingerprint() == before  # the preview wrote nothing

    checksum = preview.context["preview"].checksum
    done = client.post("/imports/migration-status/confirm/", {"checksum": checksum, "file_name": "進捗.csv"})
    record = ImportRecord.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/imports/records/{record.pk}/"
    _check_imported(record, users["nagano-pref-staff"])
    assert "取り込みが完了しました" in client.get(done["Location"]).content.decode()
    assert "進捗.csv" in client.get("/imports/history/").content.decode()

    again = client.post("/imports/migration-status/confirm/", {"checksum": checksum, "file_name": "進捗.csv"})
    assert again.status_code == 302  # the kept file was deleted after the import: no second import
    assert ImportRecord.objects.count() == 1


def test_done_when_through_the_api(api_as: Any, users: Any, published_statuses: Any) -> None:
    client = api_as("nagano-pref-staff")
    template = client.get("/api/v1/imports/migration-status/template/?format=csv&encoding=cp932")
    assert template.status_code == 200

    before = fingerprint()
    bad = client.post(
        "/api/v1/imports/migration-status/?dry_run=1",
        {"file": SimpleUploadedFile("status.csv", _fill(template.content, "202178"))},
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == [{"line": 3, "field": "municipality", "message": BAD_DIGIT}]
    assert fingerprint() == before

    fixed = _fill(template.content, "202177")
    dry = client.post(
        "/api/v1/imports/migration-status/?dry_run=1",
        {"file": SimpleUploadedFile("status.csv", fixed)},
        format="multipart",
    )
    assert dry.json() == {"dry_run": True, "totals": {"new": 0, "update": 2, "skip": 0, "error": 0}, "errors": []}
    assert fingerprint() == before

    real = client.post(
        "/api/v1/imports/migration-status/?dry_run=0",
        {"file": SimpleUploadedFile("status.csv", fixed)},
        format="multipart",
    )
    assert real.status_code == 200
    record = ImportRecord.objects.get(pk=real.json()["id"])
    _check_imported(record, users["nagano-pref-staff"])

    status = client.get(f"/api/v1/imports/records/{record.pk}/").json()
    assert (status["status"], status["progress"], status["totals"]["update"]) == ("done", 100, 2)

    same_again = client.post(
        "/api/v1/imports/migration-status/?dry_run=1",
        {"file": SimpleUploadedFile("status.csv", fixed)},
        format="multipart",
    )
    assert same_again.json()["totals"] == {"new": 0, "update": 0, "skip": 2, "error": 0}


def test_xlsx_template_round_trips(api_as: Any, published_statuses: Any) -> None:
    client = api_as("nagano-pref-staff")
    response = client.get("/api/v1/imports/migration-status/template/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["団体", "業務", "進捗", "移行予定年度", "事業者", "ガバメントクラウド利用"]
    dry = client.post(
        "/api/v1/imports/migration-status/?dry_run=1",
        {"file": SimpleUploadedFile("template.xlsx", response.content)},
        format="multipart",
    )
    assert dry.json()["totals"] == {"new": 0, "update": 1, "skip": 0, "error": 0}  # the example row itself is valid
