"""Who may read and do what with programs and claims (DESIGN.md permission table, "claims" rows).

- the applicant's staff draft and edit; its manager also submits, withdraws and reports;
- staff of the applicant's prefecture read its municipalities' submitted claims, confirm or return them;
- officials of the program's owning ministry approve, return, reject, fix and pay (the payer is not the fixer);
  other officials read;
- everyone else: not found.
A draft that was never submitted is seen only by the applicant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from portal.models import OrganizationKind
from portal.policy import ALLOW, Decision, deny, is_manager, is_national, is_portal_admin, org_of, rule, scope

from . import workflow
from .models import (
    ActualLineItem,
    Attachment,
    Claim,
    ClaimEvent,
    ClaimResult,
    ClaimStatus,
    EligibleCategory,
    IneligibleRule,
    LineItem,
    OrganizationCap,
    Program,
    ProgramBudget,
)

# Predicates of the workflow table ---------------------------------------------------------------


def applicant_member(user: Any, claim: Claim) -> bool:
    org = org_of(user)
    return org is not None and org.pk == claim.applicant_id


def applicant_manager(user: Any, claim: Claim) -> bool:
    return applicant_member(user, claim) and is_manager(user)


def applicant_prefecture(user: Any, claim: Claim) -> bool:
    org = org_of(user)
    return (
        org is not None
        and org.kind == OrganizationKind.PREFECTURE
        and claim.applicant.kind == OrganizationKind.MUNICIPALITY
        and claim.applicant.prefecture_id == org.pk
    )


def owning_ministry(user: Any, claim: Claim) -> bool:
    org = org_of(user)
    return org is not None and org.kind == OrganizationKind.NATIONAL and org.pk == claim.program.owner_id


def owning_ministry_not_fixer(user: Any, claim: Claim) -> bool:
    return owning_ministry(user, claim) and user.pk != claim.fixed_by_id


WHO: dict[str, Callable[[Any, Claim], bool]] = {
    "applicant_manager": applicant_manager,
    "applicant_prefecture": applicant_prefecture,
    "owning_ministry": owning_ministry,
    "owning_ministry_not_fixer": owning_ministry_not_fixer,
}


def _who_refusal(who: str, user: Any, claim: Claim) -> str:
    if who == "applicant_manager":
        if applicant_member(user, claim):
            return _("この操作は申請団体の管理者が行います。")
        return _("この操作は申請団体の管理者だけが行えます。")
    if who == "applicant_prefecture":
        return _("この操作は申請団体を所管する都道府県の職員が行います。")
    if who == "owning_ministry_not_fixer" and owning_ministry(user, claim):
        return _("額を確定した職員とは別の職員が支払を行います。")
    return _("この操作は「%(owner)s」の職員が行います。") % {"owner": claim.program.owner.name}


@rule("subsidies.transition")
def may_transition(user: Any, target: tuple[Claim, str]) -> Decision:
    """May `user` take `action` on `claim` as the table says for its current status (state aside)?

    Where the status has no row for the action, the answer is whether the user takes that action in any row:
    the service then refuses the transition itself (409), not the person.
    """
    claim, action = target
    steps = workflow.steps_for(action)
    if not steps:
        return deny(_("この操作は定義されていません。"))
    step = workflow.step_from(action, claim.status)
    candidates = [step] if step is not None else steps
    for candidate in candidates:
        if WHO[candidate.who](user, claim):
            return ALLOW
    return deny(_who_refusal(candidates[0].who, user, claim))


def available_steps(user: Any, claim: Claim) -> list[workflow.Step]:
    """The transitions this user may take on this claim now: the buttons on its page."""
    return [
        step
        for step in workflow.STEPS
        if claim.status in step.sources and WHO[step.who](user, claim) and org_of(user) is not None
    ]


# Visibility ---------------------------------------------------------------------------------------


def _claim_filter(user: Any) -> Q | None:
    """A Q of the claims a user may read; None for all submitted ones, Q(pk__in=[]) for none."""
    org = org_of(user)
    if is_national(user):
        return None
    if org is None:
        return Q(pk__in=[])
    if org.kind == OrganizationKind.PREFECTURE:
        return Q(applicant=org) | Q(applicant__prefecture=org, submitted_at__isnull=False)
    if org.kind == OrganizationKind.MUNICIPALITY:
        return Q(applicant=org)
    return Q(pk__in=[])


@scope(Claim)
def claims_visible(user: Any, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
    condition = _claim_filter(user)
    if condition is None:
        return queryset.filter(submitted_at__isnull=False)
    return queryset.filter(condition)


def can_see(user: Any, claim: Claim) -> bool:
    if applicant_member(user, claim):
        return True
    if claim.submitted_at is None:
        return False
    if is_national(user):
        return True
    return applicant_prefecture(user, claim)


@rule("subsidies.view_claim")
def view_claim(user: Any, claim: Any) -> bool:
    return is_national(user) if claim is None else can_see(user, claim)


@rule("subsidies.create_claim")
def create_claim(user: Any, obj: Any) -> Decision:
    org = org_of(user)
    if org is None or org.kind not in (OrganizationKind.MUNICIPALITY, OrganizationKind.PREFECTURE):
        return deny(_("申請できるのは市区町村・都道府県の職員です。"))
    return ALLOW


@rule("subsidies.edit_claim")
def edit_claim(user: Any, claim: Claim) -> Decision:
    """Edit a claim's lines and attachments: the applicant's staff and manager (the status is the service's)."""
    if not applicant_member(user, claim):
        return deny(_("申請内容を編集できるのは申請団体の職員です。"))
    return ALLOW


@rule("subsidies.publish_result")
def publish_result(user: Any, claim: Claim) -> Decision:
    if not applicant_member(user, claim):
        return deny(_("実施状況・効果を公表できるのは申請団体の職員です。"))
    if claim.status not in (ClaimStatus.FIXED, ClaimStatus.PAID):
        return deny(_("実施状況・効果は額の確定後に公表します。"))
    return ALLOW


@rule("subsidies.change_plan")
def change_plan(user: Any, claim: Claim) -> Decision:
    if not applicant_member(user, claim):
        return deny(_("計画を変更できるのは申請団体の職員です。"))
    return ALLOW


@scope(ClaimResult)
def results_visible(user: Any, queryset: QuerySet[ClaimResult]) -> QuerySet[ClaimResult]:
    # Published results are public: making publishing the default is the point.
    return queryset.filter(published=True, claim__status__in=[ClaimStatus.FIXED, ClaimStatus.PAID])


@scope(OrganizationCap)
def caps_visible(user: Any, queryset: QuerySet[OrganizationCap]) -> QuerySet[OrganizationCap]:
    org = org_of(user)
    if is_national(user):
        return queryset
    if org is None:
        return queryset.none()
    if org.kind == OrganizationKind.PREFECTURE:
        return queryset.filter(Q(organization=org) | Q(organization__prefecture=org))
    if org.kind == OrganizationKind.MUNICIPALITY:
        return queryset.filter(organization=org)
    return queryset.none()


@scope(Program)
def programs_visible(user: Any, queryset: QuerySet[Program]) -> QuerySet[Program]:
    return queryset  # programs, rates and budgets are public


# The admin: programs and their data are maintained by national officials ----------------------------


@scope(ProgramBudget)
@scope(EligibleCategory)
@scope(IneligibleRule)
def program_data_visible(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset


@scope(LineItem)
@scope(ActualLineItem)
@scope(ClaimEvent)
@scope(Attachment)
def claim_parts_visible(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    condition = _claim_filter(user)
    if condition is None:
        return queryset.filter(claim__submitted_at__isnull=False)
    return queryset.filter(claim__in=Claim.objects.filter(condition))


@rule("subsidies.view_program")
@rule("subsidies.view_programbudget")
@rule("subsidies.view_organizationcap")
@rule("subsidies.view_eligiblecategory")
@rule("subsidies.view_ineligiblerule")
@rule("subsidies.add_program")
@rule("subsidies.add_programbudget")
@rule("subsidies.add_organizationcap")
@rule("subsidies.add_eligiblecategory")
@rule("subsidies.add_ineligiblerule")
def admin_program_data(user: Any, obj: Any) -> bool:
    return is_national(user)


@rule("subsidies.change_program")
@rule("subsidies.change_programbudget")
@rule("subsidies.change_organizationcap")
@rule("subsidies.change_eligiblecategory")
@rule("subsidies.change_ineligiblerule")
def change_program_data(user: Any, obj: Any) -> Decision:
    """A ministry maintains its own programs; a portal administrator any."""
    if obj is None or is_portal_admin(user):
        return ALLOW if is_national(user) else deny(_("国の職員だけが変更できます。"))
    program = obj if isinstance(obj, Program) else obj.program
    org = org_of(user)
    if org is not None and org.pk == program.owner_id:
        return ALLOW
    return deny(_("所管府省の職員だけが変更できます。"))


@rule("subsidies.delete_program")
@rule("subsidies.delete_programbudget")
@rule("subsidies.delete_organizationcap")
@rule("subsidies.delete_eligiblecategory")
@rule("subsidies.delete_ineligiblerule")
def delete_program_data(user: Any, obj: Any) -> bool:
    return is_portal_admin(user)


@rule("subsidies.view_claimevent")
@rule("subsidies.view_claimresult")
def admin_view_claims(user: Any, obj: Any) -> bool:
    return is_national(user)


@rule("subsidies.add_claim")
@rule("subsidies.change_claim")
@rule("subsidies.delete_claim")
@rule("subsidies.add_claimevent")
@rule("subsidies.change_claimevent")
@rule("subsidies.delete_claimevent")
def never_in_admin(user: Any, obj: Any) -> Decision:
    return deny(_("申請は申請画面の手続でのみ変更できます。"))


@rule("subsidies.use_claims")
def use_claims(user: Any, obj: Any) -> Decision:
    """Claims are never public: the API answers 401 to anonymous callers; rows are then scoped."""
    if org_of(user) is None and not is_national(user):
        return deny(_("ログインが必要です。"))
    return ALLOW


@rule("subsidies.import_program_data")
def import_program_data(user: Any, obj: Any) -> Decision:
    """Programs, budgets and caps by import: officials (each row then only for their own ministry's programs)."""
    if is_national(user):
        return ALLOW
    return deny(_("補助事業・予算・補助上限額の取り込みは所管府省の職員が行います。"))
