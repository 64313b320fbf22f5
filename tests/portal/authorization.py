"""Authorization cases for the foundation's routes (see tests/reliability/authorization.py)."""

from portal.models import User
from tests.reliability.authorization import LOGIN, Case

PUBLIC = {"*": 200}

CASES = [
    Case("", "/", PUBLIC),
    *(
        Case(f"{name}/", f"/{name}/", PUBLIC)
        for name in ["about", "accessibility", "terms", "privacy", "contact", "sources"]
    ),
    Case("organizations/", "/organizations/", PUBLIC),
    Case("organizations/<slug:code>/", lambda org: f"/organizations/{org.slug}/", PUBLIC, scoped=True),
    Case("accounts/login/", "/accounts/login/", {"anonymous": 200, "*": 302}, note="logged-in people go home"),
    Case("accounts/logout/", "/accounts/logout/", {"*": 302}, method="post", note="redirect: to the home page"),
    Case("accounts/two-factor/", "/accounts/two-factor/", {"anonymous": LOGIN, "*": 200}),
    Case(
        "accounts/members/",
        "/accounts/members/",
        {"anonymous": LOGIN, "municipality_manager": 200, "national_official": 200, "*": 403},
    ),
    Case(
        "accounts/members/invite/",
        "/accounts/members/invite/",
        {"anonymous": LOGIN, "municipality_manager": 200, "national_official": 200, "*": 403},
    ),
    Case(
        "accounts/members/<int:pk>/deactivate/",
        lambda org: f"/accounts/members/{_member_of(org).pk}/deactivate/",
        {
            "anonymous": LOGIN,
            "municipality_manager": {"own": 302, "same_prefecture": 404, "other_prefecture": 404},
            "national_official": 302,  # portal administrator
            "*": 404,  # staff see only themselves among the people of their organization
        },
        method="post",
        scoped=True,
    ),
    Case("accounts/password-reset/", "/accounts/password-reset/", PUBLIC),
    Case("accounts/password-reset/sent/", "/accounts/password-reset/sent/", PUBLIC),
    Case("accounts/reset/<uidb64>/<token>/", "/accounts/reset/MQ/invalid-token/", PUBLIC, note="invalid link page"),
    Case("accounts/reset/done/", "/accounts/reset/done/", PUBLIC),
    Case(
        "i18n/setlang/",
        "/i18n/setlang/",
        {"*": 302},
        method="post",
        data={"language": "en", "next": "/"},
        note="redirect: back",
    ),
    Case("healthz/", "/healthz/", PUBLIC),
    Case("api/v1/auth/token/", "/api/v1/auth/token/", {"*": 400}, method="post", data={"username": "x"}),
    Case("api/v1/organizations/", "/api/v1/organizations/", PUBLIC),
    Case("api/v1/organizations/<str:code>/", lambda org: f"/api/v1/organizations/{org.slug}/", PUBLIC, scoped=True),
    Case("api/schema/", "/api/schema/", PUBLIC),
    Case("api/docs/", "/api/docs/", PUBLIC),
]


def _member_of(org):
    """An active staff member of `org`, made for the matrix (an earlier request may have deactivated it)."""
    member, _created = User.objects.update_or_create(
        username=f"matrix-{org.slug}", defaults={"organization": org, "role": "staff", "is_active": True}
    )
    return member
