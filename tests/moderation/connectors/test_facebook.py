"""The Facebook connector against a local server answering in the Graph API's shapes."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from config.portal.audit import system_user
from moderation.capture.models import Comment
from moderation.capture.services import captures_import_file
from moderation.connectors import engine
from moderation.models import CaptureRun, CaptureState, PlatformBlock, SiteConnection
from tests.fakeplatform import Response
from tests.fakeplatform.facebook import VERSION, FacebookFake, graph_error, throttled, token_expired

pytestmark = pytest.mark.django_db


def _now():
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def facebook(connect, settings):
    app = FacebookFake(page_size=2)
    site = connect("facebook", app, account_id=app.page_id, account_name="City of Kankakee")
    # As in production, the base URL names the API version.
    settings.CAPTURE_API_URLS = {
        **settings.CAPTURE_API_URLS,
        "facebook": f"{settings.CAPTURE_API_URLS['facebook']}/{VERSION}",
    }
    return app, site


def _post_with_comments(app, n: int, *, hours_ago: int = 2, comments: int = 3):
    created = _now() - timedelta(hours=hours_ago)
    post = app.add_post(f"Post {n}: the Court Street bridge", created)
    for c in range(comments):
        app.add_comment(post, f"Comment {c} on post {n}", created + timedelta(minutes=c + 1))
    return post


def _succeeded(run):
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    return run


def test_captures_posts_comments_and_replies_across_pages(facebook, platform_server):
    app, site = facebook
    first = _post_with_comments(app, 1, comments=4)
    question = first.comments[0]
    answer = app.add_comment(
        first,
        "Open again <b>June 5</b>",
        question.created + timedelta(minutes=30),
        reply_to=question.id,
        author_id=app.page_id,
        author_name=app.page_name,
    )
    hidden = app.add_comment(first, "my phone is 815-555-0100", question.created, is_hidden=True)
    second = _post_with_comments(app, 2, hours_ago=3, comments=1)
    _post_with_comments(app, 3, hours_ago=4, comments=0)
    run = _succeeded(engine.capture(site=site))

    assert Comment.objects.filter(site=site, kind="city_post").count() == 3
    post = Comment.objects.get(platform_item_id=first.id)
    assert post.from_city and post.text == "Post 1: the Court Street bridge"
    assert Comment.objects.filter(site=site, kind="comment").count() == 4 + 1 + 1
    top = Comment.objects.get(platform_item_id=question.id)
    assert top.parent == post and top.author.platform_user_id == "5550000000000001"
    reply = Comment.objects.get(platform_item_id=answer.id)
    assert reply.kind == Comment.Kind.REPLY and reply.parent == top
    assert reply.from_city and reply.text == "Open again <b>June 5</b>"
    assert Comment.objects.get(platform_item_id=hidden.id).platform_state == Comment.PlatformState.HIDDEN
    # An only page (no paging URL) is read as the listing it was fetched as.
    assert Comment.objects.get(platform_item_id=second.comments[0].id).parent.platform_item_id == second.id
    # Pages of 2: posts 2 pages, post 1's 6 comments 3 pages, post 2's one page, post 3's one.
    assert run.pages == 2 + 3 + 1 + 1 and run.created == 3 + 7
    pages = [r for r in platform_server.requests if r.path.endswith(f"{first.id}/comments")]
    assert [r.query.get("after", "") for r in pages][1:] and all(r.query["filter"] == "stream" for r in pages)
    # The token went in a header, never in a URL, though every "next" URL carried it.
    assert all("access_token" not in r.query for r in platform_server.requests)
    assert all(r.token == app.token for r in platform_server.requests)


def test_only_posts_in_the_window_have_their_comments_listed_unless_full(facebook, platform_server, settings):
    app, site = facebook
    _post_with_comments(app, 1, comments=1)
    old = _post_with_comments(app, 2, hours_ago=24 * (settings.CAPTURE_RESCAN_DAYS + 5), comments=1)
    _succeeded(engine.capture(site=site))
    assert not Comment.objects.filter(platform_item_id=old.id).exists()
    posts = platform_server.requests_to("/posts")
    assert posts and all(int(r.query["since"]) <= (_now() - timedelta(days=30)).timestamp() for r in posts)
    _succeeded(engine.capture(site=site, full=True))
    assert Comment.objects.filter(platform_item_id__in=[old.id, old.comments[0].id]).count() == 2
    assert "since" not in platform_server.requests_to("/posts")[-1].query


def test_an_edit_is_a_new_version_and_deletions_are_found_by_complete_listings(facebook):
    app, site = facebook
    post = _post_with_comments(app, 1, comments=3)
    doomed_post = _post_with_comments(app, 2, comments=1)
    edited, deleted, kept = post.comments
    reply = app.add_comment(post, "Agreed", kept.created + timedelta(minutes=5), reply_to=kept.id)
    hushed = app.add_comment(post, "Hidden by the Page later", kept.created + timedelta(minutes=6))
    _succeeded(engine.capture(site=site))

    edited.message = "Comment 0 on post 1 (edited)"
    hushed.is_hidden = True
    app.delete(deleted.id)
    app.delete(reply.id)
    app.delete(doomed_post.id)
    run = _succeeded(engine.capture(site=site))
    comment = Comment.objects.get(platform_item_id=edited.id)
    assert comment.text == "Comment 0 on post 1 (edited)" and comment.edit_count == 1
    texts = list(comment.history.order_by("history_date").values_list("text", flat=True))
    assert texts[0] == "Comment 0 on post 1" and texts[-1] == "Comment 0 on post 1 (edited)"
    for gone_id in (deleted.id, reply.id, doomed_post.id):
        gone = Comment.objects.get(platform_item_id=gone_id)
        assert gone.platform_state == Comment.PlatformState.DELETED and gone.found_missing_at
    assert Comment.objects.get(platform_item_id=deleted.id).text == "Comment 1 on post 1"
    assert Comment.objects.get(platform_item_id=kept.id).platform_state == "visible"
    # Hidden by the Page: still listed to its token, so hidden, not deleted.
    assert Comment.objects.get(platform_item_id=hushed.id).platform_state == Comment.PlatformState.HIDDEN
    assert run.deletions_found == 3
    # The deleted post's comments are not asked for again (the Graph API refuses them).
    assert Comment.objects.get(platform_item_id=doomed_post.comments[0].id).platform_state == "visible"
    _succeeded(engine.capture(site=site))


def test_a_page_failing_midway_marks_nothing_and_the_next_run_carries_on(facebook, platform_server, settings):
    app, site = facebook
    settings.CAPTURE_COMMIT_ITEMS = 1
    post = _post_with_comments(app, 1, comments=5)
    _succeeded(engine.capture(site=site))
    gone_id = post.comments[0].id
    app.delete(gone_id)
    platform_server.fail_next(
        "after=",
        Response(500, graph_error(1, "An unknown error has occurred.", type="OAuthException")),
        times=10,
    )
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL and "HTTP 500" in run.error
    assert Comment.objects.get(platform_item_id=gone_id).platform_state == "visible"
    assert run.deletions_found == 0
    state = CaptureState.objects.get(connection__site=site)
    assert state.cursors["resume"]["key"] == f"comments:{post.id}"
    cursor = state.cursors["resume"]["params"]["after"]
    platform_server.faults.clear()
    before = len(platform_server.requests_to("/comments"))
    run = _succeeded(engine.capture(site=site))
    # Carried on from the page that failed, not from the first; a resumed listing marks nothing.
    assert [r.query.get("after") for r in platform_server.requests_to("/comments")[before:]] == [cursor]
    assert run.deletions_found == 0
    assert Comment.objects.get(platform_item_id=gone_id).platform_state == "visible"
    # The next run lists the comments whole, and finds the deletion.
    run = _succeeded(engine.capture(site=site))
    assert Comment.objects.get(platform_item_id=gone_id).platform_state == "deleted"
    assert run.deletions_found == 1


@pytest.mark.parametrize(("code", "status"), [(4, 400), (17, 400), (32, 403), (613, 400)])
def test_graph_throttling_is_waited_out_and_retried(facebook, platform_server, code, status):
    app, site = facebook
    _post_with_comments(app, 1, comments=1)
    platform_server.fail_next("/comments", throttled(code, status), times=2)
    _succeeded(engine.capture(site=site))
    assert len(platform_server.requests_to("/comments")) == 3
    assert Comment.objects.filter(site=site).count() == 2


def test_throttling_for_longer_than_the_portal_waits_stops_at_once(facebook, platform_server, settings):
    app, site = facebook
    _post_with_comments(app, 1, comments=1)
    # Calls made while throttled prolong the throttle: not retried, the next run carries on.
    platform_server.fail_next("/comments", throttled(32, 403, regain_minutes=30), times=5)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL and "slow down" in run.error
    assert len(platform_server.requests_to("/comments")) == 1
    platform_server.faults.clear()
    platform_server.fail_next("/comments", throttled(4, 400, regain_minutes=0))
    _succeeded(engine.capture(site=site))


def test_throttling_that_does_not_end_stops_the_run_part_way(facebook, platform_server, settings):
    app, site = facebook
    _post_with_comments(app, 1, comments=1)
    platform_server.fail_next("/comments", throttled(32, 403), times=settings.CAPTURE_HTTP_ATTEMPTS)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL and "slow down" in run.error
    assert len(platform_server.requests_to("/comments")) == settings.CAPTURE_HTTP_ATTEMPTS
    assert SiteConnection.objects.get(site=site).state == SiteConnection.State.CONNECTED


def test_an_expired_token_stops_capture_until_reauthorized(facebook, platform_server):
    app, site = facebook
    _post_with_comments(app, 1)
    platform_server.fail_next("/posts", token_expired())
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.FAILED and "Session has expired" in run.error
    connection = SiteConnection.objects.get(site=site)
    assert connection.state == SiteConnection.State.NEEDS_REAUTHORIZATION
    assert "no longer accepts" in connection.state_reason
    assert len(platform_server.requests_to("/posts")) == 1  # never retried
    before = len(platform_server.requests)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.FAILED and "reconnect" in run.error
    assert len(platform_server.requests) == before


def test_block_list_first_and_last_seen_and_gone_after_unblocking(facebook):
    app, site = facebook
    app.blocked = [
        ("5550000000000011", "Troll One"),
        ("5550000000000012", "Troll <Two>"),
        ("5550000000000013", ""),
    ]
    first = _succeeded(engine.capture(site=site))
    assert first.blocked_accounts == 3  # over two pages of 2
    blocks = {b.commenter.platform_user_id: b for b in PlatformBlock.objects.filter(site=site)}
    assert set(blocks) == {"5550000000000011", "5550000000000012", "5550000000000013"}
    assert blocks["5550000000000012"].commenter.display_name == "Troll <Two>"
    assert json.loads(blocks["5550000000000012"].raw_payload) == {
        "id": "5550000000000012",
        "name": "Troll <Two>",
    }
    seen = blocks["5550000000000011"].first_seen_at

    app.blocked = app.blocked[:1] + app.blocked[2:]  # the Page unblocked Troll Two
    second = _succeeded(engine.capture(site=site))
    assert second.blocked_accounts == 2
    kept = PlatformBlock.objects.get(site=site, commenter__platform_user_id="5550000000000011")
    assert kept.first_seen_at == seen and kept.last_seen_at > seen and kept.gone_at is None
    unblocked = PlatformBlock.objects.get(site=site, commenter__platform_user_id="5550000000000012")
    assert unblocked.gone_at is not None and unblocked.last_seen_at == seen


@pytest.mark.parametrize(
    "fault",
    [
        Response(503, graph_error(2, "Service temporarily unavailable")),
        Response(200, {"data": [{"name": "no id"}]}),
        Response(200, {"paging": {}}),
    ],
    ids=["unavailable", "entry-without-id", "not-a-listing"],
)
def test_block_list_failing_midway_records_nothing(facebook, platform_server, fault):
    app, site = facebook
    app.blocked = [(f"55500000000001{n}", f"Blocked {n}") for n in range(3)]
    _succeeded(engine.capture(site=site))
    # Two unblocked, two more blocked: the second of two pages fails.
    app.blocked = app.blocked[:1] + [("5550000000000198", "Later"), ("5550000000000199", "Later too")]
    platform_server.fail_next("blocked?limit=100&after=", fault, times=10)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL
    assert "blocked" in run.error or "HTTP 503" in run.error
    assert not PlatformBlock.objects.filter(site=site, gone_at__isnull=False).exists()
    assert PlatformBlock.objects.filter(site=site).count() == 3


def _exported_comments(app, post) -> bytes:
    """The post's comments as a person exports them (Graph API Explorer, an older version, the
    token in the paging URL)."""
    nodes = [comment.node(app.page_id) for comment in post.comments]
    return json.dumps(
        {
            "data": nodes,
            "paging": {
                "cursors": {"before": "QVFIUmJ", "after": "QVFIUmx"},
                "next": f"https://graph.facebook.com/v19.0/{post.id}/comments?access_token=EAAB&filter=stream"
                "&limit=25&after=QVFIUmx",
            },
        }
    ).encode()


def test_an_item_captured_by_the_connector_and_from_a_file_is_one_item(facebook):
    app, site = facebook
    post = _post_with_comments(app, 1, comments=2)
    app.add_comment(
        post, "A reply", post.comments[0].created + timedelta(minutes=1), reply_to=post.comments[0].id
    )
    imported = captures_import_file(
        actor=system_user(),
        site=site,
        format_name="facebook",
        stream=io.BytesIO(_exported_comments(app, post)),
        source_name="comments-before.json",
    )
    assert imported.created == 3
    _succeeded(engine.capture(site=site))
    after = captures_import_file(
        actor=system_user(),
        site=site,
        format_name="facebook",
        stream=io.BytesIO(_exported_comments(app, post)),
        source_name="comments-after.json",
    )
    assert after.created == 0
    ids = [post.id] + [c.id for c in post.comments]
    rows = list(Comment.objects.filter(site=site).values_list("platform_item_id", flat=True))
    assert sorted(rows) == sorted(ids)
    # The comments imported before the post was captured were linked to it when it came.
    for comment in post.comments:
        parent_id = comment.parent_id or post.id
        assert Comment.objects.get(platform_item_id=comment.id).parent.platform_item_id == parent_id
