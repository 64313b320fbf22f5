"""Subsidy money (restricted): budget vs decided vs paid per program × fiscal year, claims by status, and
days from submission to decision. Decided, paid, claims and days are kept per applicant organization (with
its prefecture), so each reader sees only its own scope; budgets are national and carry no organization."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncDate

from subsidies.models import Claim, ClaimStatus, Program, ProgramBudget

from . import Output, Row, metric

NAME = "subsidy_budget"
# Statuses whose decided amount stands (a decision taken and not undone).
DECIDED = (ClaimStatus.APPROVED, ClaimStatus.REPORTED, ClaimStatus.FIXED, ClaimStatus.PAID)
DECISIONS = (ClaimStatus.APPROVED, ClaimStatus.REJECTED)

_PROGRAM, _YEAR = "program__code", "fiscal_year"
_PREF, _ORG, _ORG_NAME = "applicant__prefecture_code", "applicant__slug", "applicant__name"


@metric(NAME, history=("budget", "decided", "paid"))
def build(period: dt.date) -> Output:
    return Output(rows=_rows())


def _first_event_on(statuses: tuple[str, ...]) -> TruncDate:
    """The day (Japan time) of a claim's first event into one of `statuses`, aggregated over its events."""
    return TruncDate(Min("events__at", filter=Q(events__to_status__in=statuses)))


def _rows() -> Iterator[Row]:
    for program in Program.objects.order_by("code").values("code", "name"):
        yield Row("program", item=program["code"], label=program["name"])
    for b in ProgramBudget.objects.values(_PROGRAM, "fiscal_year", "budget", "label").order_by():
        yield Row("budget", b["budget"], item=b[_PROGRAM], year=b["fiscal_year"], label=b["label"])
    claims = Claim.objects.exclude(status=ClaimStatus.DRAFT)
    dims = (_PROGRAM, _YEAR, _PREF, _ORG, _ORG_NAME)
    decided = claims.filter(status__in=DECIDED).values(*dims).annotate(total=Sum("decided_amount")).order_by()
    for r in decided:
        yield Row("decided", int(r["total"] or 0), **_dims(r))
    paid = claims.filter(status=ClaimStatus.PAID).values(*dims).annotate(total=Sum("fixed_amount")).order_by()
    for r in paid:
        yield Row("paid", int(r["total"] or 0), **_dims(r))
    for r in claims.values(*dims, "status").annotate(n=Count("id")).order_by():
        yield Row("claims", r["n"], status=r["status"], **_dims(r))
    yield from _decision_days()


def _decision_days() -> Iterator[Row]:
    """Days from first submission to first decision (calendar days, Japan time): per organization, how many
    claims waited how many days (extra["days"]: {"12": 3, …}), so a median can be taken over any scope."""
    # One pass over the events grouped per claim (correlated subqueries per claim took a second nationally).
    timed = (
        Claim.objects.annotate(
            submitted_on=_first_event_on((ClaimStatus.SUBMITTED,)), decided_on=_first_event_on(DECISIONS)
        )
        .filter(submitted_on__isnull=False, decided_on__isnull=False)
        .values_list(_PROGRAM, _YEAR, _PREF, _ORG, _ORG_NAME, "submitted_on", "decided_on")
        .order_by()
    )
    cells: dict[tuple[Any, ...], dict[str, Any]] = {}
    histograms: dict[tuple[Any, ...], dict[str, int]] = defaultdict(dict)
    for program, year, prefecture_code, organization, name, submitted_on, decided_on in timed:
        key = (program, year, organization)
        cells[key] = {_PROGRAM: program, _YEAR: year, _PREF: prefecture_code, _ORG: organization, _ORG_NAME: name}
        waited = str((decided_on - submitted_on).days)
        histograms[key][waited] = histograms[key].get(waited, 0) + 1
    for key, r in cells.items():
        days = histograms[key]
        yield Row("decision_days", sum(days.values()), extra={"days": days}, **_dims(r))


def _dims(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "item": r[_PROGRAM],
        "year": r[_YEAR],
        "prefecture_code": r[_PREF],
        "organization_code": r[_ORG],
        "label": r[_ORG_NAME],
    }
