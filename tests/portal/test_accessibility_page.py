"""The accessibility policy page states the standard and shows the axe checks the browser tests recorded."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from portal.accessibility import latest_results
from tests.browser.harness import RESULTS, page_name, record_axe_result


def _text(fragment: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", fragment).split()))


def _rows(response) -> dict[str, list[str]]:
    """The results table as {page: [Japanese, English, date]}."""
    section = response.content.decode().split('id="test-results"', 1)[1]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return {
        _text(row.split("</th>", 1)[0]): [_text(td) for td in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    }


@pytest.mark.django_db
def test_the_page_shows_the_recorded_checks_per_page_and_language(client, settings, tmp_path):
    settings.ACCESSIBILITY_RESULTS_DIR = tmp_path
    serious = [{"id": "color-contrast", "impact": "serious", "nodes": []}]
    for language, found in (("ja", []), ("en", serious)):
        record_axe_result(
            tmp_path,
            test="tests/browser/test_example.py::test_one",
            page="/procurement/<id>/",
            language=language,
            violations=found,
            axe_version="4.14.1",
            on=dt.date(2026, 11, 20),
        )
    record_axe_result(
        tmp_path,
        test="tests/other/test_browser.py::test_two",
        page="/dashboards/",
        language="ja",
        violations=[],
        axe_version="4.14.1",
        on=dt.date(2026, 11, 21),
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["browser.test_example.json", "other.test_browser.json"]

    response = client.get("/accessibility/")
    text = response.content.decode()
    assert "JIS X 8341-3:2016" in text and "WCAG 2.1" in text
    assert _rows(response) == {
        "/dashboards/": ["問題なし", "未試験", "2026-11-21"],
        "/procurement/<id>/": ["問題なし", "重大 1件・深刻 0件（color-contrast）", "2026-11-20"],
    }
    assert "axe-core 4.14.1" in text
    assert "試験日 2026-11-20 〜 2026-11-21" in _text(text)


@pytest.mark.django_db
def test_a_tests_new_run_replaces_its_old_results_and_a_later_check_wins(client, settings, tmp_path):
    settings.ACCESSIBILITY_RESULTS_DIR = tmp_path
    (tmp_path / "browser.test_old.json").write_text(
        json.dumps(
            {
                "module": "tests/browser/test_old.py",
                "results": [
                    {
                        "test": "test_three",
                        "page": "/gone/",
                        "language": "ja",
                        "serious": 2,
                        "critical": 1,
                        "rules": ["label"],
                        "date": "2026-01-01",
                        "axe": "4.10.0",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    record_axe_result(
        tmp_path,
        test="tests/browser/test_old.py::test_three",
        page="/catalog/",
        language="ja",
        violations=[],
        axe_version="4.14.1",
        on=dt.date(2026, 11, 22),
    )
    assert list(_rows(client.get("/accessibility/"))) == ["/catalog/"]


def test_page_names_hide_record_ids_and_keep_codes():
    base = "http://127.0.0.1:8000"
    assert page_name(base + "/procurement/123/") == "/procurement/<id>/"
    assert page_name(base + "/organizations/205419/") == "/organizations/205419/"
    assert page_name(base + "/dashboards/migration-progress/?prefecture=20") == (
        "/dashboards/migration-progress/?prefecture=20"
    )


@pytest.mark.django_db
def test_the_committed_results_are_all_listed(client):
    """The results in docs/accessibility/results (written by the browser tests) appear on the page."""
    results = latest_results()
    assert results.pages, "the browser tests have not recorded any results"
    rows = _rows(client.get("/accessibility/"))
    assert sorted(rows) == sorted(p.page for p in results.pages)
    recorded = {json.loads(p.read_text(encoding="utf-8"))["module"] for p in RESULTS.glob("*.json")}
    assert "tests/browser/test_journey_procurement.py" in recorded
    assert "tests/browser/test_journey_dashboard.py" in recorded
