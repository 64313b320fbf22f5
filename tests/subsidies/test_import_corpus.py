"""The subsidy files of the import corpus (tests/imports/corpus/subsidy_*): exact errors, nothing changed.

Imported by a 総務省 official (a portal administrator, so only the files themselves are wrong).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.audit import audit_history
from portal.models import AuditEntry, ImportRecord
from subsidies.models import OrganizationCap, Program, ProgramBudget

CORPUS = Path(__file__).resolve().parents[1] / "imports" / "corpus"

RATE = "補助率は0より大きく1以下の分数で入力してください：2/1"

# file -> [(line, field, message)], exactly
BAD_FILES: dict[str, list[tuple[int, str, str]]] = {
    "subsidy_programs_rate_above_one.csv": [(2, "rate", RATE)],
    "subsidy_programs_rate_as_text.csv": [(2, "rate", "補助率は分数（例：1/2、3/4、10/10）で入力してください：半額")],
    "subsidy_programs_unknown_kind.csv": [
        (
            2,
            "kind",
            "種類「type9」は使えません。次のいずれかを入力してください：標準準拠システム移行経費補助（standardization）、"
            "デジ田交付金 TYPE1（digiden_type1）、デジ田交付金 TYPE2（digiden_type2）、デジ田交付金 TYPE3（digiden_type3）、"
            "デジ田交付金 TYPE S（digiden_type_s）",
        )
    ],
    "subsidy_programs_unknown_ministry.csv": [
        (2, "owner", "所管府省「kasumigaseki」はありません。府省の識別子（例：soumu）で入力してください。")
    ],
    "subsidy_programs_dates_reversed.csv": [(2, "acceptance_until", "受付終了日は受付開始日より後にしてください。")],
    "subsidy_programs_no_such_date.csv": [
        (2, "acceptance_from", "受付開始日は日付（例：2026-04-01、令和8年4月1日）で入力してください：令和8年2月30日")
    ],
    "subsidy_budgets_decimal.csv": [
        (2, "budget", "予算額は整数で入力してください（小数・文字は使えません）：1200000.5")
    ],
    "subsidy_budgets_unknown_program.csv": [
        (2, "program", "補助事業「type9」はありません。補助事業のコード（例：standardization）で入力してください。")
    ],
    "subsidy_budgets_duplicate.csv": [
        (
            3,
            "program",
            "3行目は2行目と同じ行（標準準拠システム移行経費補助（デジタル基盤改革支援補助金） / 2027）です。"
            "重複している行はどちらか一方にしてください。",
        )
    ],
    "subsidy_caps_bad_check_digit.csv": [
        (2, "organization", "団体コード 205418 の検査数字が正しくありません（正しくは 205419）")
    ],
    "subsidy_caps_program_without_caps.csv": [(2, "program", "この補助事業は団体ごとの補助上限額を使いません。")],
    "subsidy_caps_ambiguous_name.csv": [
        (
            2,
            "organization",
            "「伊達市」という団体は2団体あります。団体コード（6桁）か都道府県名から（例：北海道伊達市）入力してください。",
        )
    ],
}


def _kind(name: str) -> str:
    return name.split("_")[1]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for model in (Program, ProgramBudget, OrganizationCap, AuditEntry, ImportRecord):
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
        digest.update(b"|")
    return digest.hexdigest()


def _post(client: Any, name: str, dry_run: int) -> Any:
    upload = SimpleUploadedFile(name, (CORPUS / name).read_bytes())
    return client.post(f"/api/v1/imports/{_kind(name)}/?dry_run={dry_run}", {"file": upload}, format="multipart")


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_subsidy_file_gives_the_exact_error_and_changes_nothing(name: str, api_as: Any, programs: Any) -> None:
    client = api_as("soumu-official")
    expected = [{"line": line, "field": field, "message": message} for line, field, message in BAD_FILES[name]]
    before = fingerprint()
    for dry_run in (1, 0):
        response = _post(client, name, dry_run)
        assert response.status_code == 400, response.content
        assert response.json()["errors"] == expected
        assert response.json()["totals"]["error"] == 1
        assert fingerprint() == before


def test_good_program_file(api_as: Any, programs: Any) -> None:
    response = _post(api_as("soumu-official"), "subsidy_programs_ok.csv", 0)
    assert response.status_code == 200, response.content
    pilot = Program.objects.get(code="soumu-pilot")
    assert (pilot.name, pilot.kind, pilot.owner.slug, pilot.rate_label, pilot.cap) == (
        "自治体DX実証事業",
        "digiden_type2",
        "soumu",
        "1/2",
        50_000_000,
    )
    assert str(pilot.acceptance_until) == "2027-03-31"
    entry = audit_history(pilot).get(action="import")
    assert entry.before is None and entry.after["name"] == "自治体DX実証事業"
    assert f"取り込み#{response.json()['id']}" in entry.comment


def test_good_budget_file(api_as: Any, programs: Any) -> None:
    response = _post(api_as("soumu-official"), "subsidy_budgets_ok.csv", 0)
    assert response.status_code == 200, response.content
    budget = ProgramBudget.objects.get(program__code="standardization", fiscal_year=2027)
    assert (budget.budget, budget.label) == (120_000_000_000, "令和9年度当初予算")
    assert audit_history(budget).get(action="import").after == {
        "fiscal_year": 2027,
        "budget": 120_000_000_000,
        "label": "令和9年度当初予算",
    }


def test_good_cap_file(api_as: Any, programs: Any) -> None:
    response = _post(api_as("soumu-official"), "subsidy_caps_ok.csv", 0)
    assert response.status_code == 200, response.content
    assert response.json()["totals"] == {"new": 1, "update": 1, "skip": 0, "error": 0}
    caps = dict(
        OrganizationCap.objects.filter(program__code="standardization").values_list("organization__slug", "cap")
    )
    assert (caps["205419"], caps["202029"]) == (250_000_000, 480_000_000)
    assert AuditEntry.objects.filter(action="import").count() == 2
