"""Authorization cases for the catalog routes (see tests/reliability/authorization.py).

Objects "of" an organization: its adoption (considering: private), its migration-status page and its step
progress. Systems and published offerings belong to nobody's organization and are public.
"""

from __future__ import annotations

from catalog.business_areas import load_business_areas
from catalog.models import Adoption, MigrationStatus, Offering, OfferingStatus, Pattern, SharedSystem
from portal.models import Organization
from tests.catalog.factories import make_offering, make_system
from tests.reliability.authorization import LOGIN, Case

PUBLIC = {"*": 200}
NOT_LOGGED_IN = 401


def _system() -> SharedSystem:
    return SharedSystem.objects.filter(slug="matrix-system").first() or make_system(
        slug="matrix-system", pattern=Pattern.B
    )


def _offering(status: str = OfferingStatus.PROPOSED) -> Offering:
    offering = Offering.objects.filter(slug="matrix-offering").first() or make_offering(
        _system(), slug="matrix-offering", status=status
    )
    Offering.objects.filter(pk=offering.pk).update(status=status)
    return offering


def _adoption(org: Organization) -> Adoption:
    """A private adoption (being considered) of `org`."""
    adoption, _created = Adoption.objects.update_or_create(
        organization=org, system=_system(), defaults={"status": "considering"}
    )
    return adoption


def _municipality(org: Organization) -> Organization:
    """Migration status belongs to municipalities: 長野県's own scope uses its municipality 佐久市."""
    return org if org.kind == "municipality" else Organization.objects.get(code="202177")


def _status_row(org: Organization) -> MigrationStatus:
    load_business_areas()
    from catalog.business_areas import standardized_businesses

    business = standardized_businesses()[0]
    row, _created = MigrationStatus.objects.get_or_create(
        municipality=_municipality(org), business=business, defaults={"status": "migrating"}
    )
    return row


def _steps_page(org: Organization) -> str:
    row = _status_row(org)
    return f"/catalog/migration/{row.municipality.code}/steps/{row.business.slug}/"


def _put_status(org: Organization) -> dict[str, object]:
    row = _status_row(org)
    return {
        "status": "migrated",
        "planned_fiscal_year": None,
        "on_gov_cloud": True,
        "vendor": "",
        "version": row.version,
    }


# Editing a municipality's status: itself, or its prefecture on its behalf; others who may read it: 403/404.
MIGRATION_PAGE = {
    "anonymous": LOGIN,
    "municipality_staff": {"own": 200, "same_prefecture": 404, "other_prefecture": 404},
    "municipality_manager": {"own": 200, "same_prefecture": 404, "other_prefecture": 404},
    "prefecture_staff": {"own": 200, "same_prefecture": 200, "other_prefecture": 404},
    "national_official": 200,  # read-only
    "vendor": 404,
}
MIGRATION_PUT = {
    "anonymous": NOT_LOGGED_IN,
    "municipality_staff": {"own": 200, "same_prefecture": 403, "other_prefecture": 403},
    "municipality_manager": {"own": 200, "same_prefecture": 403, "other_prefecture": 403},
    "prefecture_staff": {"own": 200, "same_prefecture": 200, "other_prefecture": 403},
    "national_official": 403,
    "vendor": 403,
}

