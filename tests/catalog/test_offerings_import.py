"""Offerings import (officials): vendors by slug, the offering form's rules, all rows or none, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Offering
from portal.audit import audit_history
from portal.models import ImportRecord
from tests.catalog.factories import make_offering, make_system

HEADER = "識別子,システム,提供事業者,製品名,公開状況,参考価格（下限・円）,参考価格（上限・円）,マーケットプレイスのURL"

pytestmark = pytest.mark.django_db


@pytest.fixture
def systems(db: Any) -> Any:
    return make_system(slug="offer-import-system"), make_system(slug="offer-import-other")


def _post(client: Any, text: str, dry_run: int = 0) -> Any:
    upload = SimpleUploadedFile("提供.csv", text.encode("cp932"))
    return client.post(f"/api/v1/imports/offerings/?dry_run={dry_run}", {"file": upload}, format="multipart")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "offer-b,offer-import-system,no-such-vendor,製品B,,,,",
            (
                "vendor",
                "事業者「no-such-vendor」はポータルに登録されていません。事業者の識別子（例：demo-vendor）を入力してください。",
            ),
        ),
        (
            "offer-b,offer-import-system,demo-vendor,製品B,,500000,100000,",
            ("price_max", "参考価格の上限は下限以上にしてください。"),
        ),
        (
            "offer-b,offer-import-system,demo-vendor,製品B,,,,javascript:alert(1)",
            (
                "marketplace_url",
                "マーケットプレイスのURLは https:// で始まるアドレスで入力してください：javascript:alert(1)",
            ),
        ),
        (
            "offer-stored,offer-import-other,demo-vendor,製品B,,,,",
            (
                "slug",
                "識別子「offer-stored」はほかのシステムまたは事業者の提供サービスとして登録済みです。識別子を確認してください。",
            ),
        ),
    ],
)
def test_bad_offering_rows_give_the_exact_error_and_change_nothing(
    line: str, expected: tuple[str, str], api_as: Any, systems: Any
) -> None:
    make_offering(systems[0], slug="offer-stored")
    before = list(Offering.objects.order_by("pk").values_list())
    text = f"{HEADER}\r\noffer-a,offer-import-system,demo-vendor,製品A,,,,\r\n{line}\r\n"
    response = _post(api_as("soumu-official"), text)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 3, "field": expected[0], "message": expected[1]}]
    assert list(Offering.objects.order_by("pk").values_list()) == before


def test_officials_add_and_change_offerings_with_audit(api_as: Any, systems: Any) -> None:
    stored = make_offering(systems[0], slug="offer-stored", product_name="旧製品名", status="proposed")
    text = (
        f"{HEADER}\r\n"
        'offer-new,offer-import-system,demo-vendor,新製品,,100000,"300,000",https://example.jp/p\r\n'
        "offer-stored,offer-import-system,demo-vendor,新製品名,公開,,,\r\n"
    )
    client = api_as("soumu-official")
    assert _post(client, text, 1).json()["totals"] == {"new": 1, "update": 1, "skip": 0, "error": 0}
    response = _post(client, text)
    assert response.status_code == 200, response.content
    record = ImportRecord.objects.get(pk=response.json()["id"])
    added = Offering.objects.get(slug="offer-new")
    assert (added.vendor.slug, added.status, added.price_min, added.price_max) == (
        "demo-vendor",
        "proposed",
        100_000,
        300_000,
    )
    stored.refresh_from_db()
    assert (stored.product_name, stored.status) == ("新製品名", "published")
    assert audit_history(added).get(action="import").after["product_name"] == "新製品"
    change = audit_history(stored).get(action="import")
    assert (change.before["status"], change.after["status"]) == ("proposed", "published")
    assert change.comment == f"取り込み#{record.pk}（提供.csv）による変更"


def test_vendors_may_not_import_offerings(api_as: Any, systems: Any) -> None:
    text = f"{HEADER}\r\noffer-a,offer-import-system,demo-vendor,製品A,公開,,,\r\n"
    assert _post(api_as("vendor-demo"), text).status_code == 403
    assert not Offering.objects.filter(slug="offer-a").exists()
