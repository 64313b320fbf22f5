"""The catalog's searches, cached under the catalog version (catalog/freshness.py): the page's matching systems in
order with the facet counts (six scans of the systems to compute) and its rendered search form and results, and
the systems list of the API.

Every change to the catalog gives it a new version token and the keys below contain it, so the next request
computes afresh: nothing cached is older than the data. The token is read before the data, so results computed
while a change commits are at worst newer than their token, never older. Systems, business areas and the counts
shown (in-use adoptions, published offerings) are public (catalog/rules.py): results are computed as an anonymous
visitor and one entry serves everyone. When the cache is down every request computes (portal/cache.py turns its
errors into misses); without a version row (a flushed database) nothing is cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from . import selectors

# Data entries live long (a change makes them unreachable anyway); rendered HTML shorter, so that a release
# changing the template is seen within minutes. Bump LAYOUT when SearchResults or the rendering changes shape.
DATA_SECONDS = 60 * 60
HTML_SECONDS = 10 * 60
LAYOUT = 1
T = TypeVar("T")


@dataclass(frozen=True)
class SearchResults:
    ids: list[int]  # every matching system, in the search's sort order
    facet_counts: dict[str, dict[str, int]]
    areas: list[tuple[str, str]]


def _key(kind: str, version: str, *parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"catalog:{kind}:{LAYOUT}:{version}:{digest}"


def search_results(query: selectors.SystemQuery, *, version: str | None) -> SearchResults:
    """The search's matches and facet counts."""

    def compute() -> SearchResults:
        anonymous = AnonymousUser()
        return SearchResults(
            ids=list(selectors.system_matches(user=anonymous, query=query).values_list("pk", flat=True)),
            facet_counts=selectors.facet_counts(user=anonymous, query=query),
            areas=selectors.area_choices(),
        )

    return cached("search", version, (query,), compute, DATA_SECONDS)


def cached(kind: str, version: str | None, parts: tuple[object, ...], compute: Callable[[], T], seconds: int) -> T:
    """What `compute` gives, from the cache when computed at this catalog version for the same `parts`. A None
    from `compute` is returned and not kept."""
    key = _key(kind, version, *parts) if version else None
    found = cache.get(key) if key else None
    if found is not None:
        return cast(T, found)
    found = compute()
    if key and found is not None:
        cache.set(key, found, seconds)
    return found


def results_html(version: str | None, parts: tuple[object, ...], render: Callable[[], str]) -> SafeString:
    """HTML made by `render`, cached for the same `parts` (the request's query string and language)."""
    return mark_safe(cached("search-html", version, parts, render, HTML_SECONDS))  # noqa: S308 - our template's
