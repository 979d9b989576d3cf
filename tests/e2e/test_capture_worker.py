"""Automatic capture end to end: a real ``celery beat`` ticking the portal's capture entry,
a real worker on the capture queue, the real Redis and PostgreSQL, and a YouTube site
connected to a local server that answers in the Data API's shapes.

The beat runs the real schedule entry (tests/e2e/beat_app.py) every second on a private
queue; the worker gets that queue as its ``CAPTURE_QUEUE``, so ``capture_due_sites`` sends
each due site's ``capture_site`` to it, as in production.
"""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from moderation.capture.models import Comment
from moderation.connectors import services
from moderation.models import CaptureRun, CaptureState
from tests.conftest import TEST_CONNECTOR_KEY
from tests.e2e.worker import celery_beat, celery_worker, private_queue, wait_for
from tests.factories.moderation import site_on
from tests.fakeplatform import FakePlatformServer, Response, page_token
from tests.fakeplatform.youtube import YouTubeFake, YtComment, google_error

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BEAT_SECONDS = 1.0


@pytest.fixture
def youtube(superuser, settings, postgresql):
    """(server, fake app, site): an approved YouTube site connected to the local fake."""
    with FakePlatformServer() as server:
        app = YouTubeFake(page_size=5)
        settings.CAPTURE_API_URLS = {**settings.CAPTURE_API_URLS, "youtube": server.mount("youtube", app)}
        site = site_on("youtube")
        services.site_connect(
            actor=superuser,
            site=site,
            account_id=app.channel_id,
            credentials={"access_token": app.token},
            method="token",
        )
        yield server, app, site


@contextmanager
def worker_and_beat(redis_url, settings, tmp_path, *, pool="solo", extra_env=None):
    """A worker whose capture queue is a private queue, and a beat sending to it."""
    queue = private_queue()
    settings.CAPTURE_QUEUE = queue
    env = {
        "YOUTUBE_API_URL": settings.CAPTURE_API_URLS["youtube"],
        "CONNECTOR_TOKEN_KEYS": TEST_CONNECTOR_KEY,
        "CAPTURE_QUEUE": queue,
        "CAPTURE_HTTP_BACKOFF_MS": "10",
        **(extra_env or {}),
    }
    worker_log = tmp_path / "worker.log"
    try:
        with (
            celery_worker(redis_url, pool=pool, extra_env=env, log_path=worker_log, queue=queue) as (
                _queue,
                worker,
            ),
            celery_beat(redis_url, queue=queue, every=BEAT_SECONDS, folder=tmp_path, extra_env=env) as (
                beat,
                beat_log,
            ),
        ):
            yield worker, worker_log, beat_log
    finally:
        import redis

        # The beat ticks every second: leave no stray messages in Redis.
        redis.Redis.from_url(redis_url).delete(queue)


def _logs(*paths) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in paths if p.exists())


def _thread(n: int, *, replies: int = 0) -> YtComment:
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=n + 1)
    thread = YtComment(id=f"Ugthread{n:04d}", text=f"Comment {n} <script>x</script>", published=published)
    thread.replies = [
        YtComment(id=f"{thread.id}.reply{r}", text=f"Reply {r}", published=published, parent_id=thread.id)
        for r in range(replies)
    ]
    return thread


def _runs(site, outcome=CaptureRun.Outcome.SUCCEEDED):
    return list(CaptureRun.objects.filter(site=site, outcome=outcome).order_by("started_at"))


def _force_next_run(site) -> None:
    """What the next interval does: the site is due, and its daily re-scan too."""
    CaptureState.objects.filter(connection__site=site).update(next_run_at=None, last_rescan_at=None)


