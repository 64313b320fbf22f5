"""`python -m benchmarks`: measure the portal on PostgreSQL against floors measured in the same run.

Uses DATABASE_URL's server with a database of its own (`<name>_bench`), built with `seed_demo --scale national`
unless `--reuse` keeps the one from a previous run. Prints the table and writes benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from .measure import throughput
from .report import Figure, render, write
from .server import ROOT, gunicorn


def _database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    if not base.startswith("postgres"):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    return base.rsplit("/", 1)[0] + "/" + base.rsplit("/", 1)[1] + "_bench"


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **env}, check=True)


def prepare(env: dict[str, str], *, reuse: bool, scale: str) -> float:
    """Create and fill the benchmark database; returns how long it took."""
    started = time.monotonic()
    if not reuse:
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "seed_demo", "--scale", scale)
    _manage(env, "collectstatic", "--no-input", "-v0")
    return time.monotonic() - started


def measure(base: str) -> list[Figure]:
    figures = []
    floor = throughput(base, "/api/v1/organizations/131016/")
    value = throughput(base, "/api/v1/organizations/?page_size=50")
    # Throughput: the figure is requests per second, so the ratio compares rates (higher is better).
    figures.append(Figure("API list throughput: organizations, 50 per page (req/s)", value, floor, ">= 0.3x"))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--reuse", action="store_true", help="keep the benchmark database of the previous run")
    parser.add_argument("--scale", choices=["demo", "national"], default="national")
    options = parser.parse_args()
    env = {"DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "portal.settings.base", "CONN_MAX_AGE": "60"}
    seconds = prepare(env, reuse=options.reuse, scale=options.scale)
    with gunicorn(env) as base:
        figures = measure(base)
    print(render(figures))
    write(figures, {"data_build_s": round(seconds, 1), "scale": options.scale})


if __name__ == "__main__":
    main()
