"""Every change to a claim goes through these functions: atomic, audited, and asking the policy."""

from .claims import (
    attachment_add,
    claim_create,
    claim_update,
    digiden_plan_save,
    result_publish,
)
from .transitions import claim_transition

__all__ = [
    "attachment_add",
    "claim_create",
    "claim_transition",
    "claim_update",
    "digiden_plan_save",
    "result_publish",
]
