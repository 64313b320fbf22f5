"""The KPI page lists the national observations; the regional ones are in the chart's CSV (too many for a page)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test import Client

from dashboards import services
from dashboards.kpis import load_publication_survey
from dashboards.models import Kpi, KpiObservation

from . import factories as f

DAY = dt.date(2026, 2, 1)


def test_the_page_table_is_national_and_the_csv_has_every_observation(db: Any) -> None:
    load_publication_survey()
    kpi = Kpi.objects.get(code="publication-status-any")
    KpiObservation.objects.create(
        kpi=kpi, date=dt.date(2025, 4, 1), area=f.org("205419"), value=Decimal(61), source="小布施町調べ"
    )
    services.aggregates_build(metric="kpi", period=DAY)
    page = Client().get("/dashboards/kpi/").content.decode()
    assert "地域別の値（1件）を含むすべての観測値はCSVでダウンロードできます。" in page
    assert "小布施町調べ" not in page
    csv = Client().get("/dashboards/kpi.csv", {"chart": "observations"}).content.decode("utf-8-sig")
    assert "205419" in csv and "小布施町調べ" in csv
