"""Helpers for the procurement tests: extra logins and a registered procurement."""

from __future__ import annotations

from typing import Any

import pytest

from portal.models import Organization, User


@pytest.fixture
def staff_of(db: Any) -> Any:
    """`staff_of("203211")`: a staff login of that organization (created for the test)."""

    def make(code: str) -> User:
        organization = Organization.objects.get(code=code)
        user, _created = User.objects.get_or_create(
            username=f"staff-{code}", defaults={"organization": organization, "full_name": f"職員 {code}"}
        )
        return user

    return make


@pytest.fixture
def register(api_as: Any) -> Any:
    """`register(**overrides)`: 長野県 registers a procurement through the API; returns its JSON."""

    def make(**overrides: Any) -> dict[str, Any]:
        payload = {
            "title": "長野県市町村 電子申請システム共同調達",
            "category": "e_application",
            "method": "proposal",
            "status": "recruiting",
            "participants": ["202177", "203211", "205419"],
            "estimated_amount": 12_000_000,
            "cost_sharing": {"equal": "0.3", "population": "0.7"},
        } | overrides
        response = api_as("nagano-pref-staff").post("/api/v1/procurement/joint-procurements/", payload, format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    return make
