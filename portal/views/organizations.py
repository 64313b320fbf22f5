"""The organization directory: search by name or kana, filter by prefecture; one page per organization."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import policy, selectors
from portal.imports.export import file_response, table_file
from portal.models import Organization, OrganizationKind


def organization_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    if kind not in OrganizationKind.values:
        kind = ""
    prefecture = request.GET.get("prefecture", "")
    queryset = selectors.organization_search(
        queryset=policy.visible(request.user, Organization.objects.all()), q=q, kind=kind, prefecture=prefecture
    )
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return organization_export(queryset.order_by("slug"), fmt=fmt, encoding=request.GET.get("encoding", ""))
    page = Paginator(queryset.order_by("slug"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "kind": kind,
        "prefecture": prefecture,
        "kinds": OrganizationKind.choices,
        "prefectures": selectors.prefectures(),
    }
    return render(request, "portal/organization_list.html", context)


EXPORT_COLUMNS = ["団体コード", "名称", "よみがな", "種別", "都道府県", "人口", "人口規模"]


def organization_export(queryset: QuerySet[Organization], *, fmt: str, encoding: str) -> HttpResponse:
    """The list as the filters select it, every row, for Excel."""
    rows = (
        [
            org.code or org.slug,
            org.name,
            org.name_kana,
            org.get_municipality_type_display() or org.get_kind_display(),
            org.prefecture.name if org.prefecture else "",
            org.population,
            org.get_population_band_display(),
        ]
        for org in queryset.iterator(chunk_size=2000)
    )
    encoding = "cp932" if encoding.lower() in ("cp932", "shift_jis", "sjis") else "utf-8"
    data = table_file(EXPORT_COLUMNS, rows, fmt=fmt, encoding=encoding)
    return file_response(data, file_stem="団体一覧", fmt=fmt, encoding=encoding)


def organization_detail(request: HttpRequest, code: str) -> HttpResponse:
    organization = policy.get_visible_or_404(request.user, Organization.objects.select_related("prefecture"), slug=code)
    municipalities = organization.municipalities.order_by("code") if organization.kind == "prefecture" else None
    return render(
        request,
        "portal/organization_detail.html",
        {"organization": organization, "municipalities": municipalities},
    )
