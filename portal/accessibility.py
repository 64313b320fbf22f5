"""The latest automated accessibility checks, as the browser tests recorded them (tests/browser/harness.py).

Each test module writes ACCESSIBILITY_RESULTS_DIR/<module>.json; the accessibility page shows, per page and
language, the latest check (the worst one when several tests checked that page on that day).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Check:
    serious: int
    critical: int
    rules: tuple[str, ...]
    date: dt.date
    axe: str

    @property
    def problems(self) -> int:
        return self.serious + self.critical


@dataclass(frozen=True)
class PageResults:
    page: str
    by_language: dict[str, Check] = field(default_factory=dict)

    @property
    def ja(self) -> Check | None:
        return self.by_language.get("ja")

    @property
    def en(self) -> Check | None:
        return self.by_language.get("en")

    @property
    def date(self) -> dt.date:
        return max(check.date for check in self.by_language.values())


@dataclass(frozen=True)
class Results:
    pages: list[PageResults]

    @property
    def checks(self) -> list[Check]:
        return [check for page in self.pages for check in page.by_language.values()]

    @property
    def problems(self) -> int:
        return sum(check.problems for check in self.checks)

    @property
    def first_date(self) -> dt.date | None:
        return min((check.date for check in self.checks), default=None)

    @property
    def last_date(self) -> dt.date | None:
        return max((check.date for check in self.checks), default=None)

    @property
    def axe_versions(self) -> str:
        return "、".join(sorted({check.axe for check in self.checks}))


def latest_results() -> Results:
    """The recorded checks, read again only when a results file changes."""
    directory = Path(settings.ACCESSIBILITY_RESULTS_DIR)
    files = sorted(directory.glob("*.json")) if directory.is_dir() else []
    return _read(tuple((str(path), path.stat().st_mtime_ns) for path in files))


@lru_cache(maxsize=4)
def _read(files: tuple[tuple[str, int], ...]) -> Results:
    latest: dict[tuple[str, str], Check] = {}
    for path, _mtime in files:
        for row in json.loads(Path(path).read_text(encoding="utf-8"))["results"]:
            check = Check(
                serious=int(row["serious"]),
                critical=int(row["critical"]),
                rules=tuple(row["rules"]),
                date=dt.date.fromisoformat(row["date"]),
                axe=str(row["axe"]),
            )
            key = (row["page"], row["language"])
            earlier = latest.get(key)
            if earlier is None or (check.date, check.problems) > (earlier.date, earlier.problems):
                latest[key] = check
    pages: dict[str, PageResults] = {}
    for (page, language), check in sorted(latest.items()):
        pages.setdefault(page, PageResults(page)).by_language[language] = check
    return Results(pages=list(pages.values()))
