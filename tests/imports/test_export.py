"""Exports open correctly in Japanese Excel and never execute a formula."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from portal.imports.export import csv_bytes, neutralize, xlsx_bytes
from portal.models import Organization


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+81-3-1234", "'+81-3-1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("小布施町", "小布施町"),
        (-2, -2),  # a number stays a number
        (None, ""),
    ],
)
def test_formula_starts_are_neutralized(value: Any, shown: Any) -> None:
    assert neutralize(value) == shown


def test_csv_is_utf8_with_bom_and_cp932_replaces_what_it_cannot_hold() -> None:
    rows = [["髙橋", "=cmd|' /C calc'!A0"], ["𠮷野家", 1]]
    utf8 = csv_bytes(["名前", "備考"], rows)
    assert utf8.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(utf8.decode("utf-8-sig")))) == [
        ["名前", "備考"],
        ["髙橋", "'=cmd|' /C calc'!A0"],
        ["𠮷野家", "1"],
    ]
    sjis = csv_bytes(["名前"], [["髙橋"], ["𠮷野家"]], encoding="cp932")
    assert sjis.decode("cp932").splitlines() == ["名前", "髙橋", "〓野家"]  # 髙 is in CP932; 𠮷 is not


def test_xlsx_cells_are_text_and_neutralized() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["a"], [['=HYPERLINK("x")'], [5]]))).active
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == ["a", '\'=HYPERLINK("x")', 5]


def test_organization_list_exports_every_filtered_row_as_csv(api: Any, db: Any) -> None:
    response = api.get("/api/v1/organizations/?prefecture=20&kind=municipality&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="organizations_')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == Organization.objects.filter(prefecture__code="200000").count() == 77  # not one page of 50
    obuse = next(r for r in rows if r["code"] == "205419")
    assert (obuse["name"], obuse["prefecture"], obuse["kind"]) == ("小布施町", "200000", "municipality")


def test_organization_list_exports_cp932_and_xlsx(api: Any, db: Any) -> None:
    sjis = api.get("/api/v1/organizations/?prefecture=31&format=csv&encoding=cp932")
    assert sjis["Content-Type"] == "text/csv; charset=shift_jis"
    assert "智頭町" in sjis.content.decode("cp932")
    xlsx = api.get("/api/v1/organizations/?prefecture=31&format=xlsx")
    assert xlsx["Content-Disposition"].startswith('attachment; filename="organizations_')
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("code", "name")
    assert len(rows) == 1 + Organization.objects.filter(prefecture_code="31").count()


def test_json_list_is_unchanged(api: Any, db: Any) -> None:
    body = api.get("/api/v1/organizations/?prefecture=20").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == 50


def test_organization_page_downloads_the_filtered_list(client: Any, db: Any) -> None:
    page = client.get("/organizations/?prefecture=31").content.decode()
    assert "?q=&amp;kind=&amp;prefecture=31&amp;format=xlsx" in page
    response = client.get("/organizations/?prefecture=31&format=csv&encoding=cp932")
    assert response["Content-Type"] == "text/csv; charset=shift_jis"
    assert "filename*=UTF-8''%E5%9B%A3%E4%BD%93%E4%B8%80%E8%A6%A7_" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("cp932"))))
    assert rows[0] == ["団体コード", "名称", "よみがな", "種別", "都道府県", "人口", "人口規模"]
    assert len(rows) == 1 + Organization.objects.filter(prefecture_code="31").count()
    assert any(r[:2] == ["313289", "智頭町"] and r[4] == "鳥取県" for r in rows)