CASES = [
    Case("catalog/", "/catalog/", PUBLIC),
    Case("catalog/patterns/", "/catalog/patterns/", PUBLIC),
    Case("catalog/systems/new/", "/catalog/systems/new/", {"anonymous": LOGIN, "national_official": 200, "*": 403}),
    Case("catalog/systems/<slug:slug>/", lambda org: f"/catalog/systems/{_system().slug}/", PUBLIC),
    Case(
        "catalog/systems/<slug:slug>/edit/",
        lambda org: f"/catalog/systems/{_system().slug}/edit/",
        {"anonymous": LOGIN, "national_official": 200, "*": 403},
    ),
    Case(
        "catalog/systems/<slug:slug>/offerings/new/",
        lambda org: f"/catalog/systems/{_system().slug}/offerings/new/",
        {"anonymous": LOGIN, "national_official": 200, "vendor": 200, "*": 403},
    ),
    Case("catalog/compare/", lambda org: f"/catalog/compare/?systems={_system().slug}", PUBLIC),
    Case(
        "catalog/offerings/",
        "/catalog/offerings/",
        {"anonymous": LOGIN, "national_official": 200, "vendor": 200, "*": 404},
    ),
    Case(
        "catalog/offerings/<slug:slug>/review/",
        lambda org: f"/catalog/offerings/{_offering().slug}/review/",
        {"anonymous": LOGIN, "national_official": 302, "vendor": 403, "*": 404},
        method="post",
        data={"decision": "decline", "comment": "価格の根拠を追記してください。"},
        note="a proposed offering is seen only by its vendor and officials",
    ),
    Case(
        "catalog/offerings/<slug:slug>/edit/",
        lambda org: f"/catalog/offerings/{_offering().slug}/edit/",
        {"anonymous": LOGIN, "national_official": 200, "vendor": 200, "*": 404},
    ),
    Case(
        "catalog/adoptions/",
        "/catalog/adoptions/",
        {"anonymous": LOGIN, "national_official": 404, "vendor": 404, "*": 200},
    ),
    Case(
        "catalog/adoptions/<int:pk>/delete/",
        lambda org: f"/catalog/adoptions/{_adoption(org).pk}/delete/",
        {
            "anonymous": LOGIN,
            "municipality_staff": {"own": 302, "same_prefecture": 404, "other_prefecture": 404},
            "municipality_manager": {"own": 302, "same_prefecture": 404, "other_prefecture": 404},
            # only the organization itself records (and removes) its adoptions
            "prefecture_staff": {"own": 302, "same_prefecture": 404, "other_prefecture": 404},
            "national_official": 404,
            "vendor": 404,
        },
        method="post",
        scoped=True,
    ),
    Case(
        "catalog/migration/",
        "/catalog/migration/",
        {"anonymous": LOGIN, "prefecture_staff": 200, "national_official": 404, "vendor": 404, "*": 302},
        note="a municipality goes to its own page; a prefecture sees its municipalities",
    ),
    Case(
        "catalog/migration/<str:code>/",
        lambda org: f"/catalog/migration/{_municipality(org).code}/",
        MIGRATION_PAGE,
        scoped=True,
    ),
    Case("catalog/migration/<str:code>/steps/<slug:business>/", _steps_page, MIGRATION_PAGE, scoped=True),
    Case("api/v1/catalog/patterns/", "/api/v1/catalog/patterns/", PUBLIC),
    Case("api/v1/catalog/systems/", "/api/v1/catalog/systems/", PUBLIC),
    Case("api/v1/catalog/systems/<str:slug>/", lambda org: f"/api/v1/catalog/systems/{_system().slug}/", PUBLIC),
    Case("api/v1/catalog/offerings/", "/api/v1/catalog/offerings/", PUBLIC),
    Case(
        "api/v1/catalog/offerings/<str:slug>/",
        lambda org: f"/api/v1/catalog/offerings/{_offering().slug}/",
        {"national_official": 200, "vendor": 200, "*": 404},
    ),
    Case(
        "api/v1/catalog/offerings/<str:slug>/publish/",
        lambda org: f"/api/v1/catalog/offerings/{_offering().slug}/publish/",
        {"anonymous": NOT_LOGGED_IN, "national_official": 200, "vendor": 403, "*": 404},
        method="post",
    ),
    Case(
        "api/v1/catalog/offerings/<str:slug>/decline/",
        lambda org: f"/api/v1/catalog/offerings/{_offering().slug}/decline/",
        {"anonymous": NOT_LOGGED_IN, "national_official": 200, "vendor": 403, "*": 404},
        method="post",
        data={"comment": "価格の根拠を追記してください。"},
    ),
    Case("api/v1/catalog/migration-status/", "/api/v1/catalog/migration-status/?page_size=5", PUBLIC),
    Case(
        "api/v1/catalog/migration-status/<str:pk>/",
        lambda org: f"/api/v1/catalog/migration-status/{_status_row(org).pk}/",
        MIGRATION_PUT,
        method="put",
        data=_put_status,
        scoped=True,
    ),
    Case("api/v1/catalog/adoptions/", "/api/v1/catalog/adoptions/", PUBLIC),
    Case(
        "api/v1/catalog/adoptions/<str:pk>/",
        lambda org: f"/api/v1/catalog/adoptions/{_adoption(org).pk}/",
        {
            "anonymous": 404,
            "municipality_staff": {"own": 200, "same_prefecture": 404, "other_prefecture": 404},
            "municipality_manager": {"own": 200, "same_prefecture": 404, "other_prefecture": 404},
            "prefecture_staff": {"own": 200, "same_prefecture": 200, "other_prefecture": 404},
            "national_official": 200,
            "vendor": 404,
        },
        scoped=True,
    ),
]
