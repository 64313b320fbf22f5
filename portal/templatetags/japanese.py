"""Template filters for the Japanese conventions in portal.japanese: {% load japanese %}."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from portal import japanese

register = template.Library()


def _local_date(value: date) -> date:
    # An aware datetime is shown in the current time zone (Asia/Tokyo in the portal) before taking its date.
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


@register.filter
def yen(value: int | None) -> str:
    """Return int yen as 1,234,567円; "" for None."""
    return "" if value is None else japanese.format_yen(value)


@register.filter
def yen_large(value: int | None) -> str:
    """Return int yen as 12.3億円 / 4,500万円 / 999円; "" for None."""
    return "" if value is None else japanese.format_yen_large(value)


@register.filter
def fy_label(value: int | None) -> str:
    """Return the era name of a fiscal year, e.g. 令和7年度; "" for None."""
    return "" if value is None else japanese.fiscal_year_label(value)


@register.filter
def wareki(value: date | None) -> str:
    """Return a date or datetime (local time) as 令和7年4月1日; "" for None."""
    return "" if value is None else japanese.wareki(_local_date(value))


@register.filter
def fiscal_year(value: date | None) -> int | str:
    """Return the fiscal year (int) of a date or datetime (local time); "" for None."""
    return "" if value is None else japanese.fiscal_year(_local_date(value))
