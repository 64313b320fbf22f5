"""Catalog lists download as CSV / XLSX with the same filters and the caller's scope."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.catalog.factories import adopt, make_offering, make_system

pytestmark = pytest.mark.django_db


def _csv(response: Any, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode(encoding))))


def test_systems_csv_follows_the_filters(api: Any) -> None:
    make_system(name="エクスポート窓口システム", slug="export-madoguchi")
    response = api.get("/api/v1/catalog/systems/?format=csv&q=エクスポート窓口")
    assert response["Content-Disposition"].startswith('attachment; filename="catalog_systems_')
    rows = _csv(response)
    assert [r["slug"] for r in rows] == ["export-madoguchi"]
    assert rows[0]["name"] == "エクスポート窓口システム"


def test_offerings_xlsx_lists_every_filtered_row(api: Any) -> None:
    system = make_system(slug="export-offered")
    make_offering(system, slug="export-offer-1", product_name="出力製品一")
    make_offering(system, slug="export-offer-2", product_name="出力製品二")
    response = api.get("/api/v1/catalog/offerings/?format=xlsx&system=export-offered&page_size=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    slug_col = values[0].index("slug")
    assert sorted(row[slug_col] for row in values[1:]) == ["export-offer-1", "export-offer-2"]  # not one page


def test_adoptions_csv_in_cp932_hides_other_organizations_private_rows(api_as: Any) -> None:
    system = make_system(slug="export-adopted")
    adopt("205419", system, status="in_use")
    adopt("202177", system, status="considering")  # 佐久市's private plan
    response = api_as("obuse-staff").get("/api/v1/catalog/adoptions/?format=csv&encoding=cp932&system=export-adopted")
    rows = _csv(response, "cp932")
    assert [(r["organization"], r["organization_name"]) for r in rows] == [("205419", "小布施町")]
    response = api_as("saku-staff").get("/api/v1/catalog/adoptions/?format=csv&system=export-adopted")
    assert sorted(r["organization"] for r in _csv(response)) == ["202177", "205419"]


def test_migration_status_csv_filters_by_municipality(api: Any) -> None:
    rows = _csv(api.get("/api/v1/catalog/migration-status/?format=csv&municipality=205419"))
    assert rows and {r["municipality"] for r in rows} == {"205419"}
