"""What a claim service refuses, and how: the interfaces turn these into 409 / 400 (403 is PermissionDenied)."""

from __future__ import annotations


class ClaimError(Exception):
    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ClaimConflict(ClaimError):
    """409: a stale version, a transition the status does not allow, a budget or cap that would be overdrawn."""


class ClaimInvalid(ClaimError):
    """400: bad input, unresolved line problems, a missing or too large amount."""
