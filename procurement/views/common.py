"""Helpers the procurement pages share."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal import policy
from portal.models import Organization

from ..models import JointProcurement


def require_or_login(request: HttpRequest, action: str, obj: Any = None) -> HttpResponse | None:
    """None when allowed; the login page for anonymous visitors; 403 with the reason otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    policy.require(request.user, action, obj)
    return None


def prefecture_of(request: HttpRequest) -> Organization:
    """The prefecture of a user the policy allowed to create procurements."""
    organization = getattr(request.user, "organization", None)
    if organization is None:
        raise PermissionDenied(_("ログインが必要です。"))
    return organization


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` address of a form when it stays on this site, else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def procurement_url(procurement: JointProcurement) -> str:
    return reverse("procurement:detail", kwargs={"pk": procurement.pk})
