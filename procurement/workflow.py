"""The status moves of a joint procurement, as a table the service and the pages both read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Status


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    source: str
    target: str
    # Fields that must be filled before the move (their verbose names are shown when missing).
    requires: tuple[str, ...] = ()


# Every move is made by staff of the lead prefecture (rule `procurement.change`).
TRANSITIONS: list[Transition] = [
    Transition("start_recruiting", _("参加団体の募集を始める"), Status.PLANNING, Status.RECRUITING),
    Transition("back_to_planning", _("企画中に戻す"), Status.RECRUITING, Status.PLANNING),
    Transition("start_tendering", _("募集を締め切り、入札・選定に進む"), Status.RECRUITING, Status.TENDERING),
    Transition(
        "record_contract",
        _("契約を記録する"),
        Status.TENDERING,
        Status.CONTRACTED,
        requires=("awarded_vendor_name", "contract_amount", "contract_date"),
    ),
    Transition("start_operation", _("運用開始を記録する"), Status.CONTRACTED, Status.OPERATING, ("operation_start",)),
    Transition("end", _("終了を記録する"), Status.OPERATING, Status.ENDED),
]

# While the municipalities may still answer the intent survey.
ANSWERABLE_STATUSES = (Status.PLANNING, Status.RECRUITING)


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == status]


def find_transition(status: str, action: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == status and t.action == action), None)


ACTIONS = sorted({t.action for t in TRANSITIONS})
