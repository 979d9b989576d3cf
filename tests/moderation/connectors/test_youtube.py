"""The YouTube connector against a local server answering in the Data API's shapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from moderation.capture.models import Comment
from moderation.connectors import engine
from moderation.models import CaptureRun, CaptureState
from tests.fakeplatform import Response
from tests.fakeplatform.youtube import YouTubeFake, YtComment, google_error

pytestmark = pytest.mark.django_db


def _now():
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def youtube(connect):
    app = YouTubeFake(page_size=3)
    site = connect("youtube", app, account_id=app.channel_id)
    return app, site


def _thread(n: int, *, hours_ago: int = 1, replies: int = 0) -> YtComment:
    published = _now() - timedelta(hours=hours_ago)
    thread = YtComment(id=f"Ugthread{n:04d}", text=f"Comment {n} <b>", published=published)
    thread.replies = [
        YtComment(id=f"Ugthread{n:04d}.reply{r}", text=f"Reply {r}", published=published, parent_id=thread.id)
        for r in range(replies)
    ]
    return thread


def test_captures_every_thread_across_pages_and_every_reply(youtube, platform_server):
    app, site = youtube
    for n in range(7):
        app.add_thread(_thread(n, hours_ago=n + 1, replies=7 if n == 0 else 1))
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert Comment.objects.filter(site=site, kind="comment").count() == 7
    assert Comment.objects.filter(site=site, kind="reply").count() == 7 + 6
    reply = Comment.objects.get(platform_item_id="Ugthread0000.reply6")
    assert reply.parent.platform_item_id == "Ugthread0000"
    assert Comment.objects.get(platform_item_id="Ugthread0001").text == "Comment 1 <b>"
    # The thread with 7 replies (5 shown) needed comments.list; on the first run (a re-scan)
    # every thread with replies is listed whole.
    assert platform_server.requests_to("parentId")
    # The token went in a header, never in a URL.
    assert all("test-token" not in str(r.query) for r in platform_server.requests)
    assert run.pages >= 3 and run.created == 20


def test_an_edit_is_a_new_version_and_a_deletion_is_found_by_a_complete_listing(youtube):
    app, site = youtube
    for n in range(4):
        app.add_thread(_thread(n, replies=1))
    assert engine.capture(site=site).outcome == CaptureRun.Outcome.SUCCEEDED
    app.find("Ugthread0001").text = "Comment 1, edited"
    app.delete("Ugthread0002")
    app.delete("Ugthread0003.reply0")
    run = engine.capture(site=site, rescan=True)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    edited = Comment.objects.get(platform_item_id="Ugthread0001")
    assert edited.text == "Comment 1, edited" and edited.edit_count == 1
    texts = list(edited.history.order_by("history_date").values_list("text", flat=True))
    assert texts[0] == "Comment 1 <b>" and texts[-1] == "Comment 1, edited"
    gone = Comment.objects.get(platform_item_id="Ugthread0002")
    assert gone.platform_state == Comment.PlatformState.DELETED
    assert gone.found_missing_at is not None and gone.text == "Comment 2 <b>"
    assert "complete listing" in gone.history.first().history_change_reason
    assert Comment.objects.get(platform_item_id="Ugthread0003.reply0").platform_state == "deleted"
    assert run.deletions_found == 2
    # The reply of a deleted thread is kept, never removed.
    assert Comment.objects.filter(site=site).count() == 8
    # Found missing once: a later run keeps the first time.
    first = gone.found_missing_at
    engine.capture(site=site, rescan=True)
    gone.refresh_from_db()
    assert gone.found_missing_at == first


def test_a_listing_that_fails_midway_marks_nothing_and_the_next_run_carries_on(
    youtube, platform_server, settings
):
    app, site = youtube
    settings.CAPTURE_COMMIT_ITEMS = 1
    for n in range(9):
        app.add_thread(_thread(n, hours_ago=n + 1))
    engine.capture(site=site)
    app.delete("Ugthread0000")
    # The second page fails every attempt: the run stops part-way.
    platform_server.fail_next(
        "pageToken", Response(503, {"error": {"code": 503, "message": "Backend Error"}}), times=10
    )
    run = engine.capture(site=site, rescan=True)
    assert run.outcome == CaptureRun.Outcome.PARTIAL
    assert "HTTP 503" in run.error
    assert Comment.objects.get(platform_item_id="Ugthread0000").platform_state == "visible"
    state = CaptureState.objects.get(connection__site=site)
    assert state.cursors["resume"]["key"] == "threads"
    # The next run carries on from the page it stopped at: a resumed listing never marks.
    platform_server.faults.clear()
    before = len(platform_server.requests_to("commentThreads"))
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert len(platform_server.requests_to("commentThreads")) - before == 2  # pages 2 and 3 only
    assert run.deletions_found == 0
    assert "resume" not in CaptureState.objects.get(pk=state.pk).cursors


def test_throttling_waits_as_asked_and_quota_stops_the_run(youtube, platform_server):
    app, site = youtube
    app.add_thread(_thread(1))
    platform_server.fail_next(
        "commentThreads",
        Response(403, google_error(403, "rateLimitExceeded", "Rate limit"), {"Retry-After": "0"}),
    )
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert len(platform_server.requests_to("commentThreads")) == 2
    platform_server.fail_next(
        "commentThreads", Response(403, google_error(403, "quotaExceeded", "Quota")), times=5
    )
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL and "quota" in run.error
    assert len(platform_server.requests_to("commentThreads")) == 3  # never retried


def test_a_second_run_while_one_holds_the_site_does_nothing(youtube, postgresql):
    from django.db import connections

    from config.portal import locks

    app, site = youtube
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [locks.CAPTURE_RUN_NAMESPACE, site.pk])
        assert engine.capture(site=site) is None
        with other.cursor() as cursor:
            # Released here, not by closing: a closed session's backend lets go of its locks
            # a moment after the client has moved on.
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [locks.CAPTURE_RUN_NAMESPACE, site.pk])
    finally:
        other.close()
    assert engine.capture(site=site) is not None
