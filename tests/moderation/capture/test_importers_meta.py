"""Facebook, Instagram and YouTube importers on the shapes the platforms really send.

The fixtures are written by hand with the shapes of genuine responses: Graph API v11+
comments without ``id`` or ``from``, a Page's ``/posts`` without ``from``, Instagram
comments with the default fields only, one comment object, an ``?ids=`` lookup, YouTube
``comments.list`` replies and threads on a channel.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from moderation.capture.importers import CaptureError, facebook, instagram, youtube
from moderation.capture.services import captures_import_file
from moderation.models import Comment, Commenter
from tests.factories import site_on

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_POST = "104729384756123_871234500001234"


def items(module, name_or_bytes, site):
    data = name_or_bytes if isinstance(name_or_bytes, bytes) else (FIXTURES / name_or_bytes).read_bytes()
    return list(module.read(io.BytesIO(data), site=site))


def run(site, format_name, name, content: bytes | None = None):
    from config.portal.audit import system_user

    data = content if content is not None else (FIXTURES / name).read_bytes()
    return captures_import_file(
        actor=system_user(), site=site, format_name=format_name, stream=io.BytesIO(data), source_name=name
    )


def facebook_site():
    return site_on("facebook", account_name="City of Kankakee", handle="CityofKankakee")


# -- Facebook: comments without id or from (Graph API v11 on) --------------------------------
@pytest.mark.django_db
def test_facebook_comment_ids_are_built_from_the_permalink_as_the_graph_api_writes_them():
    found = {
        item.platform_item_id: item
        for item in items(facebook, "facebook_comments_v11_no_ids.json", facebook_site())
    }
    question = found["871234500001234_871234500011111"]
    praise = found["871234500001234_871234500022222"]
    answer = found["871234500001234_871234500033333"]
    assert question.kind == praise.kind == "comment" and answer.kind == "reply"
    # A top-level comment points at its post's Graph id ({page}_{post}); a reply at its comment.
    assert question.parent_platform_item_id == praise.parent_platform_item_id == PAGE_POST
    assert answer.parent_platform_item_id == question.platform_item_id
    assert question.author is None and answer.author is None  # "from" was not granted
    assert question.text == "Will the Court Street bridge be closed all summer?"
    assert answer.permalink.endswith("comment_id=871234500011111&reply_comment_id=871234500033333")
    assert question.content == json.loads(question.raw_payload)


@pytest.mark.django_db
def test_facebook_later_capture_with_ids_granted_lands_on_the_same_items():
    site = facebook_site()
    first = run(site, "facebook", "facebook_comments_v11_no_ids.json")
    assert first.created == 3
    reply = Comment.objects.get(platform_item_id="871234500001234_871234500033333")
    question = Comment.objects.get(platform_item_id="871234500001234_871234500011111")
    assert reply.parent == question and reply.kind == Comment.Kind.REPLY and reply.author is None
    assert question.parent is None and question.parent_platform_item_id == PAGE_POST
    fixture = (FIXTURES / "facebook_comments_v11_no_ids.json").read_text()
    assert question.raw_payload in fixture and question.payload_sha256 == Comment.sha256_of(
        question.raw_payload
    )

    second = run(site, "facebook", "facebook_comments_v11_with_ids.json")
    assert second.created == 0 and second.updated == 2
    assert Comment.objects.filter(site=site).count() == 3
    reply.refresh_from_db()
    question.refresh_from_db()
    assert question.author.display_name == "Lee Resident" and not question.from_city
    assert reply.author.platform_user_id == "104729384756123" and reply.parent == question
    # The Page wrote it: its id is the Page's number in the permalink.
    found = {
        item.platform_item_id: item for item in items(facebook, "facebook_comments_v11_with_ids.json", site)
    }
    assert found[reply.platform_item_id].from_city is True


@pytest.mark.django_db
def test_facebook_comments_then_the_page_posts_link_the_comments_to_the_city_post():
    site = facebook_site()
    run(site, "facebook", "facebook_comments_v11_no_ids.json")
    result = run(site, "facebook", "facebook_page_posts.json")
    post = Comment.objects.get(platform_item_id=PAGE_POST)
    assert post.kind == Comment.Kind.CITY_POST and post.from_city and post.author is None
    question = Comment.objects.get(platform_item_id="871234500001234_871234500011111")
    praise = Comment.objects.get(platform_item_id="871234500001234_871234500022222")
    assert question.parent == post and praise.parent == post
    assert result.linked >= 1


@pytest.mark.django_db
def test_facebook_comment_without_id_or_comment_id_names_the_item_and_fields():
    content = b'{"data": [{"message": "hi", "created_time": "2026-05-04T13:02:11+0000"}]}'
    with pytest.raises(CaptureError) as caught:
        items(facebook, content, facebook_site())
    message = str(caught.value)
    assert message.startswith('data[0]: field "id": required field is missing')
    assert "permalink_url" in message


@pytest.mark.django_db
def test_facebook_permalink_that_hides_the_post_number_uses_the_listing_url():
    content = json.dumps(
        {
            "data": [
                {
                    "message": "Thank you!",
                    "created_time": "2026-05-04T13:02:11+0000",
                    "permalink_url": "https://www.facebook.com/CityofKankakee/posts/pfbid02AbCdEf?comment_id=777",
                }
            ],
            "paging": {
                "next": "https://graph.facebook.com/v19.0/104729384756123_871234500001234/comments?after=x"
            },
        }
    ).encode()
    (item,) = items(facebook, content, facebook_site())
    assert item.platform_item_id == "871234500001234_777"
    assert item.parent_platform_item_id == PAGE_POST


@pytest.mark.django_db
def test_facebook_page_without_paging_urls_is_read_as_the_listing_it_was_fetched_from():
    comment = {
        "message": "Thank you!",
        "created_time": "2026-05-04T13:02:11+0000",
        "permalink_url": "https://www.facebook.com/CityofKankakee/posts/pfbid02AbCdEf?comment_id=777",
    }
    content = json.dumps({"data": [comment], "paging": {"cursors": {"before": "a", "after": "b"}}}).encode()
    site = facebook_site()
    (alone,) = items(facebook, content, site)
    assert alone.platform_item_id == "777" and alone.parent_platform_item_id == ""  # nothing names the post
    listing_url = f"https://graph.facebook.com/v23.0/{PAGE_POST}/comments"
    (item,) = facebook.read(io.BytesIO(content), site=site, listing_url=listing_url)
    assert item.platform_item_id == "871234500001234_777" and item.parent_platform_item_id == PAGE_POST
    # The page's own paging URL, when it has one, says what it is.
    paged = json.dumps(
        {
            "data": [comment],
            "paging": {"next": listing_url.replace(PAGE_POST, "104729384756123_55") + "?after=x"},
        }
    ).encode()
    (item,) = facebook.read(io.BytesIO(paged), site=site, listing_url=listing_url)
    assert item.parent_platform_item_id == "104729384756123_55"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://graph.facebook.com/v19.0/1_2/comments?after=x", ("1_2", "comments")),
        ("https://graph.facebook.com/1_2/comments", ("1_2", "comments")),
        ("http://127.0.0.1:8000/graph-proxy/v23.0/1_2/comments", ("1_2", "comments")),
        ("https://graph.facebook.com/v19.0/1_2", ("", "")),
        ("https://example.org/a/b/c", ("", "")),
        ("", ("", "")),
    ],
)
def test_graph_edge_is_the_path_after_the_api_version(url, expected):
    from moderation.capture.importers.graph import graph_edge

    assert graph_edge(url) == expected


@pytest.mark.django_db
def test_facebook_listing_of_a_comments_replies_makes_replies():
    content = json.dumps(
        {
            "data": [
                {"id": "871234500001234_900", "message": "Agreed", "created_time": "2026-05-04T13:02:11+0000"}
            ],
            "paging": {
                "next": "https://graph.facebook.com/v19.0/871234500001234_871234500011111/comments?after=x"
            },
        }
    ).encode()
    (item,) = items(facebook, content, facebook_site())
    assert item.kind == "reply" and item.parent_platform_item_id == "871234500001234_871234500011111"


@pytest.mark.parametrize(
    ("url", "page", "number"),
    [
        ("https://www.facebook.com/permalink.php?story_fbid=222&id=111&comment_id=3", "111", "222"),
        ("https://www.facebook.com/CityofKankakee/videos/444/?comment_id=3", "", "444"),
        ("https://www.facebook.com/111/photos/a.999/555/?comment_id=3", "111", "555"),
        ("https://www.facebook.com/photo.php?fbid=666&set=a.1&comment_id=3", "", "666"),
        ("https://www.facebook.com/groups/888/posts/777/?comment_id=3", "888", "777"),
        ("https://www.facebook.com/111/posts/pfbid0abc/?comment_id=3", "111", ""),
    ],
)
def test_facebook_permalink_forms_give_the_post_number(url, page, number):
    link = facebook.Permalink.parse(url)
    assert (link.page, link.object_number, link.comment) == (page, number, "3")


@pytest.mark.django_db
def test_facebook_old_three_part_ids_keep_working():
    content = (
        b'{"data": [{"id": "1533260333_122829644452184_587062", "from": {"name": "Art Names", '
        b'"id": "1533260333"}, "message": "Howdy!", "created_time": "2011-01-17T16:02:09+0000"}]}'
    )
    (item,) = items(facebook, content, facebook_site())
    assert item.platform_item_id == "1533260333_122829644452184_587062"
    assert item.kind == "comment" and item.parent_platform_item_id == "1533260333_122829644452184"
    assert item.author.display_name == "Art Names" and item.from_city is None


# -- Facebook: a Page's posts --------------------------------------------------------------
@pytest.mark.django_db
def test_facebook_page_posts_without_from_are_city_posts_with_story_text_and_their_comments():
    site = facebook_site()
    result = run(site, "facebook", "facebook_page_posts.json")
    assert result.created == 6
    posts = Comment.objects.filter(kind=Comment.Kind.CITY_POST)
    assert posts.count() == 4 and all(post.from_city and post.author is None for post in posts)
    cover = Comment.objects.get(platform_item_id="104729384756123_871234500000999")
    assert cover.text == "City of Kankakee updated their cover photo."  # story, as there is no message
    photos = Comment.objects.get(platform_item_id="104729384756123_871234500000888")
    assert photos.text == "Leaf pickup schedule for May is below."  # the message; the story is in the payload
    assert "added 2 new photos" in photos.raw_payload
    assert Comment.objects.get(platform_item_id="104729384756123_871234500000777").text == ""
    post = Comment.objects.get(platform_item_id=PAGE_POST)
    assert post.permalink == f"https://www.facebook.com/{PAGE_POST}"
    comment = Comment.objects.get(platform_item_id="871234500001234_871234500011111")
    reply = Comment.objects.get(platform_item_id="871234500001234_871234500033333")
    assert comment.kind == Comment.Kind.COMMENT and comment.parent == post and not comment.from_city
    assert reply.kind == Comment.Kind.REPLY and reply.parent == comment
    fixture = (FIXTURES / "facebook_page_posts.json").read_text()
    for item in (post, comment, reply, cover):
        assert item.raw_payload in fixture
    assert '"comments": {' in post.raw_payload and reply.raw_payload.startswith("{\n")
    # Imported again, nothing changes.
    again = run(site, "facebook", "facebook_page_posts.json")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)


@pytest.mark.django_db
def test_facebook_feed_with_from_keeps_visitor_posts_as_comments():
    found = {
        item.platform_item_id: item for item in items(facebook, "facebook_page_feed.json", facebook_site())
    }
    own = found["104729384756123_871234500004444"]
    visitor = found["104729384756123_871234500005555"]
    assert own.kind == "city_post" and own.from_city
    assert visitor.kind == "comment" and visitor.from_city is False
    assert visitor.author.display_name == "Pat Visitor"


@pytest.mark.django_db
def test_facebook_post_with_nested_comments_without_ids_takes_the_posts_number():
    content = json.dumps(
        {
            "data": [
                {
                    "id": PAGE_POST,
                    "status_type": "mobile_status_update",
                    "created_time": "2026-05-04T12:00:00+0000",
                    "comments": {
                        "data": [
                            {
                                "message": "Thanks!",
                                "created_time": "2026-05-04T13:00:00+0000",
                                "permalink_url": "https://www.facebook.com/CityofKankakee/posts/pfbid0Xy?comment_id=42",
                            },
                            {
                                "message": "You're welcome",
                                "created_time": "2026-05-04T13:30:00+0000",
                                "permalink_url": (
                                    "https://www.facebook.com/CityofKankakee/posts/pfbid0Xy?comment_id=42&reply_comment_id=43"
                                ),
                            },
                        ]
                    },
                }
            ]
        }
    ).encode()
    post, comment, reply = items(facebook, content, facebook_site())
    assert post.kind == "city_post" and post.text == ""
    assert (comment.platform_item_id, comment.kind, comment.parent_platform_item_id) == (
        "871234500001234_42",
        "comment",
        PAGE_POST,
    )
    assert (reply.platform_item_id, reply.kind, reply.parent_platform_item_id) == (
        "871234500001234_43",
        "reply",
        "871234500001234_42",
    )


@pytest.mark.django_db
def test_facebook_visitor_posts_edge_without_from_is_not_the_city():
    content = json.dumps(
        {
            "data": [{"id": "1_2", "message": "Pothole on Main", "created_time": "2026-05-04T13:02:11+0000"}],
            "paging": {"next": "https://graph.facebook.com/v19.0/1/visitor_posts?after=x"},
        }
    ).encode()
    (item,) = items(facebook, content, facebook_site())
    assert item.kind == "comment" and item.from_city is False and item.author is None


@pytest.mark.django_db
def test_facebook_error_response_is_refused_with_its_message():
    content = b'{"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}'
    with pytest.raises(CaptureError, match="Graph API error response.*Invalid OAuth access token"):
        items(facebook, content, facebook_site())


@pytest.mark.django_db
def test_facebook_file_with_a_byte_order_mark_imports():
    site = facebook_site()
    content = b"\xef\xbb\xbf" + (FIXTURES / "facebook_comments_v11_no_ids.json").read_bytes()
    result = run(site, "facebook", "bom.json", content)
    assert result.created == 3
    comment = Comment.objects.get(platform_item_id="871234500001234_871234500022222")
    assert comment.raw_payload.startswith('{"comment_count":0')


@pytest.mark.django_db
def test_deep_nesting_is_refused_at_once():
    content = b'{"data": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    with pytest.raises(CaptureError, match="nesting deeper than 64 levels"):
        items(facebook, content, facebook_site())
    with pytest.raises(CaptureError, match="nesting deeper than 64 levels"):
        items(instagram, content, site_on("instagram"))


@pytest.mark.django_db
def test_a_string_longer_than_any_field_is_refused_while_it_is_read():
    huge = b'{"data": [{"id": "1_2", "message": "' + b"\\u00e9" * 2_000_000 + b'"}]}'
    expected = 'data\\[0\\]: field "message": text longer than 1,000,000 characters'
    with pytest.raises(CaptureError, match=expected):
        items(facebook, huge, facebook_site())


# -- Instagram ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_instagram_default_fields_only_author_unknown_parent_is_the_media():
    site = site_on("instagram", handle="kankakeeparks")
    result = run(site, "instagram", "instagram_comments_default_fields.json")
    assert result.created == 3 and Commenter.objects.count() == 0
    question = Comment.objects.get(platform_item_id="17900000000000101")
    answer = Comment.objects.get(platform_item_id="17900000000000102")
    assert question.author is None and question.kind == Comment.Kind.COMMENT
    assert question.parent_platform_item_id == "17840000000000555"  # the media, from the paging URL
    assert answer.kind == Comment.Kind.REPLY and answer.parent == question and answer.author is None
    fixture = (FIXTURES / "instagram_comments_default_fields.json").read_text()
    assert question.raw_payload in fixture and answer.raw_payload in fixture


@pytest.mark.django_db
def test_instagram_one_comment_object_with_user_is_the_citys():
    site = site_on("instagram", handle="kankakeeparks")
    run(site, "instagram", "instagram_comment_object.json")
    comment = Comment.objects.get(platform_item_id="17900000000000201")
    reply = Comment.objects.get(platform_item_id="17900000000000202")
    assert comment.from_city  # "user" is returned only for the app user's own comments
    assert comment.author.platform_user_id == "17841400000000999"
    assert comment.author.display_name == "kankakeeparks"
    assert comment.parent_platform_item_id == "17840000000000555"  # media{id}: the City's post
    assert reply.parent == comment and reply.author is None and reply.kind == Comment.Kind.REPLY
    assert comment.raw_payload == (FIXTURES / "instagram_comment_object.json").read_text().strip()


@pytest.mark.django_db
def test_instagram_ids_lookup_reads_each_comment():
    site = site_on("instagram", handle="kankakeeparks")
    run(site, "instagram", "instagram_ids_lookup.json")
    question = Comment.objects.get(platform_item_id="17900000000000301")
    answer = Comment.objects.get(platform_item_id="17900000000000302")
    assert question.author.platform_user_id == "6100000000000001"
    assert question.author.display_name == "splash_mom"
    assert question.parent_platform_item_id == "17840000000000556"
    assert answer.parent == question and answer.kind == Comment.Kind.REPLY
    assert answer.platform_state == Comment.PlatformState.HIDDEN
    fixture = (FIXTURES / "instagram_ids_lookup.json").read_text()
    assert (
        question.raw_payload in fixture
        and json.loads(answer.raw_payload)["parent_id"] == question.platform_item_id
    )


@pytest.mark.django_db
def test_instagram_renamed_account_stays_one_commenter():
    site = site_on("instagram", handle="kankakeeparks")

    def comment(username: str) -> bytes:
        return json.dumps(
            {
                "data": [
                    {
                        "id": "17900000000000401",
                        "text": "Love this park",
                        "timestamp": "2026-06-06T10:00:00+0000",
                        "username": username,
                        "from": {"id": "6100000000000009", "username": username},
                    }
                ]
            }
        ).encode()

    run(site, "instagram", "a.json", comment("river_walker"))
    run(site, "instagram", "b.json", comment("river_walker_2026"))
    (commenter,) = Commenter.objects.all()
    assert commenter.platform_user_id == "6100000000000009" and commenter.display_name == "river_walker_2026"


IG_MEDIA_PAGE = {
    "data": [
        {
            "id": "17840000000000555",
            "caption": "Splash pad opens Saturday! <3",
            "timestamp": "2026-06-01T15:00:00+0000",
            "permalink": "https://www.instagram.com/p/C1aBcDeFgHi/",
            "username": "kankakeeparks",
            "media_type": "IMAGE",
            "comments_count": 1,
            "owner": {"id": "17841400000000999"},
            "comments": {
                "data": [
                    {
                        "id": "17900000000000501",
                        "text": "What time?",
                        "timestamp": "2026-06-01T16:00:00+0000",
                        "from": {"id": "6100000000000001", "username": "splash_mom"},
                    }
                ]
            },
        },
        {"id": "17840000000000556", "timestamp": "2026-05-30T15:00:00+0000", "media_type": "VIDEO"},
    ],
    "paging": {"cursors": {"before": "QVFIUa", "after": "QVFIUb"}},
}


@pytest.mark.django_db
def test_instagram_media_listing_reads_the_accounts_posts_as_city_posts():
    site = site_on("instagram", handle="kankakeeparks")
    result = run(site, "instagram", "media.json", json.dumps(IG_MEDIA_PAGE).encode())
    assert result.created == 3
    post = Comment.objects.get(platform_item_id="17840000000000555")
    assert post.kind == Comment.Kind.CITY_POST and post.from_city
    assert post.text == "Splash pad opens Saturday! <3"
    assert post.permalink == "https://www.instagram.com/p/C1aBcDeFgHi/"
    assert post.author.platform_user_id == "17841400000000999" and post.author.display_name == "kankakeeparks"
    untitled = Comment.objects.get(platform_item_id="17840000000000556")
    assert untitled.kind == Comment.Kind.CITY_POST and untitled.text == "" and untitled.author is None
    question = Comment.objects.get(platform_item_id="17900000000000501")
    assert question.parent == post and question.kind == Comment.Kind.COMMENT and not question.from_city
    assert json.loads(post.raw_payload)["comments"]["data"][0]["id"] == "17900000000000501"


@pytest.mark.django_db
def test_instagram_media_listing_is_known_by_its_url_and_other_accounts_media_are_refused():
    site = site_on("instagram", handle="kankakeeparks")
    bare = {"data": [{"id": "17840000000000557", "timestamp": "2026-06-01T15:00:00+0000"}]}
    content = json.dumps(bare).encode()
    listing_url = "https://graph.facebook.com/v23.0/17841400000000999/media"
    (post,) = instagram.read(io.BytesIO(content), site=site, listing_url=listing_url)
    assert post.kind == "city_post" and post.from_city
    # Without its URL, an item with only id and timestamp is a comment, as before.
    (comment,) = items(instagram, content, site)
    assert comment.kind == "comment"
    # /tags lists other accounts' media that tag the City: not the City's posts.
    tagged = dict(
        IG_MEDIA_PAGE, paging={"next": "https://graph.facebook.com/v23.0/17841400000000999/tags?after=x"}
    )
    with pytest.raises(CaptureError, match="belongs to an IG Media object"):
        items(instagram, json.dumps(tagged).encode(), site)


@pytest.mark.django_db
def test_instagram_comments_page_without_paging_is_read_as_the_listing_it_was_fetched_from():
    site = site_on("instagram", handle="kankakeeparks")
    content = (FIXTURES / "instagram_comments.json").read_bytes()
    found = list(instagram.read(io.BytesIO(content), site=site))
    assert found[0].parent_platform_item_id == ""
    listing_url = "https://graph.facebook.com/v23.0/17840000000000555/comments"
    found = list(instagram.read(io.BytesIO(content), site=site, listing_url=listing_url))
    assert found[0].parent_platform_item_id == "17840000000000555"
    assert found[1].parent_platform_item_id == found[0].platform_item_id


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{}", "an empty object"),
        (b"[]", "found a list"),
        (b'"text"', "found text"),
        (b'{"paging": {"next": "x"}, "summary": {}}', "the keys “paging”, “summary”"),
        (
            b'{"id": "1", "caption": "Our new park", "media_type": "IMAGE", '
            b'"timestamp": "2026-06-01T00:00:00+0000"}',
            r'the comment: field "caption": belongs to an IG Media object',
        ),
        (
            b'{"1": {"id": "2", "text": "x", "timestamp": "2026-06-01T00:00:00+0000"}}',
            "is not the id it is listed under",
        ),
    ],
)
@pytest.mark.django_db
def test_instagram_refuses_what_is_not_comments(content, expected):
    with pytest.raises(CaptureError, match=expected):
        items(instagram, content, site_on("instagram"))


# -- YouTube --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_youtube_comments_list_replies_are_accepted():
    site = site_on("youtube", handle="KankakeeCouncil")
    run(site, "youtube", "youtube_comment_threads.json")
    result = run(site, "youtube", "youtube_comments_list_replies.json")
    assert result.created == 2
    top = Comment.objects.get(platform_item_id="UgzThread001")
    held = Comment.objects.get(platform_item_id="UgzThread001.reply003")
    answer = Comment.objects.get(platform_item_id="UgzThread001.reply004")
    assert held.parent == top and held.kind == Comment.Kind.REPLY
    assert held.platform_state == Comment.PlatformState.HIDDEN  # heldForReview
    assert held.text == 'Thanks for "explaining"\nStill confused.'  # textOriginal, not the HTML
    assert held.permalink == ""  # comments.list names no video for it
    assert (
        answer.from_city
        and answer.permalink == "https://www.youtube.com/watch?v=vid123&lc=UgzThread001.reply004"
    )
    fixture = (FIXTURES / "youtube_comments_list_replies.json").read_text()
    assert held.raw_payload in fixture and json.loads(held.raw_payload)["kind"] == "youtube#comment"


@pytest.mark.django_db
def test_youtube_channel_thread_gets_a_channel_permalink_and_plain_text_from_html():
    (item,) = items(youtube, "youtube_channel_threads.json", site_on("youtube", handle="KankakeeCouncil"))
    assert item.permalink == "https://www.youtube.com/channel/UCcity/discussion?lc=UgwChannel001"
    # No textOriginal: textDisplay's HTML is read as the text a reader sees.
    assert item.text == "When is the next council meeting & where? <3\nLink: kankakeeil.gov"
    assert "&amp;" in item.raw_payload and item.author.display_name == "市民 Resident"
    assert item.from_city is False


@pytest.mark.django_db
def test_youtube_community_post_comment_links_to_the_post():
    content = json.dumps(
        {
            "kind": "youtube#commentThreadListResponse",
            "items": [
                {
                    "kind": "youtube#commentThread",
                    "id": "UgxPost1",
                    "snippet": {
                        "channelId": "UCcity",
                        "postId": "UgkxPOST",
                        "topLevelComment": {
                            "kind": "youtube#comment",
                            "id": "UgxPost1",
                            "snippet": {
                                "channelId": "UCcity",
                                "textOriginal": "Count me in",
                                "authorChannelId": {"value": "UCresident"},
                                "publishedAt": "2026-06-05T12:00:00Z",
                            },
                        },
                    },
                }
            ],
        }
    ).encode()
    (item,) = items(youtube, content, site_on("youtube", handle="KankakeeCouncil"))
    assert item.permalink == "https://www.youtube.com/post/UgkxPOST?lc=UgxPost1"
    assert item.author.platform_user_id == "UCresident" and item.author.display_name == ""


@pytest.mark.django_db
def test_youtube_item_of_another_kind_is_refused():
    content = b'{"items": [{"kind": "youtube#video", "id": "v", "snippet": {}}]}'
    with pytest.raises(CaptureError, match=r'items\[0\]: field "kind": .*youtube#video'):
        items(youtube, content, site_on("youtube"))
