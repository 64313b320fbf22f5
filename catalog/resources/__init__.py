"""Catalog import kinds (docs/imports.md): imported by the import framework's autodiscovery of `resources`."""

from . import migration_status, published, steps

__all__ = ["migration_status", "published", "steps"]
