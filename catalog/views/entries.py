"""Catalog entries: national officials create and edit systems; a vendor edits its own offerings (back to review)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal import policy

from .. import selectors, services
from ..forms import OfferingEditForm, SystemForm
from ..models import SharedSystem


def _copy_errors(form: Any, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for field, messages_ in errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


@login_required
def system_edit(request: HttpRequest, slug: str = "") -> HttpResponse:
    """`/catalog/systems/new/` and `/catalog/systems/<slug>/edit/` (national officials)."""
    system = policy.get_visible_or_404(request.user, SharedSystem.objects.all(), slug=slug) if slug else None
    policy.require(request.user, "catalog.edit_system", system)
    form = SystemForm(request.POST or None, instance=system)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        areas = list(data.pop("business_areas"))
        try:
            saved = services.system_save(actor=request.user, data=data, business_areas=areas, system=system)
        except ValidationError as exc:
            _copy_errors(form, exc)
        else:
            messages.success(request, _("「%(name)s」を保存しました。") % {"name": saved.name})
            return redirect("catalog:system", slug=saved.slug)
    status = 400 if form.is_bound else 200
    return render(request, "catalog/system_form.html", {"form": form, "system": system}, status=status)


@login_required
def offering_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """`/catalog/offerings/<slug>/edit/`: its vendor (the change goes back to review) or a national official."""
    offering = policy.get_visible_or_404(request.user, selectors.visible_offerings(request.user), slug=slug)
    policy.require(request.user, "catalog.edit_offering", offering)
    form = OfferingEditForm(request.POST or None, instance=offering)
    if request.method == "POST" and form.is_valid():
        try:
            services.offering_update(actor=request.user, offering=offering, data=dict(form.cleaned_data))
        except ValidationError as exc:
            _copy_errors(form, exc)
        else:
            messages.success(request, _("提供サービスを保存しました。"))
            return redirect("catalog:offerings")
    status = 400 if form.is_bound else 200
    context = {"form": form, "system": offering.system, "offering": offering}
    return render(request, "catalog/offering_form.html", context, status=status)
