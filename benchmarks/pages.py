"""Server time of the dashboards (pages and API twins) and of the catalog search, against `/about/`."""

from __future__ import annotations

from urllib.parse import quote

from .measure import Request, paired_server_times
from .report import Figure

# (slug, readable anonymously): subsidy-budget is restricted (anonymous visitors are sent to log in).
DASHBOARDS = [
    ("migration-progress", True),
    ("catalog-adoption", True),
    ("joint-procurement", True),
    ("kpi", True),
    ("subsidy-budget", False),
]
SEARCH = "住民基本台帳"
FLOOR = "/about/"


def _pair(base: str, label: str, figure: Request, floor: Request, *, p95_goal: str) -> list[Figure]:
    timing, about = paired_server_times(base, figure, floor)
    return [
        Figure(f"{label}: median", timing.median_s, f"GET {FLOOR} median (same user)", about.median_s, "<= 3x"),
        Figure(f"{label}: p95", timing.p95_s, f"GET {FLOOR} p95 (same user)", about.p95_s, p95_goal),
    ]


def dashboard_figures(base: str, *, official_page: dict[str, str], official_api: dict[str, str]) -> list[Figure]:
    """Each dashboard page and its API twin, as a national official and anonymously."""
    readers = [("official", official_page, official_api), ("anonymous", {}, {})]
    figures = []
    for slug, public in DASHBOARDS:
        for who, page_headers, api_headers in readers:
            if who == "anonymous" and not public:
                continue
            floor = Request(FLOOR, page_headers)
            figures += _pair(
                base,
                f"dashboard {slug} page, {who}",
                Request(f"/dashboards/{slug}/", page_headers),
                floor,
                p95_goal="-",
            )
            figures += _pair(
                base,
                f"dashboard {slug} API, {who}",
                Request(f"/api/v1/dashboards/{slug}/", api_headers),
                floor,
                p95_goal="-",
            )
    return figures


def search_figures(base: str) -> list[Figure]:
    """The catalog page searching a Japanese term, anonymously."""
    figure = Request(f"/catalog/?q={quote(SEARCH)}", {})
    return _pair(base, f"catalog search 「{SEARCH}」", figure, Request(FLOOR, {}), p95_goal="<= 3x")
