"""Answers to one joint procurement arriving at the same moment (PostgreSQL, real threads and connections):
no answer is lost or half-written, the shares add up to the amount exactly, and an answer file imported while
the prefecture closes recruitment is either all in before the close or refused — never taken after it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection, connections, transaction

from conftest import require_service
from portal.imports.kinds import get_kind
from portal.imports.services import ImportRejected, Upload, import_apply
from portal.models import AuditEntry, Organization, User
from procurement import services
from procurement.models import JointProcurement, Participation, ParticipationStatus, Status

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "共同調達,団体,回答,コメント,利用量,単独調達の見込額"


def _postgres() -> None:
    require_service("PostgreSQL", connection.vendor == "postgresql", "row locks need a real database server")


def run_at_once(calls: list[Callable[[], str]]) -> list[str]:
    """Run every call in its own thread and database connection, released together; their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], str]) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = call()
        except Exception as exc:
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return outcomes


def test_concurrent_answers_are_all_kept_and_the_shares_add_up(register: Any, api_as: Any) -> None:
    _postgres()
    codes = list(
        Organization.objects.filter(prefecture__code="200000", kind="municipality")
        .order_by("code")
        .values_list("code", flat=True)[:10]
    )
    procurement = register(participants=codes, estimated_amount=12_345_679)
    staff = {
        code: User.objects.create(username=f"answer-{code}", organization=Organization.objects.get(code=code))
        for code in codes
    }
    pk = procurement["id"]

    def answer(code: str, status: str, units: int) -> Callable[[], str]:
        def call() -> str:
            services.participation_answer(
                actor=User.objects.get(pk=staff[code].pk),
                procurement=JointProcurement.objects.get(pk=pk),
                status=status,
                usage_units=units,
                comment=f"{status}:{units}",
            )
            return "answered"

        return call

    # Each municipality answers twice at the same moment (two tabs): 検討中 and 参加, with different figures.
    calls = []
    for i, code in enumerate(codes):
        calls += [answer(code, ParticipationStatus.INTERESTED, 1), answer(code, ParticipationStatus.COMMITTED, 10 + i)]
    assert run_at_once(calls) == ["answered"] * len(calls)

    answers = AuditEntry.objects.filter(target_id=str(pk), action="answer")
    assert answers.count() == len(calls)  # no answer lost
    for participation in Participation.objects.filter(procurement_id=pk).select_related("municipality"):
        code = participation.municipality.code
        # One whole answer wins (never the status of one and the figures of the other) ...
        assert participation.comment == f"{participation.status}:{participation.usage_units}"
        # ... and it is the one written last.
        last = answers.filter(after__municipality=code).order_by("-pk").first()
        assert last is not None and last.after["status"] == participation.status
        assert last.after["usage_units"] == participation.usage_units

    committed = set(
        Participation.objects.filter(procurement_id=pk, status=ParticipationStatus.COMMITTED).values_list(
            "municipality__code", flat=True
        )
    )
    shares = api_as("nagano-pref-staff").get(f"/api/v1/procurement/joint-procurements/{pk}/shares/").json()
    assert {s["municipality"] for s in shares} == committed
    if committed:
        assert sum(s["share"] for s in shares) == 12_345_679  # exactly the amount, to the yen


def _answer_file(pk: int, codes: list[str]) -> Upload:
    lines = [HEADER, *(f"{pk},{code},参加,一括回答,5," for code in codes)]
    return Upload(name="回答.csv", data="\r\n".join(lines).encode("cp932"))


def test_an_answer_import_racing_the_close_of_recruitment_is_never_taken_after_it(register: Any) -> None:
    """The prefecture closes recruitment (募集締切) while an answer file is being imported.

    The close holds the procurement row; the import must wait for it and then refuse the file (answers are no
    longer taken), instead of writing answers into a procurement that has moved on to tendering.
    """
    _postgres()
    codes = ["202177", "203211", "205419"]
    procurement = register(participants=codes)
    pk = procurement["id"]
    prefecture_staff = User.objects.get(username="nagano-pref-staff")
    holding, release = threading.Event(), threading.Event()
    results: dict[str, str] = {}

    def close_recruitment() -> None:
        try:
            with transaction.atomic():
                services.procurement_transition(
                    actor=User.objects.get(pk=prefecture_staff.pk),
                    procurement=JointProcurement.objects.get(pk=pk),
                    action="start_tendering",
                )
                holding.set()
                release.wait(10)  # the prefecture's transaction is still open
            results["close"] = "closed"
        except Exception as exc:
            results["close"] = f"error: {exc!r}"
        finally:
            connections.close_all()

    def import_answers() -> None:
        try:
            import_apply(
                kind=get_kind("participations"),
                actor=User.objects.get(pk=prefecture_staff.pk),
                upload=_answer_file(pk, codes),
            )
            results["import"] = "imported"
        except ImportRejected as rejected:
            results["import"] = rejected.preview.errors[0]["message"]
        except Exception as exc:
            results["import"] = f"error: {exc!r}"
        finally:
            connections.close_all()

    closer = threading.Thread(target=close_recruitment)
    closer.start()
    assert holding.wait(10)
    importer = threading.Thread(target=import_answers)
    importer.start()
    time.sleep(1.0)
    assert "import" not in results  # waiting for the procurement row
    release.set()
    closer.join(20)
    importer.join(20)
    close_old_connections()

    assert results["close"] == "closed"
    assert results["import"] == "この共同調達は「入札・選定中」のため、回答を受け付けていません。"
    assert JointProcurement.objects.get(pk=pk).status == Status.TENDERING
    assert set(Participation.objects.filter(procurement_id=pk).values_list("status", flat=True)) == {
        ParticipationStatus.INVITED
    }
    assert not AuditEntry.objects.filter(target_id=str(pk), action="import").exists()


def test_an_answer_import_and_the_answer_form_on_the_same_rows_both_land(register: Any) -> None:
    """A municipality answers on the form while its prefecture imports answers for it: each write is applied
    in turn (the later one on top of the earlier), both are in the audit history, nothing is lost."""
    _postgres()
    codes = ["202177", "203211", "205419"]
    pk = register(participants=codes)["id"]
    prefecture_staff = User.objects.get(username="nagano-pref-staff")
    obuse = User.objects.get(username="obuse-staff")

    def by_form() -> str:
        services.participation_answer(
            actor=User.objects.get(pk=obuse.pk),
            procurement=JointProcurement.objects.get(pk=pk),
            status=ParticipationStatus.DECLINED,
            comment="フォームから",
        )
        return "form"

    def by_import() -> str:
        import_apply(
            kind=get_kind("participations"),
            actor=User.objects.get(pk=prefecture_staff.pk),
            upload=_answer_file(pk, codes),
        )
        return "import"

    assert sorted(run_at_once([by_form, by_import])) == ["form", "import"]
    obuse_answer = Participation.objects.get(procurement_id=pk, municipality__code="205419")
    entries = list(AuditEntry.objects.filter(target_id=str(pk), action__in=["answer", "import"]).order_by("pk"))
    assert len(entries) == 4  # the form's answer and the three imported rows
    last_for_obuse = [e for e in entries if e.after["municipality"] == "205419"][-1]
    assert last_for_obuse.after["status"] == obuse_answer.status
    assert last_for_obuse.after["comment"] == obuse_answer.comment
