"""`step-definitions` (the national step list, officials) and `migration-steps` (each municipality's monthly step
progress: the large-file kind — about 1.4 million rows nationally, so everything here is set-wise: one query per
batch to match stored rows, one upsert per batch to write them).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from catalog.models import StepDefinition, StepProgress, StepState
from portal.audit import audit_snapshot
from portal.imports.kinds import (
    BUSINESS_ALIASES,
    MUNICIPALITY_ALIASES,
    Change,
    Column,
    ImportContext,
    ImportKind,
    register,
)
from portal.imports.widgets import (
    BusinessWidget,
    ChoiceWidget,
    IntegerWidget,
    MonthWidget,
    OrganizationWidget,
    TextWidget,
)


class StepDefinitionResource(resources.Resource):
    version = fields.Field(attribute="version", column_name="version", widget=TextWidget("手順書の版", 20))
    number = fields.Field(attribute="number", column_name="number", widget=IntegerWidget("番号", 1, 999))
    phase = fields.Field(attribute="phase", column_name="phase", widget=TextWidget("工程", 60))
    name = fields.Field(attribute="name", column_name="name", widget=TextWidget("作業名", 200))


@register
class StepDefinitions(ImportKind):
    name = "step-definitions"
    label = gettext_lazy("作業手順の一覧")
    description = gettext_lazy("標準化の作業手順（版ごとの番号・工程・作業名）を登録・更新します。")
    action = "imports.national_data"
    resource_class = StepDefinitionResource
    columns = [
        Column("version", "手順書の版", "2024.1"),
        Column("number", "番号", "1"),
        Column("phase", "工程", "計画立案", required=False),
        Column("name", "作業名", "推進体制の構築"),
    ]
    key_fields = ("version", "number")
    row_org_field = ""

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = StepDefinition.objects.filter(version__in={r["version"] for r in rows})
        if lock:
            queryset = queryset.select_for_update()
        return {(s.version, s.number): s for s in queryset}

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        return self.diff_fields(instance, row, ["phase", "name"])

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        created = StepDefinition.objects.bulk_create(
            [
                StepDefinition(version=r["version"], number=r["number"], phase=r.get("phase") or "", name=r["name"])
                for _l, r in new
            ]
        )
        entries = [self._entry(ctx, step, None) for step in created]
        for change in changed:
            before = audit_snapshot(change.instance, ["phase", "name"])
            for name, (_old, value) in change.fields.items():
                setattr(change.instance, name, value)
            entries.append(self._entry(ctx, change.instance, before))
        StepDefinition.objects.bulk_update([c.instance for c in changed], ["phase", "name"])
        return entries

    @staticmethod
    def _entry(ctx: ImportContext, step: StepDefinition, before: dict[str, Any] | None) -> dict[str, Any]:
        after = audit_snapshot(step, ["version", "number", "phase", "name"])
        return {
            "actor": ctx.actor,
            "target": step,
            "action": "import",
            "before": before,
            "after": after,
            "comment": ctx.audit_comment,
        }


class StepWidget(widgets.Widget):
    """A step number of the step list's version named in the row (the newest version when the column is empty)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        ctx = kwargs["context"]
        steps = ctx.maps.get("steps")
        if steps is None:
            steps = ctx.maps["steps"] = {(s.version, s.number): s for s in StepDefinition.objects.all()}
            ctx.maps["newest_version"] = max((v for v, _n in steps), default="")
        number = IntegerWidget("作業手順の番号", 1, 999).clean(value)
        version = (row or {}).get("step_version") or ctx.maps["newest_version"]
        step = steps.get((version, number))
        if step is None:
            raise ValueError(
                _("作業手順の番号 %(n)s は手順書（版 %(v)s）にありません。手順書の番号を確認してください。")
                % {"n": value, "v": version or "—"}
            )
        return step

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value.number) if value is not None else ""


class StepProgressResource(resources.Resource):
    municipality = fields.Field(attribute="municipality", column_name="municipality", widget=OrganizationWidget("団体"))
    business = fields.Field(attribute="business", column_name="business", widget=BusinessWidget("業務"))
    step = fields.Field(attribute="step", column_name="step", widget=StepWidget())
    state = fields.Field(attribute="state", column_name="state", widget=ChoiceWidget("状況", StepState))
    reported_month = fields.Field(
        attribute="reported_month", column_name="reported_month", widget=MonthWidget("報告月")
    )
    step_version = fields.Field(
        attribute="step_version", column_name="step_version", widget=TextWidget("手順書の版", 20)
    )


