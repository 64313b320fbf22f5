"""What the catalog shows stays in step with its data: each system's stored count of organizations using it is
kept by every writer, and the cached search shows a change on the very next page load (catalog/freshness.py,
catalog/search_results.py). The imports' side is in tests/imports/test_catalog_kinds.py."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.test import Client, override_settings

from catalog import services
from catalog.freshness import adoptions_recount
from catalog.models import Adoption, BusinessArea, CatalogVersion, SharedSystem
from portal.models import Organization, OrganizationKind, User

from .factories import adopt, make_offering, make_system, municipalities

pytestmark = pytest.mark.django_db

SEARCH = "センドカクニン"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
ROW_COUNTS = re.compile(r'<td class="num">([\d,]+)</td>\s*<td class="num">(\d+)</td>')


def _stored(system: SharedSystem) -> int:
    return SharedSystem.objects.get(pk=system.pk).adoption_count


def _real(system: SharedSystem) -> int:
    return Adoption.objects.filter(system=system, status="in_use").count()


def _search(client: Client, **params: str) -> str:
    response = client.get("/catalog/", {"q": SEARCH, **params})
    assert response.status_code == 200
    return response.content.decode()


def _row_counts(page: str) -> tuple[int, int]:
    """(organizations using it, published offerings) of the only system found."""
    [(adopters, offerings)] = ROW_COUNTS.findall(page)
    return int(adopters.replace(",", "")), int(offerings)


@pytest.fixture
def system() -> SharedSystem:
    return make_system(
        name="鮮度確認システム", kana="センドカクニンシステム", slug="freshness-check", areas=("counter",)
    )


# The stored count -----------------------------------------------------------------------------------


def test_count_follows_adoptions_recorded_changed_and_removed(users: Any, system: SharedSystem) -> None:
    staff = users["obuse-staff"]
    services.adoption_save(actor=staff, organization=staff.organization, system=system, status="in_use")
    adopt("202177", system)  # straight through the ORM, as the shell or a fixture would
    adopt("202088", system, status="considering")
    assert _stored(system) == _real(system) == 2
    mine = services.adoption_save(actor=staff, organization=staff.organization, system=system, status="retired")
    assert _stored(system) == _real(system) == 1
    services.adoption_save(actor=staff, organization=staff.organization, system=system, status="in_use")
    assert _stored(system) == 2
    services.adoption_delete(actor=staff, adoption=Adoption.objects.get(pk=mine.pk))
    assert _stored(system) == _real(system) == 1


def test_count_drops_when_an_adopting_organization_is_deleted(system: SharedSystem) -> None:
    town = Organization.objects.create(slug="freshness-town", kind=OrganizationKind.MUNICIPALITY, name="鮮度町")
    adopt(town, system)
    adopt("202177", system)
    assert _stored(system) == 2
    town.delete()  # its adoptions go with it (cascade)
    assert _stored(system) == _real(system) == 1


def test_saving_a_system_from_an_old_copy_keeps_its_count(users: Any, system: SharedSystem) -> None:
    old_copy = SharedSystem.objects.get(pk=system.pk)
    for org in municipalities(prefecture_code="20", limit=3):
        adopt(org, system)
    services.system_save(
        actor=users["soumu-official"],
        system=old_copy,
        data={"name": "鮮度確認システム（改）"},
        business_areas=list(BusinessArea.objects.filter(slug="counter")),
    )
    assert _stored(system) == _real(system) == 3


def test_recount_repairs_counts_written_behind_the_models_back(system: SharedSystem) -> None:
    adopt("202177", system)
    SharedSystem.objects.filter(pk=system.pk).update(adoption_count=99)
    adoptions_recount()
    assert _stored(system) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers; SQLite serializes them")
@pytest.mark.django_db(transaction=True)
def test_two_organizations_adopting_at_the_same_moment_are_both_counted() -> None:
    """The first transaction has counted and not yet committed when the second counts: the second must wait for it
    and count both (counting with its own snapshot would give 1). The tables are emptied afterwards;
    tests/catalog/conftest.py loads the data again for the next test."""
    shared = make_system(slug="freshness-race")
    first_counted, second_started = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                adopt("202177", shared)
                first_counted.set()
                second_started.wait(timeout=10)
                time.sleep(0.5)  # the second is now waiting for this transaction's lock on the system
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_counted.wait(timeout=10)
            second_started.set()
            adopt("202088", shared)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert _stored(shared) == _real(shared) == 2


def test_national_officials_and_visitors_see_the_same_count(api: Any, api_as: Any, system: SharedSystem) -> None:
    adopt("202177", system)
    adopt("202088", system, status="procuring")  # private to the organization: never counted
    for client in (api, api_as("soumu-official")):
        [row] = client.get("/api/v1/catalog/systems/", {"q": SEARCH}).json()["results"]
        assert row["adoption_count"] == 1


# The cached search ----------------------------------------------------------------------------------


def test_search_page_shows_each_kind_of_change_at_once(users: Any, system: SharedSystem) -> None:
    client = Client()
    assert _row_counts(_search(client)) == (0, 0)
    adopt("202177", system)
    assert _row_counts(_search(client)) == (1, 0)
    offering = make_offering(system, status="proposed", price_min=100_000, price_max=200_000)
    assert _row_counts(_search(client)) == (1, 0)
    services.offering_publish(actor=users["soumu-official"], offering=offering)
    page = _search(client)
    assert _row_counts(page) == (1, 1)
    assert '100万円未満<span class="facet-count">（1）' in page
    services.system_save(
        actor=users["soumu-official"],
        system=SharedSystem.objects.get(pk=system.pk),
        data={"name": "鮮度確認クラウド"},
        business_areas=list(BusinessArea.objects.filter(slug="library")),
    )
    page = _search(client, business_area="library")
    assert "鮮度確認クラウド" in page and "1件のシステム" in page
    make_system(name="鮮度確認システム二号", kana="センドカクニンシステムニゴウ")
    assert "2件のシステム" in _search(client)
    SharedSystem.objects.get(slug="freshness-check").delete()
    assert "1件のシステム" in _search(client)


def test_a_repeated_search_is_read_from_the_cache(system: SharedSystem, django_assert_max_num_queries: Any) -> None:
    client = Client()
    first = _search(client, sort="name")
    with django_assert_max_num_queries(1):  # the catalog version; the rest comes from the cache
        again = _search(client, sort="name")
    assert CSRF_TOKEN.sub("", again) == CSRF_TOKEN.sub("", first)


def test_each_language_gets_its_own_results(system: SharedSystem) -> None:
    japanese = _search(Client())
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _search(english)
    assert 'id="results-heading">Results<' in page and "検索結果" not in page
    assert 'id="results-heading">検索結果<' in japanese


def test_search_works_while_the_cache_is_down(system: SharedSystem) -> None:
    down = {
        "default": {
            "BACKEND": "portal.cache.FailsafeRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=down):
        client = Client()
        assert _row_counts(_search(client)) == (0, 0)
        adopt("202177", system)
        assert _row_counts(_search(client)) == (1, 0)


def test_search_works_without_a_version_row(system: SharedSystem) -> None:
    CatalogVersion.objects.all().delete()  # as after a flush
    client = Client()
    assert _row_counts(_search(client)) == (0, 0)
    adopt("202177", system)  # the change makes the row again
    assert _row_counts(_search(client)) == (1, 0)
    assert CatalogVersion.objects.count() == 1


def test_an_import_of_systems_shows_at_once(api_as: Any, system: SharedSystem) -> None:
    client = Client()
    assert "1件のシステム" in _search(client)
    text = "識別子,名称,読み仮名,共通化パターン,業務分野,ガバメントクラウド\r\nfreshness-imported,鮮度確認取込,センドカクニントリコミ,B,,\r\n"
    upload = SimpleUploadedFile("システム.csv", text.encode("cp932"))
    response = api_as("soumu-official").post(
        "/api/v1/imports/catalog-systems/?dry_run=0", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert "2件のシステム" in _search(client)


def test_an_import_of_offerings_shows_at_once(api_as: Any, system: SharedSystem) -> None:
    client = Client()
    assert _row_counts(_search(client)) == (0, 0)
    text = "識別子,システム,提供事業者,製品名,公開状況,参考価格（下限・円）,参考価格（上限・円）,マーケットプレイスのURL\r\nfreshness-offer,freshness-check,demo-vendor,鮮度製品,公開,,,\r\n"
    upload = SimpleUploadedFile("提供.csv", text.encode("cp932"))
    response = api_as("soumu-official").post(
        "/api/v1/imports/offerings/?dry_run=0", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert _row_counts(_search(client)) == (0, 1)


def test_api_list_shows_each_kind_of_change_at_once(api: Any, system: SharedSystem) -> None:
    def row() -> dict[str, Any]:
        [found] = api.get("/api/v1/catalog/systems/", {"q": SEARCH}).json()["results"]
        return dict(found)

    assert (row()["adoption_count"], row()["owner"]) == (0, None)
    adopt("202177", system)
    assert row()["adoption_count"] == 1
    owner = Organization.objects.create(slug="freshness-ministry", kind=OrganizationKind.NATIONAL, name="鮮度庁")
    SharedSystem.objects.filter(pk=system.pk).update(owner=owner)  # behind the signals: then say so
    adoptions_recount([system.pk])
    assert row()["owner"] == "freshness-ministry"
    owner.slug = "freshness-agency"
    owner.save()
    assert row()["owner"] == "freshness-agency"
    make_offering(system)
    assert row()["offerings_count"] == 1


def test_a_repeated_api_list_is_read_from_the_cache(
    api: Any, system: SharedSystem, django_assert_max_num_queries: Any
) -> None:
    first = api.get("/api/v1/catalog/systems/", {"q": SEARCH, "page_size": 10}).json()
    with django_assert_max_num_queries(1):  # the catalog version
        assert api.get("/api/v1/catalog/systems/", {"q": SEARCH, "page_size": 10}).json() == first


def test_logged_in_users_get_the_same_results_as_visitors(client_as: Any, system: SharedSystem) -> None:
    adopt("202177", system)
    anonymous = _search(Client())
    for username in ("obuse-staff", "soumu-official", "vendor-demo"):
        page = _search(client_as(username))
        assert _row_counts(page) == _row_counts(anonymous) == (1, 0)
    assert User.objects.filter(username="vendor-demo").exists()
