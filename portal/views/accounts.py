"""Login, two-factor confirmation, and managing the people of one's organization."""

from __future__ import annotations

import base64
import io
from typing import cast

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import policy, services
from portal.models import Organization, Role, User


class LoginView(auth_views.LoginView):
    template_name = "portal/accounts/login.html"
    redirect_authenticated_user = True


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=gettext_lazy("確認コード（6桁）"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Confirm a TOTP code; set up the authenticator first when the person has none."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return redirect(target or "/")
        form.add_error(
            "otp", _("確認コードが正しくありません。認証アプリに表示されている最新のコードを入力してください。")
        )
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        context["secret"] = base64.b32encode(device.bin_key).decode()
        context["qr"] = _qr_svg(device.config_url)
    return render(request, "portal/accounts/two_factor.html", context)


class InviteForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("氏名"), max_length=100)
    email = forms.EmailField(label=gettext_lazy("メールアドレス"))
    role = forms.ChoiceField(label=gettext_lazy("役割"), choices=Role.choices, initial=Role.STAFF)


def _member(request: HttpRequest) -> User:
    """The logged-in person (views here are behind login_required)."""
    return cast(User, request.user)


def _target_organization(request: HttpRequest, actor: User) -> Organization:
    """The organization whose people are managed: one's own, or any for a portal administrator (?organization=)."""
    slug = request.GET.get("organization")
    organization = get_object_or_404(Organization, slug=slug) if slug else actor.organization
    if organization is None:
        raise Http404
    policy.require(actor, "portal.manage_members", organization)
    return organization


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    organization = _target_organization(request, actor)
    members = policy.visible(actor, User.objects.filter(organization=organization))
    context = {"members": members.order_by("-is_active", "username"), "organization": organization}
    return render(request, "portal/accounts/member_list.html", context)


@login_required
def member_invite(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    organization = _target_organization(request, actor)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_invite(actor=actor, organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("招待メールを送信しました。"))
            return redirect(f"{reverse('member-list')}?organization={organization.slug}")
    return render(request, "portal/accounts/member_invite.html", {"form": form, "organization": organization})


@login_required
@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _member(request)
    member = policy.get_visible_or_404(actor, User.objects.all(), pk=pk)
    try:
        services.user_deactivate(actor=actor, user=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s さんを無効化しました。") % {"name": member})
    return redirect(f"{reverse('member-list')}?organization={member.organization.slug if member.organization else ''}")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' answer to a locked account: the page, or the API's JSON error for the token endpoint."""
    if request.path.startswith("/api/"):
        message = _(
            "パスワードを続けて間違えたため、このアカウントのログインを30分間停止しました。しばらくしてからお試しいただくか、パスワードを再設定してください。"
        )
        return JsonResponse({"detail": message, "errors": {}}, status=429)
    return render(request, "portal/locked_out.html", status=429)
