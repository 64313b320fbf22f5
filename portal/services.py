"""Changes to people: invitations and deactivation (人事異動 every April 1st)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from . import policy
from .audit import audit_record
from .models import Organization, Role, User
from .queue import enqueue_on_commit
from .tasks import send_invitation


def user_invite(*, actor: User, organization: Organization, email: str, full_name: str, role: str = Role.STAFF) -> User:
    """Create an account in `organization` and e-mail its holder a link to set a password.

    Atomic. Only the organization's manager or a portal administrator may call it.
    """
    policy.require(actor, "portal.manage_members", organization)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("このメールアドレスの利用者は既に登録されています。")})
    if role not in Role.values:
        raise ValidationError({"role": _("役割が正しくありません。")})
    with transaction.atomic():
        user = User(
            username=email,
            email=email,
            full_name=full_name.strip(),
            organization=organization,
            role=role,
        )
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=actor,
            target=user,
            action="invite",
            after={"email": email, "organization": organization.slug, "role": role},
        )
        enqueue_on_commit(send_invitation, user.pk, actor.pk)
    return user


def invitation_send(*, user: User, inviter: User) -> None:
    """Send the invitation e-mail with a one-time link to set a password (valid PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.PORTAL_BASE_URL + reverse("password_reset_confirm", args=[uid, token])
    context: dict[str, Any] = {"user": user, "inviter": inviter, "link": link}
    send_mail(
        subject=_("【国・地方デジタル共通基盤ポータル】利用者登録のご案内"),
        message=render_to_string("portal/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def user_deactivate(*, actor: User, user: User) -> User:
    """Deactivate an account (it keeps its history); its API tokens stop working at once. Atomic."""
    policy.require(actor, "portal.manage_members", user.organization)
    if user.pk == actor.pk:
        raise ValidationError(_("自分自身は無効化できません。"))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        Token.objects.filter(user=user).delete()
        audit_record(
            actor=actor, target=user, action="deactivate", before={"is_active": True}, after={"is_active": False}
        )
    return user
