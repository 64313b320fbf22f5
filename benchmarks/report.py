"""The benchmark table: each figure against a floor measured in the same run."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


@dataclass
class Figure:
    figure: str
    value_s: float
    floor_s: float
    goal: str  # e.g. "<= 3x" or ">= 0.3x"
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.value_s / self.floor_s if self.floor_s else float("inf")

    @property
    def met(self) -> bool:
        sign, bound = self.goal.split()
        limit = float(bound.rstrip("x"))
        return self.ratio <= limit if sign == "<=" else self.ratio >= limit


def machine() -> dict[str, object]:
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "system": platform.platform(),
    }


def render(figures: list[Figure]) -> str:
    header = f"{'figure':<58} {'value':>10} {'floor':>10} {'ratio':>8} {'goal':>9} met"
    lines = [header, "-" * len(header)]
    for f in figures:
        lines.append(
            f"{f.figure:<58} {f.value_s:>10.4f} {f.floor_s:>10.4f} {f.ratio:>8.2f} {f.goal:>9} {'yes' if f.met else 'NO'}"
        )
    return "\n".join(lines)


def write(figures: list[Figure], extra: dict[str, object]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": {**machine(), **extra},
        "figures": [{**asdict(f), "ratio": round(f.ratio, 3), "met": f.met} for f in figures],
    }
    RESULTS.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
