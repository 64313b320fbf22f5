"""The issue's "Done when": register, answer, share to the yen, public dashboard, valid OCDS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from rest_framework.test import APIClient

from portal.models import AuditEntry, Organization

FIXTURES = Path(__file__).parent / "fixtures" / "ocds"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def ocds_validator() -> Draft4Validator:
    package_schema = json.loads((FIXTURES / "release-package-schema.json").read_text(encoding="utf-8"))
    release_schema = json.loads((FIXTURES / "release-schema.json").read_text(encoding="utf-8"))
    registry: Registry = Registry().with_resource(RELEASE_SCHEMA_URL, Resource.from_contents(release_schema, DRAFT4))
    return Draft4Validator(package_schema, registry=registry, format_checker=FormatChecker())


def assert_valid_ocds(package: dict[str, Any]) -> None:
    errors = sorted(ocds_validator().iter_errors(package), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def answer(user: Any, procurement_id: int, status: str, **extra: Any) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        f"/api/v1/procurement/joint-procurements/{procurement_id}/participation/",
        {"status": status, **extra},
        format="json",
    )


@pytest.mark.django_db
def test_prefecture_registers_municipalities_answer_shares_add_up_dashboard_and_ocds(
    api: APIClient, api_as: Any, users: dict[str, Any], staff_of: Any, register: Any, client: Any
) -> None:
    created = register()
    pk = created["id"]
    assert created["lead_prefecture"] == "200000"
    assert created["cost_sharing"] == {"equal": "0.3", "population": "0.7"}
    assert {p["municipality"]: p["status"] for p in created["participants"]} == {
        "202177": "invited",
        "203211": "invited",
        "205419": "invited",
    }

    # Each municipality answers the intent survey (意向調査).
    assert (
        answer(users["saku-staff"], pk, "committed", comment="参加します", standalone_estimate=9_000_000).status_code
        == 200
    )
    assert answer(users["obuse-staff"], pk, "interested", comment="庁内で検討中").status_code == 200
    assert answer(users["obuse-manager"], pk, "committed", standalone_estimate=3_000_000).status_code == 200
    assert answer(staff_of("203211"), pk, "committed").status_code == 200

    # The prefecture tenders and records the contract.
    pref = api_as("nagano-pref-staff")
    url = f"/api/v1/procurement/joint-procurements/{pk}/"
    assert pref.post(url + "transitions/", {"action": "start_tendering"}, format="json").status_code == 200
    version = pref.get(url).json()["version"]
    response = pref.patch(
        url,
        {
            "version": version,
            "awarded_vendor_name": "信州システム株式会社",
            "contract_amount": 10_000_001,
            "contract_date": "2026-03-02",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (
        pref.post(url + "transitions/", {"action": "record_contract"}, format="json").json()["status"] == "contracted"
    )

    # The shares add up to the contract amount to the yen: 30 % equally, 70 % by population.
    shares = api.get(url + "shares/").json()
    assert sum(s["share"] for s in shares) == 10_000_001
    assert [s["municipality"] for s in shares] == ["202177", "203211", "205419"]
    population = {o.code: o.population for o in Organization.objects.filter(code__in=["202177", "203211", "205419"])}
    total_population = sum(population.values())
    for row in shares:
        exact = 10_000_001 * (0.3 / 3 + 0.7 * population[row["municipality"]] / total_population)
        assert abs(row["share"] - exact) < 1.01
    saku = next(s for s in shares if s["municipality"] == "202177")
    assert saku["saving"] == 9_000_000 - saku["share"]
    assert "saving" not in next(s for s in shares if s["municipality"] == "203211")

    # The public dashboard shows the case, with counts and no percentages.
    page = client.get("/procurement/dashboard/?prefecture=20")
    assert page.status_code == 200
    text = page.content.decode()
    assert "長野県市町村 電子申請システム共同調達" in text
    assert "%" not in text.split('id="main"', 1)[1].split("</main>", 1)[0]

    # The OCDS package validates against the official 1.1.5 schema.
    package = api.get("/api/v1/procurement/ocds/?prefecture=20").json()
    assert_valid_ocds(package)
    release = next(r for r in package["releases"] if r["ocid"] == created["ocid"])
    assert release["contracts"][0]["value"] == {"amount": 10_000_001, "currency": "JPY"}
    buyers = {p["identifier"]["id"] for p in release["parties"] if "buyer" in p["roles"]}
    assert buyers == {"200000", "202177", "203211", "205419"}

    # Every step is in the audit trail.
    actions = list(AuditEntry.objects.filter(target_id=str(pk)).values_list("action", flat=True))
    assert actions.count("answer") == 4
    assert {"create", "invite", "update", "status:start_tendering", "status:record_contract"} <= set(actions)


@pytest.mark.django_db
def test_api_schema_names_the_procurement_endpoints(api: APIClient) -> None:
    schema = api.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/procurement/joint-procurements/",
        "/api/v1/procurement/joint-procurements/{id}/shares/",
        "/api/v1/procurement/joint-procurements/{id}/participation/",
        "/api/v1/procurement/ocds/",
    ):
        assert path in paths, path
    enums = schema["components"]["schemas"]
    assert enums["ProcurementStatusEnum"]["enum"] == [
        "planning",
        "recruiting",
        "tendering",
        "contracted",
        "operating",
        "ended",
    ]
    assert enums["ParticipationAnswerEnum"]["enum"] == ["interested", "committed", "declined", "withdrawn"]


@pytest.mark.django_db
def test_a_municipality_joining_makes_a_new_ocds_release(api: APIClient, users: dict[str, Any], register: Any) -> None:
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    created = register()
    first = api.get("/api/v1/procurement/ocds/?prefecture=20").json()["releases"][0]
    assert [p["identifier"]["id"] for p in first["parties"]] == ["200000"]
    later = timezone.now() + timedelta(minutes=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert answer(users["saku-staff"], created["id"], "committed").status_code == 200
    package = api.get("/api/v1/procurement/ocds/?prefecture=20").json()
    assert_valid_ocds(package)
    second = package["releases"][0]
    assert second["ocid"] == first["ocid"] and second["id"] != first["id"]
    assert {p["identifier"]["id"] for p in second["parties"]} == {"200000", "202177"}
    assert second["tender"]["procurementMethod"] == "selective"
    assert second["tender"]["procurementMethodDetails"] == "公募型プロポーザル"
    assert second["planning"]["budget"]["amount"] == {"amount": 12_000_000, "currency": "JPY"}
    assert second["tag"] == ["tender"] and second["initiationType"] == "tender" and second["language"] == "ja"
    assert second["ocid"].startswith("ocds-jpportal-")
