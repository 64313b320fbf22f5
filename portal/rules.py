"""Who may do what with organizations, people and the audit trail."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import AuditEntry, Organization, User
from .policy import ALLOW, Decision, deny, is_manager, is_national, is_portal_admin, org_of, rule, scope


@scope(Organization)
def organizations_visible(user: Any, queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    return queryset  # the directory is public


@rule("portal.view_organization")
def view_organization(user: Any, obj: Any) -> bool:
    return True


@rule("portal.use_admin")
def use_admin(user: Any, obj: Any) -> Decision:
    if is_national(user):
        return ALLOW
    return deny(_("管理画面は国の職員だけが使えます。"))


@rule("portal.manage_members")
def manage_members(user: Any, organization: Any) -> Decision:
    """Invite people to an organization and deactivate them: its manager, or a portal administrator."""
    if is_portal_admin(user):
        return ALLOW
    org = org_of(user)
    if org is None:
        return deny(_("ログインが必要です。"))
    if organization is None or organization.pk != org.pk:
        return deny(_("ほかの団体の利用者は管理できません。"))
    if not is_manager(user):
        return deny(_("利用者の招待・無効化は団体の管理者が行います。"))
    return ALLOW


@scope(User)
def users_visible(user: Any, queryset: QuerySet[User]) -> QuerySet[User]:
    if is_portal_admin(user):
        return queryset
    org = org_of(user)
    if org is None:
        return queryset.none()
    if is_manager(user):
        return queryset.filter(organization=org)
    return queryset.filter(pk=user.pk)


@scope(AuditEntry)
def audit_visible(user: Any, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    # Everyone else reads an entry through the timeline of a record they may see.
    return queryset if is_national(user) else queryset.none()


@rule("portal.view_audit_log")
def view_audit_log(user: Any, obj: Any) -> bool:
    return is_national(user)


@rule("portal.add_organization")
@rule("portal.change_organization")
def edit_organization(user: Any, obj: Any) -> bool:
    return is_portal_admin(user)


@rule("portal.delete_organization")
@rule("portal.add_auditentry")
@rule("portal.change_auditentry")
@rule("portal.delete_auditentry")
def never(user: Any, obj: Any) -> Decision:
    return deny(_("この記録は変更・削除できません。"))


@rule("portal.view_auditentry")
def view_auditentry(user: Any, obj: Any) -> bool:
    return is_national(user)


@rule("portal.view_user")
@rule("portal.add_user")
@rule("portal.change_user")
def admin_users(user: Any, obj: Any) -> bool:
    return is_portal_admin(user)


@rule("portal.delete_user")
def delete_user(user: Any, obj: Any) -> Decision:
    return deny(_("利用者は削除せず、無効化してください（監査記録を残すため）。"))


# The rules of the import/export framework (portal/imports/) register with the same layer.
from .imports import rules as _import_rules  # noqa: E402, F401
