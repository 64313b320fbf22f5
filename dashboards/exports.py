"""The CSV twin of a chart: exactly its numbers, UTF-8 with BOM (opens in Japanese Excel), formulas neutralized."""

from __future__ import annotations

import csv
import io
from typing import Any

from .selectors.base import Chart

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def chart_csv(chart: Chart) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralize(str(c.label)) for c in chart.columns])
    for row in chart.rows:
        writer.writerow([neutralize("" if row[c.key] is None else row[c.key]) for c in chart.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
