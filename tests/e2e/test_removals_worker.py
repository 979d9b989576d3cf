"""The report e-mail goes to a real Celery worker after commit, and the worker sends it."""

import pytest

from config.celery import app as celery_app
from moderation.models import ViolationReport
from moderation.removals import services
from tests.e2e.worker import celery_worker, wait_for
from tests.factories import CommentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_broker(redis_url):
    previous = (
        celery_app.conf.task_always_eager,
        celery_app.conf.broker_url,
        celery_app.conf.task_default_queue,
    )
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    yield redis_url
    celery_app.conf.task_always_eager, celery_app.conf.broker_url, celery_app.conf.task_default_queue = (
        previous
    )


def test_removal_report_email_is_sent_by_the_worker_after_commit(postgresql, real_broker, tst_user, tmp_path):
    log_path = tmp_path / "worker.log"
    comment = CommentFactory(text="Hostile <script>x</script> text")
    with celery_worker(real_broker, log_path=log_path) as (queue, process):
        celery_app.conf.task_default_queue = queue
        removal = services.removal_create(
            actor=tst_user, comment=comment, categories=["privacy"], action="hidden", reason="Home address."
        )
        report = wait_for(
            lambda: ViolationReport.objects.filter(
                pk=removal.report.pk, notification_sent_at__isnull=False
            ).first(),
            timeout=60,
            what="the worker to send the report e-mail",
        )
        assert process.poll() is None, log_path.read_text()
    log = log_path.read_text()
    assert "moderation.send_report_notification" in log
    # The worker prints e-mail to its console (no SMTP server configured in tests).
    assert f"report #{report.pk}" in log
