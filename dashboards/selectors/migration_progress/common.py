"""What the parts of the progress page share: statuses, labels, filtering the aggregate series."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from catalog.models import MigrationStatusValue

from ... import charts
from ...metrics.migration_progress import NO_DATA
from ...models import Build
from ..base import Cell, Chart, Column, Filters, Table, number_text, rows_of

STATUS_ORDER = [s.value for s in MigrationStatusValue]
STATUS_COLOURS = {
    "migrated": "#009E73",
    "migrating": "#56B4E9",
    "preparing": "#F0E442",
    "not_started": "#E69F00",
    "designated_hard": "#D55E00",
    NO_DATA: charts.GREY,
}
RATES = "progress_rates"
DESIGNATED = "designated_systems"


def status_labels() -> dict[str, str]:
    return {**{s.value: str(s.label) for s in MigrationStatusValue}, NO_DATA: _("データなし")}


def filtered(build: Build, series: str, filters: Filters, *, band: bool = True) -> Any:
    qs = rows_of(build, series)
    if filters.prefecture:
        qs = qs.filter(prefecture_code=filters.prefecture)
    if band and filters.population_band:
        qs = qs.filter(population_band=filters.population_band)
    if filters.business:
        qs = qs.filter(business=filters.business)
    return qs


def simple_table(
    caption: str, columns: list[Column], rows: list[dict[str, Any]], links: dict[str, Any] | None = None
) -> Table:
    links = links or {}
    head = [Cell(c.label, numeric=c.numeric, header=True) for c in columns]
    body = []
    for r in rows:
        cells = []
        for index, c in enumerate(columns):
            href = links[c.key](r) if c.key in links else ""
            cells.append(Cell(number_text(r[c.key]), numeric=c.numeric, href=href, header=index == 0))
        body.append(cells)
    return Table(caption=caption, head=head, body=body)


def empty_chart(chart_id: str, title: str) -> Chart:
    return Chart(chart_id, title, [], [], Table(title, [], []), None, note=_("集計対象のデータがありません。"))
