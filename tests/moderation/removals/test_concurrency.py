"""Two people acting on the same record at the same moment: one wins, the other is told.

Real threads with their own PostgreSQL connections, released together by a barrier.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from moderation.models import Removal, ViolationReport
from moderation.removals import services
from tests.factories import CommentFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each side saw
            outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_officers_resolving_one_report_one_wins_the_other_is_told(postgresql, comms_user):
    from config.portal import roles
    from tests.factories import make_user

    other = make_user(roles.COMMUNICATIONS_OFFICE, username="comms2")
    report = ViolationReportFactory()
    outcomes = _race(
        lambda: services.violation_report_resolve(
            actor=comms_user, report=report, outcome="upheld", response="Answer A", expected_version=1
        ),
        lambda: services.violation_report_resolve(
            actor=other, report=report, outcome="no_action", response="Answer B", expected_version=1
        ),
    )
    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.RecordChanged)
    report.refresh_from_db()
    winner = next(value for kind, value in outcomes if kind == "ok")
    assert report.response == winner.response
    assert report.version == 2
    assert report.history.filter(state=ViolationReport.State.RESOLVED).count() == 1


def test_two_officers_picking_up_one_report(postgresql, comms_user):
    from config.portal import roles
    from tests.factories import make_user

    other = make_user(roles.COMMUNICATIONS_OFFICE, username="comms2")
    report = ViolationReportFactory()
    outcomes = _race(
        lambda: services.violation_report_pick_up(actor=comms_user, report=report, expected_version=1),
        lambda: services.violation_report_pick_up(actor=other, report=report, expected_version=1),
    )
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    report.refresh_from_db()
    assert report.state == ViolationReport.State.INVESTIGATING
    assert report.assignee == next(value for kind, value in outcomes if kind == "ok").assignee


def test_two_technicians_removing_one_item_one_removal_results(postgresql, tst_user):
    from config.portal import roles
    from tests.factories import make_user

    other = make_user(roles.TECHNICAL_SERVICES, username="tst2")
    comment = CommentFactory()

    def remove(actor):
        return lambda: services.removal_create(
            actor=actor, comment=comment, categories=["privacy"], action="hidden", reason="Home address."
        )

    outcomes = _race(remove(tst_user), remove(other))
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ValidationError)
    assert "cannot be removed twice" in str(error)
    assert Removal.objects.filter(comment=comment).count() == 1
    assert ViolationReport.objects.filter(comment=comment).count() == 1
