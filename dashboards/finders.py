"""Static files that live outside the app: plotly.js from the installed `plotly` package (so the browser
draws with the same version that built the figures) and the prefecture boundaries from fixtures/geo.

Works in a fresh clone after `pip install`: nothing is copied into the repository, and collectstatic and
WhiteNoise both find the files through this finder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly
from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


def _files() -> dict[str, Path]:
    """Static path → file on disk."""
    return {
        "dashboards/vendor/plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
        "dashboards/geo/japan_prefectures.geojson": settings.FIXTURES_DIR / "geo" / "japan_prefectures.geojson",
    }


class PackageFilesFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        found = _files().get(path)
        if found is None or not found.is_file():
            return [] if (find_all or kwargs.get("all")) else None
        return [str(found)] if (find_all or kwargs.get("all")) else str(found)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for static_path, source in _files().items():
            if not source.is_file():
                continue
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = str(Path(static_path).parent)  # type: ignore[attr-defined]
            yield source.name, storage
