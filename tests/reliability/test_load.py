"""A bounded load run on loopback: 50 concurrent users mixing reads and writes for 60 seconds against gunicorn
(2 workers) on PostgreSQL. No response is a 5xx, every acknowledged write is in the database afterwards, and the
95th percentile of the response times is printed.

The users: 30 municipality staff reading the portal and answering one joint procurement's intent survey,
10 prefecture staff reading and registering new joint procurements, 10 anonymous visitors reading public pages.
Each user is a thread with its own connection (the stdlib client, as benchmarks/ uses); gunicorn's sync workers
close the connection after each response, so every request connects anew, as a browser behind a proxy would.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from benchmarks.server import gunicorn
from conftest import require_service
from portal.models import AuditEntry, Organization, User
from procurement.models import JointProcurement, Participation

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SECONDS = 60
MUNICIPAL_USERS, PREFECTURE_USERS, ANONYMOUS_USERS = 30, 10, 10
AMOUNT = 30_000_000
ANSWERS = ["interested", "committed", "declined"]


@dataclass
class Tally:
    """What every user saw: latencies, status counts, failures and the writes the server acknowledged."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    created: dict[int, str] = field(default_factory=dict)  # procurement id -> title
    answers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # municipality code -> acknowledged
    lock: threading.Lock = field(default_factory=threading.Lock)


class Visitor:
    """One simulated user: a connection, an optional token, and the tally it reports to."""

    def __init__(self, port: int, tally: Tally, token: str | None) -> None:
        self.port, self.tally = port, tally
        self.headers = {"Accept": "application/json", **({"Authorization": f"Token {token}"} if token else {})}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            with self.tally.lock:
                self.tally.failures.append(f"{method} {path}: {exc!r}")
            return 0, None
        elapsed = time.monotonic() - started
        if response.will_close:
            self.connection.close()  # the next request connects again
        with self.tally.lock:
            self.tally.latencies.append(elapsed)
            self.tally.statuses[response.status] += 1
            if response.status >= 500 or response.status not in (200, 201):
                self.tally.failures.append(f"{method} {path}: {response.status} {content[:300]!r}")
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(content) if is_json else None


def _run_users(count: int, make: Callable[[], Callable[[], None]], stop: float) -> list[threading.Thread]:
    def loop(step: Callable[[], None]) -> None:
        while time.monotonic() < stop:
            step()

    return [threading.Thread(target=loop, args=(make(),)) for _ in range(count)]


