"""Timing a page by its server time (the Server-Timing header), and throughput under a loopback load."""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

_DURATION = re.compile(r"dur=([0-9.]+)")


@dataclass
class Timing:
    median_s: float
    p95_s: float
    count: int


def _connection(base: str) -> http.client.HTTPConnection:
    parts = urlsplit(base)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)


def server_times(base: str, path: str, *, headers: dict[str, str] | None = None, repeat: int = 30) -> Timing:
    """Median and 95th percentile of the server time of GET `path` (after one warm-up request)."""
    connection = _connection(base)
    samples = []
    for index in range(repeat + 1):
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        if index:
            samples.append(float(_DURATION.search(response.headers["Server-Timing"]).group(1)) / 1000)  # type: ignore[union-attr]
    samples.sort()
    return Timing(statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], len(samples))


def throughput(
    base: str, path: str, *, headers: dict[str, str] | None = None, clients: int = 4, seconds: float = 8
) -> float:
    """Completed GETs per second with `clients` keep-alive connections for `seconds`."""
    done = [0] * clients
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def run(index: int) -> None:
        connection = _connection(base)
        while time.monotonic() < stop:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{path}: {response.status}")
                return
            done[index] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(done) / (time.monotonic() - started)
