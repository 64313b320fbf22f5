"""Procurement import kinds (docs/imports.md): imported by the import framework's autodiscovery of `resources`."""

from . import joint_procurements, participations

__all__ = ["joint_procurements", "participations"]
