"""Reads of the catalog: search with facets and counts, a system's page, "who uses it", compare.

Every query here has a fixed number of round trips whatever the number of rows (counts are annotations or
subqueries, relations are prefetched), so list and system pages stay fast as the catalog grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from portal import policy
from portal.japanese import search_key
from portal.models import Organization, OrganizationKind

from .models import (
    Adoption,
    AdoptionStatus,
    BusinessArea,
    GovCloud,
    Offering,
    OfferingStatus,
    Pattern,
    SharedSystem,
)

MAX_COMPARE = 4


@dataclass(frozen=True)
class PriceBand:
    """An indicative-price band of offerings (yen). `high` is exclusive; None = no upper limit."""

    value: str
    label: Any
    low: int
    high: int | None


PRICE_BANDS = [
    PriceBand("lt1m", _("100万円未満"), 0, 1_000_000),
    PriceBand("1m-5m", _("100万〜500万円"), 1_000_000, 5_000_000),
    PriceBand("5m-20m", _("500万〜2,000万円"), 5_000_000, 20_000_000),
    PriceBand("ge20m", _("2,000万円以上"), 20_000_000, None),
]
PRICE_BAND_BY_VALUE = {b.value: b for b in PRICE_BANDS}
SPEC_CHOICES = [("compliant", _("標準仕様あり")), ("none", _("標準仕様なし"))]
SORTS = {
    "name": (_("名前順"), ["name_kana", "slug"]),
    "-adoption": (_("利用団体の多い順"), ["-adoption_count", "name_kana", "slug"]),
    "-created": (_("新着順"), ["-created_at", "-pk"]),
}
DEFAULT_SORT = "-adoption"


def _published_offerings_count() -> Any:
    counted = (
        Offering.objects.filter(system=OuterRef("pk"), status=OfferingStatus.PUBLISHED)
        .order_by()
        .values("system")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def systems_annotated(user: Any) -> QuerySet[SharedSystem]:
    """Systems the user may see, with `offerings_count` (published) and `area_list` (their business areas in
    display order). `adoption_count` (in use only) is stored on the system."""
    return (
        policy.visible(user, SharedSystem.objects.all())
        .select_related("owner")
        # A plain list (to_attr): a related manager per system costs more than the query on a page of 50.
        .prefetch_related(
            Prefetch("business_areas", queryset=BusinessArea.objects.order_by("order"), to_attr="area_list")
        )
        .annotate(offerings_count=_published_offerings_count())
    )


def _price_band_q(band: PriceBand) -> Q:
    """Systems with a published offering whose indicative range overlaps the band."""
    overlap = Q(status=OfferingStatus.PUBLISHED, price_min__isnull=False) & (
        Q(price_max__gte=band.low) | Q(price_max__isnull=True, price_min__gte=band.low)
    )
    if band.high is not None:
        overlap &= Q(price_min__lt=band.high)
    return Q(Exists(Offering.objects.filter(overlap, system=OuterRef("pk"))))


@dataclass
class SystemQuery:
    """A catalog search as it appears in the URL (so it can be bookmarked and shared)."""

    q: str = ""
    pattern: str = ""
    business_area: str = ""
    gov_cloud: str = ""
    spec: str = ""
    price: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params: Any) -> SystemQuery:
        """Read the query string; unknown values are ignored rather than failing the page."""

        def pick(name: str, allowed: Any) -> str:
            value = (params.get(name) or "").strip()
            return value if value in allowed else ""

        return cls(
            q=(params.get("q") or "").strip()[:100],
            pattern=pick("pattern", Pattern.values),
            business_area=(params.get("business_area") or "").strip()[:64],
            gov_cloud=pick("gov_cloud", GovCloud.values),
            spec=pick("spec", dict(SPEC_CHOICES)),
            price=pick("price", PRICE_BAND_BY_VALUE),
            sort=pick("sort", SORTS) or DEFAULT_SORT,
        )

    def filters(self, skip: str = "") -> Q:
        """The Q of every facet but `skip` (so a facet's counts show what choosing another value would give)."""
        q = Q()
        if self.pattern and skip != "pattern":
            q &= Q(pattern=self.pattern)
        if self.business_area and skip != "business_area":
            q &= Q(business_areas__slug=self.business_area)
        if self.gov_cloud and skip != "gov_cloud":
            q &= Q(gov_cloud=self.gov_cloud)
        if self.spec and skip != "spec":
            q &= ~Q(spec_name="") if self.spec == "compliant" else Q(spec_name="")
        if self.price and skip != "price":
            q &= _price_band_q(PRICE_BAND_BY_VALUE[self.price])
        return q


def text_search(queryset: QuerySet[SharedSystem], text: str) -> QuerySet[SharedSystem]:
    # Each word must appear in the folded key (name, reading, slug): ﾏﾄﾞｸﾞﾁ, まどぐち and マドグチ all match.
    for word in text.split():
        key = search_key(word)
        if key:
            queryset = queryset.filter(search_key__contains=key)
    return queryset


def system_matches(*, user: Any, query: SystemQuery) -> QuerySet[SharedSystem]:
    """The systems matching a search, in its sort order, without the annotations of a page's rows."""
    queryset = text_search(policy.visible(user, SharedSystem.objects.all()), query.q).filter(query.filters())
    if query.business_area:
        queryset = queryset.distinct()
    return queryset.order_by(*SORTS[query.sort][1])


def system_search(*, user: Any, query: SystemQuery) -> QuerySet[SharedSystem]:
    """The systems matching a search, in its sort order (a fixed number of queries)."""
    queryset = text_search(systems_annotated(user), query.q).filter(query.filters())
    if query.business_area:
        queryset = queryset.distinct()
    return queryset.order_by(*SORTS[query.sort][1])


def systems_in_order(*, user: Any, ids: list[int]) -> list[SharedSystem]:
    """The systems of these ids (those the user may see), annotated as on the list, in the order of `ids`."""
    found = {system.pk: system for system in systems_annotated(user).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


@dataclass
class Facet:
    name: str
    label: Any
    selected: str
    options: list[dict[str, Any]] = field(default_factory=list)


def facet_counts(*, user: Any, query: SystemQuery) -> dict[str, dict[str, int]]:
    """For each facet, the number of systems each of its values would give (other facets applied). Five queries."""
    base = text_search(policy.visible(user, SharedSystem.objects.all()), query.q)

    def counts(skip: str, column: str) -> dict[str, int]:
        rows = base.filter(query.filters(skip)).order_by().values(column).annotate(n=Count("pk", distinct=True))
        return {row[column]: row["n"] for row in rows}

    spec = base.filter(query.filters("spec")).aggregate(
        compliant=Count("pk", filter=~Q(spec_name=""), distinct=True),
        none=Count("pk", filter=Q(spec_name=""), distinct=True),
    )
    price = base.filter(query.filters("price")).aggregate(
        **{b.value: Count("pk", filter=_price_band_q(b), distinct=True) for b in PRICE_BANDS}
    )
    return {
        "pattern": counts("pattern", "pattern"),
        "gov_cloud": counts("gov_cloud", "gov_cloud"),
        "business_area": counts("business_area", "business_areas__slug"),
        "spec": spec,
        "price": price,
    }


def area_choices() -> list[tuple[str, str]]:
    """The business areas a search can be narrowed to, in display order: (slug, name)."""
    return list(BusinessArea.objects.order_by("order").values_list("slug", "name"))


def system_facets(
    *, query: SystemQuery, counts: dict[str, dict[str, int]], areas: list[tuple[str, str]]
) -> list[Facet]:
    """The facets of the list page, from `facet_counts` and `area_choices` (reads nothing itself)."""

    def options(choices: Any, found: dict[str, int], selected: str) -> list[dict[str, Any]]:
        return [
            {"value": value, "label": label, "count": found.get(value, 0), "selected": value == selected}
            for value, label in choices
        ]

    bands = [(b.value, b.label) for b in PRICE_BANDS]
    return [
        Facet(
            "pattern", _("共通化パターン"), query.pattern, options(Pattern.choices, counts["pattern"], query.pattern)
        ),
        Facet(
            "business_area",
            _("業務分野"),
            query.business_area,
            options(areas, counts["business_area"], query.business_area),
        ),
        Facet(
            "gov_cloud",
            _("ガバメントクラウド"),
            query.gov_cloud,
            options(GovCloud.choices, counts["gov_cloud"], query.gov_cloud),
        ),
        Facet("spec", _("標準仕様への準拠"), query.spec, options(SPEC_CHOICES, counts["spec"], query.spec)),
        Facet("price", _("参考価格帯（年額）"), query.price, options(bands, counts["price"], query.price)),
    ]


# A system's page ---------------------------------------------------------------------------------


def visible_offerings(user: Any) -> QuerySet[Offering]:
    return policy.visible(user, Offering.objects.select_related("vendor", "system")).annotate(
        adoption_count=Coalesce(
            Subquery(
                Adoption.objects.filter(offering=OuterRef("pk"), status=AdoptionStatus.IN_USE)
                .order_by()
                .values("offering")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )
    )


def system_detail(*, user: Any, slug: str) -> SharedSystem:
    """One system with its visible offerings prefetched (404 when unknown)."""
    return policy.get_visible_or_404(
        user,
        systems_annotated(user).prefetch_related(
            Prefetch(
                "offerings", queryset=visible_offerings(user).order_by("product_name"), to_attr="visible_offerings"
            )
        ),
        slug=slug,
    )


def adoption_by_prefecture(system: SharedSystem) -> list[dict[str, Any]]:
    """In-use counts by prefecture (the prefecture's own systems counted with its municipalities). Two queries."""
    rows = (
        Adoption.objects.filter(system=system, status=AdoptionStatus.IN_USE)
        .order_by()
        .values("organization__prefecture_code")
        .annotate(n=Count("pk"))
    )
    counts = {row["organization__prefecture_code"]: row["n"] for row in rows if row["organization__prefecture_code"]}
    prefectures = {
        number: (code, name)
        for number, code, name in Organization.objects.filter(
            kind=OrganizationKind.PREFECTURE, prefecture_code__in=counts
        ).values_list("prefecture_code", "code", "name")
    }
    return [
        {
            "prefecture": prefectures.get(number, ("", ""))[0],
            "prefecture_code": number,
            "name": prefectures.get(number, ("", ""))[1],
            "count": counts[number],
        }
        for number in sorted(counts)
    ]


def similar_adopters(*, system: SharedSystem, municipality: Organization | None) -> list[Organization]:
    """Municipalities of the same population band as `municipality` that use the system (in use)."""
    if municipality is None or municipality.kind != OrganizationKind.MUNICIPALITY or not municipality.population_band:
        return []
    found = (
        Organization.objects.filter(
            kind=OrganizationKind.MUNICIPALITY,
            population_band=municipality.population_band,
            adoptions__system=system,
            adoptions__status=AdoptionStatus.IN_USE,
        )
        .select_related("prefecture")
        .distinct()
        .order_by("code")
    )
    # Neighbours first: towns of her own prefecture are the ones she can phone.
    return sorted(found, key=lambda org: (org.prefecture_id != municipality.prefecture_id, org.code or ""))


def adoptions_for_system(*, user: Any, system: SharedSystem) -> QuerySet[Adoption]:
    """The adoptions of a system the user may see (in use for everyone; private ones per DESIGN.md)."""
    return (
        policy.visible(user, Adoption.objects.filter(system=system))
        .select_related("organization", "organization__prefecture", "offering")
        .order_by("organization__code")
    )


# Compare -----------------------------------------------------------------------------------------


def slugs_from(text: str) -> list[str]:
    """`a,b,,c` → ["a", "b", "c"], duplicates removed, order kept."""
    seen: list[str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


def systems_to_compare(*, user: Any, slugs: list[str]) -> list[SharedSystem]:
    found = {s.slug: s for s in systems_annotated(user).filter(slug__in=slugs[:MAX_COMPARE])}
    return [found[slug] for slug in slugs if slug in found]


def offerings_to_compare(*, user: Any, slugs: list[str]) -> list[Offering]:
    found = {o.slug: o for o in visible_offerings(user).filter(slug__in=slugs[:MAX_COMPARE])}
    return [found[slug] for slug in slugs if slug in found]
