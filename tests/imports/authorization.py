"""Authorization cases for the import routes (see tests/reliability/authorization.py on main)."""

from portal.models import ImportRecord, User
from tests.reliability.authorization import LOGIN, Case

LOCAL = {"municipality_staff": 200, "municipality_manager": 200, "prefecture_staff": 200}
OWN_ONLY = {"own": 200, "same_prefecture": 404, "other_prefecture": 404}
NOT_FOUND = {"own": 404, "same_prefecture": 404, "other_prefecture": 404}
RECORD = {
    "municipality_staff": OWN_ONLY,
    "municipality_manager": OWN_ONLY,
    "prefecture_staff": OWN_ONLY,  # its own imports (and those done on behalf of … only its own organization)
    "national_official": 200,
    "vendor": NOT_FOUND,
}


def _record_of(org):
    """An import done by `org` (made for the matrix)."""
    actor, _created = User.objects.update_or_create(
        username=f"matrix-import-{org.slug}", defaults={"organization": org, "role": "staff", "is_active": True}
    )
    record = ImportRecord.objects.create(
        kind="migration-status", actor=actor, organization=org, file_name="m.csv", checksum="0" * 64, status="done"
    )
    return record.pk


CASES = [
    Case("imports/", "/imports/", {"anonymous": LOGIN, "*": 200}),
    Case("imports/history/", "/imports/history/", {"anonymous": LOGIN, "*": 200}),
    Case(
        "imports/records/<int:pk>/",
        lambda org: f"/imports/records/{_record_of(org)}/",
        {"anonymous": LOGIN, **RECORD},
        scoped=True,
    ),
    Case(
        "imports/records/<int:pk>/status.json",
        lambda org: f"/imports/records/{_record_of(org)}/status.json",
        {"anonymous": LOGIN, **RECORD},
        scoped=True,
    ),
    Case("imports/<slug:kind>/", "/imports/migration-status/", {"anonymous": LOGIN, **LOCAL, "*": 403}),
    Case(
        "imports/<slug:kind>/confirm/",
        "/imports/migration-status/confirm/",
        {"anonymous": LOGIN, "municipality_staff": 302, "municipality_manager": 302, "prefecture_staff": 302, "*": 403},
        method="post",
        note="no kept file: back to the upload page",
    ),
    Case(
        "imports/<slug:kind>/template.<str:fmt>",
        "/imports/migration-status/template.csv",
        {"anonymous": LOGIN, "*": 200},
    ),
    Case("api/v1/imports/", "/api/v1/imports/", {"anonymous": 401, "*": 200}),
    Case(
        "api/v1/imports/records/<int:pk>/",
        lambda org: f"/api/v1/imports/records/{_record_of(org)}/",
        {"anonymous": 401, **RECORD},
        scoped=True,
    ),
    Case(
        "api/v1/imports/<slug:kind>/template/",
        "/api/v1/imports/migration-status/template/",
        {"anonymous": 401, "*": 200},
    ),
    Case(
        "api/v1/imports/<slug:kind>/",
        "/api/v1/imports/migration-status/?dry_run=1",
        {"anonymous": 401, "municipality_staff": 400, "municipality_manager": 400, "prefecture_staff": 400, "*": 403},
        method="post",
        note="no file: 400 for those who may import",
    ),
]
