"""Plotly figures and the tile-grid map, built as plain data from selector output (pure functions).

Colours: the Okabe–Ito palette for categories and a light-to-dark blue scale for maps, both readable with
the common colour-vision deficiencies. The figures are drawn by static/dashboards/charts.js.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
GREY = "#9E9E9E"
# Sequential blues (light to dark) for maps. Labels on the last two are white (contrast ≥ 4.5:1), on the others black.
SEQUENTIAL = ["#EFF3FF", "#BDD7E7", "#6BAED6", "#2171B5", "#08519C"]
FONT = '"Noto Sans JP", "Hiragino Sans", "Yu Gothic", Meiryo, sans-serif'


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title},
        "font": {"family": FONT, "size": 14},
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "margin": {"l": 10, "r": 10, "t": 90, "b": 50},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
        "separators": ".,",
    }
    layout.update(extra)
    return layout


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def stacked_bar(
    *,
    title: str,
    categories: Sequence[str],
    stacks: Sequence[tuple[str, str, Sequence[int]]],
    axis_title: str,
) -> dict[str, Any]:
    """Horizontal stacked bars: one bar per category, one segment per stack (name, colour, values)."""
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": list(categories),
            "x": [_number(v) for v in values],
            "marker": {"color": colour},
            "hovertemplate": "%{y}　" + name + "：%{x:,}<extra></extra>",
        }
        for name, colour, values in stacks
    ]
    height = max(300, 120 + 28 * len(categories))
    largest = max((sum(column) for column in zip(*(values for _n, _c, values in stacks), strict=True)), default=0)
    xaxis: dict[str, Any] = {"title": {"text": axis_title}, "tickformat": ",d", "rangemode": "tozero"}
    if largest < 10:
        xaxis["dtick"] = 1  # counts are whole numbers: no repeated 0, 0, 1, 1 ticks
    layout = _layout(
        title,
        barmode="stack",
        height=height,
        xaxis=xaxis,
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return {"data": data, "layout": layout}


def grouped_bar(
    *, title: str, categories: Sequence[str], groups: Sequence[tuple[str, str, Sequence[Any]]], axis_title: str
) -> dict[str, Any]:
    """Vertical grouped bars (one group per category, one bar per series: name, colour, values)."""
    data = [
        {
            "type": "bar",
            "name": name,
            "x": list(categories),
            "y": [_number(v) for v in values],
            "marker": {"color": colour},
        }
        for name, colour, values in groups
    ]
    layout = _layout(
        title,
        barmode="group",
        height=420,
        yaxis={"title": {"text": axis_title}, "automargin": True, "tickformat": ",", "rangemode": "tozero"},
        xaxis={"automargin": True, "tickangle": -45},
    )
    return {"data": data, "layout": layout}


def line(
    *, title: str, x: Sequence[str], lines: Sequence[tuple[str, str, Sequence[Any]]], axis_title: str
) -> dict[str, Any]:
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": list(x),
            "y": [_number(v) for v in values],
            "line": {"color": colour},
        }
        for name, colour, values in lines
    ]
    return {
        "data": data,
        "layout": _layout(
            title,
            height=360,
            yaxis={"title": {"text": axis_title}, "rangemode": "tozero", "automargin": True, "tickformat": ","},
        ),
    }


def dated_lines(
    *, title: str, lines: Sequence[tuple[str, str, Sequence[str], Sequence[Any], bool]], axis_title: str
) -> dict[str, Any]:
    """Lines that each carry their own dates: (name, colour, dates, values, dashed); dashed lines are targets."""
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": list(x),
            "y": [_number(v) for v in y],
            "line": {"color": colour, "dash": "dash" if dashed else "solid"},
        }
        for name, colour, x, y, dashed in lines
    ]
    layout = _layout(
        title,
        height=400,
        yaxis={"title": {"text": axis_title}, "rangemode": "tozero", "automargin": True, "tickformat": ","},
        xaxis={"type": "date"},
    )
    return {"data": data, "layout": layout}


def choropleth(
    *, title: str, geojson_url: str, codes: Sequence[str], names: Sequence[str], values: Sequence[Any], unit: str
) -> dict[str, Any]:
    """A map of Japan's prefectures coloured by value; the boundaries load from a static GeoJSON file."""
    data = [
        {
            "type": "choropleth",
            "geojson": geojson_url,
            "featureidkey": "properties.prefecture_code",
            "locations": list(codes),
            "z": [_number(v) for v in values],
            "text": list(names),
            "colorscale": [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
            "marker": {"line": {"color": "#555555", "width": 0.5}},
            "colorbar": {"title": {"text": unit}},
            "hovertemplate": "%{text}：%{z:,}" + unit + "<extra></extra>",
        }
    ]
    layout = _layout(
        title,
        height=520,
        # Japan's extent (122.9–154.0°E, 24.0–45.6°N) fixed, so the view never depends on the data.
        geo={
            "visible": False,
            "projection": {"type": "mercator"},
            "lonaxis": {"range": [128.0, 149.0]},
            "lataxis": {"range": [26.0, 45.8]},
        },
    )
    return {"data": data, "layout": layout}


def colour_bins(values: Sequence[Any]) -> tuple[list[tuple[str, str]], Any]:
    """Five equal bins from 0 to the largest value: the legend [(range text, colour)] and a classifier.

    Whole-number values (counts) get whole-number bins.
    """
    present = [v for v in values if v is not None]
    whole = all(isinstance(v, int) for v in present)
    top = max((float(v) for v in present), default=0.0)
    bins = len(SEQUENTIAL)
    step: float = (math.ceil(top / bins) or 1) if whole else (top / bins if top > 0 else 1.0)

    def classify(value: Any) -> tuple[str, str]:
        if value is None:
            return "#FFFFFF", "#000000"
        index = min(int(float(value) / step), bins - 1)
        return SEQUENTIAL[index], "#FFFFFF" if index >= 3 else "#000000"

    def bound(x: float) -> str:
        return f"{int(x):,}" if whole else f"{x:,.1f}"

    legend = [(f"{bound(step * i)}〜{bound(step * (i + 1))}", colour) for i, colour in enumerate(SEQUENTIAL)]
    return legend, classify
