"""Timing requests by their server time (the Server-Timing header), and throughput under a loopback load.

A figure and its floor are measured interleaved (one request of each in turn, or alternating load slices), so
that a burst of load from elsewhere on the machine slows both alike and the ratio stays meaningful.
"""

from __future__ import annotations

import http.client
import json
import re
import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

_DURATION = re.compile(r"dur=([0-9.]+)")


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    method: str = "GET"
    body: Any = None  # sent as JSON
    expect: int = 200


@dataclass
class Timing:
    median_s: float
    p95_s: float
    count: int


def connection(base: str) -> http.client.HTTPConnection:
    parts = urlsplit(base)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)


def send(conn: http.client.HTTPConnection, request: Request) -> http.client.HTTPResponse:
    headers = dict(request.headers)
    body = None
    if request.body is not None:
        body = json.dumps(request.body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    conn.request(request.method, request.path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    if response.status != request.expect:
        raise RuntimeError(f"{request.method} {request.path}: {response.status} (expected {request.expect})")
    return response


def _server_time(response: http.client.HTTPResponse) -> float:
    match = _DURATION.search(response.headers.get("Server-Timing", ""))
    if match is None:
        raise RuntimeError("no Server-Timing header")
    return float(match.group(1)) / 1000


def _timing(samples: list[float]) -> Timing:
    samples = sorted(samples)
    return Timing(statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], len(samples))


def paired_server_times(base: str, figure: Request, floor: Request, *, repeat: int = 30) -> tuple[Timing, Timing]:
    """Server times of `figure` and `floor`, one request of each in turn (after one warm-up of each)."""
    conn = connection(base)
    samples: tuple[list[float], list[float]] = ([], [])
    for index in range(repeat + 1):
        for samples_of, request in zip(samples, (figure, floor), strict=True):
            seconds = _server_time(send(conn, request))
            if index:
                samples_of.append(seconds)
    conn.close()
    return _timing(samples[0]), _timing(samples[1])


def _load(base: str, request: Request, *, clients: int, seconds: float) -> tuple[int, float]:
    """Requests completed by `clients` keep-alive connections in `seconds`, and the time it took."""
    done = [0] * clients
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def run(index: int) -> None:
        conn = connection(base)
        try:
            while time.monotonic() < stop:
                send(conn, request)
                done[index] += 1
        except (RuntimeError, OSError) as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(done), time.monotonic() - started


def paired_throughput(
    base: str, figure: Request, floor: Request, *, clients: int = 4, seconds: float = 4, rounds: int = 2
) -> tuple[float, float]:
    """Requests per second of `figure` and of `floor`, in alternating load slices of `seconds` each."""
    totals = [[0, 0.0], [0, 0.0]]
    for _round in range(rounds):
        for total, request in zip(totals, (figure, floor), strict=True):
            count, elapsed = _load(base, request, clients=clients, seconds=seconds)
            total[0] += count
            total[1] += elapsed
    return totals[0][0] / totals[0][1], totals[1][0] / totals[1][1]
