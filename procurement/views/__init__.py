"""The pages of the joint-procurement register: interfaces that parse, ask the policy, call a service, render."""

from .case import document_download, document_upload, procurement_detail, procurement_transition
from .editing import procurement_edit, procurement_new, share_preview
from .register import dashboard, procurement_answer, register_list

__all__ = [
    "dashboard",
    "document_download",
    "document_upload",
    "procurement_answer",
    "procurement_detail",
    "procurement_edit",
    "procurement_new",
    "procurement_transition",
    "register_list",
    "share_preview",
]
