"""The X connector against a local server answering in the API v2 shapes."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from config.portal.audit import system_user
from moderation.capture.models import Comment, Commenter
from moderation.capture.services import captures_import_file
from moderation.connectors import engine
from moderation.connectors.platforms.x import RECENT_SEARCH_DAYS, TWEET_FIELDS
from moderation.models import CaptureRun, CaptureState, PlatformBlock, SiteConnection
from tests.fakeplatform import Request, Response
from tests.fakeplatform.x import XFake, epoch_in, problem, rate_limited

pytestmark = pytest.mark.django_db

RESIDENTS = {"702": ("Resident Two", "resident_two"), "703": ("Résident <b>Three</b>", "resident_three")}


def _ago(**delta) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(**delta)


@pytest.fixture
def x(connect):
    app = XFake(page_size=3)
    for user_id, (name, username) in RESIDENTS.items():
        app.add_user(user_id, name, username)
    site = connect("x", app, account_id=app.user_id, handle="CityofKankakee", account_name="City of Kankakee")
    return app, site


def _conversation(app: XFake, *, hours_ago: float, replies: int, text: str = "Leaf pickup starts Monday."):
    """A City post and ``replies`` replies to it, each a minute apart, every third one a
    reply to the reply before it."""
    root = app.post(text, at=_ago(hours=hours_ago))
    posted = []
    for n in range(replies):
        parent = posted[-1] if posted and n % 3 == 2 else root
        author = "702" if n % 2 == 0 else "703"
        posted.append(
            app.post(
                f"Reply {n} <script>",
                at=root.created_at + timedelta(minutes=n + 1),
                author_id=author,
                replying_to=parent,
            )
        )
    return root, posted


def _state(pid: str) -> str:
    return Comment.objects.get(platform_item_id=pid).platform_state


def test_captures_the_posts_and_every_reply_of_the_last_week_across_pages(x, platform_server):
    app, site = x
    recent, replies = _conversation(app, hours_ago=1, replies=7)
    older, older_replies = _conversation(app, hours_ago=48, replies=1)
    answer = app.post("@resident_two Yes, Monday.", at=_ago(minutes=30), replying_to=replies[0])
    too_old, too_old_replies = _conversation(app, hours_ago=24 * 10, replies=1)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert set(
        Comment.objects.filter(site=site, kind="city_post").values_list("platform_item_id", flat=True)
    ) == {
        recent.id,
        older.id,
        too_old.id,
    }
    # The conversations of the last seven days, at every level; the City's own answer too.
    captured = set(Comment.objects.filter(site=site).values_list("platform_item_id", flat=True))
    assert {r.id for r in replies + older_replies} | {answer.id} <= captured
    # Recent search cannot reach the conversation of a post ten days old.
    assert too_old_replies[0].id not in captured
    searched = [r.query["query"] for r in platform_server.requests_to("/2/tweets/search/recent")]
    assert f"conversation_id:{too_old.id}" not in searched
    assert f"conversation_id:{recent.id}" in searched and f"conversation_id:{older.id}" in searched
    nested = Comment.objects.get(platform_item_id=replies[2].id)
    assert nested.kind == "reply" and nested.parent.platform_item_id == replies[1].id
    first = Comment.objects.get(platform_item_id=replies[0].id)
    assert first.kind == "comment" and first.parent.platform_item_id == recent.id
    assert first.text == "Reply 0 <script>" and first.author.display_name == "Resident Two"
    assert Comment.objects.get(platform_item_id=answer.id).from_city
    # Pages: pagination_token on the timeline, next_token on search, both followed to the end.
    timeline = platform_server.requests_to(f"/2/users/{app.user_id}/tweets")
    assert len(timeline) == 2 and "pagination_token" in timeline[-1].query  # 4 posts, 3 a page
    assert timeline[0].query["tweet.fields"] == TWEET_FIELDS
    assert timeline[0].query["expansions"] == "author_id,referenced_tweets.id"
    # The first run is a re-scan: the timeline from CAPTURE_RESCAN_DAYS back, in RFC 3339.
    start = datetime.fromisoformat(timeline[0].query["start_time"].replace("Z", "+00:00"))
    assert timeline[0].query["start_time"].endswith("Z") and abs(start - _ago(days=30)) < timedelta(minutes=5)
    assert any("next_token" in r.query for r in platform_server.requests_to("/2/tweets/search/recent"))
    assert all("test-token" not in json.dumps(r.query) for r in platform_server.requests)
    assert run.listings_complete == 3 and run.deletions_found == 0


def test_a_full_run_asks_for_everything_and_decides_no_deletion_of_posts(x, platform_server):
    app, site = x
    kept = app.post("Old news.", at=_ago(days=40))
    engine.capture(site=site, full=True)
    app.delete(kept)
    run = engine.capture(site=site, full=True)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert all("start_time" not in r.query for r in platform_server.requests_to("/tweets"))
    # Without a window the API lists only the 3,200 most recent posts: missing is not gone.
    assert _state(kept.id) == "visible"


def test_an_edited_reply_is_a_new_version_of_the_same_item_not_a_deletion(x):
    app, site = x
    root, replies = _conversation(app, hours_ago=2, replies=1)
    # X lets a post in a self-thread be edited (a reply to someone else cannot be): the
    # resident adds to their own reply.
    own = app.post("Also on Elm St?", at=_ago(minutes=50), author_id="702", replying_to=replies[0])
    assert engine.capture(site=site).outcome == CaptureRun.Outcome.SUCCEEDED
    edited = app.edit(own, "Also on Elm St and Oak St?")
    assert edited.id != own.id and edited.edit_history == [own.id, edited.id]
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    item = Comment.objects.get(platform_item_id=own.id)
    assert item.text == "Also on Elm St and Oak St?" and item.edit_count == 1
    assert item.platform_state == "visible" and item.found_missing_at is None
    assert item.permalink.endswith(f"/status/{edited.id}")
    assert item.reviewed_at is None  # changed words go back to TST's queue
    assert list(item.history.order_by("history_date").values_list("text", flat=True)) == [
        "Also on Elm St?",
        "Also on Elm St and Oak St?",
    ]
    assert not Comment.objects.filter(platform_item_id=edited.id).exists()
    assert run.deletions_found == 0 and run.updated == 1


def test_an_edited_city_post_keeps_its_conversation_under_every_id(x, platform_server):
    app, site = x
    root, replies = _conversation(app, hours_ago=2, replies=2)
    engine.capture(site=site)
    edited = app.edit(root, "Leaf pickup starts Tuesday.")
    later = app.post("Tuesday works.", at=_ago(minutes=5), author_id="703", replying_to=edited)
    assert later.conversation_id == edited.id != root.id
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    post = Comment.objects.get(platform_item_id=root.id)
    assert post.text == "Leaf pickup starts Tuesday." and post.edit_count == 1 and post.kind == "city_post"
    assert platform_server.requests_to("/2/tweets/search/recent")[-1].query["query"] == (
        f"conversation_id:{root.id} OR conversation_id:{edited.id}"
    )
    # The reply to the edited version belongs to the one post; the earlier replies are kept.
    assert Comment.objects.get(platform_item_id=later.id).parent == post
    assert all(_state(r.id) == "visible" for r in replies)
    assert run.deletions_found == 0


def test_a_deleted_reply_and_post_are_marked_deleted_by_a_complete_listing(x):
    app, site = x
    root, replies = _conversation(app, hours_ago=3, replies=4)
    other = app.post("Council meets Tuesday.", at=_ago(hours=30))
    assert engine.capture(site=site).outcome == CaptureRun.Outcome.SUCCEEDED
    app.delete(replies[3])
    app.delete(replies[1])  # replies[2] answers it
    app.delete(other)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    gone = Comment.objects.get(platform_item_id=replies[3].id)
    assert gone.platform_state == "deleted" and gone.found_missing_at is not None
    assert gone.text == "Reply 3 <script>"  # kept, never removed
    assert "complete listing of the replies in the conversation" in gone.history.first().history_change_reason
    assert _state(other.id) == "deleted"
    # A deleted reply that another reply answers: X says so itself, in the page's
    # ``errors`` ("Not Found Error" for the referenced post), and no listing had to.
    answered = Comment.objects.get(platform_item_id=replies[1].id)
    assert answered.platform_state == "unavailable" and answered.found_missing_at is None
    assert answered.text == "Reply 1 <script>"
    assert run.deletions_found == 2
    # The reply to the deleted reply is still on X and stays visible.
    assert _state(replies[2].id) == "visible"
    first = gone.found_missing_at
    engine.capture(site=site)
    gone.refresh_from_db()
    assert gone.found_missing_at == first


def test_a_reply_at_the_edge_of_the_search_window_is_not_taken_for_deleted(x):
    app, site = x
    # A conversation at the edge of the week recent search covers: its reply is listed
    # now, and may be past the window by the time a page is fetched.
    edge, (edge_reply,) = _conversation(app, hours_ago=RECENT_SEARCH_DAYS * 24 - 0.4, replies=1)
    root, (reply,) = _conversation(app, hours_ago=5, replies=1)
    engine.capture(site=site)
    assert _state(edge_reply.id) == "visible"
    app.delete(edge_reply)
    app.delete(reply)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert _state(edge_reply.id) == "visible"
    assert _state(reply.id) == "deleted" and run.deletions_found == 1


def test_a_quote_of_a_city_post_is_not_expected_in_its_conversation(x):
    app, site = x
    root, (reply,) = _conversation(app, hours_ago=5, replies=1)
    # A resident's quote of the City's post, captured from a file: linked to the post it
    # quotes, but a conversation of its own, never in this one's search.
    quote_id = str(int(reply.id) + 7)
    quote = {
        "data": [
            {
                "id": quote_id,
                "text": "Finally!",
                "author_id": "703",
                "created_at": reply.resource({"created_at"})["created_at"],
                "conversation_id": quote_id,
                "edit_history_tweet_ids": [quote_id],
                "referenced_tweets": [{"type": "quoted", "id": root.id}],
            }
        ],
        "meta": {"result_count": 1},
    }
    captures_import_file(
        actor=system_user(),
        site=site,
        format_name="x-api",
        stream=io.BytesIO(json.dumps(quote).encode()),
        source_name="mentions.json",
    )
    assert Comment.objects.get(platform_item_id=quote_id).parent_platform_item_id == root.id
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert _state(quote_id) == "visible" and _state(reply.id) == "visible"
    assert run.deletions_found == 0


def test_a_listing_that_fails_midway_marks_nothing_and_the_next_run_carries_on(x, platform_server, settings):
    app, site = x
    settings.CAPTURE_COMMIT_ITEMS = 1
    root, replies = _conversation(app, hours_ago=2, replies=8)
    engine.capture(site=site)
    app.delete(replies[0])  # the oldest: on the last page
    platform_server.fail_next("next_token=", Response(503, problem(503, "Service Unavailable")), times=10)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL and "HTTP 503" in run.error
    assert _state(replies[0].id) == "visible" and run.deletions_found == 0
    state = CaptureState.objects.get(connection__site=site)
    assert state.cursors["resume"]["key"] == f"conversation:{root.id}"
    platform_server.faults.clear()
    before = len(platform_server.requests_to("/2/tweets/search/recent"))
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert len(platform_server.requests_to("/2/tweets/search/recent")) - before == 2  # pages 2 and 3
    assert run.deletions_found == 0  # a resumed listing decides nothing
    run = engine.capture(site=site)
    assert run.deletions_found == 1 and _state(replies[0].id) == "deleted"


def test_a_429_is_waited_out_until_x_rate_limit_reset(x, platform_server):
    app, site = x
    _conversation(app, hours_ago=1, replies=1)
    reset = epoch_in(1)
    platform_server.fail_next("search/recent", rate_limited(reset))
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert time.time() >= reset  # not retried before the window reset
    assert len(platform_server.requests_to("search/recent")) == 2
    assert Comment.objects.filter(site=site).count() == 2


def test_a_429_resetting_later_than_the_run_may_wait_stops_the_run(x, platform_server, settings):
    app, site = x
    _conversation(app, hours_ago=1, replies=1)
    settings.CAPTURE_HTTP_MAX_WAIT = 2
    platform_server.fail_next("/tweets?", rate_limited(epoch_in(600)))
    started = time.monotonic()
    run = engine.capture(site=site)
    assert time.monotonic() - started < 2
    assert run.outcome == CaptureRun.Outcome.PARTIAL and "slow down (HTTP 429" in run.error
    assert len(platform_server.requests_to("/tweets")) == 1
    assert CaptureState.objects.get(connection__site=site).cursors["resume"]["done"] == []


def test_an_empty_result_is_a_complete_listing(x, platform_server):
    app, site = x
    only = app.post("Snow routes are posted.", at=_ago(hours=4))
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    # The post has no replies: its conversation is {"meta": {"result_count": 0}}.
    assert platform_server.requests_to("search/recent")
    app.delete(only)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert run.created == 0 and run.deletions_found == 1 and _state(only.id) == "deleted"
    assert run.blocked_accounts == 0 and not PlatformBlock.objects.exists()


def test_a_rejected_token_stops_capture_until_reauthorized(x, platform_server):
    app, site = x
    _conversation(app, hours_ago=1, replies=1)
    app.token = "a-newer-token"  # the one the site was connected with is revoked
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.FAILED
    assert "no longer accepts the connection's token (HTTP 401: Unauthorized)" in run.error
    connection = SiteConnection.objects.get(site=site)
    assert connection.state == SiteConnection.State.NEEDS_REAUTHORIZATION
    assert "HTTP 401" in connection.state_reason
    assert len(platform_server.requests_to("/tweets")) == 1  # a 401 is not retried
    # Until an administrator reauthorizes, a run does not call X at all.
    asked = len(platform_server.requests)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.FAILED and "reconnect" in run.error
    assert len(platform_server.requests) == asked
    assert not Comment.objects.filter(site=site).exists()


def test_the_block_list_is_recorded_first_and_last_seen_and_gone(x, platform_server):
    app, site = x
    app.add_user("704", "Resident Four", "resident_four")
    app.add_user("705", "Resident Five", "resident_five")
    for user_id in ("702", "703", "704", "705"):
        app.block(user_id)
    first = engine.capture(site=site)
    assert first.outcome == CaptureRun.Outcome.SUCCEEDED, first.error
    assert first.blocked_accounts == 4
    pages = platform_server.requests_to("/blocking")
    assert len(pages) == 2 and pages[0].query["max_results"] == "1000"
    assert pages[1].query["pagination_token"]
    block = PlatformBlock.objects.get(site=site, commenter__platform_user_id="703")
    assert block.first_seen_at == block.last_seen_at == first.started_at and block.gone_at is None
    assert json.loads(block.raw_payload) == {
        "id": "703",
        "name": "Résident <b>Three</b>",
        "username": "resident_three",
    }
    assert block.commenter.display_name == "Résident <b>Three</b>"
    assert Commenter.objects.get(platform_user_id="703").profile_url == "https://x.com/resident_three"
    app.unblock("704")
    second = engine.capture(site=site)
    assert second.blocked_accounts == 3
    gone = PlatformBlock.objects.get(site=site, commenter__platform_user_id="704")
    assert gone.gone_at == second.started_at and gone.last_seen_at == first.started_at
    block.refresh_from_db()
    assert block.first_seen_at == first.started_at and block.last_seen_at == second.started_at
    # A page of the block list failing leaves the list as it was.
    app.unblock("702")
    platform_server.fail_next("/blocking", Response(503, problem(503, "Service Unavailable")), times=10)
    third = engine.capture(site=site)
    assert third.outcome == CaptureRun.Outcome.PARTIAL
    assert PlatformBlock.objects.get(site=site, commenter__platform_user_id="702").gone_at is None


def test_a_post_captured_by_the_connector_and_from_a_file_is_one_item(x, platform_server):
    app, site = x
    root, replies = _conversation(app, hours_ago=2, replies=2)
    # The same conversation, as a response saved to a file (twarc2 or by hand).
    page = app.handle(
        Request(
            "GET",
            "/2/tweets/search/recent",
            {
                "query": f"conversation_id:{root.id}",
                "tweet.fields": TWEET_FIELDS,
                "expansions": "author_id,referenced_tweets.id",
                "max_results": "100",
            },
            {"authorization": f"Bearer {app.token}"},
        )
    )
    result = captures_import_file(
        actor=system_user(),
        site=site,
        format_name="x-api",
        stream=io.BytesIO(page.encoded() + b"\n"),
        source_name="conversation.jsonl",
    )
    assert result.created == 3  # the two replies and the City's post they reply to
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    for pid in (root.id, *(r.id for r in replies)):
        assert Comment.objects.filter(site=site, platform_item_id=pid).count() == 1
    assert run.created == 0 and run.updated == 0
    reply = Comment.objects.get(platform_item_id=replies[0].id)
    assert reply.history.count() == 1
    # And the other way round: the file imported after the connector changes nothing.
    again = captures_import_file(
        actor=system_user(),
        site=site,
        format_name="x-api",
        stream=io.BytesIO(page.encoded()),
        source_name="conversation.json",
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_block_list_x_refuses_leaves_the_run_partial_and_the_next_run_lists_everything(x, platform_server):
    app, site = x
    root, _replies = _conversation(app, hours_ago=2, replies=1)
    # An app-only token may read posts but not the block list (OAuth 2.0 user context only).
    refused = Response(
        403,
        {
            "title": "Unsupported Authentication",
            "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
            "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
            "type": "https://api.twitter.com/2/problems/unsupported-authentication",
            "status": 403,
        },
    )
    platform_server.fail_next("/blocking", refused, times=2)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL
    assert "HTTP 403: Authenticating with OAuth 2.0 Application-Only is forbidden" in run.error
    assert run.created == 2
    later = app.post("And Wednesday?", at=_ago(minutes=1), author_id="703", replying_to=root)
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL
    # The listings all ran again: a failed block list is nothing to resume from.
    assert Comment.objects.filter(platform_item_id=later.id).exists()
    assert len(platform_server.requests_to(f"/2/users/{app.user_id}/tweets")) == 2
