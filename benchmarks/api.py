"""API figures: list throughput (50 per page) and filing a 50-line claim, against one small object's detail."""

from __future__ import annotations

from .measure import Request, paired_server_times, paired_throughput
from .report import Figure

DETAIL = "/api/v1/organizations/{code}/"
LISTS = [
    ("catalog systems", "/api/v1/catalog/systems/?page_size=50"),
    ("claims", "/api/v1/subsidies/claims/?page_size=50"),
    ("organizations", "/api/v1/organizations/?page_size=50"),
]


def throughput_figures(base: str, *, official: dict[str, str]) -> list[Figure]:
    """Requests per second of each list, as the issue names them: claims as an official, the others anonymously."""
    figures = []
    for name, path in LISTS:
        headers = official if name == "claims" else {}
        who = "official" if headers else "anonymous"
        floor_path = DETAIL.format(code="131016")
        value, floor = paired_throughput(base, Request(path, headers), Request(floor_path, headers))
        figures.append(
            Figure(
                f"API list throughput: {name}, 50 per page, {who}",
                value,
                f"GET {floor_path} throughput ({who})",
                floor,
                ">= 0.3x",
                unit="req/s",
            )
        )
    return figures


def claim_body() -> dict[str, object]:
    """A standardization claim of 50 lines over the program's six categories (API.md "Subsidies")."""
    lines = [
        {
            "category": "ABCDEF"[n % 6],
            "description": f"標準準拠システムへの移行作業 第{n + 1}工程",
            "amount": 100_000 + n,
        }
        for n in range(50)
    ]
    return {"program": "standardization", "fiscal_year": 2026, "title": "性能測定用の申請", "line_items": lines}


def claim_figure(base: str, *, municipality: dict[str, str], code: str) -> Figure:
    """POST a 50-line claim (as municipality staff) against GET of its organization, same token."""
    floor_path = DETAIL.format(code=code)
    timing, floor = paired_server_times(
        base,
        Request("/api/v1/subsidies/claims/", municipality, method="POST", body=claim_body(), expect=201),
        Request(floor_path, municipality),
        repeat=20,
    )
    return Figure(
        "file a 50-line claim through the API: median",
        timing.median_s,
        f"GET {floor_path} median (same token)",
        floor.median_s,
        "<= 10x",
    )
