"""The capture engine's shared rules: block lists, items listed again, scheduling, the command,
credentials at rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from moderation.capture.importers import Author
from moderation.capture.models import Comment
from moderation.connectors import crypto, engine, services, tasks
from moderation.models import CaptureRun, CaptureState, ConnectionSecret, PlatformBlock, SiteConnection
from records.series import REGISTRY, Scope
from tests.factories.moderation import site_on
from tests.fakeplatform.youtube import YouTubeFake, YtComment

pytestmark = pytest.mark.django_db


def _block(uid: str, name: str) -> tuple[Author, str]:
    return Author(platform_user_id=uid, display_name=name), f'{{"id":"{uid}","name":"{name}"}}'


def test_block_list_entries_are_first_seen_last_seen_and_gone_when_unblocked():
    site = site_on("facebook")
    day1 = datetime(2026, 11, 1, 12, tzinfo=UTC)
    assert (
        services.platform_blocks_record(
            site=site, entries=[_block("1", "Troll"), _block("2", "Spammer")], seen_at=day1, complete=True
        )
        == 2
    )
    day2 = day1 + timedelta(days=1)
    services.platform_blocks_record(site=site, entries=[_block("1", "Troll")], seen_at=day2, complete=True)
    troll = PlatformBlock.objects.get(commenter__platform_user_id="1")
    spammer = PlatformBlock.objects.get(commenter__platform_user_id="2")
    assert (troll.first_seen_at, troll.last_seen_at, troll.gone_at) == (day1, day2, None)
    assert (spammer.last_seen_at, spammer.gone_at) == (day1, day2)
    assert "unblocked" in spammer.history.first().history_change_reason
    # An incomplete listing never says an account was unblocked; a return to the list is recorded.
    day3 = day2 + timedelta(days=1)
    services.platform_blocks_record(site=site, entries=[_block("2", "Spammer")], seen_at=day3, complete=False)
    troll.refresh_from_db()
    spammer.refresh_from_db()
    assert troll.gone_at is None and spammer.gone_at is None and spammer.last_seen_at == day3
    assert "listed again" in spammer.history.first().history_change_reason
    # Only changes are history: being seen again is not.
    assert troll.history.count() == 1


def test_block_lists_are_a_record_series_a_foia_request_can_ask_for():
    site = site_on("x")
    services.platform_blocks_record(
        site=site, entries=[_block("42", "<b>Blocked</b>")], seen_at=timezone.now(), complete=True
    )
    series = REGISTRY["platform-block-lists"]
    [record] = list(series.rows(Scope(series=("platform-block-lists",), site_ids=(site.pk,))))
    assert record.values["commenter_name"] == "<b>Blocked</b>"
    assert record.values["commenter_platform_user_id"] == "42"
    assert series.count(Scope(series=("platform-block-lists",), site_ids=(site_on("x").pk,))) == 0


def test_an_item_listed_again_after_it_was_found_missing_is_visible_again(connect):
    app = YouTubeFake()
    site = connect("youtube", app, account_id=app.channel_id)
    comment = YtComment(id="Ugback", text="Back soon", published=timezone.now() - timedelta(hours=2))
    app.add_thread(comment)
    engine.capture(site=site)
    app.delete("Ugback")
    engine.capture(site=site, rescan=True)
    item = Comment.objects.get(platform_item_id="Ugback")
    assert item.platform_state == "deleted" and item.found_missing_at is not None
    app.add_thread(comment)  # the platform lists it again (it was only briefly unavailable)
    engine.capture(site=site, rescan=True)
    item.refresh_from_db()
    assert item.platform_state == "visible" and item.found_missing_at is None
    states = list(item.history.order_by("history_date").values_list("platform_state", "found_missing_at"))
    assert states[1][0] == "deleted" and states[1][1] is not None


def test_a_disconnected_or_unapproved_site_is_not_captured(connect, superuser):
    app = YouTubeFake()
    site = connect("youtube", app, account_id=app.channel_id)
    connection = SiteConnection.objects.get(site=site)
    services.site_disconnect(
        actor=superuser, connection=connection, reason="Account handed to another office"
    )
    assert not ConnectionSecret.objects.filter(connection=connection).exists()
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.FAILED and "disconnected" in run.error
    assert tasks.capture_due_sites() == []


def test_the_dispatcher_queues_each_due_site_once_per_interval(connect, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app = YouTubeFake()
    app.add_thread(YtComment(id="Ugone", text="One", published=timezone.now() - timedelta(hours=1)))
    site = connect("youtube", app, account_id=app.channel_id)
    assert tasks.capture_due_sites() == [site.pk]  # run in-process (eager)
    assert Comment.objects.filter(site=site).count() == 1
    assert tasks.capture_due_sites() == []  # not due again for CAPTURE_INTERVAL_MINUTES
    state = CaptureState.objects.get(connection__site=site)
    assert state.next_run_at > timezone.now() + timedelta(minutes=settings.CAPTURE_INTERVAL_MINUTES - 1)
    assert state.last_success_at is not None


def test_capture_site_command_prints_what_it_did(connect):
    app = YouTubeFake()
    app.add_thread(YtComment(id="Ugcmd", text="Hi", published=timezone.now() - timedelta(hours=1)))
    site = connect("youtube", app, account_id=app.channel_id)
    out = StringIO()
    call_command("capture_site", str(site.pk), "--full", stdout=out)
    assert "Succeeded" in out.getvalue() and "1 new" in out.getvalue()
    assert CaptureRun.objects.get(site=site).full
    with pytest.raises(CommandError, match="not connected"):
        call_command("capture_site", str(site_on("youtube").pk), stdout=StringIO())


def test_credentials_are_encrypted_at_rest_and_only_an_administrator_connects(connect, tst_user):
    app = YouTubeFake()
    site = connect("youtube", app, account_id=app.channel_id)
    secret = ConnectionSecret.objects.get(connection__site=site)
    assert app.token not in secret.ciphertext
    assert services.credentials_of(secret.connection)["access_token"] == app.token
    assert crypto.unseal(secret.ciphertext) == {"access_token": app.token}
    history = SiteConnection.history.filter(site_id=site.pk)
    assert history.exists() and all(app.token not in str(row.__dict__) for row in history)
    with pytest.raises(Exception, match="administrator"):
        services.site_connect(
            actor=tst_user, site=site, account_id="x", credentials={"access_token": "t"}, method="token"
        )
