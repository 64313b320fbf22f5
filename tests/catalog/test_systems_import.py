"""Catalog systems import (officials): the catalog form's rules, all rows or none, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import SharedSystem
from portal.audit import audit_history
from portal.models import ImportRecord
from tests.catalog.factories import make_system

HEADER = "識別子,名称,読み仮名,共通化パターン,業務分野,ガバメントクラウド"

pytestmark = pytest.mark.django_db


def _post(client: Any, text: str, dry_run: int = 0) -> Any:
    upload = SimpleUploadedFile("システム.csv", text.encode("cp932"))
    return client.post(f"/api/v1/imports/catalog-systems/?dry_run={dry_run}", {"file": upload}, format="multipart")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Madoguchi_DX,窓口DX,マドグチ,B,,",
            ("slug", "識別子「Madoguchi_DX」は英小文字・数字とハイフンで入力してください（例：madoguchi-dx）。"),
        ),
        (
            "import-madoguchi,窓口DX,マドグチ,B,B03;窓口業務X,",
            (
                "business_areas",
                "業務分野「窓口業務X」はありません。コード（例：B03）、識別子または名称で入力してください。",
            ),
        ),
        ("import-madoguchi,窓口DX,,B,,", ("name_kana", "読み仮名が空欄です。入力してください。")),
    ],
)
def test_bad_system_rows_give_the_exact_error_and_change_nothing(
    line: str, expected: tuple[str, str], api_as: Any
) -> None:
    count = SharedSystem.objects.count()
    text = f"{HEADER}\r\nimport-good,良いシステム,ヨイシステム,A,,\r\n{line}\r\n"
    response = _post(api_as("soumu-official"), text)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 3, "field": expected[0], "message": expected[1]}]
    assert SharedSystem.objects.count() == count


def test_officials_add_and_change_systems_with_audit(api_as: Any) -> None:
    stored = make_system(name="旧名称", slug="import-stored", pattern="A")
    text = (
        f"{HEADER}\r\n"
        "import-madoguchi,窓口DXSaaS,マドグチディーエックス,パターンB,B03;B08,yes\r\n"
        "import-stored,新名称,シンメイショウ,A,,\r\n"
    )
    client = api_as("soumu-official")
    assert _post(client, text, 1).json()["totals"] == {"new": 1, "update": 1, "skip": 0, "error": 0}
    response = _post(client, text)
    assert response.status_code == 200, response.content
    record = ImportRecord.objects.get(pk=response.json()["id"])
    added = SharedSystem.objects.get(slug="import-madoguchi")
    assert (added.name, added.pattern, added.gov_cloud) == ("窓口DXSaaS", "B", "yes")
    assert sorted(added.business_areas.values_list("code", flat=True)) == ["B03", "B08"]
    stored.refresh_from_db()
    assert (stored.name, stored.name_kana) == ("新名称", "シンメイショウ")
    entry = audit_history(added).get(action="import")
    assert entry.before is None and entry.after["name"] == "窓口DXSaaS"
    assert sorted(entry.after["business_areas"]) == sorted(added.business_areas.values_list("slug", flat=True))
    change = audit_history(stored).get(action="import")
    assert (change.before["name"], change.after["name"]) == ("旧名称", "新名称")
    assert change.comment == f"取り込み#{record.pk}（システム.csv）による変更"
    found = client.get("/api/v1/catalog/systems/?q=まどぐちでぃーえっくす").json()["results"]
    assert [s["slug"] for s in found] == ["import-madoguchi"]  # the reading is searchable at once


def test_only_officials_import_systems(api_as: Any) -> None:
    response = _post(api_as("nagano-pref-staff"), f"{HEADER}\r\nimport-x,X,エックス,B,,\r\n")
    assert response.status_code == 403
    assert not SharedSystem.objects.filter(slug="import-x").exists()
