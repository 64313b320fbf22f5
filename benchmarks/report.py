"""The benchmark table: each figure against a floor measured in the same run."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


@dataclass
class Figure:
    figure: str
    value_s: float  # seconds; requests per second for throughput; MB for memory (see unit)
    floor: str  # what the figure is divided by
    floor_s: float
    goal: str  # "<= 3x", ">= 0.3x", or "-" for a figure reported without a goal
    unit: str = "s"

    @property
    def ratio(self) -> float:
        return self.value_s / self.floor_s if self.floor_s else float("inf")

    @property
    def met(self) -> bool | None:
        if self.goal == "-":
            return None
        sign, bound = self.goal.split()
        limit = float(bound.rstrip("x"))
        return self.ratio <= limit if sign == "<=" else self.ratio >= limit


def machine() -> dict[str, object]:
    server = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "postgresql": server or "unknown",
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _amount(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.1f} s"
    return f"{value:.1f} {unit}"


def render(figures: list[Figure], info: dict[str, object]) -> str:
    header = f"{'figure':<62} {'value':>11}  {'floor':<44} {'floor value':>11} {'ratio':>7} {'goal':>8} met"
    lines = [header, "-" * len(header)]
    for f in figures:
        met = {True: "yes", False: "NO", None: ""}[f.met]
        lines.append(
            f"{f.figure:<62} {_amount(f.value_s, f.unit):>11}  {f.floor:<44} {_amount(f.floor_s, f.unit):>11}"
            f" {f.ratio:>7.2f} {f.goal:>8} {met}"
        )
    lines.append("")
    lines.append("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    return "\n".join(lines)


def write(figures: list[Figure], info: dict[str, object]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": info,
        "figures": [
            {
                "figure": f.figure,
                "value_s": round(f.value_s, 6),
                "floor": f.floor,
                "floor_s": round(f.floor_s, 6),
                "unit": f.unit,
                "ratio": round(f.ratio, 3),
                "goal": f.goal,
                "met": f.met,
            }
            for f in figures
        ],
    }
    RESULTS.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
