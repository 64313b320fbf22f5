"""Authentication controls a person notices: sessions that end, uploads that are checked and only downloaded,
and an audit history nobody can rewrite — not through the admin, not through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from portal.demo import DEMO_PASSWORD
from portal.models import AuditEntry, Organization, User
from procurement.models import JointProcurement
from subsidies.files import MAX_UPLOAD_BYTES
from subsidies.models import ClaimStatus
from tests.subsidies.conftest import make_claim, programs  # noqa: F401 - `programs` is a fixture

# Sessions


def test_a_login_lasts_one_working_day_and_ends_with_the_browser(db: Any) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "obuse-staff", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie: closing the browser ends it
    assert cookie["httponly"]
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert (
        dt.timedelta(hours=7, minutes=59)
        < lifetime
        <= dt.timedelta(hours=8)
        == dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )


def test_an_expired_session_is_sent_to_the_login_page(db: Any) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "obuse-staff", "password": DEMO_PASSWORD})
    assert client.get("/subsidies/claims/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )  # what eight hours without a new login leave behind
    page = client.get("/subsidies/claims/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/?next=/subsidies/claims/")
    api = client.get("/api/v1/subsidies/claims/")
    assert api.status_code == 401 and api.json()["detail"]


# Uploads (subsidy claim attachments)


@pytest.fixture
def draft(programs: Any, users: Any, settings: Any, tmp_path: Any) -> Any:  # noqa: F811 - the fixture imported above
    settings.MEDIA_ROOT = tmp_path
    return make_claim(ClaimStatus.DRAFT, program=programs["standardization"], by=users["obuse-staff"])


def _attach(client: Any, claim: Any, upload: SimpleUploadedFile) -> str:
    response = client.post(f"/subsidies/claims/{claim.pk}/attachments/", {"file": upload}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "添付できるのは"),
        ("見積書.pdf", b"<html><script>alert(1)</script></html>", "一致しません"),
        ("photo.png", b"GIF89a not a png", "一致しません"),
        ("empty.pdf", b"", "中身が空でした"),
        ("big.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, "大きすぎます"),
    ],
)
def test_uploads_are_type_checked_and_size_limited(
    draft: Any, client_as: Any, name: str, content: bytes, message: str
) -> None:
    page = _attach(client_as("obuse-staff"), draft, SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert message in page
    assert draft.attachments.count() == 0


def test_uploads_are_served_only_as_attachments_with_the_checked_type(draft: Any, client_as: Any) -> None:
    staff = client_as("obuse-staff")
    # The browser's claim ("text/html") is ignored: the type comes from the checked content.
    page = _attach(staff, draft, SimpleUploadedFile("見積書.pdf", b"%PDF-1.7 quote", content_type="text/html"))
    assert "添付しました" in page
    attachment = draft.attachments.get()
    download = staff.get(f"/subsidies/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8.pdf" in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content) == b"%PDF-1.7 quote"
    assert not attachment.file.name.endswith("見積書.pdf")  # stored under a name of the portal's choosing
    assert staff.get(f"/{attachment.file.name}").status_code == 404  # no route serves the stored files directly


# Audit history


@pytest.fixture
def audited(api_as: Any) -> AuditEntry:
    """長野県 registers a procurement and renames it: the rename's audit entry."""
    client = api_as("nagano-pref-staff")
    body = {
        "title": "監査確認用の共同調達",
        "category": "e_application",
        "method": "proposal",
        "status": "planning",
        "participants": ["205419"],
        "cost_sharing": {"equal": "1"},
    }
    created = client.post("/api/v1/procurement/joint-procurements/", body, format="json").json()
    url = f"/api/v1/procurement/joint-procurements/{created['id']}/"
    renamed = client.patch(url, {"title": "監査確認用の共同調達（改）", "version": created["version"]}, format="json")
    assert renamed.status_code == 200, renamed.json()
    return AuditEntry.objects.filter(target_id=str(created["id"])).order_by("at", "pk").last()


def test_each_entry_names_actor_time_before_and_after(audited: AuditEntry, users: Any) -> None:
    assert audited.actor == users["nagano-pref-staff"]
    assert audited.actor_organization == users["nagano-pref-staff"].organization
    assert timezone.now() - audited.at < dt.timedelta(minutes=1)
    assert audited.before["title"] == "監査確認用の共同調達"
    assert audited.after["title"] == "監査確認用の共同調達（改）"
    assert audited.target_repr and JointProcurement.objects.filter(pk=audited.target_id).exists()


def _unchanged(entry: AuditEntry) -> bool:
    fresh = AuditEntry.objects.get(pk=entry.pk)
    return (fresh.action, fresh.before, fresh.after, fresh.actor_id) == (
        entry.action,
        entry.before,
        entry.after,
        entry.actor_id,
    )


@pytest.fixture
def superuser(db: Any) -> User:
    """A Django superuser in 総務省: the flag must not open what the permission layer keeps closed."""
    return User.objects.create_superuser(
        username="audit-superuser",
        email="root@soumu.example.jp",
        password="kansa-superuser-2026",
        organization=Organization.objects.get(slug="soumu"),
        is_portal_admin=True,
    )


@pytest.mark.parametrize("who", ["soumu-official", "superuser"])
def test_the_admin_shows_audit_entries_but_never_changes_or_deletes_them(
    audited: AuditEntry, users: Any, superuser: User, who: str
) -> None:
    client = Client()
    client.force_login(superuser if who == "superuser" else users[who], backend="portal.backends.PortalModelBackend")
    base = f"/admin/portal/auditentry/{audited.pk}"
    view = client.get(f"{base}/change/")
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()  # read-only: no save button
    form = {"action": "changed", "comment": "書き換え", "before": "{}", "after": "{}", "_save": "保存"}
    assert client.post(f"{base}/change/", form).status_code == 403
    assert client.get(f"{base}/delete/").status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/portal/auditentry/add/").status_code == 403
    bulk = client.post(
        "/admin/portal/auditentry/", {"action": "delete_selected", "_selected_action": [audited.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)  # Django answers "no action selected": deleting is not offered
    assert _unchanged(audited)


def test_the_api_has_no_way_to_write_the_history(
    audited: AuditEntry,
    api_as: Any,
    users: Any,
    programs: Any,  # noqa: F811 - the fixture imported above
) -> None:
    claim = make_claim(ClaimStatus.SUBMITTED, program=programs["standardization"], by=users["obuse-staff"])
    history = f"/api/v1/subsidies/claims/{claim.pk}/history/"
    for who in ("obuse-staff", "obuse-manager", "soumu-official"):
        client = api_as(who)
        assert client.get(history).status_code == 200
        for method in ("post", "put", "patch", "delete"):
            answer = getattr(client, method)(history, {"action": "approve", "comment": "x"}, format="json")
            assert answer.status_code == 405, (who, method, answer.status_code)
    assert claim.events.count() == 1
    schema = api_as("soumu-official").get("/api/schema/?format=json").json()
    writes = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        if "history" in path or "audit" in path
        for method in operations
        if method in ("post", "put", "patch", "delete")
    ]
    assert writes == []
    assert _unchanged(audited)
