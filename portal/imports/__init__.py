"""Bulk import and export for every register (DESIGN.md "Cross-cutting — Import / export"; docs/imports.md)."""
