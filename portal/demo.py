"""Demo organizations and logins for every role (seed_demo). Deterministic and re-runnable."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Organization, OrganizationKind, Role, User

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - printed for the demo; never used in production
DEMO_VENDOR_SLUG = "demo-vendor"


@dataclass(frozen=True)
class DemoLogin:
    role: str  # API.md "demo roles"
    organization: str  # code or slug
    username: str
    full_name: str
    portal_role: str = Role.STAFF
    is_portal_admin: bool = False


DEMO_LOGINS = [
    DemoLogin("municipality_staff", "205419", "obuse-staff", "小布施 花子"),
    DemoLogin("municipality_manager", "205419", "obuse-manager", "小布施 一郎", Role.MANAGER),
    DemoLogin("municipality_staff", "202177", "saku-staff", "佐久 美咲"),
    DemoLogin("municipality_manager", "202177", "saku-manager", "佐久 健太", Role.MANAGER),
    DemoLogin("municipality_staff", "313289", "chizu-staff", "智頭 直子"),
    DemoLogin("prefecture_staff", "200000", "nagano-pref-staff", "長野 県子"),
    DemoLogin("prefecture_staff", "310000", "tottori-pref-staff", "鳥取 県太"),
    DemoLogin("national_official", "soumu", "soumu-official", "総務 審査官", is_portal_admin=True),
    DemoLogin("national_official", "soumu", "soumu-payer", "総務 出納官"),
    DemoLogin("national_official", "cao", "cao-official", "内閣 府子"),
    DemoLogin("vendor", DEMO_VENDOR_SLUG, "vendor-demo", "デモ 営業"),
]


def totp_key(username: str) -> bytes:
    """A fixed TOTP key per demo login, so credentials stay the same across runs."""
    return hashlib.sha256(f"portal-demo-totp:{username}".encode()).digest()[:20]


def totp_secret(username: str) -> str:
    """The base32 secret an authenticator app takes for a demo login."""
    return base64.b32encode(totp_key(username)).decode()


def ensure_demo_vendor() -> Organization:
    vendor, _created = Organization.objects.update_or_create(
        slug=DEMO_VENDOR_SLUG,
        defaults={
            "kind": OrganizationKind.VENDOR,
            "name": "デモ自治体クラウド株式会社",
            "name_kana": "デモジチタイクラウドカブシキガイシャ",
            "name_en": "Demo Municipal Cloud Inc.",
            "search_key": "でもじちたいくらうど",
            "is_demo": True,
        },
    )
    return vendor


@transaction.atomic
def seed(**options: Any) -> list[dict[str, str]]:
    """Create the demo vendor and every demo login; returns the credentials (API.md "demo roles")."""
    ensure_demo_vendor()
    organizations = {o.slug: o for o in Organization.objects.filter(slug__in={d.organization for d in DEMO_LOGINS})}
    credentials = []
    for demo in DEMO_LOGINS:
        organization = organizations[demo.organization]
        # No join here: PostgreSQL refuses FOR UPDATE on the nullable side of the manager's outer join.
        user, _created = User.objects.select_related(None).update_or_create(
            username=demo.username,
            defaults={
                "organization": organization,
                "role": demo.portal_role,
                "full_name": demo.full_name,
                "email": f"{demo.username}@demo.example.lg.jp",
                "is_active": True,
                "is_portal_admin": demo.is_portal_admin,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        entry = {
            "role": demo.role,
            "organization": organization.slug,
            "username": demo.username,
            "password": DEMO_PASSWORD,
        }
        if user.needs_two_factor:
            TOTPDevice.objects.update_or_create(
                user=user,
                name="demo",
                defaults={"key": totp_key(demo.username).hex(), "confirmed": True},
            )
            entry["totp_secret"] = totp_secret(demo.username)
        credentials.append(entry)
    return credentials