def test_fifty_users_for_a_minute_no_5xx_and_no_lost_write(capsys: Any, api_as: Any) -> None:
    require_service("PostgreSQL", connection.vendor == "postgresql", "gunicorn's workers read the test database")
    rng = random.Random(10)
    nagano = list(
        Organization.objects.filter(prefecture__code="200000", kind="municipality")
        .order_by("code")
        .values_list("code", flat=True)[:MUNICIPAL_USERS]
    )
    registered = api_as("nagano-pref-staff").post(
        "/api/v1/procurement/joint-procurements/",
        {
            "title": "負荷試験 共同調達",
            "category": "e_application",
            "method": "proposal",
            "status": "recruiting",
            "participants": nagano,
            "estimated_amount": AMOUNT,
            "cost_sharing": {"equal": "0.5", "usage": "0.5"},
        },
        format="json",
    )
    assert registered.status_code == 201, registered.content
    survey = registered.json()["id"]
    municipal_tokens = {
        code: Token.objects.create(
            user=User.objects.create(username=f"load-{code}", organization=Organization.objects.get(code=code))
        ).key
        for code in nagano
    }
    prefecture_token = Token.objects.get_or_create(user=User.objects.get(username="nagano-pref-staff"))[0].key
    procurements_before = JointProcurement.objects.count()
    answers_before = AuditEntry.objects.filter(target_id=str(survey), action="answer").count()

    db = connection.settings_dict
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CONN_MAX_AGE": "60",
    }
    tally = Tally()
    public_reads = [
        "/",
        "/organizations/205419/",
        "/procurement/",
        f"/procurement/{survey}/",
        "/api/v1/organizations/?kind=municipality&prefecture=20",
        "/api/v1/procurement/joint-procurements/",
        "/api/v1/dashboards/joint-procurement/",
    ]
    with gunicorn(env) as base:
        port = int(base.rsplit(":", 1)[1])
        stop = time.monotonic() + SECONDS
        codes = iter(nagano)

        def municipal() -> Callable[[], None]:
            code = next(codes)
            user = Visitor(port, tally, municipal_tokens[code])

            def step() -> None:
                user.request("GET", rng.choice([*public_reads, f"/api/v1/procurement/joint-procurements/{survey}/"]))
                if rng.random() < 0.3:
                    answer = {
                        "status": rng.choice(ANSWERS),
                        "usage_units": rng.randint(0, 1000),
                        "comment": uuid.uuid4().hex,
                    }
                    status, _body = user.request(
                        "POST", f"/api/v1/procurement/joint-procurements/{survey}/participation/", answer
                    )
                    if status == 200:
                        with tally.lock:
                            tally.answers.setdefault(code, []).append(answer)

            return step

        def prefecture() -> Callable[[], None]:
            user = Visitor(port, tally, prefecture_token)

            def step() -> None:
                user.request("GET", rng.choice([*public_reads, f"/api/v1/procurement/joint-procurements/{survey}/"]))
                if rng.random() < 0.2:
                    title = f"負荷試験 {uuid.uuid4().hex[:12]}"
                    status, body = user.request(
                        "POST",
                        "/api/v1/procurement/joint-procurements/",
                        {
                            "title": title,
                            "category": "e_application",
                            "method": "proposal",
                            "status": "planning",
                            "participants": [rng.choice(nagano)],
                            "estimated_amount": rng.randint(1, 10**8),
                            "cost_sharing": {"equal": "1"},
                        },
                    )
                    if status == 201:
                        with tally.lock:
                            tally.created[body["id"]] = title

            return step

        def anonymous() -> Callable[[], None]:
            user = Visitor(port, tally, None)
            return lambda: user.request("GET", rng.choice(public_reads))

        threads = [
            *_run_users(MUNICIPAL_USERS, municipal, stop),
            *_run_users(PREFECTURE_USERS, prefecture, stop),
            *_run_users(ANONYMOUS_USERS, anonymous, stop),
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - started

    latencies = sorted(tally.latencies)
    p50, p95 = latencies[len(latencies) // 2], latencies[int(0.95 * (len(latencies) - 1))]
    answered = sum(len(a) for a in tally.answers.values())
    with capsys.disabled():
        print(
            f"\nload: {len(threads)} users, {elapsed:.0f} s, {len(latencies)} requests "
            f"({len(latencies) / elapsed:.1f}/s), p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"statuses {dict(sorted(tally.statuses.items()))}, writes acknowledged: {len(tally.created)} "
            f"procurements + {answered} answers"
        )

    assert not [s for s in tally.statuses if s >= 500], tally.failures[:10]
    assert tally.failures == []
    assert len(tally.created) > 0 and answered > 0  # the run did write

    # Every acknowledged write is in the database.
    stored = dict(JointProcurement.objects.filter(pk__in=tally.created).values_list("pk", "title"))
    assert stored == tally.created
    assert JointProcurement.objects.count() == procurements_before + len(tally.created)
    assert AuditEntry.objects.filter(target_id=str(survey), action="answer").count() == answers_before + answered
    for code, answers in tally.answers.items():
        participation = Participation.objects.get(procurement_id=survey, municipality__code=code)
        last = answers[-1]  # each municipality's user answers one at a time: its last answer is the stored one
        assert (participation.status, participation.usage_units, participation.comment) == (
            last["status"],
            last["usage_units"],
            last["comment"],
        )
    shares = api_as("nagano-pref-staff").get(f"/api/v1/procurement/joint-procurements/{survey}/shares/").json()
    if shares:
        assert sum(s["share"] for s in shares) == AMOUNT
