"""Catalog import kinds (docs/imports.md): imported by the import framework's autodiscovery of `resources`."""

from . import adoptions, migration_status, offerings, published, steps, systems

__all__ = ["adoptions", "migration_status", "offerings", "published", "steps", "systems"]