@register
class MigrationSteps(ImportKind):
    name = "migration-steps"
    label = gettext_lazy("作業手順の進捗")
    description = gettext_lazy(
        "市区町村ごと・業務ごとの作業手順の進捗（完了・作業中・未着手・対象外）を取り込みます。10万行を超えるファイルも取り込めます。"
    )
    action = "imports.municipal_data"
    row_action = "imports.municipal_row"
    resource_class = StepProgressResource
    columns = [
        Column("municipality", "団体", "205419", aliases=MUNICIPALITY_ALIASES),
        Column("business", "業務", "resident_registry", aliases=BUSINESS_ALIASES),
        Column("step", "作業手順の番号", "1"),
        Column("state", "状況", "done", help="完了・作業中・未着手・対象外"),
        Column("reported_month", "報告月", "2026-01", required=False),
        Column("step_version", "手順書の版", "2024.1", required=False, help="空欄なら最新の版"),
    ]
    key_fields = ("municipality", "business", "step")
    # The set-wise path (portal/imports/setwise.py): cleaned values kept as ids, the step cleaned with its version.
    setwise = True
    setwise_refs = frozenset({"municipality", "business", "step"})
    setwise_depends = {"step": "step_version"}

    def describe(self, row: dict[str, Any]) -> str:
        return f"{row['municipality']} {row['business']} {row['step'].number}"

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = StepProgress.objects.filter(
            municipality_id__in={r["municipality"].pk for r in rows},
            business_id__in={r["business"].pk for r in rows},
        ).only("id", "municipality_id", "business_id", "step_id", "state", "reported_month")
        if lock:
            queryset = queryset.select_for_update()
        wanted = {self.key(r) for r in rows}
        return {k: p for p in queryset if (k := (p.municipality_id, p.business_id, p.step_id)) in wanted}

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        return self.diff_fields(instance, row, ["state", "reported_month"])

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        """One upsert per batch (INSERT … ON CONFLICT DO UPDATE on SQLite and PostgreSQL alike)."""
        now = timezone.now()
        before = {
            c.instance.pk: {"state": c.instance.state, "reported_month": _iso(c.instance.reported_month)}
            for c in changed
        }
        objects: list[StepProgress] = []
        rows: list[dict[str, Any]] = []
        for _line, row in new:
            objects.append(_progress(row, row["state"], row.get("reported_month"), now))
            rows.append(row)
        for change in changed:
            for name, (_old, value) in change.fields.items():
                setattr(change.instance, name, value)
            objects.append(_progress(change.row, change.instance.state, change.instance.reported_month, now))
            rows.append(change.row)
        saved = StepProgress.objects.bulk_create(
            objects,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["municipality", "business", "step"],
            update_fields=["state", "reported_month", "updated_at"],
        )
        own = ctx.organization
        entries = []
        for obj, row in zip(saved, rows, strict=True):
            municipality = row["municipality"]
            entries.append(
                {
                    "actor": ctx.actor,
                    "target": obj,
                    "action": "import",
                    "before": before.get(obj.pk),
                    "after": {"state": obj.state, "reported_month": _iso(obj.reported_month)},
                    "comment": ctx.audit_comment,
                    "on_behalf_of": municipality if own is None or municipality.pk != own.pk else None,
                }
            )
        return entries

    def setwise_count(self, cursor: Any, *, lock: bool) -> tuple[int, int, int]:
        """Classify the valid rows against what is stored (temp table import_plan); (new, update, skip)."""
        cursor.execute(_PLAN_STORED + (" FOR UPDATE OF p" if lock else ""))
        cursor.execute(_PLAN_NEW)
        cursor.execute("SELECT action, count(*) FROM import_plan GROUP BY action")
        counts = dict(cursor.fetchall())
        return counts.get("new", 0), counts.get("update", 0), counts.get("skip", 0)

    def setwise_preview(self, cursor: Any, objects: dict[str, dict[int, Any]]) -> list[dict[str, Any]]:
        from portal.imports.engine import MAX_PREVIEW_ROWS, _shown

        cursor.execute(
            "SELECT line, action, municipality, business, step, state, month, old_state, old_month "
            "FROM import_plan ORDER BY line LIMIT %s",
            [MAX_PREVIEW_ROWS],
        )
        preview = []
        for line, action, m, b, s, state, month, old_state, old_month in cursor.fetchall():
            row = {"municipality": objects["municipality"][m], "business": objects["business"][b]}
            row["step"] = objects["step"][s]
            changes = []
            if action == "update":
                if state != old_state:
                    changes.append(
                        {
                            "field": self.headers_by_attribute["state"],
                            "before": _shown(old_state),
                            "after": _shown(state),
                        }
                    )
                if month is not None and month != old_month:
                    changes.append(
                        {
                            "field": self.headers_by_attribute["reported_month"],
                            "before": _shown(old_month),
                            "after": _shown(month),
                        }
                    )
            preview.append({"line": line, "action": action, "row": self.describe(row), "changes": changes})
        return preview

    def setwise_behalf(self, ctx: ImportContext, cursor: Any) -> set[int]:
        own = getattr(ctx.organization, "pk", None)
        cursor.execute(
            "SELECT DISTINCT municipality FROM import_plan WHERE action <> 'skip' AND municipality IS DISTINCT FROM %s",
            [own],
        )
        return {m for (m,) in cursor.fetchall()}

    def setwise_write(self, ctx: ImportContext, cursor: Any) -> set[int]:
        """One UPDATE of the changed rows, one INSERT of the new ones, one INSERT … SELECT of their audit entries
        (the same fields the row path's audit_record_many writes)."""
        from django.contrib.contenttypes.models import ContentType

        actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
        cursor.execute(
            _WRITE,
            {
                "now": timezone.now(),
                "actor": getattr(actor, "pk", None),
                "actor_org": getattr(actor, "organization_id", None),
                "own": getattr(ctx.organization, "pk", None),
                "type": ContentType.objects.get_for_model(StepProgress).pk,
                "comment": ctx.audit_comment,
            },
        )
        return self.setwise_behalf(ctx, cursor)


