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


def _published_threads(server) -> list:
    """Requests for the published threads (not those held for review, a listing of their own)."""
    return [r for r in server.requests if r.path == "/commentThreads" and "moderationStatus" not in r.query]


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
    before = len(_published_threads(platform_server))
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert len(_published_threads(platform_server)) - before == 2  # pages 2 and 3 only
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
    assert len(_published_threads(platform_server)) == 2
    platform_server.fail_next(
        "commentThreads", Response(403, google_error(403, "quotaExceeded", "Quota")), times=5
    )
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL and "quota" in run.error
    assert len(_published_threads(platform_server)) == 3  # never retried


def test_a_second_run_while_one_holds_the_site_does_nothing(youtube, postgresql):
    import psycopg

    from config.portal import locks
    from tests.e2e.worker import test_database_url

    app, site = youtube
    # Another session on the same database (advisory locks are per database).
    with psycopg.connect(test_database_url(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [locks.CAPTURE_RUN_NAMESPACE, site.pk])
        assert engine.capture(site=site) is None
        other.execute("SELECT pg_advisory_unlock(%s, %s)", [locks.CAPTURE_RUN_NAMESPACE, site.pk])
    assert engine.capture(site=site) is not None


def test_a_listing_the_platform_refuses_is_reported_and_the_rest_of_the_run_goes_on(youtube, platform_server):
    app, site = youtube
    for n in range(3):
        app.add_thread(_thread(n, replies=1))
    platform_server.fail_next(
        "parentId=Ugthread0001",
        Response(404, google_error(404, "commentNotFound", "The comment could not be found.")),
    )
    run = engine.capture(site=site, rescan=True)
    assert run.outcome == CaptureRun.Outcome.PARTIAL
    assert "replies to comment Ugthread0001" in run.error and "could not be found" in run.error
    assert Comment.objects.filter(site=site, kind="reply").count() == 3  # the thread gave its reply
    state = CaptureState.objects.get(connection__site=site)
    assert state.last_success_at == run.started_at and "resume" not in state.cursors
    assert "could not be found" in state.last_error


def test_a_stop_inside_a_follow_up_listing_is_carried_on_by_the_next_run(youtube, platform_server):
    app, site = youtube
    app.add_thread(_thread(0, replies=8))  # 5 in the thread: the rest only from comments.list
    app.add_thread(_thread(1, hours_ago=2, replies=8))
    platform_server.fail_next("parentId=Ugthread0001", Response(503, {"error": {"code": 503}}), times=10)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL
    assert Comment.objects.filter(parent_platform_item_id="Ugthread0001").count() == 5
    platform_server.faults.clear()
    first_run = len(platform_server.requests)
    run = engine.capture(site=site, rescan=False)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert Comment.objects.filter(parent_platform_item_id="Ugthread0001").count() == 8
    # The threads are listed again (their follow-ups were not all done), but the replies of
    # the thread finished before the stop are not fetched again.
    again = [r.query.get("parentId") for r in platform_server.requests[first_run:]]
    assert "Ugthread0000" not in again and "Ugthread0001" in again


def test_comments_held_for_review_are_captured_hidden_and_never_taken_for_deleted(youtube):
    app, site = youtube
    held = app.add_thread(_thread(0))
    held.status = "heldForReview"
    app.add_thread(_thread(1))
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    item = Comment.objects.get(platform_item_id="Ugthread0000")
    assert item.platform_state == Comment.PlatformState.HIDDEN and item.text == "Comment 0 <b>"
    held.status = "published"  # the channel publishes it: it leaves the held listing
    engine.capture(site=site, rescan=True)
    item.refresh_from_db()
    assert item.platform_state == Comment.PlatformState.VISIBLE and item.found_missing_at is None
