"""Reads of organizations and people."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .japanese import search_key
from .models import Organization


def prefecture_filter(value: str) -> Q:
    """A `prefecture` filter value — the 2-digit number (`13`) or the 6-digit code (`130001`) — as a Q."""
    value = value.strip()
    number = value[:2] if len(value) == 6 else value.zfill(2)
    return Q(prefecture_code=number)


def organization_search(
    *, queryset: QuerySet[Organization], q: str = "", kind: str = "", prefecture: str = ""
) -> QuerySet[Organization]:
    """Organizations matching a name or kana query (folded), a kind and a prefecture."""
    if kind:
        queryset = queryset.filter(kind=kind)
    if prefecture:
        queryset = queryset.filter(prefecture_filter(prefecture))
    if q.strip():
        queryset = queryset.filter(search_key__contains=search_key(q))
    return queryset.select_related("prefecture")


def prefectures() -> QuerySet[Organization]:
    return Organization.objects.filter(kind="prefecture").order_by("code")
