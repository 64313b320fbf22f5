"""The permission layer: decisions with reasons, scopes, 404 for what is not yours, fail closed."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal import policy
from portal.models import AuditEntry, Organization, User

pytestmark = pytest.mark.django_db


def test_an_unregistered_action_is_refused_with_a_reason(users):
    decision = policy.check(users["soumu-official"], "nothing.registered")
    assert not decision and decision.reason


@pytest.mark.parametrize(
    ("username", "target", "allowed"),
    [
        ("obuse-manager", "205419", True),
        ("obuse-staff", "205419", False),
        ("obuse-manager", "202177", False),
        ("nagano-pref-staff", "205419", False),
        ("soumu-official", "202177", True),  # portal administrator: any organization
        ("soumu-payer", "202177", False),  # national official without the admin flag
        ("vendor-demo", "demo-vendor", False),
    ],
)
def test_who_may_manage_members(users, username, target, allowed):
    decision = policy.check(users[username], "portal.manage_members", Organization.objects.get(slug=target))
    assert bool(decision) is allowed
    if not allowed:
        assert decision.reason


def test_anonymous_may_not_manage_members():
    decision = policy.check(AnonymousUser(), "portal.manage_members", Organization.objects.get(slug="205419"))
    assert not decision


def test_a_deactivated_user_may_do_nothing(users):
    manager = users["obuse-manager"]
    manager.is_active = False
    assert not policy.check(manager, "portal.manage_members", manager.organization)


def test_require_raises_permission_denied_with_the_reason(users):
    with pytest.raises(PermissionDenied, match="管理者"):
        policy.require(users["obuse-staff"], "portal.manage_members", users["obuse-staff"].organization)


def test_user_scope_managers_see_their_organization_only(users):
    visible = policy.visible(users["obuse-manager"], User.objects.all())
    assert set(visible.values_list("username", flat=True)) == {"obuse-staff", "obuse-manager"}
    assert list(policy.visible(users["obuse-staff"], User.objects.all())) == [users["obuse-staff"]]
    assert policy.visible(AnonymousUser(), User.objects.all()).count() == 0


def test_get_visible_or_404_hides_existence(users):
    other = users["saku-staff"]
    with pytest.raises(Http404):
        policy.get_visible_or_404(users["obuse-manager"], User.objects.all(), pk=other.pk)
    with pytest.raises(Http404):
        policy.get_visible_or_404(users["obuse-manager"], User.objects.all(), pk=10**9)
    with pytest.raises(Http404):
        policy.get_visible_or_404(users["obuse-manager"], User.objects.all(), pk="not-a-number")


def test_audit_entries_are_for_officials_and_immutable(users):
    assert policy.visible(users["obuse-manager"], AuditEntry.objects.all()).count() == 0
    assert not policy.check(users["soumu-official"], "portal.change_auditentry")
    assert not policy.check(users["soumu-official"], "portal.delete_auditentry")
