"""The nightly retention job on a real Celery worker: runs, survives SIGKILL, runs once at a time."""

import datetime as dt
import os
import signal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app as celery_app
from config.portal import roles
from config.portal.models import JobRun
from moderation.models import Comment
from records.models import DisposalCertificate, DisposalTombstone
from records.retention.services import certificate_draft, legal_hold_place
from records.retention.tasks import enforce_retention
from records.series import Scope
from tests.e2e.worker import celery_worker, wait_for
from tests.factories import CommentFactory, SiteFactory, approve_certificate, make_user, seed_schedules

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CHICAGO = ZoneInfo("America/Chicago")


def make_world(count: int):
    """``count`` eligible comments on an approved, due certificate; every tenth one held."""
    seed_schedules()
    clerk = make_user(roles.CITY_CLERK, username="e2e-clerk")
    site = SiteFactory()
    year = timezone.localdate().year - 4
    comments = [
        CommentFactory(
            site=site,
            posted_at=dt.datetime(year, 1 + i % 12, 1, tzinfo=CHICAGO),
            text="pothole report" if i % 10 == 0 else f"comment {i}",
        )
        for i in range(count)
    ]
    certificate = approve_certificate(certificate_draft(actor=clerk, as_of=timezone.localdate()), actor=clerk)
    legal_hold_place(actor=clerk, name="Doe v. City", reason="Litigation", scopes=[Scope(terms=("pothole",))])
    expected = {(c.pk, c.payload_sha256) for c in comments if "pothole" not in c.text}
    return certificate, comments, expected


def final_state(certificate):
    certificate.refresh_from_db()
    return (
        certificate.state,
        set(DisposalTombstone.objects.values_list("original_id", "content_sha256")),
        set(Comment.objects.values_list("pk", flat=True)),
        Comment.history.filter(id__in=DisposalTombstone.objects.values("original_id")).count(),
        certificate.items.count(),
    )


def test_beat_runs_the_retention_job_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["records-enforce-retention"]
    assert entry["task"] == "records.enforce_retention"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].hour == {settings.RETENTION_NIGHTLY_HOUR}


def test_worker_runs_the_job(postgresql, real_broker, tmp_path):
    certificate, comments, expected = make_world(20)
    with celery_worker(real_broker, log_path=tmp_path / "worker.log") as (queue, process):
        enforce_retention.apply_async(queue=queue)
        run = wait_for(
            lambda: (
                JobRun.objects.filter(name="records.enforce_retention").exclude(outcome="running").first()
            ),
            timeout=90,
            what="the retention job to finish on the worker",
        )
        assert process.poll() is None, (tmp_path / "worker.log").read_text()
    assert run.outcome == JobRun.Outcome.SUCCEEDED, run.summary
    state = final_state(certificate)
    assert state[1] == expected
    assert state[2] == {c.pk for c in comments if "pothole" in c.text}
    assert state[0] == DisposalCertificate.State.APPROVED  # the held records wait on it


def test_worker_killed_mid_run_then_rerun_ends_as_an_uninterrupted_run(postgresql, real_broker, tmp_path):
    certificate, comments, expected = make_world(400)
    with celery_worker(real_broker, log_path=tmp_path / "killed.log") as (queue, process):
        enforce_retention.apply_async(queue=queue, kwargs={"batch_size": 1})
        wait_for(
            lambda: DisposalTombstone.objects.count() >= 30,
            timeout=120,
            interval=0.05,
            what="the run to be under way",
        )
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    partial = final_state(certificate)
    assert 30 <= len(partial[1]) < len(expected), "the kill must land mid-run"
    assert partial[3] == 0  # batches are all-or-nothing: no history left for a tombstoned record
    assert JobRun.objects.get(name="records.enforce_retention").outcome == JobRun.Outcome.RUNNING

    with celery_worker(real_broker, log_path=tmp_path / "rerun.log") as (queue, process):
        enforce_retention.apply_async(queue=queue, kwargs={"batch_size": 50})
        wait_for(
            lambda: JobRun.objects.filter(name="records.enforce_retention", outcome="succeeded").exists(),
            timeout=120,
            what="the re-run to finish (the killed run's advisory lock must be gone)",
        )
    state = final_state(certificate)
    assert state[1] == expected
    assert state[2] == {c.pk for c in comments if "pothole" in c.text}
    assert state[3] == 0 and state[4] == len(comments) - len(expected)


def test_two_concurrent_runs_exactly_one_works(postgresql, real_broker, tmp_path):
    certificate, comments, expected = make_world(300)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with (
        celery_worker(real_broker, log_path=logs[0]) as (first_queue, _first),
        celery_worker(real_broker, log_path=logs[1]) as (second_queue, _second),
    ):
        enforce_retention.apply_async(queue=first_queue, kwargs={"batch_size": 2})
        wait_for(lambda: DisposalTombstone.objects.exists(), timeout=90, interval=0.05, what="the first run")
        enforce_retention.apply_async(queue=second_queue, kwargs={"batch_size": 2})
        wait_for(
            lambda: "Another retention run holds the lock" in logs[1].read_text(),
            timeout=90,
            what="the second run to say it is locked out",
        )
        wait_for(
            lambda: JobRun.objects.filter(outcome="succeeded").exists(),
            timeout=120,
            what="the first run to end",
        )
    assert JobRun.objects.filter(name="records.enforce_retention").count() == 1
    assert final_state(certificate)[1] == expected
