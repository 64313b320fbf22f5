"""Tests of the template filters in portal/templatetags/japanese.py, rendered through a template engine."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import django
import pytest
from django.apps import apps
from django.conf import settings
from django.template import Context, Engine
from django.utils import timezone

from portal.templatetags import japanese as filters


@pytest.fixture(autouse=True)
def tokyo_time():
    # pytest-django normally sets Django up; without it (pytest -p no:django), do the minimum here.
    if not settings.configured:
        settings.configure(USE_TZ=True, TIME_ZONE="Asia/Tokyo", LANGUAGE_CODE="ja")
    if not apps.ready:
        django.setup()
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        yield


def render(source: str, **context: object) -> str:
    # A stand-alone engine, so the test needs neither INSTALLED_APPS nor a database.
    engine = Engine(libraries={"japanese": "portal.templatetags.japanese"})
    return engine.from_string("{% load japanese %}" + source).render(Context(context))


def test_yen_filters():
    assert render("{{ n|yen }}", n=1_234_567) == "1,234,567円"
    assert render("{{ n|yen_large }}", n=1_230_000_000) == "12.3億円"
    assert render("{{ n|yen_large }}", n=45_000_000) == "4,500万円"


def test_fiscal_year_filters():
    assert render("{{ fy|fy_label }}", fy=2019) == "令和元年度"
    assert render("{{ d|fiscal_year }}", d=date(2026, 3, 31)) == "2025"
    assert render("{{ d|fiscal_year|fy_label }}", d=date(2026, 4, 1)) == "令和8年度"


def test_wareki_filter():
    assert render("{{ d|wareki }}", d=date(2019, 5, 1)) == "令和元年5月1日"
    # 2019-04-30 15:00 UTC is already May 1 in Tokyo, the first day of 令和.
    assert render("{{ d|wareki }}", d=datetime(2019, 4, 30, 15, 0, tzinfo=UTC)) == "令和元年5月1日"
    assert render("{{ d|fiscal_year }}", d=datetime(2026, 3, 31, 15, 0, tzinfo=UTC)) == "2026"


@pytest.mark.parametrize("name", ["yen", "yen_large", "fy_label", "wareki", "fiscal_year"])
def test_none_renders_empty(name):
    assert render(f"[{{{{ v|{name} }}}}]", v=None) == "[]"
    assert getattr(filters, name)(None) == ""


def test_money_filters_refuse_non_int():
    # No floats for money: a wrong type is a bug to surface, not to hide as a blank.
    with pytest.raises(TypeError):
        filters.yen(Decimal("1.5"))
    with pytest.raises(TypeError):
        filters.yen_large(1.5)
