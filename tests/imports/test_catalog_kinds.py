"""Adoptions import with the adoption form's rules: own organization only (officials all), all rows or none."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import Adoption, OfferingStatus
from portal.audit import audit_history
from portal.models import AuditEntry, ImportRecord
from tests.catalog.factories import adopt, make_offering, make_system

from .conftest import fingerprint

CORPUS = Path(__file__).resolve().parent / "corpus"
HEADER = "団体,システム,状況,提供サービス,開始日,備考"


@pytest.fixture
def catalog_rows(db: Any) -> dict[str, Any]:
    system = make_system(name="コーパス窓口システム", slug="corpus-madoguchi")
    other = make_system(name="別のシステム", slug="corpus-other")
    return {
        "system": system,
        "offering": make_offering(system, slug="corpus-offering", status=OfferingStatus.PUBLISHED),
        "other_offering": make_offering(other, slug="corpus-other-offering", status=OfferingStatus.PUBLISHED),
        "other": other,
    }


def _post(client: Any, kind: str, data: bytes, dry_run: int = 0) -> Any:
    return client.post(
        f"/api/v1/imports/{kind}/?dry_run={dry_run}", {"file": SimpleUploadedFile("導入.csv", data)}, format="multipart"
    )


BAD_FILES = {
    "adoptions_other_organization.csv": [
        (
            3,
            "organization",
            "長野県佐久市の導入状況は取り込めません。自団体（長野県小布施町）の行だけを取り込めます。",
        )
    ],
    "adoptions_unknown_system.csv": [
        (
            2,
            "system",
            "システム「madoguchi-typo」はカタログにありません。識別子（英小文字・数字・ハイフン）を確認してください。",
        )
    ],
    "adoptions_wrong_offering.csv": [(2, "offering", "このシステムの提供サービスを選んでください。")],
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_adoption_file_gives_the_exact_error_and_changes_nothing(name: str, api_as: Any, catalog_rows: Any) -> None:
    client = api_as("obuse-staff")
    before = fingerprint()
    adoptions = list(Adoption.objects.order_by("pk").values_list())
    for dry_run in (1, 0):
        response = _post(client, "adoptions", (CORPUS / name).read_bytes(), dry_run)
        assert response.status_code == 400, response.content
        expected = [{"line": line, "field": field, "message": msg} for line, field, msg in BAD_FILES[name]]
        assert response.json()["errors"] == expected
    assert fingerprint() == before
    assert list(Adoption.objects.order_by("pk").values_list()) == adoptions


def test_bad_date_names_the_column_and_line(api_as: Any, catalog_rows: Any) -> None:
    response = _post(api_as("obuse-staff"), "adoptions", (CORPUS / "adoptions_bad_date.csv").read_bytes())
    [error] = response.json()["errors"]
    assert (error["line"], error["field"]) == (2, "since")
    assert error["message"] == "開始日は日付（例：2026-04-01、令和8年4月1日）で入力してください：2025-02-30"
    assert not Adoption.objects.filter(system=catalog_rows["system"]).exists()


def test_adoptions_add_and_change_with_audit(api_as: Any, catalog_rows: Any) -> None:
    system, other = catalog_rows["system"], catalog_rows["other"]
    stored = adopt("205419", other, status="considering")
    text = f"{HEADER}\r\n205419,corpus-madoguchi,利用中,corpus-offering,令和7年4月1日,本庁で利用\r\n205419,corpus-other,procuring,,,\r\n"
    client = api_as("obuse-staff")
    preview = _post(client, "adoptions", text.encode("cp932"), 1).json()
    assert preview["totals"] == {"new": 1, "update": 1, "skip": 0, "error": 0}
    assert not Adoption.objects.filter(system=system).exists()
    response = _post(client, "adoptions", text.encode("cp932"))
    assert response.status_code == 200, response.content
    record = ImportRecord.objects.get(pk=response.json()["id"])
    added = Adoption.objects.get(organization__code="205419", system=system)
    assert (added.status, added.offering, added.since, added.note) == (
        "in_use",
        catalog_rows["offering"],
        dt.date(2025, 4, 1),
        "本庁で利用",
    )
    stored.refresh_from_db()
    assert stored.status == "procuring"
    entry = audit_history(added).get(action="import")
    assert entry.before is None and entry.after["status"] == "in_use"
    assert entry.comment == f"取り込み#{record.pk}（導入.csv）による変更"
    change = audit_history(stored).get(action="import")
    assert (change.before["status"], change.after["status"]) == ("considering", "procuring")
    assert change.on_behalf_of is None
    # the same file again changes nothing
    assert _post(client, "adoptions", text.encode("cp932"), 1).json()["totals"]["skip"] == 2


def test_imported_adoptions_count_on_the_catalog_at_once(api_as: Any, catalog_rows: Any) -> None:
    """Imports write in bulk, past the model signals: the systems' counts and the cached search must follow."""
    system, other = catalog_rows["system"], catalog_rows["other"]
    adopt("202177", other)
    adopt("202088", system, status="considering")
    visitor = APIClient()

    def counts() -> dict[str, int]:
        rows = visitor.get("/api/v1/catalog/systems/", {"q": "corpus"}).json()["results"]
        return {row["slug"]: row["adoption_count"] for row in rows}

    def page_count() -> str:
        page = Client().get("/catalog/", {"q": "コーパス窓口"}).content.decode()
        return re.findall(r'<td class="num">([\d,]+)</td>', page)[0]

    assert counts() == {"corpus-madoguchi": 0, "corpus-other": 1}
    assert page_count() == "0"
    text = (
        f"{HEADER}\r\n202088,corpus-madoguchi,利用中,,,\r\n202177,corpus-other,利用終了,,,\r\n"
        "202011,corpus-madoguchi,利用中,,,\r\n"
    )
    response = _post(api_as("soumu-official"), "adoptions", text.encode("cp932"))
    assert response.status_code == 200, response.content
    assert counts() == {"corpus-madoguchi": 2, "corpus-other": 0}
    assert page_count() == "2"
    for row in (system, other):
        assert Adoption.objects.filter(system=row, status="in_use").count() == counts()[row.slug]


def test_officials_import_any_organizations_adoptions(api_as: Any, catalog_rows: Any) -> None:
    text = f"{HEADER}\r\n202177,corpus-madoguchi,検討中,,,\r\n"
    response = _post(api_as("soumu-official"), "adoptions", text.encode("cp932"))
    assert response.status_code == 200, response.content
    added = Adoption.objects.get(organization__code="202177", system=catalog_rows["system"])
    assert AuditEntry.objects.get(target_id=str(added.pk), action="import").on_behalf_of.code == "202177"


def test_vendors_may_not_import_adoptions(api_as: Any, catalog_rows: Any) -> None:
    text = f"{HEADER}\r\n205419,corpus-madoguchi,利用中,,,\r\n"
    response = _post(api_as("vendor-demo"), "adoptions", text.encode("cp932"))
    assert response.status_code == 403
    assert not Adoption.objects.filter(system=catalog_rows["system"]).exists()
