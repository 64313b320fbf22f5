"""The catalog search, cached under the catalog version (catalog/freshness.py): the matching systems in order with
the facet counts (six scans of the systems to compute), and the rendered results part of the page.

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

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from . import selectors

# Data entries live long (a change makes them unreachable anyway); rendered HTML shorter, so that a release
# changing the template is seen within minutes. Bump LAYOUT when SearchResults or the rendering changes shape.
DATA_SECONDS = 60 * 60
HTML_SECONDS = 10 * 60
LAYOUT = 1


@dataclass(frozen=True)
class SearchResults:
    ids: list[int]  # every matching system, in the search's sort order
    facet_counts: dict[str, dict[str, int]]
    areas: list[tuple[str, str]]


def _key(kind: str, version: str, *parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"catalog:{kind}:{LAYOUT}:{version}:{digest}"


def search_results(query: selectors.SystemQuery, *, version: str | None) -> SearchResults:
    """The search's matches and facet counts, from the cache when computed at this catalog version."""
    key = _key("search", version, query) if version else None
    found = cache.get(key) if key else None
    if isinstance(found, SearchResults):
        return found
    anonymous = AnonymousUser()
    found = SearchResults(
        ids=list(selectors.system_matches(user=anonymous, query=query).values_list("pk", flat=True)),
        facet_counts=selectors.facet_counts(user=anonymous, query=query),
        areas=selectors.area_choices(),
    )
    if key:
        cache.set(key, found, DATA_SECONDS)
    return found


def results_html(version: str | None, parts: tuple[object, ...], render: Callable[[], str]) -> SafeString:
    """HTML made by `render`, from the cache when rendered at this catalog version for the same `parts` (the
    request's query string and language)."""
    key = _key("search-html", version, *parts) if version else None
    html = cache.get(key) if key else None
    if not isinstance(html, str):
        html = render()
        if key:
            cache.set(key, html, HTML_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our template, with its own escaping
