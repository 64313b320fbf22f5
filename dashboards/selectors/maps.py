"""By-prefecture figures: one chart that carries the choropleth, the tile-grid map and the table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.templatetags.static import static

from .. import charts
from .base import Cell, Chart, Column, Table, Tile, number_text, prefecture_tiles

GEOJSON_STATIC_PATH = "dashboards/geo/japan_prefectures.geojson"


def prefecture_map_chart(
    *,
    chart_id: str,
    title: str,
    columns: list[Column],
    rows: list[dict[str, Any]],
    value_key: str,
    unit: str,
    href: Callable[[str], str],
    note: str = "",
    published: str = "",
) -> Chart:
    """`rows` hold one dict per prefecture (key `prefecture_code`, and `prefecture` for the name)."""
    by_code = {r["prefecture_code"]: r for r in rows}
    values = [r[value_key] for r in rows]
    legend, classify = charts.colour_bins(values)
    tiles = []
    for code, name, col, row in prefecture_tiles():
        value = by_code[code][value_key] if code in by_code else None
        fill, ink = classify(value)
        short = name if name == "北海道" else name[:-1]
        tiles.append(Tile(code, short, col, row, number_text(value), fill, ink, href(code) if code in by_code else ""))
    figure = charts.choropleth(
        title=title,
        geojson_url=static(GEOJSON_STATIC_PATH),
        codes=[r["prefecture_code"] for r in rows],
        names=[r["prefecture"] for r in rows],
        values=values,
        unit=unit,
    )
    shown = [c for c in columns if c.key != "prefecture_code"]
    head = [Cell(c.label, numeric=c.numeric, header=True) for c in shown]
    body = []
    for r in rows:
        cells = []
        for c in shown:
            text = number_text(r[c.key])
            if c.key == "prefecture":
                cells.append(Cell(text, href=href(r["prefecture_code"]), header=True))
            else:
                cells.append(Cell(text, numeric=c.numeric))
        body.append(cells)
    return Chart(
        id=chart_id,
        title=title,
        columns=columns,
        rows=rows,
        table=Table(caption=title, head=head, body=body),
        figure=figure,
        note=note,
        published=published,
        tiles=tiles,
        legend=legend,
    )
