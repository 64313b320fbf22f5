"""Who sees which dashboard; the figures are valid Plotly; static files; the adoption dashboard; demo seed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from typing import Any

import plotly.graph_objects as go
import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from catalog.models import Pattern
from dashboards import charts, demo, services
from dashboards.kpis import load_publication_survey
from dashboards.models import Build, Kpi, KpiObservation
from dashboards.selectors import DASHBOARDS
from portal import policy

from . import factories as f

DAY = dt.date(2026, 2, 1)


@pytest.fixture
def restricted(monkeypatch: Any, db: Any) -> Any:
    """A dashboard marked restricted (as the money dashboard will be) to check the rule and the pages."""
    private = dataclasses.replace(DASHBOARDS["kpi"], slug="restricted-test", public=False)
    monkeypatch.setitem(DASHBOARDS, "restricted-test", private)
    return private


def test_public_dashboards_for_everyone_restricted_ones_for_officials(
    restricted: Any, users: Any, client_as: Any
) -> None:
    anonymous = Client()
    assert "/dashboards/restricted-test/" not in anonymous.get("/dashboards/").content.decode()
    response = anonymous.get("/dashboards/restricted-test/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert anonymous.get("/dashboards/restricted-test.csv").status_code == 302
    assert client_as("obuse-staff").get("/dashboards/restricted-test/").status_code == 403
    assert client_as("soumu-official").get("/dashboards/restricted-test/").status_code == 200
    assert "/dashboards/restricted-test/" in client_as("soumu-official").get("/dashboards/").content.decode()
    assert not policy.check(users["nagano-pref-staff"], "dashboards.view", restricted)
    assert policy.check(None, "dashboards.view", DASHBOARDS["migration-progress"])


def test_restricted_dashboard_api_is_401_for_anonymous(restricted: Any, api: Any, api_as: Any) -> None:
    assert api.get("/api/v1/dashboards/restricted-test/").status_code == 401
    assert api_as("obuse-staff").get("/api/v1/dashboards/restricted-test/").status_code == 403
    assert api_as("cao-official").get("/api/v1/dashboards/restricted-test/").status_code == 200


def test_figures_are_valid_plotly_with_a_colour_blind_safe_palette() -> None:
    bar = charts.stacked_bar(
        title="業務別", categories=["児童手当"], stacks=[("移行完了", charts.OKABE_ITO[2], [3])], axis_title="団体数"
    )
    go.Figure(bar)  # raises on any invalid property
    assert bar["data"][0]["marker"]["color"] in charts.OKABE_ITO
    choropleth = charts.choropleth(
        title="地図", geojson_url="/static/x.geojson", codes=["20"], names=["長野県"], values=[1], unit="%"
    )
    go.Figure(choropleth)
    go.Figure(charts.line(title="推移", x=["2026-02-01"], lines=[("割合", charts.OKABE_ITO[0], [1])], axis_title="%"))
    go.Figure(
        charts.grouped_bar(title="帯", categories=["a"], groups=[("割合", charts.OKABE_ITO[0], [1])], axis_title="%")
    )
    legend, classify = charts.colour_bins([0, 10, 50])
    assert (
        len(legend) == 5
        and classify(50) == (charts.SEQUENTIAL[-1], "#FFFFFF")
        and classify(0)[0] == charts.SEQUENTIAL[0]
    )


def test_plotly_js_comes_from_the_installed_package_and_the_map_from_fixtures() -> None:
    import plotly

    found = finders.find("dashboards/vendor/plotly.min.js")
    assert found and found.startswith(str(__import__("pathlib").Path(plotly.__file__).parent))
    assert finders.find("dashboards/geo/japan_prefectures.geojson")
    listed = {
        f"{getattr(storage, 'prefix', '')}/{path}"
        for finder in finders.get_finders()
        for path, storage in finder.list([])
    }
    assert {"dashboards/vendor/plotly.min.js", "dashboards/geo/japan_prefectures.geojson"} <= listed


def test_adoption_by_pattern_counts_in_use_only(no_catalog_data: Any, api: Any) -> None:
    a, b = f.system("test-vrs", Pattern.A), f.system("test-madoguchi", Pattern.B)
    std = f.system("test-juki", Pattern.STANDARDIZED)
    f.adoption(f.org("205419"), a)
    f.adoption(f.org("205419"), b)
    f.adoption(f.org("202177"), b)
    f.adoption(f.org("313289"), b, status="considering")  # not counted
    f.adoption(f.org("313289"), std)
    services.aggregates_build(metric="catalog_adoption", period=DAY)
    series = api.get("/api/v1/dashboards/catalog-adoption/").json()["series"]
    assert {r["pattern"]: (r["adoptions"], r["organizations"]) for r in series} == {
        "A": (1, 1),
        "B": (2, 2),
        "standardized": (1, 1),
        "individual": (0, 0),
    }
    nagano = api.get("/api/v1/dashboards/catalog-adoption/", {"prefecture": "20"}).json()["series"]
    assert {r["pattern"]: r["adoptions"] for r in nagano} == {"A": 1, "B": 2, "standardized": 0, "individual": 0}
    html = Client().get("/dashboards/catalog-adoption/").content.decode()
    assert "集計日時" in html and 'href="?prefecture=31"' in html


def test_the_systems_table_shows_the_most_used_and_links_to_every_row(
    no_catalog_data: Any, api: Any, monkeypatch: Any
) -> None:
    from dashboards.selectors import catalog_adoption

    monkeypatch.setattr(catalog_adoption, "SYSTEMS_SHOWN", 2)  # nationally 50 of about 10,000
    busy, used, rare = (
        f.system("test-busy", Pattern.A),
        f.system("test-used", Pattern.B),
        f.system("test-rare", Pattern.A),
    )
    for code in ("205419", "202177", "313289"):
        f.adoption(f.org(code), busy)
    for code in ("205419", "202177"):
        f.adoption(f.org(code), used)
    f.adoption(f.org("205419"), rare)
    services.aggregates_build(metric="catalog_adoption", period=DAY)

    html = Client().get("/dashboards/catalog-adoption/").content.decode()
    section = html[html.index('aria-labelledby="figure-systems-title"') :]
    section = section[: section.index("</section>")]
    assert "システム別の利用中の導入件数（全国）：導入件数の多い上位2件" in section
    assert "/catalog/systems/test-busy/" in section and "/catalog/systems/test-used/" in section
    assert "/catalog/systems/test-rare/" not in section
    assert "表にない1件を含むすべての行は" in section
    assert 'href="/dashboards/catalog-adoption.csv?chart=systems"' in section
    assert 'href="/api/v1/dashboards/catalog-adoption/?chart=systems"' in section
    assert 'aria-describedby="figure-systems-omitted"' in section

    csv_text = Client().get("/dashboards/catalog-adoption.csv?chart=systems").content.decode("utf-8-sig")
    assert "test-rare" in csv_text and len(csv_text.strip().splitlines()) == 1 + 3
    series = api.get("/api/v1/dashboards/catalog-adoption/", {"chart": "systems"}).json()["series"]
    assert [(r["system"], r["adoptions"]) for r in series] == [("test-busy", 3), ("test-used", 2), ("test-rare", 1)]
    english = Client().get("/dashboards/catalog-adoption/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Every row, including the 1 not in the table, is in the" in english
    assert english.count("Only adoptions in use are counted (not those") == 1  # the translation said it four times


def test_kpi_survey_is_seeded_once_with_owner_and_labelled_target(db: Any) -> None:
    load_publication_survey()
    load_publication_survey()
    assert Kpi.objects.count() == 4 and KpiObservation.objects.count() == 4
    kpi = Kpi.objects.get(code="publication-status-any")
    assert kpi.owner.name == "総務省" and "仮置き" in kpi.target_source
    assert kpi.observations.get().value == 53


def test_demo_seed_ends_with_the_dashboards_built(db: Any) -> None:
    demo.seed(scale="demo", stdout=io.StringIO())
    assert set(Build.objects.filter(status="done").values_list("metric", flat=True)) == {
        "migration_progress",
        "catalog_adoption",
        "joint_procurement",
        "kpi",
        "subsidy_budget",
    }
    assert "終了した全事業の効果を公表した団体の割合" in Client().get("/dashboards/kpi/").content.decode()


def test_officials_manage_kpis_in_the_admin_others_cannot(client_as: Any, db: Any) -> None:
    load_publication_survey()
    official = client_as("soumu-official")
    assert official.get("/admin/dashboards/kpi/").status_code == 200
    assert official.get("/admin/dashboards/kpiobservation/").status_code == 200
    assert official.get("/admin/dashboards/build/").status_code == 200
    assert official.get("/admin/dashboards/build/add/").status_code == 403
    assert client_as("nagano-pref-staff").get("/admin/dashboards/kpi/").status_code in (302, 403)


def test_the_kpi_chart_draws_the_way_to_each_target(db: Any) -> None:
    load_publication_survey()
    services.aggregates_build(metric="kpi", period=DAY)
    html = Client().get("/dashboards/kpi/").content.decode()
    import json
    import re

    figure = json.loads(
        re.search(r'id="figure-observations-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    go.Figure(figure)
    target = next(t for t in figure["data"] if t["name"] == "終了した全事業の実施状況を公表した団体の割合（目標）")
    assert target["x"] == ["2022-01-01", "2028-03-31"] and target["y"] == [20, 100] and target["line"]["dash"] == "dash"


def test_joint_procurement_trend_counts_public_cases_and_committed_municipalities(db: Any, api: Any) -> None:
    from procurement.models import JointProcurement, Participation, ProcurementCategory

    JointProcurement.objects.all().delete()
    category, _created = ProcurementCategory.objects.get_or_create(
        slug="e_bidding", defaults={"name": "電子入札・電子調達"}
    )
    nagano, tottori = f.org("200000"), f.org("310000")

    def case(lead: Any, status: str) -> Any:
        return JointProcurement.objects.create(
            lead_prefecture=lead, title="共同調達", category=category, method="proposal", status=status
        )

    first, second = case(nagano, "recruiting"), case(tottori, "operating")
    hidden = case(nagano, "planning")  # not public yet: not counted
    for procurement, code, status in [
        (first, "205419", "committed"),
        (first, "202177", "committed"),
        (first, "202011", "declined"),
        (second, "313289", "committed"),
        (hidden, "202100", "committed"),
    ]:
        Participation.objects.create(procurement=procurement, municipality=f.org(code), status=status)
    services.aggregates_build(metric="joint_procurement", period=DAY)
    trend = api.get("/api/v1/dashboards/joint-procurement/").json()
    assert trend["series"] == [{"period": "2026-02-01", "procurements": 2, "municipalities": 3}]
    nagano_only = api.get("/api/v1/dashboards/joint-procurement/", {"prefecture": "20", "chart": "categories"}).json()
    row = next(r for r in nagano_only["series"] if r["category"] == "e_bidding")
    assert (row["procurements"], row["municipalities"]) == (1, 2)
    html = Client().get("/dashboards/joint-procurement/").content.decode()
    assert "割合や順位は示しません" in html and "%" not in "".join(re.findall(r"<td[^>]*>(.*?)</td>", html))