def test_beat_and_worker_capture_a_site_then_find_its_edit_and_deletion(
    youtube, real_broker, settings, tmp_path
):
    server, app, site = youtube
    for n in range(12):
        app.add_thread(_thread(n, replies=7 if n == 0 else n % 2))
    total = 12 + 7 + 6  # threads, the 7 replies of thread 0, one reply on each odd thread
    with worker_and_beat(real_broker, settings, tmp_path) as (worker, worker_log, beat_log):
        first = wait_for(lambda: _runs(site), timeout=40, what="the first capture by the worker")[0]
        assert first.outcome == CaptureRun.Outcome.SUCCEEDED, first.error
        assert Comment.objects.filter(site=site).count() == total
        state = CaptureState.objects.get(connection__site=site)
        # The dispatcher moved the site on by its interval: one capture per interval,
        # however many beats pass.
        assert state.next_run_at > first.started_at + timedelta(minutes=10)
        assert Comment.objects.get(platform_item_id="Ugthread0000.reply6").parent.platform_item_id == (
            "Ugthread0000"
        )

        edited = app.find("Ugthread0003")
        edited.text = "Comment 3, edited <b>later</b>"
        edited.updated = datetime.now(UTC).replace(microsecond=0)
        app.delete("Ugthread0005")
        _force_next_run(site)
        second = wait_for(
            lambda: _runs(site)[1:], timeout=40, what="the second capture after the beat's next tick"
        )[0]
        assert worker.poll() is None, _logs(worker_log, beat_log)
    assert second.outcome == CaptureRun.Outcome.SUCCEEDED and second.rescan, second.error
    assert "Sending due task moderation-capture-due-sites" in beat_log.read_text()

    comment = Comment.objects.get(platform_item_id="Ugthread0003")
    assert comment.text == "Comment 3, edited <b>later</b>" and comment.edit_count == 1
    versions = list(comment.history.order_by("history_date").values_list("text", flat=True))
    assert versions == ["Comment 3 <script>x</script>", "Comment 3, edited <b>later</b>"]

    gone = Comment.objects.get(platform_item_id="Ugthread0005")
    assert gone.platform_state == Comment.PlatformState.DELETED
    assert gone.found_missing_at is not None and second.started_at <= gone.found_missing_at
    assert gone.text == "Comment 5 <script>x</script>"  # kept as captured
    assert "complete listing" in gone.history.order_by("-history_date").first().history_change_reason
    assert second.deletions_found == 1 and second.updated == 1
    # Nothing removed: the deleted comment and its reply are still held.
    assert Comment.objects.filter(site=site).count() == total
    assert Comment.objects.get(platform_item_id="Ugthread0005.reply0").parent == gone
    assert Comment.objects.filter(site=site, platform_state=Comment.PlatformState.DELETED).count() == 1


def _children(pid: int) -> list[int]:
    children = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            children += [int(child) for child in handle.read().split()]
    return children


def test_a_worker_killed_mid_capture_loses_nothing_committed_and_the_next_run_carries_on(
    youtube, real_broker, settings, tmp_path
):
    server, app, site = youtube
    for n in range(20):
        app.add_thread(_thread(n))
    # Page 3 of the threads (offset 10) takes far longer than the test waits: the worker is
    # killed while it waits for it. Only that one request is slow; the next gets the page.
    slow = page_token(10)
    server.fail_next(slow, Response(503, google_error(503, "backendError", "late")), delay=30)
    env = {"CAPTURE_COMMIT_ITEMS": "1"}  # every page committed with the cursor after it
    with worker_and_beat(real_broker, settings, tmp_path, pool="prefork", extra_env=env) as (
        worker,
        worker_log,
        beat_log,
    ):
        wait_for(lambda: server.requests_to(slow), timeout=40, what="the capture to reach the slow page")
        committed = set(Comment.objects.filter(site=site).values_list("platform_item_id", flat=True))
        assert committed == {f"Ugthread{n:04d}" for n in range(10)}  # pages 1 and 2
        resume = CaptureState.objects.get(connection__site=site).cursors["resume"]
        assert resume["key"] == "threads" and resume["params"]["pageToken"] == slow
        before = len(server.requests)

        children = wait_for(lambda: _children(worker.pid), timeout=10, what="the pool's child process")
        for child in children:
            os.kill(child, signal.SIGKILL)

        done = wait_for(lambda: _runs(site), timeout=40, what="the next run to finish the capture")[0]
        assert worker.poll() is None, _logs(worker_log, beat_log)
    assert done.outcome == CaptureRun.Outcome.SUCCEEDED, done.error + _logs(worker_log)
    killed = CaptureRun.objects.get(site=site, outcome=CaptureRun.Outcome.INTERRUPTED)
    assert killed.started_at < done.started_at and killed.finished_at is not None
    assert "WorkerLostError" in worker_log.read_text() or "SIGKILL" in worker_log.read_text()

    # The next run carried on from the cursor: the slow page first, never pages 1 and 2 again.
    after = [
        r
        for r in server.requests[before:]
        if r.path == "/commentThreads" and "moderationStatus" not in r.query  # not the held listing
    ]
    assert [r.query.get("pageToken") for r in after] == [slow, page_token(15)]
    assert done.created == 10 and done.deletions_found == 0
    # Nothing committed was lost or written twice.
    held = list(Comment.objects.filter(site=site).values_list("platform_item_id", flat=True))
    assert sorted(held) == [f"Ugthread{n:04d}" for n in range(20)]
    assert set(held) >= committed
    assert all(Comment.objects.get(platform_item_id=pid).history.count() == 1 for pid in committed)
    assert "resume" not in CaptureState.objects.get(connection__site=site).cursors
