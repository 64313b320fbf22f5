"""PostgreSQL restarted under a running portal: clean 503s while it is down, recovery without a restart."""

import json
import urllib.error
import urllib.request

import pytest
from django.db import connection, connections

from conftest import require_service

from .services import postgres_up, start_postgres, stop_postgres

pytestmark = pytest.mark.services


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 - the test's own live server
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


@pytest.mark.django_db(transaction=True)
def test_requests_fail_cleanly_while_postgres_is_down_and_recover(live_server):
    require_service("PostgreSQL", connection.vendor == "postgresql" and postgres_up())
    base = live_server.url
    assert _get(base + "/organizations/205419/")[0] == 200

    connections.close_all()
    stop_postgres()
    try:
        status, content_type, body = _get(base + "/organizations/205419/")
        assert status == 503 and "text/html" in content_type and "一時的にご利用いただけません" in body
        status, content_type, body = _get(base + "/api/v1/organizations/205419/")
        assert status == 503 and json.loads(body)["detail"].startswith("データベースに接続できません")
        assert _get(base + "/healthz/")[0] == 503
    finally:
        start_postgres()
    connections.close_all()

    assert _get(base + "/healthz/")[0] == 200
    status, _, body = _get(base + "/organizations/205419/")
    assert status == 200 and "小布施町" in body
