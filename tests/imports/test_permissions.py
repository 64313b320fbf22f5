"""Who may import what: the same policy layer for the API and the pages; rows out of reach are errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import MigrationStatus
from portal.models import ImportRecord

from .conftest import fingerprint

STATUS_FILE = b"municipality,business,status\r\n205419,B03,migrating\r\n"
POPULATION_FILE = b"organization,population\r\n205419,11000\r\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _post(client: Any, kind: str, data: bytes, dry_run: int = 0) -> Any:
    return client.post(
        f"/api/v1/imports/{kind}/?dry_run={dry_run}", {"file": SimpleUploadedFile("f.csv", data)}, format="multipart"
    )


def test_anonymous_is_401(api: Any, db: Any) -> None:
    assert _post(api, "migration-status", STATUS_FILE).status_code == 401


@pytest.mark.parametrize(
    ("username", "kind", "data", "reason"),
    [
        ("nagano-pref-staff", "organizations", POPULATION_FILE, "このデータの取り込みは国の職員が行います。"),
        ("obuse-staff", "organizations", POPULATION_FILE, "このデータの取り込みは国の職員が行います。"),
        (
            "vendor-demo",
            "migration-status",
            STATUS_FILE,
            "標準化の進捗は市区町村（または都道府県が代理で）取り込みます。",
        ),
        (
            "soumu-official",
            "migration-status",
            STATUS_FILE,
            "標準化の進捗は市区町村（または都道府県が代理で）取り込みます。",
        ),
    ],
)
def test_kinds_out_of_role_are_403(
    username: str, kind: str, data: bytes, reason: str, api_as: Any, published_statuses: Any
) -> None:
    before = fingerprint()
    response = _post(api_as(username), kind, data, dry_run=1)
    assert response.status_code == 403
    assert response.json()["detail"].startswith(reason)
    assert fingerprint() == before


def test_a_municipality_imports_its_own_rows_not_its_neighbours(api_as: Any, published_statuses: Any) -> None:
    client = api_as("obuse-staff")
    data = b"municipality,business,status\r\n205419,B03,migrating\r\n202177,B03,migrating\r\n"
    before = fingerprint()
    response = _post(client, "migration-status", data)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "line": 3,
            "field": "municipality",
            "message": "長野県佐久市の行は取り込めません。自団体（長野県小布施町）の行だけを取り込めます。",
        }
    ]
    assert fingerprint() == before
    response = _post(client, "migration-status", STATUS_FILE)
    assert response.status_code == 200
    record = ImportRecord.objects.get()
    assert record.on_behalf_of is None  # its own rows: not on anyone's behalf
    row = MigrationStatus.objects.get(municipality__code="205419", business__code="B03")
    assert row.status == "migrating"


def test_a_prefecture_import_for_one_municipality_is_recorded_on_its_behalf(
    api_as: Any, client_as: Any, published_statuses: Any
) -> None:
    response = _post(api_as("nagano-pref-staff"), "migration-status", STATUS_FILE)
    record = ImportRecord.objects.get(pk=response.json()["id"])
    assert record.on_behalf_of is not None and record.on_behalf_of.code == "205419"
    # 小布施町 sees the import done on its behalf; 佐久市 and 智頭町 do not; officials see everything.
    assert api_as("obuse-staff").get(f"/api/v1/imports/records/{record.pk}/").status_code == 200
    assert api_as("saku-staff").get(f"/api/v1/imports/records/{record.pk}/").status_code == 404
    assert api_as("soumu-official").get(f"/api/v1/imports/records/{record.pk}/").status_code == 200
    assert client_as("chizu-staff").get(f"/imports/records/{record.pk}/").status_code == 404
    assert "f.csv" in client_as("obuse-staff").get("/imports/history/").content.decode()
    assert "f.csv" not in client_as("saku-staff").get("/imports/history/").content.decode()


def test_pages_refuse_with_a_clear_message(client_as: Any, db: Any) -> None:
    response = client_as("obuse-staff").get("/imports/organizations/")
    assert response.status_code == 403
    assert "このデータの取り込みは国の職員が行います。" in response.content.decode()
    index = client_as("obuse-staff").get("/imports/").content.decode()
    assert "/imports/migration-status/" in index and "/imports/organizations/" not in index


def test_anonymous_pages_go_to_login(client: Any, db: Any) -> None:
    response = client.get("/imports/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_unknown_kind_is_404(api_as: Any, db: Any) -> None:
    assert _post(api_as("soumu-official"), "no-such-kind", POPULATION_FILE).status_code == 404


def test_missing_file_is_400(api_as: Any, db: Any) -> None:
    response = api_as("soumu-official").post("/api/v1/imports/organizations/?dry_run=1", {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["必須です。"]}


def test_confirm_cannot_use_someone_elses_file(client_as: Any, published_statuses: Any) -> None:
    nagano = client_as("nagano-pref-staff")
    preview = nagano.post("/imports/migration-status/", {"file": SimpleUploadedFile("f.csv", STATUS_FILE)})
    checksum = preview.context["preview"].checksum
    before = fingerprint()
    other = client_as("obuse-staff").post(
        "/imports/migration-status/confirm/", {"checksum": checksum, "file_name": "f.csv"}
    )
    assert other.status_code == 302 and other["Location"] == "/imports/migration-status/"
    assert fingerprint() == before
