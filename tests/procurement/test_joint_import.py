"""Joint procurements imported from a file obey the registration form's rules: all rows or none, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.audit import audit_history
from portal.models import ImportRecord
from procurement.models import JointProcurement, Participation

HEADER = "幹事都道府県,件名,調達分野,調達方法,参加団体,予定価格（見込額）"

pytestmark = pytest.mark.django_db


def _post(client: Any, text: str, dry_run: int = 0) -> Any:
    upload = SimpleUploadedFile("共同調達.csv", text.encode("cp932"))
    return client.post(f"/api/v1/imports/joint-procurements/?dry_run={dry_run}", {"file": upload}, format="multipart")


def _state() -> list[Any]:
    return [
        list(JointProcurement.objects.order_by("pk").values_list()),
        list(Participation.objects.order_by("pk").values_list("procurement_id", "municipality_id", "status")),
    ]


GOOD = "200000,取込 電子申請共同調達,e_application,proposal,205419;202177,12000000"


@pytest.mark.parametrize(
    ("user", "line", "expected"),
    [
        (
            "nagano-pref-staff",
            "200000,取込 別件,e_application,proposal,205419;313289,",
            (
                "participants",
                "鳥取県智頭町（313289）はほかの都道府県の市区町村です。招待できるのは長野県の市区町村だけです。",
            ),
        ),
        (
            "nagano-pref-staff",
            "310000,取込 鳥取の件,e_application,proposal,,",
            ("lead_prefecture", "鳥取県の共同調達は取り込めません。長野県が主導する共同調達だけを取り込めます。"),
        ),
        (
            "nagano-pref-staff",
            "200000,取込 別件,e_application,proposal,205419;205419,",
            ("participants", "同じ団体が重複しています。"),
        ),
        (
            "nagano-pref-staff",
            "200000,取込 別件,e_application,proposal,,-5",
            ("estimated_amount", None),
        ),
    ],
)
def test_bad_procurement_rows_give_the_exact_error_and_change_nothing(
    user: str, line: str, expected: tuple[str, str | None], api_as: Any
) -> None:
    before = _state()
    response = _post(api_as(user), f"{HEADER}\r\n{GOOD}\r\n{line}\r\n")
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert (error["line"], error["field"]) == (3, expected[0])
    if expected[1] is not None:
        assert error["message"] == expected[1]
    else:
        assert "予定価格（見込額）" in error["message"]
    assert _state() == before


def test_prefecture_registers_and_updates_procurements_with_audit(api_as: Any, register: Any) -> None:
    stored = register(title="取込 既存の共同調達", status="planning", participants=["205419", "202177"])
    client = api_as("nagano-pref-staff")
    Participation.objects.filter(procurement_id=stored["id"], municipality__code="202177").update(status="committed")
    text = f"{HEADER}\r\n{GOOD}\r\n200000,取込 既存の共同調達,e_application,proposal,202177;203211,15000000\r\n"
    assert _post(client, text, 1).json()["totals"] == {"new": 1, "update": 1, "skip": 0, "error": 0}
    response = _post(client, text)
    assert response.status_code == 200, response.content
    record = ImportRecord.objects.get(pk=response.json()["id"])
    added = JointProcurement.objects.get(title="取込 電子申請共同調達")
    assert (added.lead_prefecture.code, added.status, added.estimated_amount) == ("200000", "planning", 12_000_000)
    assert added.ocid.endswith(f"-{added.pk}")
    assert sorted(added.participations.values_list("municipality__code", flat=True)) == ["202177", "205419"]
    updated = JointProcurement.objects.get(pk=stored["id"])
    assert (updated.estimated_amount, updated.version) == (15_000_000, stored["version"] + 1)
    assert dict(updated.participations.values_list("municipality__code", "status")) == {
        "202177": "committed",
        "203211": "invited",
    }
    entry = audit_history(added).get(action="import")
    assert entry.before is None and entry.after["participants"] == ["205419", "202177"]
    change = audit_history(updated).get(action="import")
    assert (change.before["estimated_amount"], change.after["estimated_amount"]) == (12_000_000, 15_000_000)
    assert change.comment == f"取り込み#{record.pk}（共同調達.csv）による変更"


def test_answered_municipality_cannot_be_uninvited(api_as: Any, register: Any) -> None:
    stored = register(title="取込 回答済み", participants=["205419", "202177"])
    Participation.objects.filter(procurement_id=stored["id"], municipality__code="202177").update(status="committed")
    before = _state()
    text = f"{HEADER}\r\n200000,取込 回答済み,e_application,proposal,205419,\r\n"
    response = _post(api_as("nagano-pref-staff"), text)
    assert response.json()["errors"] == [
        {"line": 2, "field": "participants", "message": "回答済みの団体は招待を取り消せません: 佐久市"}
    ]
    assert _state() == before


def test_municipalities_may_not_import_procurements(api_as: Any) -> None:
    assert _post(api_as("obuse-staff"), f"{HEADER}\r\n{GOOD}\r\n").status_code == 403
    assert not JointProcurement.objects.filter(title="取込 電子申請共同調達").exists()
