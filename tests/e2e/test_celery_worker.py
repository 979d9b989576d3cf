"""A real Celery worker, against the real Redis broker and the real PostgreSQL."""

import pytest

from config.celery import app as celery_app
from config.portal.models import JobRun
from config.portal.tasks import heartbeat
from tests.e2e.worker import celery_worker, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_worker_runs_a_task_and_its_effect_is_in_the_database(postgresql, real_broker, tmp_path):
    assert not JobRun.objects.exists()
    with celery_worker(real_broker, log_path=tmp_path / "worker.log") as (queue, process):
        heartbeat.apply_async(queue=queue)
        run = wait_for(
            lambda: JobRun.objects.filter(name="portal.heartbeat").first(),
            timeout=60,
            what="the heartbeat task to be recorded by the worker",
        )
        assert process.poll() is None, (tmp_path / "worker.log").read_text()
    assert run.outcome == JobRun.Outcome.SUCCEEDED
    assert run.hostname


def test_beat_schedule_names_registered_tasks():
    celery_app.loader.import_default_modules()
    for entry in celery_app.conf.beat_schedule.values():
        assert entry["task"] in celery_app.tasks, entry["task"]
