"""A municipality's migration status (the 20 businesses at once) and its step progress.

Its own staff and managers edit them; its prefecture's staff enter them on its behalf (recorded as such);
national officials read them. For anyone else the page does not exist (404).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import policy
from portal.japanese import fiscal_year_label
from portal.models import AuditEntry, Organization, OrganizationKind

from .. import reporting
from ..forms import MigrationRowForm, StepProgressForm
from ..models import (
    BusinessArea,
    MigrationStatus,
    MigrationStatusValue,
    PublishedSnapshotKind,
    Source,
    StepDefinition,
    StepProgress,
    StepState,
)
from ..published import latest_snapshot

HISTORY_LIMIT = 30


def _municipality_for(request: HttpRequest, code: str, action: str) -> tuple[Organization, bool]:
    """The municipality and whether the user may edit; 404 for someone who may neither edit nor read it."""
    municipality = get_object_or_404(
        Organization.objects.select_related("prefecture"), code=code, kind=OrganizationKind.MUNICIPALITY
    )
    can_edit = bool(policy.check(request.user, action, municipality))
    if not can_edit and not policy.is_national(request.user):
        raise Http404(_("見つかりません。"))
    return municipality, can_edit


@login_required
def my_migration(request: HttpRequest) -> HttpResponse:
    """`/catalog/migration/`: a municipality goes to its own form; a prefecture picks one of its municipalities."""
    org = policy.org_of(request.user)
    if org is not None and org.kind == OrganizationKind.MUNICIPALITY:
        return redirect("catalog:migration", code=org.code)
    if org is not None and org.kind == OrganizationKind.PREFECTURE:
        municipalities = org.municipalities.order_by("code")
        return render(request, "catalog/migration_choose.html", {"municipalities": municipalities})
    raise Http404(_("見つかりません。"))


def _describe(values: dict[str, Any] | None) -> str:
    """An audit snapshot of a status row in words: 移行中（公表値）・令和9年度."""
    if not values:
        return ""
    labels = dict(MigrationStatusValue.choices)
    sources = dict(Source.choices)
    text = f"{labels.get(values.get('status', ''), '')}（{sources.get(values.get('source', ''), '')}）"
    if values.get("planned_fiscal_year"):
        text += "・" + fiscal_year_label(int(values["planned_fiscal_year"]))
    return text


def _history(rows: list[Any]) -> list[dict[str, Any]]:
    """The latest changes of these rows, newest first (a timeline of the audit trail)."""
    entries = (
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(MigrationStatus), target_id__in=[str(r.pk) for r in rows]
        )
        .select_related("actor", "actor_organization", "on_behalf_of")
        .order_by("-at", "-pk")[:HISTORY_LIMIT]
    )
    return [{"entry": e, "before": _describe(e.before), "after": _describe(e.after)} for e in entries]


@login_required
def migration_status(request: HttpRequest, code: str) -> HttpResponse:
    """`/catalog/migration/<code>/`: the 20 businesses at once; only changed rows are saved, all or none."""
    municipality, can_edit = _municipality_for(request, code, "catalog.edit_migration_status")
    rows = list(
        MigrationStatus.objects.filter(municipality=municipality, business__is_standardized=True)
        .select_related("business")
        .order_by("business__order")
    )
    posted = request.method == "POST" and can_edit
    forms = [
        MigrationRowForm(
            request.POST if posted else None,
            prefix=row.business.slug,
            initial=MigrationRowForm.initial_for(row),
            business_name=row.business.name,
        )
        for row in rows
    ]
    status = 200
    if posted and all(form.is_valid() for form in forms):
        status = _save(request, municipality, rows, forms)
        if status == 302:
            return redirect("catalog:migration", code=municipality.code)
    elif posted:
        status = 400
    context = {
        "municipality": municipality,
        "can_edit": can_edit,
        "on_behalf": can_edit and policy.org_of(request.user) != municipality,
        "entries": list(zip(rows, forms, strict=True)),
        "history": _history(rows),
        "has_errors": any(form.errors for form in forms),
        "snapshot": latest_snapshot(PublishedSnapshotKind.PROGRESS_RATES),
    }
    return render(request, "catalog/migration_status.html", context, status=status)


def _save(request: HttpRequest, municipality: Organization, rows: list[Any], forms: list[MigrationRowForm]) -> int:
    fresh = {r.pk: r for r in MigrationStatus.objects.filter(pk__in=[r.pk for r in rows])}
    changes: list[tuple[MigrationStatus, dict[str, Any], int]] = []
    stale = False
    for row, form in zip(rows, forms, strict=True):
        if not form.differs_from(row) and form.cleaned_data["version"] == row.version:
            continue
        current = fresh[row.pk]
        if form.cleaned_data["version"] != current.version:
            stale = True
            form.add_error(
                "status",
                _("ほかの人が先に更新しました（現在: %(status)s）。内容を確かめて、もう一度保存してください。")
                % {"status": current.get_status_display()},
            )
            # The next save is made knowingly over the newer value.
            bound = cast(QueryDict, form.data).copy()
            bound[form.add_prefix("version")] = str(current.version)
            form.data = bound
            continue
        data = {key: form.cleaned_data[key] for key in ("status", "planned_fiscal_year", "vendor_name", "on_gov_cloud")}
        changes.append((row, data, form.cleaned_data["version"]))
    if stale:
        return 409
    try:
        saved = reporting.migration_statuses_update(actor=request.user, municipality=municipality, changes=changes)
    except reporting.StaleVersionError:
        messages.error(request, reporting.stale_message())
        return 409
    except reporting.RowValidationError as exc:
        form = forms[[r.pk for r in rows].index(exc.row.pk)]
        for field, messages_ in exc.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else "status", message)
        return 400
    if saved:
        messages.success(request, _("%(n)d業務の進捗を保存しました。") % {"n": len(saved)})
    else:
        messages.info(request, _("変更はありませんでした。"))
    return 302


@login_required
def step_progress(request: HttpRequest, code: str, business: str) -> HttpResponse:
    """`/catalog/migration/<code>/steps/<business>/`: the state of each step of one business."""
    municipality, can_edit = _municipality_for(request, code, "catalog.edit_step_progress")
    area = get_object_or_404(BusinessArea, slug=business, is_standardized=True)
    version = StepDefinition.objects.order_by("-version").values_list("version", flat=True).first()
    steps = list(StepDefinition.objects.filter(version=version).order_by("number")) if version else []
    current = dict(
        StepProgress.objects.filter(municipality=municipality, business=area, step__in=steps).values_list(
            "step_id", "state"
        )
    )
    form = StepProgressForm(
        request.POST if request.method == "POST" and can_edit else None, steps=steps, current=current
    )
    if form.is_bound and form.is_valid():
        today = timezone.localdate()
        changed = reporting.step_progress_update(
            actor=request.user,
            municipality=municipality,
            business=area,
            states=form.states(),
            reported_month=today.replace(day=1),
        )
        messages.success(request, _("%(n)d件の作業手順を更新しました。") % {"n": changed})
        return redirect("catalog:steps", code=municipality.code, business=area.slug)
    finished = sum(1 for s in steps if current.get(s.pk) in (StepState.DONE, StepState.NOT_APPLICABLE))
    context = {
        "municipality": municipality,
        "business": area,
        "form": form,
        "can_edit": can_edit,
        "on_behalf": can_edit and policy.org_of(request.user) != municipality,
        "version": version,
        "finished": finished,
        "total": len(steps),
        "completion": round(100 * finished / len(steps)) if steps else None,
    }
    return render(request, "catalog/step_progress.html", context, status=400 if form.is_bound else 200)
