"""The Instagram connector against a local server answering in the Instagram Graph API's shapes."""

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
from tests.fakeplatform.facebook import VERSION, graph_error, throttled, token_expired
from tests.fakeplatform.instagram import InstagramFake

pytestmark = pytest.mark.django_db


def _now():
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def instagram(connect, settings):
    app = InstagramFake(page_size=2, replies_shown=2)
    site = connect(
        "instagram", app, account_id=app.user_id, handle=app.username, account_name="Kankakee Parks"
    )
    settings.CAPTURE_API_URLS = {
        **settings.CAPTURE_API_URLS,
        "instagram": f"{settings.CAPTURE_API_URLS['instagram']}/{VERSION}",
    }
    return app, site


def _media_with_comments(app, n: int, *, hours_ago: int = 2, comments: int = 3):
    created = _now() - timedelta(hours=hours_ago)
    media = app.add_media(f"Splash pad {n} opens Saturday", created)
    for c in range(comments):
        app.add_comment(media, f"Comment {c} on post {n}", created + timedelta(minutes=c + 1))
    return media


def _succeeded(run):
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    return run


def test_captures_posts_comments_and_every_reply_across_pages(instagram, platform_server):
    app, site = instagram
    first = _media_with_comments(app, 1, comments=3)
    busy = first.comments[-1]  # the oldest
    for r in range(4):  # two nested, two more behind the nested "next"
        app.add_reply(busy, f"Reply {r}", busy.created + timedelta(minutes=r + 1))
    answer = app.add_reply(busy, "Saturday at 10 <a href=x>", busy.created + timedelta(hours=1), city=True)
    hidden = app.add_comment(first, "call me 815-555-0100", busy.created, hidden=True)
    second = _media_with_comments(app, 2, hours_ago=3, comments=1)
    _media_with_comments(app, 3, hours_ago=4, comments=0)
    run = _succeeded(engine.capture(site=site))

    posts = Comment.objects.filter(site=site, kind="city_post")
    assert posts.count() == 3 and all(p.from_city for p in posts)
    post = Comment.objects.get(platform_item_id=first.id)
    assert post.text == "Splash pad 1 opens Saturday" and post.permalink.startswith(
        "https://www.instagram.com/p/"
    )
    assert Comment.objects.filter(site=site, kind="comment").count() == 4 + 1
    top = Comment.objects.get(platform_item_id=busy.id)
    assert top.parent == post and top.author.platform_user_id == "6100000000000001"
    assert top.author.display_name == "river_walker"
    replies = Comment.objects.filter(site=site, kind="reply", parent=top)
    assert replies.count() == 5
    city_reply = Comment.objects.get(platform_item_id=answer.id)
    assert city_reply.from_city and city_reply.text == "Saturday at 10 <a href=x>"
    # The City's post and the City's reply are one commenter (owner{id} and from{id} agree).
    assert city_reply.author == post.author and post.author.platform_user_id == app.user_id
    assert Comment.objects.get(platform_item_id=hidden.id).platform_state == Comment.PlatformState.HIDDEN
    # Post 2's comments came on an only page, with no paging URL: read as that post's.
    assert Comment.objects.get(platform_item_id=second.comments[0].id).parent.platform_item_id == second.id
    # Only the comment with more replies than nested had its replies listed.
    assert [r.path for r in platform_server.requests_to("/replies")] == [f"/{VERSION}/{busy.id}/replies"] * 3
    assert run.created == 3 + 5 + 5
    assert all("access_token" not in r.query for r in platform_server.requests)
    assert run.blocked_accounts is None  # no block list on Instagram
    assert not PlatformBlock.objects.exists()


def test_an_edit_is_a_new_version_and_deletions_are_found_by_complete_listings(instagram, platform_server):
    app, site = instagram
    media = _media_with_comments(app, 1, comments=3)
    doomed_media = _media_with_comments(app, 2, comments=0)
    edited, deleted, threaded = media.comments
    reply = app.add_reply(threaded, "me too", threaded.created + timedelta(minutes=5))
    kept_reply = app.add_reply(threaded, "same", threaded.created + timedelta(minutes=6))
    _succeeded(engine.capture(site=site))

    edited.text = "Comment 2 on post 1 (edited)"
    kept_reply.hidden = True
    app.delete(deleted.id)
    app.delete(reply.id)
    app.delete(doomed_media.id)
    # An incremental run lists nested replies only: a deleted reply is not yet known gone.
    run = _succeeded(engine.capture(site=site, rescan=False))
    comment = Comment.objects.get(platform_item_id=edited.id)
    assert comment.text == "Comment 2 on post 1 (edited)" and comment.edit_count == 1
    texts = list(comment.history.order_by("history_date").values_list("text", flat=True))
    assert texts[0] == "Comment 2 on post 1" and texts[-1] == "Comment 2 on post 1 (edited)"
    for gone_id in (deleted.id, doomed_media.id):
        gone = Comment.objects.get(platform_item_id=gone_id)
        assert gone.platform_state == Comment.PlatformState.DELETED and gone.found_missing_at
    assert Comment.objects.get(platform_item_id=reply.id).platform_state == "visible"
    assert run.deletions_found == 2
    assert not platform_server.requests_to("/replies")
    # The re-scan lists the replies of every comment with replies held, and finds it.
    run = _succeeded(engine.capture(site=site, rescan=True))
    assert Comment.objects.get(platform_item_id=reply.id).platform_state == "deleted"
    assert Comment.objects.get(platform_item_id=kept_reply.id).platform_state == Comment.PlatformState.HIDDEN
    assert Comment.objects.get(platform_item_id=deleted.id).text == "Comment 1 on post 1"
    assert run.deletions_found == 1
    assert [r.path for r in platform_server.requests_to("/replies")] == [f"/{VERSION}/{threaded.id}/replies"]


