"""Bad input on the write endpoints: a 400 with a Japanese message, and nothing written.

NUL characters (PostgreSQL refuses them), lone surrogates, integers beyond bigint, wrong types, too-long fields
and bodies above DATA_UPLOAD_MAX_MEMORY_SIZE, sent as raw JSON the way a faulty script would send them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Adoption
from portal.models import ImportRecord, Organization
from procurement.models import JointProcurement, Participation
from subsidies.models import Claim
from tests.catalog.factories import make_system
from tests.subsidies.conftest import GOOD_LINES, programs, this_fiscal_year  # noqa: F401 - `programs` is a fixture

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
NUL = "申請\x00書"
SURROGATE = "申請\ud800書"
HUGE = 10**30  # beyond bigint


@dataclass
class Endpoint:
    """A write endpoint: who writes, where, a body that would succeed, and a snapshot of what it may change."""

    user: str
    url: Callable[[], str]
    body: Callable[[], dict[str, Any]]
    text_field: str
    integer_field: str
    snapshot: Callable[[], Any]


def _procurement_body() -> dict[str, Any]:
    return {
        "title": "長野県市町村 電子申請システム共同調達",
        "category": "e_application",
        "method": "proposal",
        "status": "recruiting",
        "participants": ["202177", "205419"],
        "estimated_amount": 12_000_000,
        "cost_sharing": {"equal": "0.3", "population": "0.7"},
    }


def _invitation() -> str:
    """小布施町's invitation to the procurement the `endpoints` fixture registers."""
    procurement = JointProcurement.objects.get(title="入力検査用の共同調達")
    return f"/api/v1/procurement/joint-procurements/{procurement.pk}/participation/"


ENDPOINTS = {
    "claims": Endpoint(
        user="obuse-staff",
        url=lambda: "/api/v1/subsidies/claims/",
        body=lambda: {
            "program": "standardization",
            "fiscal_year": this_fiscal_year(),
            "title": "標準化移行事業",
            "line_items": [GOOD_LINES[0]],
        },
        text_field="title",
        integer_field="fiscal_year",
        snapshot=lambda: Claim.objects.count(),
    ),
    "procurements": Endpoint(
        user="nagano-pref-staff",
        url=lambda: "/api/v1/procurement/joint-procurements/",
        body=_procurement_body,
        text_field="title",
        integer_field="estimated_amount",
        snapshot=lambda: JointProcurement.objects.count(),
    ),
    "participations": Endpoint(
        user="obuse-staff",
        url=_invitation,
        body=lambda: {"status": "interested", "comment": "前向きに検討します。", "usage_units": 120},
        text_field="comment",
        integer_field="usage_units",
        snapshot=lambda: list(Participation.objects.values_list("status", "comment", "usage_units")),
    ),
    "adoptions": Endpoint(
        user="obuse-staff",
        url=lambda: "/api/v1/catalog/adoptions/",
        body=lambda: {"system": "input-check-system", "status": "procuring", "note": "令和8年度に調達予定"},
        text_field="note",
        integer_field="",
        snapshot=lambda: Adoption.objects.count(),
    ),
}


@pytest.fixture
def endpoints(programs: Any, api_as: Any) -> dict[str, Endpoint]:  # noqa: F811 - the fixture imported above
    make_system(slug="input-check-system")
    body = _procurement_body() | {"title": "入力検査用の共同調達"}
    created = api_as("nagano-pref-staff").post("/api/v1/procurement/joint-procurements/", body, format="json")
    assert created.status_code == 201, created.json()
    return ENDPOINTS


def _send(api_as: Any, endpoint: Endpoint, body: dict[str, Any] | str) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)  # ASCII escapes: "\ud800" reaches the parser as is
    return api_as(endpoint.user).generic("POST", endpoint.url(), raw, content_type="application/json")


def _assert_refused(response: Any, field: str | None = None) -> None:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert JAPANESE.search(body["detail"]), body
    assert all(JAPANESE.search(message) for messages in body["errors"].values() for message in messages), body
    if field:
        assert any(key.startswith(field) for key in body["errors"]), body


BAD_VALUES = {
    "nul": lambda e: {e.text_field: NUL},
    "lone surrogate": lambda e: {e.text_field: SURROGATE},
    "too long": lambda e: {e.text_field: "長" * 5_000},
    "wrong type (object for text)": lambda e: {e.text_field: {"text": "x"}},
    "huge integer": lambda e: {e.integer_field: HUGE} if e.integer_field else {"since": HUGE},
    "wrong type (text for integer)": lambda e: {e.integer_field: "たくさん"} if e.integer_field else {"since": "昨日"},
    "nul in a key": lambda e: {"\x00": "x", e.text_field: NUL},
}


@pytest.mark.parametrize("bad", list(BAD_VALUES))
@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_bad_values_are_400_in_japanese_and_write_nothing(endpoints: Any, api_as: Any, name: str, bad: str) -> None:
    endpoint = endpoints[name]
    before = endpoint.snapshot()
    override = BAD_VALUES[bad](endpoint)
    response = _send(api_as, endpoint, endpoint.body() | override)
    _assert_refused(response)
    assert endpoint.snapshot() == before
    # The same body without the bad value is accepted: the refusal was about that value.
    assert _send(api_as, endpoint, endpoint.body()).status_code in (200, 201)


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_bodies_above_the_upload_limit_are_400(endpoints: Any, api_as: Any, name: str) -> None:
    endpoint = endpoints[name]
    before = endpoint.snapshot()
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = _send(api_as, endpoint, endpoint.body() | {endpoint.text_field: padding})
    _assert_refused(response)
    assert "大きすぎます" in response.json()["detail"]
    assert endpoint.snapshot() == before


@pytest.mark.parametrize("raw", ['{"title": ', "[1, 2", "\x00", '{"title": NaN}'])
def test_broken_json_is_400_in_japanese(endpoints: Any, api_as: Any, raw: str) -> None:
    endpoint = endpoints["claims"]
    before = endpoint.snapshot()
    _assert_refused(_send(api_as, endpoint, raw))
    assert endpoint.snapshot() == before


def test_surrogates_and_nul_in_query_strings_are_400(api: Any) -> None:
    response = api.get("/api/v1/organizations/", {"q": "小布施\x00"})
    _assert_refused(response, "q")
    page = api.get("/organizations/", {"q": "小布施\x00"})
    assert page.status_code == 400 and "NUL文字は使えません" in page.content.decode()


def test_imports_refuse_nul_and_oversized_fields_and_write_nothing(api_as: Any) -> None:
    client = api_as("nagano-pref-staff")
    before = (ImportRecord.objects.count(), Organization.objects.count())
    nul_name = client.post(
        "/api/v1/imports/caps/?dry_run=0",
        {"file": SimpleUploadedFile("caps.csv", b"organization\r\n"), "note\x00": "x"},
        format="multipart",
    )
    _assert_refused(nul_name)
    too_big = client.post(
        "/api/v1/imports/caps/?dry_run=0",
        {
            "file": SimpleUploadedFile("caps.csv", b"organization\r\n"),
            "note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        },
        format="multipart",
    )
    _assert_refused(too_big)
    assert (ImportRecord.objects.count(), Organization.objects.count()) == before


def test_page_forms_refuse_nul_with_a_japanese_page_and_save_nothing(client_as: Any) -> None:
    client = client_as("nagano-pref-staff")
    before = JointProcurement.objects.count()
    response = client.post("/procurement/new/", {"title": NUL, "category": "e_application"})
    assert response.status_code == 400
    assert "NUL文字は使えません" in response.content.decode()
    assert JointProcurement.objects.count() == before
