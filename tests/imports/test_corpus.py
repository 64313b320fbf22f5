"""The bad-file corpus: each file gives exactly the error a person needs, and changes nothing — dry run or not.

The files are in tests/imports/corpus/ (written by make_corpus.py). Migration statuses are imported as 長野県's staff
(its municipalities' rows on their behalf); populations as a 総務省 official.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import MigrationStatus
from portal.models import AuditEntry, ImportRecord, Organization

from .conftest import fingerprint

CORPUS = Path(__file__).resolve().parent / "corpus"
COLUMNS = "団体（municipality）、業務（business）、進捗（status）、移行予定年度（planned_fiscal_year）、事業者（vendor）、ガバメントクラウド利用（on_gov_cloud）"
UNREADABLE = "行目に UTF-8 でも Shift_JIS（CP932）でも読めない文字があります。CSV（UTF-8）または Excel（.xlsx）で保存し直してください。"

# file -> [(line, field, message)], exactly
BAD_FILES: dict[str, list[tuple[int, str, str]]] = {
    "empty.csv": [(1, "", "ファイルが空です。テンプレートに記入したファイルを選んでください。")],
    "blank_lines.csv": [(1, "", "ファイルが空です。テンプレートに記入したファイルを選んでください。")],
    "headers_only.csv": [(2, "", "見出し行だけで、取り込むデータの行がありません。2行目から記入してください。")],
    "headers_and_blank_rows.csv": [
        (2, "", "見出し行だけで、取り込むデータの行がありません。2行目から記入してください。")
    ],
    "wrong_headers.csv": [
        (1, "code", f"見出し「code」「name」「state」はこの取り込みでは使えません。使える見出し：{COLUMNS}")
    ],
    "extra_column.csv": [(1, "備考", f"見出し「備考」はこの取り込みでは使えません。使える見出し：{COLUMNS}")],
    "missing_column.csv": [
        (1, "status", "必須の列「進捗（status）」がありません。テンプレートの見出し行を使ってください。")
    ],
    "duplicate_header.csv": [
        (1, "status", "見出し「status」が2回あります（3列目と4列目）。どちらか一方にしてください。")
    ],
    "broken.xlsx": [
        (
            1,
            "",
            "Excel ファイル（.xlsx）を開けませんでした。ファイルが壊れているか、.xlsx 形式ではありません。Excel で開いて保存し直してください。",
        )
    ],
    "old_excel.xls": [(1, "", "Excel 97-2003 形式（.xls）は読めません。.xlsx または CSV で保存し直してください。")],
    "nul_byte.csv": [
        (3, "", "3行目に NUL 文字が含まれています。ファイルが壊れていないか確認し、保存し直してください。")
    ],
    "binary.csv": [(1, "", "1" + UNREADABLE)],
    "bom_then_cp932.csv": [(3, "", "3" + UNREADABLE)],
    "bad_check_digit_cp932.csv": [
        (3, "municipality", "団体コード 205418 の検査数字が正しくありません（正しくは 205419）")
    ],
    "bad_check_digit.xlsx": [(3, "municipality", "団体コード 202178 の検査数字が正しくありません（正しくは 202177）")],
    "unknown_code.csv": [
        (2, "municipality", "団体コード 205991 の団体はありません。全国地方公共団体コード（6桁）を確認してください。")
    ],
    "five_digit_code.csv": [(2, "municipality", "団体コードは6桁の数字で入力してください：20541")],
    "other_prefecture.csv": [
        (3, "municipality", "鳥取県智頭町は鳥取県の団体です。長野県の市区町村の行だけを取り込めます。")
    ],
    "unknown_status.csv": [
        (
            2,
            "status",
            "進捗「完了済」は使えません。次のいずれかを入力してください：未着手（not_started）、準備中（preparing）、"
            "移行中（migrating）、移行完了（migrated）、特定移行支援システム（designated_hard）",
        )
    ],
    "unknown_business.csv": [
        (
            2,
            "business",
            "業務「住民票」は標準化対象の20業務にありません。業務コード（B01〜B20）、識別子（例：resident_registry）"
            "または業務名（例：住民基本台帳）で入力してください。",
        )
    ],
    "duplicate_rows.csv": [
        (
            4,
            "municipality",
            "4行目は2行目と同じ行（長野県小布施町 住民基本台帳）です。重複している行はどちらか一方にしてください。",
        )
    ],
    "formula_cell.csv": [
        (
            2,
            "vendor",
            '事業者に数式（「=」で始まる値）は取り込めません。計算結果の値を入力してください：=HYPERLINK("http://example.com","詳細")',
        )
    ],
    "too_many_cells.csv": [
        (
            3,
            "",
            'この行の値の数（7）が見出しの列数（6）より多くなっています。値にカンマが含まれるときは全体を引用符（"）で囲んでください。',
        )
    ],
    "too_few_cells.csv": [
        (
            3,
            "",
            "この行の値の数（2）が見出しの列数（6）より少なくなっています。空欄の列も区切り（カンマ）を残してください。",
        )
    ],
    "year_out_of_range.csv": [
        (2, "planned_fiscal_year", "移行予定年度は令和2年度から令和17年度までで入力してください：2099")
    ],
    "bad_boolean.csv": [
        (2, "on_gov_cloud", "ガバメントクラウド利用は「yes」か「no」（はい／いいえ）で入力してください：たぶん")
    ],
    "empty_required_cell.csv": [(2, "status", "進捗が空欄です。入力してください。")],
    "population_negative.csv": [(2, "population", "人口は0以上の整数で入力してください：-5")],
    "population_decimal.csv": [(2, "population", "人口は整数で入力してください（小数・文字は使えません）：10862.5")],
    "population_huge.csv": [
        (2, "population", "人口が大きすぎます（上限 50,000,000）。桁を確認してください：99999999999")
    ],
    "population_ambiguous_name.csv": [
        (
            2,
            "organization",
            "「伊達市」という団体は2団体あります。団体コード（6桁）か都道府県名から（例：北海道伊達市）入力してください。",
        )
    ],
    "population_unknown_name.csv": [
        (
            2,
            "organization",
            "団体「架空村」は見つかりません。団体コード（6桁）か正式な名称（例：長野県小布施町）で入力してください。",
        )
    ],
}


def _kind_and_user(name: str) -> tuple[str, str]:
    if name.startswith("population"):
        return "organizations", "soumu-official"
    return "migration-status", "nagano-pref-staff"


def _post(client: Any, kind: str, name: str, dry_run: int) -> Any:
    upload = SimpleUploadedFile(name, (CORPUS / name).read_bytes())
    return client.post(f"/api/v1/imports/{kind}/?dry_run={dry_run}", {"file": upload}, format="multipart")


def test_the_corpus_is_complete() -> None:
    on_disk = {p.name for p in CORPUS.iterdir()}
    assert set(BAD_FILES) <= on_disk
    assert len(BAD_FILES) >= 25


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gives_the_exact_error_and_changes_nothing(name: str, api_as: Any, published_statuses: Any) -> None:
    kind, username = _kind_and_user(name)
    client = api_as(username)
    expected = [{"line": line, "field": field, "message": message} for line, field, message in BAD_FILES[name]]
    before = fingerprint()
    for dry_run in (1, 0):
        response = _post(client, kind, name, dry_run)
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["errors"] == expected
        assert body["dry_run"] is (dry_run == 1)
        assert body["totals"]["error"] == 1
        assert fingerprint() == before


@pytest.mark.parametrize(
    ("name", "updates"),
    [
        ("ok_cp932.csv", 2),
        ("ok_utf8_bom.csv", 1),
        ("ok_utf8_nobom.csv", 1),
        ("ok_zenkaku.csv", 1),
        ("ok_names.csv", 2),
        ("ok_excel.xlsx", 1),
        ("ok_blank_rows.csv", 1),
    ],
)
def test_files_in_every_encoding_import(name: str, updates: int, api_as: Any, published_statuses: Any) -> None:
    client = api_as("nagano-pref-staff")
    preview = _post(client, "migration-status", name, 1).json()
    assert preview == {"dry_run": True, "totals": {"new": 0, "update": updates, "skip": 0, "error": 0}, "errors": []}
    assert not AuditEntry.objects.filter(action="import").exists()  # a preview writes nothing
    response = _post(client, "migration-status", name, 0)
    assert response.status_code == 200, response.content
    assert response.json()["totals"]["update"] == updates
    row = MigrationStatus.objects.get(municipality__code="205419", business__code="B03")
    assert (row.status, row.source, row.version) == ("migrating", "reported", 2)


def test_zenkaku_digits_and_spaces_are_normalized(api_as: Any, published_statuses: Any) -> None:
    assert _post(api_as("nagano-pref-staff"), "migration-status", "ok_zenkaku.csv", 0).status_code == 200
    row = MigrationStatus.objects.get(municipality__code="205419", business__code="B03")
    assert (row.planned_fiscal_year, row.vendor_name, row.on_gov_cloud) == (2026, "株式会社サンプル", True)


def test_names_and_wareki_years(api_as: Any, published_statuses: Any) -> None:
    assert _post(api_as("nagano-pref-staff"), "migration-status", "ok_names.csv", 0).status_code == 200
    saku = MigrationStatus.objects.get(municipality__code="202177", business__slug="national_pension")
    assert (saku.status, saku.planned_fiscal_year) == ("preparing", 2027)


def test_population_with_zenkaku_digits_and_comma(api_as: Any, db: Any) -> None:
    response = _post(api_as("soumu-official"), "organizations", "population_zenkaku_ok.csv", 0)
    assert response.status_code == 200, response.content
    obuse = Organization.objects.get(code="205419")
    assert (obuse.population, obuse.population_band) == (10900, "10k-30k")
    record = ImportRecord.objects.get(pk=response.json()["id"])
    entry = AuditEntry.objects.get(target_id=str(obuse.pk), action="import")
    assert entry.after["population"] == 10900
    assert f"取り込み#{record.pk}" in entry.comment


def test_messages_in_english_when_asked(api_as: Any, published_statuses: Any) -> None:
    client = api_as("soumu-official")
    upload = SimpleUploadedFile("p.csv", (CORPUS / "population_negative.csv").read_bytes())
    response = client.post(
        "/api/v1/imports/organizations/?dry_run=1", {"file": upload}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["errors"] == [
        {"line": 2, "field": "population", "message": "Population must be a whole number of at least 0: -5"}
    ]
    upload = SimpleUploadedFile("e.csv", b"")
    response = client.post(
        "/api/v1/imports/organizations/?dry_run=1", {"file": upload}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        response.json()["errors"][0]["message"] == "The file is empty. Choose the file you filled in from the template."
    )
