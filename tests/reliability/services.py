"""Stopping and starting the machine's PostgreSQL and Redis from fault tests (which run serially, apart)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def stop_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # the shutdown closes the connection it came on
    _wait(lambda: not redis_up(), "Redis to stop")


def start_redis() -> None:
    if not redis_up():
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                "6379",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
            capture_output=True,
        )
    _wait(redis_up, "Redis to start")


def _cluster() -> str:
    return sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]


def postgres_up() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0


def stop_postgres() -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", "stop", "-m", "fast"],
        check=True,
        capture_output=True,
    )
    _wait(lambda: not postgres_up(), "PostgreSQL to stop")


def start_postgres() -> None:
    if not postgres_up():
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", "start"], check=True, capture_output=True
        )
    _wait(postgres_up, "PostgreSQL to start")


def _wait(condition, what: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout}s for {what}")
        time.sleep(0.2)
