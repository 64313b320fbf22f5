"""Intent-survey answers imported from a file obey the answer form's rules: all rows or none, audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import AuditEntry, ImportRecord
from procurement.models import Participation

CORPUS = Path(__file__).resolve().parents[1] / "imports" / "corpus"
HEADER = "共同調達,団体,回答,コメント,利用量,単独調達の見込額"

pytestmark = pytest.mark.django_db


def _post(client: Any, data: bytes, dry_run: int = 0) -> Any:
    upload = SimpleUploadedFile("回答.csv", data)
    return client.post(f"/api/v1/imports/participations/?dry_run={dry_run}", {"file": upload}, format="multipart")


def _answers(procurement_id: int) -> list[tuple[Any, ...]]:
    return list(
        Participation.objects.filter(procurement_id=procurement_id)
        .order_by("pk")
        .values_list("municipality__code", "status", "comment", "usage_units", "standalone_estimate")
    )


BAD_FILES = {
    "participations_other_prefecture.csv": [
        (
            3,
            "municipality",
            "鳥取県智頭町は長野県以外の団体です。この共同調達に参加できるのは長野県の市区町村だけです。",
        )
    ],
    "participations_not_invited.csv": [(2, "municipality", "長野県長野市はこの共同調達に招待されていません。")],
    "participations_invited_answer.csv": [
        (2, "status", "回答は interested / committed / declined / withdrawn のいずれかです。")
    ],
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_answer_file_gives_the_exact_error_and_changes_nothing(name: str, register: Any, api_as: Any) -> None:
    procurement = register()
    data = (CORPUS / name).read_bytes().replace(b"{id}", str(procurement["id"]).encode())
    before = _answers(procurement["id"])
    entries = AuditEntry.objects.count()
    for dry_run in (1, 0):
        response = _post(api_as("nagano-pref-staff"), data, dry_run)
        assert response.status_code == 400, response.content
        expected = [{"line": line, "field": field, "message": msg} for line, field, msg in BAD_FILES[name]]
        assert response.json()["errors"] == expected
    assert _answers(procurement["id"]) == before
    assert AuditEntry.objects.count() == entries


def test_negative_estimate_is_an_error_of_its_column(register: Any, api_as: Any) -> None:
    procurement = register()
    data = (
        (CORPUS / "participations_negative_estimate.csv").read_bytes().replace(b"{id}", str(procurement["id"]).encode())
    )
    [error] = _post(api_as("nagano-pref-staff"), data).json()["errors"]
    assert (error["line"], error["field"]) == (2, "standalone_estimate")
    assert "単独調達の見込額" in error["message"]


def test_prefecture_imports_its_municipalities_answers_with_audit(register: Any, api_as: Any) -> None:
    procurement = register()
    pid = procurement["id"]
    text = f'{HEADER}\r\n{pid},205419,参加,,120,"3,000,000"\r\n{pid},長野県佐久市,不参加,単独で調達済み,,\r\n'
    client = api_as("nagano-pref-staff")
    assert _post(client, text.encode("cp932"), 1).json()["totals"] == {"new": 0, "update": 2, "skip": 0, "error": 0}
    response = _post(client, text.encode("cp932"))
    assert response.status_code == 200, response.content
    record = ImportRecord.objects.get(pk=response.json()["id"])
    answers = {row[0]: row[1:] for row in _answers(pid)}
    assert answers["205419"] == ("committed", "", 120, 3_000_000)
    assert answers["202177"] == ("declined", "単独で調達済み", None, None)
    assert answers["203211"][0] == "invited"  # not in the file: untouched
    entries = AuditEntry.objects.filter(action="import", target_id=str(pid)).order_by("pk")
    assert [(e.after["municipality"], e.before["status"], e.after["status"]) for e in entries] == [
        ("205419", "invited", "committed"),
        ("202177", "invited", "declined"),
    ]
    assert {e.on_behalf_of.code for e in entries} == {"205419", "202177"}
    assert all(e.comment == f"取り込み#{record.pk}（回答.csv）による変更" for e in entries)
    saku = Participation.objects.get(procurement_id=pid, municipality__code="202177")
    assert saku.answered_by is not None and saku.answered_by.username == "nagano-pref-staff"


def test_municipality_imports_only_its_own_answer(register: Any, api_as: Any) -> None:
    pid = register()["id"]
    client = api_as("obuse-staff")
    text = f"{HEADER}\r\n{pid},205419,検討中,,,\r\n{pid},202177,参加,,,\r\n"
    response = _post(client, text.encode("cp932"))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "line": 3,
            "field": "municipality",
            "message": "長野県佐久市の行は取り込めません。自団体（長野県小布施町）の行だけを取り込めます。",
        }
    ]
    assert _post(client, f"{HEADER}\r\n{pid},205419,検討中,,,\r\n".encode("cp932")).status_code == 200
    assert Participation.objects.get(procurement_id=pid, municipality__code="205419").status == "interested"


def test_another_prefecture_cannot_import_answers(register: Any, api_as: Any) -> None:
    pid = register()["id"]
    response = _post(api_as("tottori-pref-staff"), f"{HEADER}\r\n{pid},205419,参加,,,\r\n".encode("cp932"))
    assert response.json()["errors"] == [
        {"line": 2, "field": "procurement", "message": "ほかの都道府県の共同調達は閲覧のみです。"}
    ]
