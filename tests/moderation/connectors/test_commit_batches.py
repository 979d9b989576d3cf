"""The engine writes the listings it fetched whole together, CAPTURE_COMMIT_ITEMS at a time:
each keeps its own history reason, and a fault after some of them keeps them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation.capture.models import Comment
from moderation.connectors import engine
from moderation.models import CaptureRun, CaptureState
from tests.fakeplatform import Response
from tests.fakeplatform.youtube import YouTubeFake, YtComment, google_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def youtube(connect):
    app = YouTubeFake(page_size=3)
    site = connect("youtube", app, account_id=app.channel_id)
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    for n in range(4):
        thread = YtComment(id=f"Ugthread{n:04d}", text=f"Comment {n}", published=published)
        # Seven replies: the thread shows five, comments.list gives all seven (three pages).
        thread.replies = [
            YtComment(id=f"{thread.id}.r{r}", text=f"Reply {r}", published=published, parent_id=thread.id)
            for r in range(7)
        ]
        app.add_thread(thread)
    return app, site


def _reason(platform_item_id: str) -> str:
    return Comment.objects.get(platform_item_id=platform_item_id).history.earliest().history_change_reason


def test_listings_written_together_keep_their_own_history_reasons(youtube):
    app, site = youtube
    with CaptureQueriesContext(connection) as queries:
        run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    # Each commit records where the run carries on: one for the six listings (52 items, far
    # below CAPTURE_COMMIT_ITEMS), and the run's end.
    cursor_writes = [
        q
        for q in queries
        if q["sql"].startswith('UPDATE "moderation_capturestate"') and '"cursors"' in q["sql"]
    ]
    assert len(cursor_writes) == 2
    assert Comment.objects.filter(site=site).count() == 4 + 4 * 7
    assert run.listings_complete == 6 and run.created == 32  # and the (empty) held-for-review listing
    assert "the comment threads of channel" in _reason("Ugthread0001")
    assert "the comment threads of channel" in _reason("Ugthread0001.r4")  # shown in the thread
    assert "the replies to comment Ugthread0001" in _reason("Ugthread0001.r6")  # only in comments.list
    assert Comment.objects.get(platform_item_id="Ugthread0003.r6").parent.platform_item_id == "Ugthread0003"
    assert "resume" not in CaptureState.objects.get(connection__site=site).cursors


def test_a_fault_keeps_the_listings_fetched_whole_and_they_are_not_fetched_again(youtube, platform_server):
    app, site = youtube
    # The replies of the third thread fail every attempt; 32 items are far below the
    # commit size, so nothing was committed when the fault came.
    platform_server.fail_next(
        "parentId=Ugthread0002", Response(503, google_error(503, "backendError", "Backend Error")), times=10
    )
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL and "HTTP 503" in run.error
    held = set(Comment.objects.filter(site=site).values_list("platform_item_id", flat=True))
    assert {"Ugthread0000.r6", "Ugthread0001.r6", "Ugthread0003", "Ugthread0002.r4"} <= held
    assert "Ugthread0002.r6" not in held
    assert run.created == len(held) and run.listings_complete == 3
    resume = CaptureState.objects.get(connection__site=site).cursors["resume"]
    # The threads listing is done only once all its follow-ups are: the next run lists the
    # threads again (and so finds the replies still to fetch), not the replies already fetched.
    assert resume["done"] == ["replies:Ugthread0000", "replies:Ugthread0001"]

    platform_server.faults.clear()
    before = len(platform_server.requests)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    again = platform_server.requests[before:]
    assert not [r for r in again if r.query.get("parentId") in ("Ugthread0000", "Ugthread0001")]
    assert {r.query.get("parentId") for r in again if r.path == "/comments"} == {
        "Ugthread0002",
        "Ugthread0003",
    }