def test_a_page_failing_midway_marks_nothing(instagram, platform_server):
    app, site = instagram
    media = _media_with_comments(app, 1, comments=5)
    _succeeded(engine.capture(site=site))
    gone_id = media.comments[0].id
    app.delete(gone_id)
    platform_server.fail_next(
        "after=", Response(500, graph_error(2, "An unexpected error has occurred.")), times=10
    )
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.PARTIAL and "HTTP 500" in run.error
    assert Comment.objects.get(platform_item_id=gone_id).platform_state == "visible"
    assert run.deletions_found == 0
    assert CaptureState.objects.get(connection__site=site).cursors["resume"]
    platform_server.faults.clear()
    _succeeded(engine.capture(site=site))
    _succeeded(engine.capture(site=site))
    assert Comment.objects.get(platform_item_id=gone_id).platform_state == "deleted"


@pytest.mark.parametrize(("code", "status"), [(4, 400), (32, 403), (613, 400)])
def test_graph_throttling_is_waited_out_and_retried(instagram, platform_server, code, status):
    app, site = instagram
    _media_with_comments(app, 1, comments=1)
    platform_server.fail_next("/media", throttled(code, status), times=2)
    _succeeded(engine.capture(site=site))
    assert len(platform_server.requests_to("/media")) == 3
    assert Comment.objects.filter(site=site).count() == 2


def test_an_expired_token_needs_reauthorization(instagram, platform_server):
    app, site = instagram
    _media_with_comments(app, 1)
    platform_server.fail_next("/comments", token_expired())
    run = engine.capture(site=site)
    assert run.outcome == CaptureRun.Outcome.FAILED and "no longer accepts" in run.error
    assert SiteConnection.objects.get(site=site).state == SiteConnection.State.NEEDS_REAUTHORIZATION
    # The post listed before the refusal is kept; the run stops there.
    assert Comment.objects.filter(site=site, kind="city_post").count() == 1
    assert len(platform_server.requests_to("/comments")) == 1


def test_an_item_captured_by_the_connector_and_from_a_file_is_one_item(instagram):
    app, site = instagram
    media = _media_with_comments(app, 1, comments=2)
    app.add_reply(media.comments[0], "A reply", media.comments[0].created + timedelta(minutes=1))

    def exported() -> bytes:
        # As a person exports it: an older API version, the token in the paging URL.
        data = []
        for comment in media.comments:
            node = comment.node()
            node["replies"] = {"data": [reply.node() for reply in comment.replies]}
            data.append(node)
        return json.dumps(
            {
                "data": data,
                "paging": {
                    "cursors": {"after": "QVFIUjJ"},
                    "next": f"https://graph.facebook.com/v19.0/{media.id}/comments?access_token=IGQV&after=QVFIUjJ",
                },
            }
        ).encode()

    def import_file(name: str):
        return captures_import_file(
            actor=system_user(),
            site=site,
            format_name="instagram",
            stream=io.BytesIO(exported()),
            source_name=name,
        )

    assert import_file("before.json").created == 3
    _succeeded(engine.capture(site=site))
    assert import_file("after.json").created == 0
    ids = [media.id] + [c.id for c in media.comments] + [r.id for r in media.comments[0].replies]
    rows = list(Comment.objects.filter(site=site).values_list("platform_item_id", flat=True))
    assert sorted(rows) == sorted(ids)
    for comment in media.comments:
        assert Comment.objects.get(platform_item_id=comment.id).parent.platform_item_id == media.id


def test_the_token_graph_repeats_in_nested_paging_urls_is_never_kept(instagram, platform_server):
    app, site = instagram
    media = _media_with_comments(app, 1, comments=1)
    for r in range(4):
        app.add_reply(media.comments[0], f"Reply {r}", media.comments[0].created + timedelta(minutes=r + 1))
    _succeeded(engine.capture(site=site))
    comment = Comment.objects.get(platform_item_id=media.comments[0].id)
    nested = json.loads(comment.raw_payload)["replies"]
    # The nested replies' "next" URL carried the token: kept with it taken out.
    assert "access_token=REDACTED" in nested["paging"]["next"]
    for row in Comment.history.filter(site=site):
        assert app.token not in row.raw_payload