# Stored rows first (locked when writing, as the row path's SELECT … FOR UPDATE), then the new ones.
_PLAN_STORED = """
CREATE TEMP TABLE import_plan AS
SELECT v.line, v.municipality, v.business, v.step, v.state, v.reported_month::date AS month,
       p.id, p.state AS old_state, p.reported_month AS old_month,
       CASE WHEN p.state <> v.state
              OR (v.reported_month IS NOT NULL AND p.reported_month IS DISTINCT FROM v.reported_month::date)
            THEN 'update' ELSE 'skip' END AS action
FROM import_valid v
JOIN catalog_stepprogress p
  ON p.municipality_id = v.municipality AND p.business_id = v.business AND p.step_id = v.step
WHERE v.first = v.line
"""

_PLAN_NEW = """
INSERT INTO import_plan (line, municipality, business, step, state, month, action)
SELECT v.line, v.municipality, v.business, v.step, v.state, v.reported_month::date, 'new'
FROM import_valid v
WHERE v.first = v.line AND NOT EXISTS (
    SELECT 1 FROM catalog_stepprogress p
    WHERE p.municipality_id = v.municipality AND p.business_id = v.business AND p.step_id = v.step
)
"""

_WRITE = """
WITH updated AS (
    UPDATE catalog_stepprogress p
       SET state = x.state, reported_month = COALESCE(x.month, p.reported_month), updated_at = %(now)s
      FROM import_plan x
     WHERE x.action = 'update' AND p.id = x.id
    RETURNING p.id, p.municipality_id, p.business_id, p.step_id, p.state, p.reported_month,
              jsonb_build_object('state', x.old_state, 'reported_month', to_char(x.old_month, 'YYYY-MM-DD')) AS before
), inserted AS (
    INSERT INTO catalog_stepprogress (municipality_id, business_id, step_id, state, reported_month, is_demo, updated_at)
    SELECT municipality, business, step, state, month, false, %(now)s FROM import_plan WHERE action = 'new'
    ORDER BY line
    ON CONFLICT (municipality_id, business_id, step_id) DO UPDATE
       SET state = EXCLUDED.state, reported_month = EXCLUDED.reported_month, updated_at = EXCLUDED.updated_at
    RETURNING id, municipality_id, business_id, step_id, state, reported_month, NULL::jsonb AS before
)
INSERT INTO portal_auditentry (at, actor_id, actor_organization_id, on_behalf_of_id, target_type_id, target_id,
                               target_repr, action, comment, before, after)
SELECT %(now)s, %(actor)s, %(actor_org)s,
       CASE WHEN %(own)s::bigint IS NULL OR c.municipality_id <> %(own)s::bigint THEN c.municipality_id END,
       %(type)s, c.id::text, left(concat(c.municipality_id, '/', c.business_id, '/', c.step_id, ': ', c.state), 200),
       'import', %(comment)s, c.before,
       jsonb_build_object('state', c.state, 'reported_month', to_char(c.reported_month, 'YYYY-MM-DD'))
FROM (SELECT * FROM inserted UNION ALL SELECT * FROM updated) c
"""


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _progress(row: dict[str, Any], state: str, month: Any, now: Any) -> StepProgress:
    return StepProgress(
        municipality_id=row["municipality"].pk,
        business_id=row["business"].pk,
        step_id=row["step"].pk,
        state=state,
        reported_month=month,
        updated_at=now,
    )
