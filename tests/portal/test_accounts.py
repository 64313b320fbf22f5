"""Accounts: invitations, deactivation, password reset, lockout, two-factor authentication."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django_otp.oath import totp
from rest_framework.authtoken.models import Token

from portal.demo import DEMO_PASSWORD, totp_key
from portal.models import AuditEntry, User

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"http://\S+", message.body).group(0).removeprefix("http://127.0.0.1:8000")


def test_a_manager_invites_and_the_invitee_sets_a_password(client_as, django_capture_on_commit_callbacks):
    manager = client_as("obuse-manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            "/accounts/members/invite/",
            {"full_name": "新人 太郎", "email": "Shinjin@Town.Obuse.lg.jp", "role": "staff"},
        )
    assert response.status_code == 302
    invitee = User.objects.get(email="shinjin@town.obuse.lg.jp")
    assert invitee.organization.code == "205419" and not invitee.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["shinjin@town.obuse.lg.jp"]
    assert AuditEntry.objects.filter(action="invite", target_id=str(invitee.pk)).exists()

    newcomer = Client()
    form_page = newcomer.get(_link(mail.outbox[0]), follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    newcomer.post(set_password_url, {"new_password1": "kakunin-2026-obuse", "new_password2": "kakunin-2026-obuse"})
    login = Client().post(
        "/accounts/login/", {"username": "shinjin@town.obuse.lg.jp", "password": "kakunin-2026-obuse"}
    )
    assert login.status_code == 302


def test_weak_passwords_are_refused_in_japanese(client_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_as("obuse-manager").post(
            "/accounts/members/invite/", {"full_name": "新人", "email": "weak@example.lg.jp", "role": "staff"}
        )
    newcomer = Client()
    page = newcomer.get(_link(mail.outbox[0]), follow=True)
    response = newcomer.post(page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"})
    html = response.content.decode()
    assert response.status_code == 200 and "短すぎます" in html
    assert not User.objects.get(email="weak@example.lg.jp").has_usable_password()


def test_an_existing_email_is_refused(client_as, users):
    response = client_as("obuse-manager").post(
        "/accounts/members/invite/", {"full_name": "重複", "email": users["saku-staff"].email, "role": "staff"}
    )
    assert response.status_code == 200 and "既に登録されています" in response.content.decode()
    assert len(mail.outbox) == 0


def test_staff_may_not_invite(client_as):
    response = client_as("obuse-staff").post(
        "/accounts/members/invite/", {"full_name": "x", "email": "x@example.lg.jp", "role": "staff"}
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.lg.jp").exists()


def test_deactivation_stops_login_and_tokens(client_as, users):
    staff = users["obuse-staff"]
    token = Token.objects.create(user=staff)
    response = client_as("obuse-manager").post(f"/accounts/members/{staff.pk}/deactivate/")
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active
    assert not Token.objects.filter(key=token.key).exists()
    login = Client().post("/accounts/login/", {"username": "obuse-staff", "password": DEMO_PASSWORD})
    assert login.status_code == 200 and "正しい" in login.content.decode()


def test_another_organizations_member_is_404(client_as, users):
    response = client_as("obuse-manager").post(f"/accounts/members/{users['saku-staff'].pk}/deactivate/")
    assert response.status_code == 404
    assert User.objects.get(username="saku-staff").is_active


def test_portal_administrator_deactivates_in_any_organization(client_as, users):
    response = client_as("soumu-official").post(f"/accounts/members/{users['saku-staff'].pk}/deactivate/")
    assert response.status_code == 302
    assert not User.objects.get(username="saku-staff").is_active


def test_password_reset_by_email(client):
    response = client.post("/accounts/password-reset/", {"email": "obuse-staff@demo.example.lg.jp"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "パスワード" in mail.outbox[0].subject


def test_lockout_is_per_account(client):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "obuse-staff", "password": "wrong-password-x"})
    locked = client.post("/accounts/login/", {"username": "obuse-staff", "password": DEMO_PASSWORD})
    assert locked.status_code == 429 and "一時停止" in locked.content.decode()
    # A colleague on the same address still logs in.
    colleague = client.post("/accounts/login/", {"username": "obuse-manager", "password": DEMO_PASSWORD})
    assert colleague.status_code == 302


@override_settings(PORTAL_REQUIRE_2FA=True)
def test_managers_confirm_a_totp_code_before_anything_else(client):
    client.post("/accounts/login/", {"username": "obuse-manager", "password": DEMO_PASSWORD})
    response = client.get("/organizations/")
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/")
    wrong = client.post("/accounts/two-factor/?next=/organizations/", {"otp": "12345"})
    assert "確認コード" in wrong.content.decode()
    code = f"{totp(totp_key('obuse-manager')):06d}"
    ok = client.post("/accounts/two-factor/?next=/organizations/", {"otp": code})
    assert ok.status_code == 302 and ok.url == "/organizations/"
    assert client.get("/organizations/").status_code == 200


@override_settings(PORTAL_REQUIRE_2FA=True)
def test_staff_need_no_second_factor(client):
    client.post("/accounts/login/", {"username": "obuse-staff", "password": DEMO_PASSWORD})
    assert client.get("/organizations/").status_code == 200


def test_admin_is_for_national_officials(client_as):
    assert client_as("soumu-official").get("/admin/").status_code == 200
    assert client_as("obuse-manager").get("/admin/").status_code == 302
    audit = client_as("soumu-official").get("/admin/portal/auditentry/")
    assert audit.status_code == 200


def test_portal_administrator_invites_into_any_organization(client_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("soumu-official").post(
            "/accounts/members/invite/?organization=313289",
            {"full_name": "智頭 新任", "email": "new@town.chizu.lg.jp", "role": "manager"},
        )
    assert response.status_code == 302
    invitee = User.objects.get(email="new@town.chizu.lg.jp")
    assert (invitee.organization.code, invitee.role) == ("313289", "manager")
    assert len(mail.outbox) == 1


def test_a_manager_may_not_invite_into_another_organization(client_as):
    response = client_as("obuse-manager").post(
        "/accounts/members/invite/?organization=202177",
        {"full_name": "越境", "email": "cross@example.lg.jp", "role": "staff"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="cross@example.lg.jp").exists()
