"""E-mails of automatic capture: TST told once per episode (reauthorization, no successful
capture for CAPTURE_STALE_HOURS), and the monthly summary to the Communications Office."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from config.portal.calendar import local_date, start_of_local_day
from moderation.connectors import engine, notifications, selectors, services
from moderation.models import CaptureRun, CaptureState, SiteConnection
from tests.factories import site_on
from tests.fakeplatform import Response
from tests.fakeplatform.youtube import YouTubeFake, google_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def youtube(connect):
    app = YouTubeFake()
    site = connect("youtube", app, account_id=app.channel_id, account_name="Kankakee <Parks> & Rec")
    return app, site


def _refuse_token(platform_server, times=1):
    platform_server.fail_next(
        "commentThreads",
        Response(401, google_error(401, "authError", "Token has been expired or revoked <b>now</b>.")),
        times=times,
    )


def test_a_refused_token_tells_tst_once_per_episode(youtube, platform_server, settings, superuser):
    app, site = youtube
    settings.TECHNICAL_SERVICES_EMAIL = ["tst@example.org"]
    _refuse_token(platform_server)
    assert engine.capture(site=site).outcome == CaptureRun.Outcome.FAILED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tst@example.org"]
    assert "needs reauthorization" in message.subject and "\n" not in message.subject
    assert "Kankakee <Parks> & Rec" in message.subject and "YouTube" in message.subject
    connect_url = f"/portal/moderation/connections/{site.pk}/"
    assert "Token has been expired or revoked" in message.body and connect_url in message.body
    html = message.alternatives[0][0]
    assert "Kankakee &lt;Parks&gt; &amp; Rec" in html and "<b>now</b>" not in html and connect_url in html
    state = CaptureState.objects.get(connection__site=site)
    assert state.reauthorization_notified_at is not None

    # Later runs (stopped at once: the site needs reauthorization) and a duplicated task send nothing.
    assert engine.capture(site=site).outcome == CaptureRun.Outcome.FAILED
    notifications.send_reauthorization_needed.apply(args=[state.connection_id])
    assert len(mail.outbox) == 1

    # Reauthorized, then refused again: a new episode, a new e-mail.
    services.site_connect(
        actor=superuser,
        site=site,
        account_id=app.channel_id,
        credentials={"access_token": app.token},
        method="token",
    )
    assert CaptureState.objects.get(connection__site=site).reauthorization_notified_at is None
    _refuse_token(platform_server)
    engine.capture(site=site)
    assert len(mail.outbox) == 2


def test_a_mail_server_down_neither_breaks_the_run_nor_loses_the_e_mail(youtube, platform_server, settings):
    _app, site = youtube
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    settings.EMAIL_USE_TLS = False
    _refuse_token(platform_server)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.FAILED and run.finished_at is not None
    assert CaptureState.objects.get(connection__site=site).reauthorization_notified_at is None
    # The mail server is back: the hourly check sends what was not sent, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notifications.capture_health_check()
    notifications.capture_health_check()
    assert [m.subject for m in mail.outbox if "needs reauthorization" in m.subject] == [
        mail.outbox[0].subject
    ]
    assert len(mail.outbox) == 1


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_no_e_mail_when_the_connection_was_reauthorized_meanwhile(youtube):
    _app, site = youtube
    state = CaptureState.objects.get(connection__site=site)
    assert notifications.send_reauthorization_needed.apply(args=[state.connection_id]).get() is False
    assert mail.outbox == []


def _stale(site, hours):
    CaptureState.objects.filter(connection__site=site).update(
        last_success_at=timezone.now() - timedelta(hours=hours)
    )


def test_a_site_without_a_successful_capture_is_reported_once(youtube, settings):
    app, site = youtube
    settings.CAPTURE_STALE_HOURS = 24
    fresh = site_on("youtube", account_name="Fresh")
    services.site_connect(
        actor=SiteConnection.objects.get(site=site).connected_by,
        site=fresh,
        account_id="UCfresh",
        credentials={"access_token": "t"},
        method="token",
    )  # connected just now, never captured: not stale yet
    _stale(site, 30)
    assert notifications.capture_health_check() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == django_settings.TECHNICAL_SERVICES_EMAIL
    assert "not captured for over 24 hours" in message.subject and "Fresh" not in message.body
    assert "Kankakee &lt;Parks&gt;" in message.alternatives[0][0]
    # Every hour after: nothing new to say.
    assert notifications.capture_health_check() == 0 and len(mail.outbox) == 1
    # A success ends the episode (the engine clears the flag); a new gap is a new e-mail.
    assert engine.capture(site=site).outcome == CaptureRun.Outcome.SUCCEEDED
    assert CaptureState.objects.get(connection__site=site).stale_notified_at is None
    assert notifications.capture_health_check() == 0
    _stale(site, 25)
    assert notifications.capture_health_check() == 1 and len(mail.outbox) == 2


def test_a_disconnected_or_unapproved_site_is_not_reported_stale(youtube, superuser):
    _app, site = youtube
    _stale(site, 100)
    services.site_disconnect(actor=superuser, connection=SiteConnection.objects.get(site=site), reason="gone")
    assert notifications.capture_health_check() == 0 and mail.outbox == []


def test_the_monthly_summary_counts_the_month_before(superuser, settings):
    settings.COMMUNICATIONS_OFFICE_EMAIL = ["comms@example.org"]
    start, end = selectors.previous_month(local_date(timezone.now()))
    site = site_on("youtube", account_name="Library")
    other = site_on("x", account_name="Police <X>")
    for s in (site, other):
        services.site_connect(
            actor=superuser, site=s, account_id="a1", credentials={"access_token": "t"}, method="token"
        )
    services.connection_needs_reauthorization(
        connection=SiteConnection.objects.get(site=other), message="X refused the token"
    )
    in_month = start_of_local_day(start) + timedelta(hours=1)
    CaptureRun.objects.create(
        site=site, started_at=in_month, outcome="succeeded", created=120, deletions_found=3
    )
    CaptureRun.objects.create(site=site, started_at=in_month, outcome="partial", created=30)
    CaptureRun.objects.create(site=other, started_at=in_month, outcome="failed")
    # Outside the month: the last minute before it and the first of this month.
    CaptureRun.objects.create(
        site=site, started_at=start_of_local_day(start) - timedelta(minutes=1), created=999
    )
    CaptureRun.objects.create(site=site, started_at=start_of_local_day(end), created=555)

    assert notifications.capture_monthly_summary() == 2
    message = mail.outbox[0]
    assert message.to == ["comms@example.org"]
    assert message.subject == f"Automatic capture in {start:%B %Y}: 150 records captured"
    assert "Records captured: 150" in message.body
    assert "Deletions on the platforms detected: 3" in message.body
    assert "Failed runs: 1; runs stopped part-way (carried on by the next run): 1" in message.body
    assert "Sites connected now: 1" in message.body
    assert "- Police <X> (" in message.body.split("reauthorization")[1]
    html = message.alternatives[0][0]
    assert "Police &lt;X&gt;" in html and "Police <X>" not in html


def test_the_beat_schedule_runs_the_checks(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["moderation-capture-health-check"]["task"] == "moderation.capture_health_check"
    monthly = schedule["moderation-capture-monthly-summary"]
    assert monthly["task"] == "moderation.capture_monthly_summary"
    assert monthly["schedule"].day_of_month == {1}
    for name in ("moderation.capture_health_check", "moderation.capture_monthly_summary"):
        assert name in celery_app.tasks
