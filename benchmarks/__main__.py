"""`python -m benchmarks`: measure the portal on PostgreSQL against floors measured in the same run.

Uses DATABASE_URL's server with a database of its own (`<name>_bench`), built with `seed_demo --scale national`
unless `--reuse` keeps the one from a previous run. Prints the table and writes benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import aggregates, api, auth, imports, jobs, pages
from .report import Figure, machine, render, write
from .server import ROOT, gunicorn

WEB_WORKERS = 2


def _database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    if not base.startswith("postgres"):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    return base + "_bench"


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **env}, check=True)


def prepare(env: dict[str, str], *, reuse: bool, scale: str) -> float:
    """Create and fill the benchmark database; returns how long it took."""
    started = time.monotonic()
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    if not reuse:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    _manage(env, "migrate", "--no-input", "-v0")
    if not reuse:
        _manage(env, "seed_demo", "--scale", scale)
    # Fresh statistics and no dead rows from earlier runs, as autovacuum would leave them (the generator fills tables
    # with COPY, and a reused database keeps the rows each import run replaced).
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", "VACUUM ANALYZE", name], check=True)
    _manage(env, "collectstatic", "--no-input", "-v0")
    return time.monotonic() - started


def database_mb(env: dict[str, str]) -> int:
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    sql = f"SELECT pg_database_size('{name}') / 1048576"
    result = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", sql], capture_output=True, text=True)
    return int(result.stdout.strip() or 0)


PARTS = ["build", "import", "dashboards", "search", "lists", "claim"]


def offline(env: dict[str, str], parts: list[str]) -> tuple[list[Figure], dict[str, object]]:
    """The figures measured inside Django, without the web server: the nightly build and the import."""
    figures: list[Figure] = []
    info: dict[str, object] = {}
    if "build" in parts:
        built, _peak = jobs.run(env, "aggregates")
        figures.append(aggregates.figure(built))
        info["aggregate_tables"] = built["tables"]
    if "import" in parts:
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "step-progress.csv")
            prepared, _peak = jobs.run(env, "import-prepare", path)
            copy, _peak = jobs.run(env, "import-copy", path)
            imported, peak_mb = jobs.run(env, "import-run", path)
        figures += imports.figures(prepared["rows"], imported, copy, peak_mb)
        info["import_rows_per_s"] = round(prepared["rows"] / imported["import_s"])
        info["import_peak_rss_mb"] = round(peak_mb)
    return figures, info


def online(base: str, parts: list[str]) -> list[Figure]:
    """The figures measured through gunicorn on loopback."""
    official_page = auth.session(base, "soumu-official")
    official_api = auth.token(base, "soumu-official")
    municipality = auth.token(base, "obuse-staff")
    figures: list[Figure] = []
    if "dashboards" in parts:
        figures += pages.dashboard_figures(base, official_page=official_page, official_api=official_api)
    if "search" in parts:
        figures += pages.search_figures(base)
    if "lists" in parts:
        figures += api.throughput_figures(base, official=official_api)
    if "claim" in parts:
        figures.append(api.claim_figure(base, municipality=municipality, code="205419"))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--reuse", action="store_true", help="keep the benchmark database of the previous run")
    parser.add_argument("--scale", choices=["demo", "national"], default="national")
    parser.add_argument(
        "--only",
        type=lambda text: text.split(","),
        default=PARTS,
        help=f"measure only these parts (comma-separated: {','.join(PARTS)}); results/latest.json is then not written",
    )
    options = parser.parse_args()
    started = time.monotonic()
    env = {
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "CONN_MAX_AGE": "60",
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
    data_build_s = prepare(env, reuse=options.reuse, scale=options.scale)
    unknown = sorted(set(options.only) - set(PARTS))
    if unknown:
        parser.error(f"unknown part: {', '.join(unknown)}")
    figures, info = offline(env, options.only)
    if set(options.only) - {"build", "import"}:
        with gunicorn(env, workers=WEB_WORKERS) as base:
            figures += online(base, options.only)
    info = {
        **machine(),
        "scale": options.scale,
        "web_workers": WEB_WORKERS,
        "data_build_s": round(data_build_s, 1),
        "database_mb": database_mb(env),
        **info,
        "benchmark_s": round(time.monotonic() - started, 1),
    }
    print(render(figures, info))
    if options.only == PARTS:
        write(figures, info)


if __name__ == "__main__":
    main()
