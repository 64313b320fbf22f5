"""The CSV twin of a chart: exactly its numbers, UTF-8 with BOM (opens in Japanese Excel), formulas neutralized."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

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
    header: list[Any] = []
    for c in chart.columns:
        header.append(str(c.label))
        if c.key in chart.labels:
            header.append(_("%(column)s（名称）") % {"column": c.label})
    writer.writerow([neutralize(h) for h in header])
    for row in chart.rows:
        cells: list[Any] = []
        for c in chart.columns:
            value = row[c.key]
            cells.append("" if value is None else value)
            if c.key in chart.labels:
                cells.append(chart.labels[c.key].get(value, ""))
        writer.writerow([neutralize(cell) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
