"""`kpi-observations` import: template, a good file (和暦 dates, corrections), bad files with exact errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dashboards.kpis import load_publication_survey
from dashboards.models import KpiObservation
from portal.models import AuditEntry

URL = "/api/v1/imports/kpi-observations/"
HEADER = "KPI,時点,値,地域,出典,備考"
KPI = "publication-effects-all"


@pytest.fixture(autouse=True)
def kpis(db: Any) -> None:
    load_publication_survey()


def _file(*lines: str, encoding: str = "cp932") -> SimpleUploadedFile:
    return SimpleUploadedFile("kpi.csv", ("\r\n".join(lines) + "\r\n").encode(encoding))


def _post(client: Any, upload: SimpleUploadedFile, dry_run: int) -> Any:
    return client.post(f"{URL}?dry_run={dry_run}", {"file": upload}, format="multipart")


def _state() -> list[tuple[Any, ...]]:
    return list(KpiObservation.objects.order_by("pk").values_list("kpi__code", "date", "value", "area_id", "source"))


def test_template_has_the_headers_and_an_example(api_as: Any) -> None:
    response = api_as("soumu-official").get(f"{URL}template/?format=csv")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER
    assert lines[1].startswith(f"{KPI},2026-03-31,42.5")


def test_a_good_file_adds_and_corrects_observations_with_audit(api_as: Any) -> None:
    client = api_as("soumu-official")
    upload = _file(HEADER, f"{KPI},令和8年3月31日,45.5,,デジタル庁調査,", f"{KPI},R8.3.31,50,200000,長野県調査,県内")
    preview = _post(client, upload, 1).json()
    assert preview["totals"] == {"new": 2, "update": 0, "skip": 0, "error": 0}
    assert not KpiObservation.objects.filter(date=dt.date(2026, 3, 31)).exists()
    upload.seek(0)
    assert _post(client, upload, 0).status_code == 200
    stored = KpiObservation.objects.get(kpi__code=KPI, date=dt.date(2026, 3, 31), area__isnull=True)
    assert stored.value == Decimal("45.5") and stored.source == "デジタル庁調査"
    assert KpiObservation.objects.get(kpi__code=KPI, date=dt.date(2026, 3, 31), area__slug="200000").value == 50
    again = _post(client, _file(HEADER, f"{KPI},2026-03-31,46,,デジタル庁調査,訂正"), 0).json()
    assert again["totals"]["update"] == 1
    stored.refresh_from_db()
    assert stored.value == Decimal("46") and stored.note == "訂正"
    assert AuditEntry.objects.filter(action="import", target_id=str(stored.pk)).count() == 2


BAD = {
    "unknown kpi": ("no-such-kpi,2026-03-31,1,,調査,", 2, "kpi", "KPIのコード「no-such-kpi」は登録されていません。"),
    "bad date": (
        f"{KPI},令和8年2月30日,1,,調査,",
        2,
        "date",
        "時点は日付（例：2026-04-01、令和8年4月1日）で入力してください：令和8年2月30日",
    ),
    "bad value": (f"{KPI},2026-03-31,約40,,調査,", 2, "value", "値は数（例：12.5）で入力してください：約40"),
    "too many decimals": (
        f"{KPI},2026-03-31,1.123456,,調査,",
        2,
        "value",
        "値は小数点以下4桁までの数で入力してください：1.123456",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_row_gives_its_exact_error_and_changes_nothing(api_as: Any, case: str) -> None:
    row, line, field, message = BAD[case]
    client = api_as("soumu-official")
    before = _state()
    good = f"{KPI},2026-03-31,40,,調査,"
    for dry_run in (1, 0):
        lines = (HEADER, row, good)
        response = _post(client, _file(*lines), dry_run)
        assert response.status_code == 400, response.content
        assert response.json()["errors"] == [{"line": line, "field": field, "message": message}]
        assert _state() == before


@pytest.mark.parametrize("username", ["obuse-manager", "nagano-pref-staff", "vendor-demo"])
def test_only_national_officials_import_kpi_observations(api_as: Any, username: str) -> None:
    response = _post(api_as(username), _file(HEADER, f"{KPI},2026-03-31,40,,調査,"), 0)
    assert response.status_code == 403
    assert not KpiObservation.objects.filter(date=dt.date(2026, 3, 31)).exists()
