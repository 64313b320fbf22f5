"""On PostgreSQL, substring search on the folded key is served by a trigram index (fast at 10,000 systems)."""

from __future__ import annotations

import pytest
from django.db import connection

from catalog.models import SharedSystem
from catalog.selectors import SystemQuery, system_search

from .factories import make_system

pytestmark = pytest.mark.django_db


def test_trigram_index_serves_the_search() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only; SQLite scans")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_sharedsystem_search_trgm'")
        row = cursor.fetchone()
    assert row is not None and "gin_trgm_ops" in row[0]
    SharedSystem.objects.bulk_create(
        SharedSystem(slug=f"bulk-{n}", name=f"業務システム{n}", name_kana="ギョウム", search_key=f"ぎょうむしすてむ{n}")
        for n in range(10_000)
    )
    make_system(name="窓口DX SaaS", kana="マドグチディーエックスサース", slug="madoguchi")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_sharedsystem")
        cursor.execute("SET enable_seqscan = off")  # ask the planner whether the index can serve the filter
        sql, params = SharedSystem.objects.filter(search_key__contains="まどぐち").values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(r[0] for r in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "catalog_sharedsystem_search_trgm" in plan
    assert [s.slug for s in system_search(user=None, query=SystemQuery(q="ﾏﾄﾞｸﾞﾁ"))] == ["madoguchi"]
