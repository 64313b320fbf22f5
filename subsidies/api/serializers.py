"""The shapes of API.md "Subsidies"."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..checks import line_problems, matchers_for
from ..models import Claim, ClaimEvent, ClaimStatus, DigidenPlan, OrganizationCap, Program
from ..money import madoguchi_bonus
from ..workflow import ACTIONS


class BudgetSerializer(serializers.Serializer[Any]):
    fiscal_year = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    budget = serializers.IntegerField()
    decided = serializers.IntegerField(source="reserved")
    remaining = serializers.IntegerField()


class CategorySerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class IneligibleRuleSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    keywords = serializers.CharField()
    exempt_categories = serializers.CharField()


class ProgramSerializer(serializers.ModelSerializer[Program]):
    owner: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    rate = serializers.CharField(source="rate_label", help_text='a fraction, e.g. "1/2"')
    budgets = BudgetSerializer(many=True, read_only=True)
    eligible_categories = CategorySerializer(source="categories", many=True, read_only=True)
    ineligible_rules = IneligibleRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Program
        fields = [
            "code",
            "name",
            "kind",
            "owner",
            "rate",
            "cap",
            "cap_basis",
            "uses_organization_caps",
            "rounding_unit",
            "routes_through_prefecture",
            "acceptance_from",
            "acceptance_until",
            "budgets",
            "eligible_categories",
            "ineligible_rules",
        ]


class CapSerializer(serializers.ModelSerializer[OrganizationCap]):
    organization: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    program: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    remaining = serializers.IntegerField(read_only=True)

    class Meta:
        model = OrganizationCap
        fields = ["organization", "program", "cap", "granted", "remaining"]


class LineItemSerializer(serializers.Serializer[Any]):
    category = serializers.CharField()
    description = serializers.CharField()
    vendor = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.IntegerField()
    justification = serializers.CharField(required=False, allow_blank=True)
    problems = serializers.ListField(child=serializers.DictField(), read_only=True)


def _lines(obj: Claim, manager: str) -> list[dict[str, Any]]:
    matchers = matchers_for(obj.program)
    return [
        {
            "category": line.category,
            "description": line.description,
            "vendor": line.vendor,
            "amount": line.amount,
            "justification": line.justification,
            "problems": line_problems(
                matchers, category=line.category, description=line.description, justification=line.justification
            ),
        }
        for line in getattr(obj, manager).all()
    ]


class ClaimSerializer(serializers.ModelSerializer[Claim]):
    applicant: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    program: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    line_items = serializers.SerializerMethodField()
    actual_line_items = serializers.SerializerMethodField()
    businesses: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    digiden_plan = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "status",
            "applicant",
            "program",
            "fiscal_year",
            "title",
            "eligible_total",
            "requested_amount",
            "decided_amount",
            "actual_total",
            "fixed_amount",
            "version",
            "decision_number",
            "businesses",
            "line_items",
            "actual_line_items",
            "digiden_plan",
            "submitted_at",
            "decided_at",
            "fixed_at",
            "paid_at",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(LineItemSerializer(many=True))
    def get_line_items(self, obj: Claim) -> list[dict[str, Any]]:
        return _lines(obj, "line_items")

    @extend_schema_field(LineItemSerializer(many=True))
    def get_actual_line_items(self, obj: Claim) -> list[dict[str, Any]]:
        return _lines(obj, "actual_line_items")

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_digiden_plan(self, obj: Claim) -> dict[str, Any] | None:
        """デジ田 only: the scoring answers and the 窓口DX SaaS bonus they give."""
        try:
            plan = obj.digiden_plan  # joined by the selectors' queryset
        except DigidenPlan.DoesNotExist:
            plan = None
        if plan is None:
            return None
        return {
            "uses_madoguchi_saas": plan.uses_madoguchi_saas,
            "bpr_route": plan.bpr_route,
            "service_name": plan.service_name,
            "bonus": madoguchi_bonus(uses_madoguchi_saas=plan.uses_madoguchi_saas, bpr_route=plan.bpr_route),
        }


class ClaimListSerializer(serializers.Serializer[Any]):
    """A claim in the list: its own fields and how many cost lines it has.

    The lines themselves are in the claim's detail (`GET /api/v1/subsidies/claims/{id}/`) and in the list's
    `?format=csv|xlsx` export.
    """

    # Checking every line of every claim on a page was most of the list's time, and a list is read to find a
    # claim. It serializes the rows of `selectors.claim_summaries` (dictionaries, not model instances).

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ClaimStatus.choices)
    applicant = serializers.CharField(source="applicant_code", help_text="the applicant's 6-digit code (or slug)")
    program = serializers.CharField(source="program_code", help_text="the program's code")
    fiscal_year = serializers.IntegerField()
    title = serializers.CharField()
    eligible_total = serializers.IntegerField()
    requested_amount = serializers.IntegerField()
    decided_amount = serializers.IntegerField(allow_null=True)
    actual_total = serializers.IntegerField(allow_null=True)
    fixed_amount = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
    decision_number = serializers.CharField()
    businesses = serializers.ListField(child=serializers.SlugField())
    line_count = serializers.IntegerField(help_text="the number of planned cost lines (the lines are in the detail)")
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    fixed_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance: dict[str, Any]) -> dict[str, Any]:
        """The row's values as they are, the times in ISO 8601 in the current time zone, as DRF writes them.

        Walking the fields one by one (DRF's way, copying them for every list) took longer than the page's query;
        the values need no change.
        """
        row = {name: instance[key] for name, key in _row_keys()}
        zone = timezone.get_current_timezone()
        for name in TIMES:
            if row[name] is not None:
                text = row[name].astimezone(zone).isoformat()
                row[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
        return row


TIMES = ("submitted_at", "decided_at", "fixed_at", "paid_at", "created_at", "updated_at")


@cache
def _row_keys() -> tuple[tuple[str, str], ...]:
    """(output name, key of the summary row) of each field the list declares, in order."""
    declared = ClaimListSerializer._declared_fields
    return tuple((name, str(field.source or name)) for name, field in declared.items())


class ClaimCreateSerializer(serializers.Serializer[Any]):
    program: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", queryset=Program.objects.all()
    )
    fiscal_year = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    line_items = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    businesses = serializers.ListField(child=serializers.SlugField(), required=False, default=list)


class ClaimUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text="the version last read; 409 when someone saved in between")
    title = serializers.CharField(max_length=200, required=False)
    line_items = serializers.ListField(child=serializers.DictField(), required=False)
    businesses = serializers.ListField(child=serializers.SlugField(), required=False)


class ClaimTransitionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.IntegerField(required=False, allow_null=True)
    actual_line_items = serializers.ListField(child=serializers.DictField(), required=False, allow_null=True)


class HistorySerializer(serializers.ModelSerializer[ClaimEvent]):
    actor = serializers.CharField(source="actor.username")
    actor_name = serializers.CharField(source="actor.__str__")
    actor_organization: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = ClaimEvent
        fields = [
            "at",
            "actor",
            "actor_name",
            "actor_organization",
            "action",
            "from_status",
            "to_status",
            "comment",
            "amount",
        ]


class CheckSerializer(serializers.Serializer[Any]):
    program: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", queryset=Program.objects.all()
    )
    line_items = serializers.ListField(child=serializers.DictField())
