"""The progress dashboard in a real browser: figures drawn from the static plotly.js, drill-down, axe clean."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboards import services
from tests.dashboards.conftest import progress_data  # noqa: F401 - the shared raw rows

from .harness import axe_violations


@pytest.mark.django_db(transaction=True)
def test_an_official_drills_down_and_every_chart_is_drawn(page, progress_data):  # noqa: F811
    services.aggregates_build_all(period=dt.date(2026, 2, 1))
    page.goto(page.base_url + "/dashboards/migration-progress/")
    page.wait_for_selector("#figure-status .main-svg")
    assert page.locator(".js-plotly-plot").count() == page.locator("[data-figure]").count() > 3
    page.wait_for_selector("#figure-prefectures .choroplethlayer path", state="attached")
    assert axe_violations(page) == []
    # Each prefecture is drawn as its own shape (outer rings wound for d3-geo; a wrong winding fills the globe).
    assert page.locator("#figure-prefectures .choroplethlayer path").count() == 47
    page.get_by_role("link", name="長野県").first.click()
    page.wait_for_load_state()
    assert "prefecture=20" in page.url
    page.get_by_role("link", name="小布施町").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "標準化の進捗（小布施町）"
    assert axe_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_charts_draw_under_the_portals_content_security_policy(browser, live_server, progress_data):  # noqa: F811
    services.aggregates_build_all(period=dt.date(2026, 2, 1))
    context = browser.new_context(locale="ja-JP")  # CSP enforced, unlike the axe page fixture
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.on(
        "request", lambda request: problems.append(request.url) if not request.url.startswith(live_server.url) else None
    )
    page.goto(live_server.url + "/dashboards/migration-progress/")
    page.wait_for_selector("#figure-prefectures .choroplethlayer path", state="attached")
    assert page.locator(".js-plotly-plot").count() == page.locator("[data-figure]").count()
    context.close()
    assert problems == []  # no CSP violation, no request leaving the portal (no CDN)


@pytest.mark.django_db(transaction=True)
def test_every_dashboard_passes_axe_in_japanese_and_english(page, progress_data, monkeypatch):  # noqa: F811
    from catalog.models import Pattern
    from dashboards.kpis import load_publication_survey
    from dashboards.selectors import catalog_adoption
    from tests.dashboards import factories as f

    load_publication_survey()
    # More systems than the page's table lists, so its note (rows left out, links to CSV and API) is checked too.
    monkeypatch.setattr(catalog_adoption, "SYSTEMS_SHOWN", 1)
    for slug in ("test-busy", "test-rare"):
        f.adoption(progress_data["obuse"], f.system(slug, Pattern.A))
    services.aggregates_build_all(period=dt.date(2026, 2, 1))
    for language in ("ja", "en"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
        for path in (
            "/dashboards/",
            "/dashboards/catalog-adoption/",
            "/dashboards/joint-procurement/",
            "/dashboards/kpi/",
            "/dashboards/migration-progress/?prefecture=31",
        ):
            page.goto(page.base_url + path)
            assert page.locator("html").get_attribute("lang") == language
            assert axe_violations(page) == [], f"{language} {path}"
            if path == "/dashboards/catalog-adoption/":
                assert page.locator("#figure-systems-omitted a").count() == 2
