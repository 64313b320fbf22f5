"""Subsidy programs, their budgets and caps; claims, their lines, history, attachments and results."""

from .claims import (
    ActualLineItem,
    Attachment,
    BprRoute,
    Claim,
    ClaimEvent,
    ClaimResult,
    ClaimStatus,
    DigidenPlan,
    DocumentSequence,
    LineItem,
)
from .programs import (
    CapBasis,
    EligibleCategory,
    IneligibleRule,
    OrganizationCap,
    Program,
    ProgramBudget,
    ProgramKind,
)

__all__ = [
    "ActualLineItem",
    "Attachment",
    "BprRoute",
    "CapBasis",
    "Claim",
    "ClaimEvent",
    "ClaimResult",
    "ClaimStatus",
    "DigidenPlan",
    "DocumentSequence",
    "EligibleCategory",
    "IneligibleRule",
    "LineItem",
    "OrganizationCap",
    "Program",
    "ProgramBudget",
    "ProgramKind",
]
