"""The registry of import kinds (API.md "Import and export").

A kind is declarative: its API name, Japanese label, the policy action that may import it, its columns (English
and Japanese headers, an example value) and a django-import-export Resource whose field widgets validate each cell.
Three small methods say how rows are matched with what is stored and how changes are written set-wise
(see docs/imports.md, "Adding a kind"). `get_kind(name)` and `all_kinds()` find them; kinds live in this package
and in each app's `resources.py`, imported on first use.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from portal.japanese import search_key
from portal.models import Organization, OrganizationKind

MUNICIPALITY_ALIASES = ("団体コード", "団体名", "市区町村", "市区町村コード", "市区町村名")
BUSINESS_ALIASES = ("業務名", "業務コード", "標準化対象事務")
_BUILTIN = ("organizations",)
_registry: dict[str, type[ImportKind]] = {}
_loaded = False


@dataclass(frozen=True)
class Column:
    """One column of a file: `key` is the English header and the Resource field name."""

    key: str
    header_ja: str
    example: str
    required: bool = True
    help: str = ""
    aliases: tuple[str, ...] = ()  # other headers people write for this column (e.g. 団体コード)


@dataclass
class Change:
    """A row that differs from what is stored: the instance, the cleaned row, and {field: (before, after)}."""

    line: int
    instance: Any
    row: dict[str, Any]
    fields: dict[str, tuple[Any, Any]]


class OrganizationIndex:
    """Every prefecture and municipality, loaded in one query, by code and by name."""

    def __init__(self) -> None:
        orgs = list(
            Organization.objects.filter(kind__in=[OrganizationKind.PREFECTURE, OrganizationKind.MUNICIPALITY]).only(
                "id", "slug", "code", "kind", "name", "prefecture_id", "prefecture_code", "population"
            )
        )
        self.by_id = {o.pk: o for o in orgs}
        self.by_code = {o.code: o for o in orgs if o.code}
        self.by_name: dict[tuple[int | None, str], list[Organization]] = {}
        self.by_any_name: dict[str, list[Organization]] = {}
        for org in orgs:
            if org.prefecture_id is not None:
                org.prefecture = self.by_id[org.prefecture_id]  # str(org) without a query
            home = org.home_prefecture_id
            key = search_key(org.name)
            self.by_name.setdefault((home, key), []).append(org)
            self.by_any_name.setdefault(key, []).append(org)
            if org.kind == OrganizationKind.MUNICIPALITY and org.prefecture is not None:
                self.by_any_name.setdefault(search_key(org.prefecture.name + org.name), []).append(org)

    def find_by_name(self, text: str, home_prefecture_id: int | None) -> Organization:
        """A name: 「長野県小布施町」, or 「小布施町」 within the caller's prefecture (or unique nationwide)."""
        key = search_key(text)
        found = self.by_name.get((home_prefecture_id, key)) if home_prefecture_id else None
        if not found:
            found = self.by_any_name.get(key, [])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(
                _(
                    "団体「%(name)s」は見つかりません。団体コード（6桁）か正式な名称（例：長野県小布施町）で入力してください。"
                )
                % {"name": text}
            )
        raise ValueError(
            _(
                "「%(name)s」という団体は%(n)d団体あります。団体コード（6桁）か都道府県名から（例：北海道伊達市）入力してください。"
            )
            % {"name": text, "n": len(found)}
        )


@dataclass
class ImportContext:
    """What one import run knows: who imports, and lookup maps loaded once (never per row)."""

    actor: Any
    record: Any = None
    # True for the pass that writes (inside its transaction): rows a check depends on are then read with
    # SELECT … FOR UPDATE, so an edit made meanwhile either lands first or waits for the import.
    writing: bool = False
    maps: dict[str, Any] = field(default_factory=dict)

    @property
    def organization(self) -> Organization | None:
        return getattr(self.actor, "organization", None)

    @property
    def home_prefecture_id(self) -> int | None:
        org = self.organization
        return org.home_prefecture_id if org is not None else None

    @cached_property
    def organizations(self) -> OrganizationIndex:
        return OrganizationIndex()

    @cached_property
    def businesses(self) -> dict[str, Any]:
        """The 20 standardized businesses by slug, code and Japanese name (and aliases)."""
        from catalog.models import BusinessArea

        lookup: dict[str, Any] = {}
        for area in BusinessArea.objects.filter(is_standardized=True):
            for name in (area.slug, area.code, area.code.lower(), area.name, *re.split(r"[;、,]", area.aliases)):
                if name.strip():
                    lookup[name.strip()] = area
        return lookup

    @property
    def audit_comment(self) -> str:
        record = self.record
        if record is None:
            return ""
        return _("取り込み#%(id)s（%(file)s）による変更") % {"id": record.pk, "file": record.file_name}


class ImportKind:
    """Base of every kind. Subclasses set the class attributes and implement the three methods."""

    name: ClassVar[str]
    label: ClassVar[str | Promise]
    description: ClassVar[str | Promise] = ""
    action: ClassVar[str]  # the policy rule that may import this kind at all
    resource_class: ClassVar[type]
    columns: ClassVar[list[Column]]
    key_fields: ClassVar[tuple[str, ...]]  # what makes two rows "the same row"
    row_action: ClassVar[str | None] = None  # a policy rule asked per row with the row's organization
    row_org_field: ClassVar[str] = "municipality"

    def __init__(self) -> None:
        self.resource = self.resource_class()
        # Columns are named by the header (`column_name`); cleaned rows by the Resource field's attribute.
        self.fields_by_column = {f.column_name: f for f in self.resource.fields.values()}
        self.headers_by_attribute = {
            self.fields_by_column[c.key].attribute: c.header_ja for c in self.columns if c.key in self.fields_by_column
        }

    def key(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(getattr(row[f], "pk", row[f]) for f in self.key_fields)

    def describe(self, row: dict[str, Any]) -> str:
        """How the preview names a row."""
        return " / ".join(str(row[f]) for f in self.key_fields if row.get(f) is not None)

    def check_row(self, ctx: ImportContext, row: dict[str, Any]) -> tuple[str, str] | None:
        """Cross-column checks of one cleaned row: (field, message) when wrong. Default: none."""
        return None

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        """The stored rows matching `rows`, by key: one query per batch."""
        raise NotImplementedError

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        """{field: (stored, imported)} for the fields that would change."""
        raise NotImplementedError

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        """Write one batch set-wise; return the audit entries (keyword arguments of audit_record)."""
        raise NotImplementedError

    @staticmethod
    def diff_fields(instance: Any, row: dict[str, Any], fields: Iterable[str]) -> dict[str, tuple[Any, Any]]:
        """The usual diff: a field whose imported value is given (not None) and differs."""
        changes = {}
        for name in fields:
            new = row.get(name)
            if new is None:
                continue
            old = getattr(instance, name)
            if old != new:
                changes[name] = (old, new)
        return changes


def register(kind: type[ImportKind]) -> type[ImportKind]:
    """Class decorator: make a kind importable (its `name` is the API's `kind`)."""
    _registry[kind.name] = kind
    return kind


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in _BUILTIN:
            importlib.import_module(f"{__name__}.{module}")
        autodiscover_modules("resources")


def all_kinds() -> list[ImportKind]:
    _load()
    return [kind() for kind in _registry.values()]


def get_kind(name: str) -> ImportKind | None:
    _load()
    kind = _registry.get(name)
    return kind() if kind is not None else None
