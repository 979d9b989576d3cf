"""X (Twitter): API v2 responses as the API and twarc2 give them, and account archives.

The fixtures are written for these tests in the shapes the platform sends: default fields
only, JSON Lines of whole responses, ``includes.tweets``, partial ``errors``,
``note_tweet``, ``deleted-tweets.js``, archive retweets. The reader's own fields (derived
times, deletion times, stubs) are checked on the reader; what the database keeps is
checked through ``captures_import_file``.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from moderation.capture.importers import CaptureError, x
from moderation.capture.services import captures_import_file
from moderation.models import Comment, Commenter
from tests.factories import site_on

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"

CITY_POST = "2050228749726646273"
RESIDENT_POST = "2049821063377846301"
DELETED_POST = "2046155661112246400"
PROTECTED_POST = "2049035889669046500"
RESIDENT_REPLY = "2050243849221046330"
CITY_REPLY = "2050246365803446340"
QUOTE = "2050248882385846350"
CITY_RETWEET = "2050251398968246360"
REPLY_TO_DELETED = "2050253915550646370"
QUOTE_OF_PROTECTED = "2050256432133046380"
LONG_POST = "2050258948715446390"
LATER_PAGE_REPLY = "2050236299473846400"
QUOTE_OF_QUOTE = "2050261465297846420"
STREAMED_MENTION = "2050515640120246430"


def run(site, format_name, name, content: bytes | None = None):
    from config.portal.audit import system_user

    data = content if content is not None else (FIXTURES / name).read_bytes()
    return captures_import_file(
        actor=system_user(), site=site, format_name=format_name, stream=io.BytesIO(data), source_name=name
    )


def city_site():
    from sites_registry.models import Site

    held = Site.objects.filter(platform__slug="x", handle="CityofKankakee").first()
    return held or site_on("x", account_name="City of Kankakee", handle="CityofKankakee")


def read(reader, name: str | None = None, content: bytes | None = None, site=None):
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return list(reader(io.BytesIO(data), site=site or city_site()))


def by_id(items):
    found = {}
    for item in items:
        found.setdefault(item.platform_item_id, []).append(item)
    return found


# -- API v2: default fields, empty results, not a response ----------------------------------
def test_default_fields_page_has_no_author_and_its_times_are_read_from_the_ids():
    items = read(x.read_api, "x_api_default_fields.json")
    assert [item.platform_item_id for item in items] == ["2050864186782646301", "2050862928491446302"]
    first, second = items
    # (2050864186782646301 >> 22) ms after 2010-11-04T01:42:54.657Z
    assert first.posted_at == datetime(2026, 5, 3, 9, 5, tzinfo=UTC) and first.posted_at_derived
    assert second.posted_at == datetime(2026, 5, 3, 9, 0, tzinfo=UTC) and second.posted_at_derived
    assert first.author is None and first.kind == "comment" and first.parent_platform_item_id == ""
    assert first.text == "@CityofKankakee is brush pickup still on for Monday? 🌿"
    assert first.permalink == "https://x.com/i/web/status/2050864186782646301"
    assert first.content == json.loads(first.raw_payload) and not first.stub

    site = city_site()
    result = run(site, "x-api", "x_api_default_fields.json")
    assert result.created == 2
    stored = Comment.objects.get(platform_item_id="2050864186782646301")
    assert stored.author is None and not stored.from_city
    assert stored.posted_at == datetime(2026, 5, 3, 9, 5, tzinfo=UTC)
    assert stored.raw_payload in (FIXTURES / "x_api_default_fields.json").read_text()


def test_given_created_at_is_not_marked_derived():
    (item,) = read(
        x.read_api,
        content=b'{"data": [{"id": "2050864186782646301", "text": "t",'
        b' "created_at": "2026-05-03T09:05:07.000Z"}]}',
    )
    assert item.posted_at == datetime(2026, 5, 3, 9, 5, 7, tzinfo=UTC) and not item.posted_at_derived


@pytest.mark.parametrize(
    ("post_id", "why"),
    [
        ("20", "from before November 2010"),
        ("29700859246", "from before November 2010"),
        ("abc", "not an X post id"),
        ("9223372036854775807", "in the future"),
    ],
)
def test_post_without_created_at_whose_id_carries_no_time_is_refused(post_id, why):
    content = json.dumps(
        {
            "data": [
                {"id": "2050864186782646301", "text": "fine"},
                {"id": post_id, "text": "just setting up my twttr"},
            ]
        }
    ).encode()
    with pytest.raises(
        CaptureError, match=rf'^old.json: line 1: data\[1\]: field "created_at": .*{why}'
    ) as caught:
        run(city_site(), "x-api", "old.json", content)
    assert "tweet.fields=created_at" in str(caught.value)
    assert not Comment.objects.exists()


def test_empty_result_imports_nothing_and_is_accepted():
    assert read(x.read_api, content=b'{"meta":{"result_count":0}}') == []
    result = run(city_site(), "x-api", "empty.json", b'{"meta":{"result_count":0}}')
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ((FIXTURES / "facebook_comments.json").read_bytes(), r"not an X API v2 response: it has “paging”"),
        (b'{"comments": []}', r"this is not an X API v2 response: expected an object with"),
        (b'[{"data": []}]', r"this is not an X API v2 response: expected a JSON object, got a list"),
        (b"", r"this is not an X API v2 response: the file is empty"),
        (
            b'{"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",'
            b' "status": 429}',
            r"the X API's refusal of a request \(“Too Many Requests”\), not posts",
        ),
        (
            b'{"errors": [{"parameters": {"query": [""]}, "message": "Invalid query"}], '
            b'"title": "Invalid Request", "detail": "One or more parameters to your request was invalid."}',
            r"refusal of a request \(“Invalid Request”\)",
        ),
        (
            b'{"data": [{"id": "2244994945", "name": "X Developers", "username": "XDevelopers"}]}',
            r"data\[0\]: this X API response lists users .*not posts",
        ),
        (
            b'{"data": [{"id": "1582838650", "event_type": "MessageCreate", "dm_conversation_id": "1-2"}],'
            b' "meta": {"result_count": 1}}',
            r"data\[0\]: this X API response lists direct-message events, not posts",
        ),
        (
            b'{"id": "2050864186782646301", "text": "t", "author": {"id": "1"}, "__twarc": {}}\n',
            r"line 1: this is one post per line \(twarc2 flatten output\?\)",
        ),
        (b'{"data": "nope"}', r'field "data": expected a list'),
        (b'{"data": [], "includes": []}', r'field "includes": expected a JSON object, got a list'),
        (b"\xff\xfe{}", r"not UTF-8 text"),
        (b'{"meta": {"result_count": NaN}}', r"not valid JSON: NaN is not JSON"),
        (b"[" * 100_000, r"nested far deeper than the API's"),
        (
            b'{"meta": {"result_count": 0, "x": [' + b"1," * 600_000 + b"1]}}",
            r"holds some 600,00\d JSON values, more than one X API response \(at most 500,000\)",
        ),
        (b'{"data": [], "meta": {}, "data": [{"id": "1", "text": "t"}]}', r"member “data” is given twice"),
    ],
)
def test_file_that_is_not_an_x_api_response_is_refused_by_name(content, expected):
    with pytest.raises(CaptureError, match=rf"^odd.json: .*{expected}"):
        run(city_site(), "x-api", "odd.json", content)
    assert not Comment.objects.exists()


# -- API v2: twarc2 output, includes, errors --------------------------------------------------
def test_twarc2_lines_keep_parents_quoted_and_reposted_posts_and_unavailable_ones():
    site = city_site()
    result = run(site, "x-api", "x_api_twarc2.jsonl")
    assert result.created == 14
    fixture = (FIXTURES / "x_api_twarc2.jsonl").read_text()
    comments = {comment.platform_item_id: comment for comment in Comment.objects.filter(site=site)}
    assert all(comment.raw_payload in fixture for comment in comments.values())

    # The City's post arrived only in includes.tweets, as the parent of replies.
    post = comments[CITY_POST]
    assert post.kind == Comment.Kind.CITY_POST and post.from_city and post.parent is None
    assert post.author.display_name == "City of Kankakee"
    assert post.text == "Water main repairs on Court St today, 9am to 3pm. Expect detours."
    assert comments[RESIDENT_REPLY].parent == post and comments[RESIDENT_REPLY].kind == Comment.Kind.COMMENT
    assert comments[LATER_PAGE_REPLY].parent == post

    city_reply = comments[CITY_REPLY]
    assert city_reply.kind == Comment.Kind.REPLY and city_reply.from_city
    assert city_reply.parent == comments[RESIDENT_REPLY]

    # A quote that replies to nothing is linked to the post it quotes.
    quote = comments[QUOTE]
    assert quote.kind == Comment.Kind.COMMENT and quote.parent == post and not quote.from_city
    assert quote.author.platform_user_id == "704"

    # The City's retweet is a repost of the resident's post, kept in full for context.
    retweet = comments[CITY_RETWEET]
    assert retweet.kind == Comment.Kind.REPOST and retweet.from_city
    assert retweet.text.startswith("RT @resident_three: ")
    original = comments[RESIDENT_POST]
    assert retweet.parent == original
    assert original.kind == Comment.Kind.REFERENCED and not original.from_city
    assert original.text == "Volunteers planted 40 trees at Bird Park this morning 🌳 Thank you all!"
    assert original.author.display_name == "Résident Three 🎉"
    assert original.permalink == f"https://x.com/resident_three/status/{RESIDENT_POST}"

    # Referenced posts the API would not give: deleted, protected.
    deleted = comments[DELETED_POST]
    assert deleted.platform_state == Comment.PlatformState.UNAVAILABLE
    assert deleted.kind == Comment.Kind.REFERENCED and deleted.text == "" and deleted.author is None
    assert json.loads(deleted.raw_payload)["title"] == "Not Found Error"
    assert comments[REPLY_TO_DELETED].parent == deleted
    protected = comments[PROTECTED_POST]
    assert protected.platform_state == Comment.PlatformState.UNAVAILABLE
    assert json.loads(protected.raw_payload)["title"] == "Authorization Error"
    assert comments[QUOTE_OF_PROTECTED].parent == protected

    # A long post: the whole note_tweet text, not the truncated text.
    long_post = comments[LONG_POST]
    assert len(long_post.text) > 280 and long_post.text.endswith("before the evening rush. 🚧")

    # The suspended user's error is not a post.
    assert "gone_account" not in comments
    assert not Commenter.objects.filter(platform_user_id="gone_account").exists()
    # The filtered stream's line: "data" is one post.
    assert comments[STREAMED_MENTION].kind == Comment.Kind.COMMENT
    assert comments[STREAMED_MENTION].author.display_name == "Resident Two"


def test_twarc2_lines_read_one_response_at_a_time_with_their_own_includes():
    items = by_id(read(x.read_api, "x_api_twarc2.jsonl"))
    lines = (FIXTURES / "x_api_twarc2.jsonl").read_text().splitlines()

    # A post both in data and in includes of one response is read once, from data.
    (reply,) = items[RESIDENT_REPLY]
    assert reply.location == "line 1: data[0]"
    assert reply.raw_payload == json.dumps(json.loads(lines[0])["data"][0])
    # A quote in an earlier page's data keeps its kind when a later page includes it.
    (quote,) = items[QUOTE]
    assert quote.kind == "comment" and quote.location == "line 1: data[2]"
    assert items[QUOTE_OF_QUOTE][0].parent_platform_item_id == QUOTE
    # The City's post is included by two pages; both copies go to the writer.
    assert [item.location for item in items[CITY_POST]] == [
        "line 1: includes.tweets[0]",
        "line 2: includes.tweets[0]",
    ]

    (deleted,) = items[DELETED_POST]
    assert deleted.stub and deleted.platform_state == "unavailable" and deleted.kind == "referenced"
    assert deleted.text == "" and deleted.author is None and deleted.location == "line 1: errors[0]"
    assert deleted.posted_at == datetime(2026, 4, 20, 9, 15, tzinfo=UTC) and deleted.posted_at_derived
    assert deleted.raw_payload == json.dumps(json.loads(lines[0])["errors"][0])
    assert deleted.raw_payload in lines[0] and deleted.content == json.loads(deleted.raw_payload)
    assert not items[RESIDENT_REPLY][0].posted_at_derived and not items[RESIDENT_REPLY][0].stub


def test_pretty_printed_response_and_several_responses_one_after_another():
    text = (FIXTURES / "x_api_conversation.json").read_text()
    items = read(x.read_api, content=text.encode())
    assert [item.location for item in items] == ["data[0]", "data[1]"]
    both = read(
        x.read_api,
        content=(text + "\n" + text.replace("1800000000000000003", "1800000000000000004")).encode(),
    )
    assert [item.location for item in both][-1] == "response 2: data[1]"
    assert both[2].platform_item_id == "1800000000000000004" and both[2].raw_payload.startswith("{")
    assert both[2].raw_payload in text.replace("1800000000000000003", "1800000000000000004")


def test_error_names_the_line_the_item_and_the_field():
    lines = (FIXTURES / "x_api_twarc2.jsonl").read_text().splitlines()
    second = json.loads(lines[1])
    second["data"].insert(1, {"id": "2050236299473846999", "text": "t", "created_at": "May 1st"})
    content = "\n".join([lines[0], json.dumps(second), lines[2]]).encode()
    with pytest.raises(
        CaptureError, match=r'^bad.jsonl: line 2: data\[1\]: field "created_at": .*not a date'
    ):
        run(city_site(), "x-api", "bad.jsonl", content)
    assert not Comment.objects.exists()

    with pytest.raises(CaptureError, match=r"^bad.jsonl: line 3: not valid JSON: "):
        run(city_site(), "x-api", "bad.jsonl", (lines[0] + "\n\n" + lines[1][:-5] + "\n").encode())
    pretty = (
        (FIXTURES / "x_api_conversation.json").read_text().replace('"text": "@resident', '"text" "@resident')
    )
    with pytest.raises(
        CaptureError, match=r"^bad.json: line 6, column 14: not valid JSON: Expecting ':' delimiter"
    ):
        run(city_site(), "x-api", "bad.json", b"\n" + pretty.encode())
    bad_error = (
        b'{"errors": [{"resource_type": "tweet", "parameter": "referenced_tweets.id",'
        b' "title": "Not Found Error"}]}'
    )
    with pytest.raises(
        CaptureError, match=r'^bad.json: line 1: errors\[0\]: field "resource_id": required field is missing'
    ):
        run(city_site(), "x-api", "bad.json", bad_error)


def test_unavailable_post_from_before_snowflake_ids_is_refused_naming_the_error():
    content = (
        b'{"errors": [{"resource_type": "tweet", "parameter": "referenced_tweets.id", "resource_id": "20",'
        b' "title": "Not Found Error"}]}'
    )
    expected = r'^old.json: line 1: errors\[0\]: field "resource_id": .*November 2010'
    with pytest.raises(CaptureError, match=expected):
        run(city_site(), "x-api", "old.json", content)


def test_crlf_line_endings_give_the_same_items():
    data = (FIXTURES / "x_api_twarc2.jsonl").read_bytes()
    plain = read(x.read_api, content=data)
    crlf = read(x.read_api, content=data.replace(b"\n", b"\r\n"))
    assert [(item.platform_item_id, item.raw_payload) for item in crlf] == [
        (item.platform_item_id, item.raw_payload) for item in plain
    ]


def test_an_oversized_line_or_document_is_refused_without_reading_it_all(monkeypatch):
    monkeypatch.setattr(x, "MAX_RESPONSE_BYTES", 4096)
    first = (FIXTURES / "x_api_twarc2.jsonl").read_text().splitlines()[2].encode() + b"\n"
    huge = b'{"data": [{"id": "1", "text": "' + b"a" * 100_000 + b'"}]}\n'
    stream = io.BytesIO(first + huge)
    with pytest.raises(
        CaptureError, match=r"^line 2: longer than 4,096 bytes: one X API response is a few MB at most"
    ):
        list(x.read_api(stream, site=city_site()))
    assert stream.tell() <= len(first) + 4097

    pretty = b'{\n  "data": [\n' + b'    {"id": "1", "text": "aaaa"},\n' * 1000 + b"  ]\n}\n"
    stream = io.BytesIO(pretty)
    with pytest.raises(CaptureError, match=r"one JSON document larger than 4,096 bytes"):
        list(x.read_api(stream, site=city_site()))
    assert stream.tell() <= 4097


def test_a_post_the_api_no_longer_gives_is_reported_unavailable():
    """An error on a post asked for by id is a stub too; one on a user's pinned post is not."""
    site = city_site()
    error_only = json.dumps(
        {
            "errors": [
                {
                    "value": CITY_POST,
                    "detail": f"Could not find tweet with id: [{CITY_POST}].",
                    "title": "Not Found Error",
                    "resource_type": "tweet",
                    "parameter": "id",
                    "resource_id": CITY_POST,
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                },
                {
                    "value": "2049035889669046999",
                    "detail": "Could not find tweet with pinned_tweet_id: [2049035889669046999].",
                    "title": "Not Found Error",
                    "resource_type": "tweet",
                    "parameter": "pinned_tweet_id",
                    "resource_id": "2049035889669046999",
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                },
            ]
        }
    ).encode()
    (stub,) = read(x.read_api, content=error_only, site=site)
    assert stub.platform_item_id == CITY_POST and stub.stub and stub.platform_state == "unavailable"
    run(site, "x-api", "x_api_twarc2.jsonl")
    run(site, "x-api", "gone.json", error_only)
    post = Comment.objects.get(platform_item_id=CITY_POST)
    assert post.platform_state == Comment.PlatformState.UNAVAILABLE
    assert not Comment.objects.filter(platform_item_id="2049035889669046999").exists()


def test_reimporting_twarc2_output_changes_nothing():
    site = city_site()
    run(site, "x-api", "x_api_twarc2.jsonl")
    history_rows = Comment.history.count()
    result = run(site, "x-api", "x_api_twarc2.jsonl")
    assert result.created == 0 and result.updated == 0
    assert Comment.history.count() == history_rows


# -- API v2: edited posts ---------------------------------------------------------------------
def _snowflake(moment: datetime, sequence: int = 0) -> str:
    return str((int((moment - x.SNOWFLAKE_EPOCH).total_seconds() * 1000) << 22) + sequence)


ROOT_AT = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
EDIT_ROOT = _snowflake(ROOT_AT)
EDIT_FIRST = _snowflake(datetime(2026, 5, 4, 15, 5, tzinfo=UTC))  # a resident's reply
EDIT_SECOND = _snowflake(datetime(2026, 5, 4, 15, 20, tzinfo=UTC))  # the same reply, edited
EDIT_ANSWER = _snowflake(datetime(2026, 5, 4, 15, 30, tzinfo=UTC))  # the City answers the edit


def _reply_version(version: str, history: list[str], text: str) -> dict:
    return {
        "id": version,
        "text": text,
        "author_id": "702",
        "created_at": x.time_from_id(version).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "conversation_id": EDIT_ROOT,
        "edit_history_tweet_ids": history,
        "in_reply_to_user_id": "900",
        "referenced_tweets": [{"type": "replied_to", "id": EDIT_ROOT}],
    }


def _edit_response(*versions: dict, answer: bool = False) -> bytes:
    data = list(versions)
    if answer:
        data.insert(
            0,
            {
                "id": EDIT_ANSWER,
                "text": "@resident_two Thank you, fixed.",
                "author_id": "900",
                "created_at": "2026-05-04T15:30:00.000Z",
                "conversation_id": EDIT_ROOT,
                "edit_history_tweet_ids": [EDIT_ANSWER],
                "referenced_tweets": [{"type": "replied_to", "id": EDIT_SECOND}],
            },
        )
    root = {
        "id": EDIT_ROOT,
        "text": "Leaf pickup starts Monday.",
        "author_id": "900",
        "created_at": "2026-05-04T15:00:00.000Z",
        "conversation_id": EDIT_ROOT,
        "edit_history_tweet_ids": [EDIT_ROOT],
    }
    tweets = [root, *(v for v in versions if answer)]
    users = [
        {"id": "900", "name": "City of Kankakee", "username": "CityofKankakee"},
        {"id": "702", "name": "Resident Two", "username": "resident_two"},
    ]
    return json.dumps(
        {"data": data, "includes": {"users": users, "tweets": tweets}, "meta": {"result_count": len(data)}}
    ).encode()


def test_an_edited_post_is_read_as_its_original_and_replies_to_the_edit_point_at_it():
    edited = _reply_version(EDIT_SECOND, [EDIT_FIRST, EDIT_SECOND], "Leaf pickup on Elm St too?")
    items = by_id(read(x.read_api, content=_edit_response(edited, answer=True)))
    assert EDIT_SECOND not in items
    (reply,) = items[EDIT_FIRST]
    assert reply.text == "Leaf pickup on Elm St too?" and reply.kind == "comment"
    assert reply.parent_platform_item_id == EDIT_ROOT
    # The original's time (the version's created_at is the edit's), read from its id.
    assert reply.posted_at == datetime(2026, 5, 4, 15, 5, tzinfo=UTC) and reply.posted_at_derived
    assert reply.permalink == f"https://x.com/resident_two/status/{EDIT_SECOND}"
    assert json.loads(reply.raw_payload)["id"] == EDIT_SECOND  # the payload as sent
    # The City's answer replied to the edited version: its parent is the one item.
    (answer,) = items[EDIT_ANSWER]
    assert answer.parent_platform_item_id == EDIT_FIRST and answer.kind == "reply"


def test_two_versions_of_one_post_in_a_response_give_the_latest():
    first = _reply_version(EDIT_FIRST, [EDIT_FIRST], "Leaf pickup on Elm St?")
    edited = _reply_version(EDIT_SECOND, [EDIT_FIRST, EDIT_SECOND], "Leaf pickup on Elm St too?")
    for order in ((first, edited), (edited, first)):
        (reply,) = by_id(read(x.read_api, content=_edit_response(*order)))[EDIT_FIRST]
        assert reply.text == "Leaf pickup on Elm St too?"


def test_an_edit_captured_later_is_a_new_version_of_the_same_item():
    site = city_site()
    first = _reply_version(EDIT_FIRST, [EDIT_FIRST], "Leaf pickup on Elm St?")
    run(site, "x-api", "before.json", _edit_response(first))
    held = Comment.objects.get(site=site, platform_item_id=EDIT_FIRST)
    assert held.posted_at == datetime(2026, 5, 4, 15, 5, tzinfo=UTC) and not held.posted_at_derived
    edited = _reply_version(EDIT_SECOND, [EDIT_FIRST, EDIT_SECOND], "Leaf pickup on Elm St too?")
    result = run(site, "x-api", "after.json", _edit_response(edited))
    assert result.created == 0 and result.updated == 1
    held.refresh_from_db()
    assert held.text == "Leaf pickup on Elm St too?" and held.edit_count == 1
    # The time given by the platform is kept over one derived from the id.
    assert held.posted_at == datetime(2026, 5, 4, 15, 5, tzinfo=UTC) and not held.posted_at_derived
    texts = list(held.history.order_by("history_date").values_list("text", flat=True))
    assert texts == ["Leaf pickup on Elm St?", "Leaf pickup on Elm St too?"]
    assert not Comment.objects.filter(site=site, platform_item_id=EDIT_SECOND).exists()


def test_files_with_a_byte_order_mark_import():
    site = city_site()
    bom = b"\xef\xbb\xbf"
    result = run(site, "x-api", "bom.jsonl", bom + (FIXTURES / "x_api_twarc2.jsonl").read_bytes())
    assert result.created == 14
    result = run(site, "x-api", "bom.json", bom + (FIXTURES / "x_api_default_fields.json").read_bytes())
    assert result.created == 2
    result = run(site, "x-archive", "tweets.js", bom + (FIXTURES / "x_archive_retweets.js").read_bytes())
    assert result.created == 4


# -- archive ----------------------------------------------------------------------------------
def test_deleted_tweets_are_imported_deleted_with_their_deletion_time():
    items = read(x.read_archive, "x_archive_deleted-tweets.js")
    reply, retweet = items
    assert reply.platform_state == "deleted" and reply.kind == "reply"
    assert reply.platform_deleted_at == datetime(2026, 5, 1, 17, 4, 31, tzinfo=UTC)
    assert reply.posted_at == datetime(2026, 5, 1, 17, 0, tzinfo=UTC) and not reply.posted_at_derived
    assert retweet.kind == "repost" and retweet.platform_deleted_at == datetime(2026, 5, 2, 9, tzinfo=UTC)

    site = city_site()
    run(site, "x-archive", "x_archive_deleted-tweets.js")
    stored = Comment.objects.get(platform_item_id="2050258948715446501")
    assert stored.platform_state == Comment.PlatformState.DELETED and stored.from_city
    assert stored.text == "@resident_two The lot closes at noon, sorry for that"
    assert stored.parent_platform_item_id == RESIDENT_REPLY
    assert stored.raw_payload in (FIXTURES / "x_archive_deleted-tweets.js").read_text()


def test_deleted_tweet_without_its_deletion_time_is_refused():
    content = (
        (FIXTURES / "x_archive_deleted-tweets.js")
        .read_bytes()
        .replace(b'"deleted_at" : "Sat May 02 09:00:00 +0000 2026"', b'"lang_extra" : "x"')
    )
    with pytest.raises(
        CaptureError, match=r'^deleted-tweets.js: \[1\].tweet: field "deleted_at": required field'
    ):
        run(city_site(), "x-archive", "deleted-tweets.js", content)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("like", "this is the archive's like.js (window.YTD.like): likes, not tweets"),
        ("direct_messages", "direct-messages.js (window.YTD.direct_messages): direct messages, not tweets"),
        ("follower", "follower.js (window.YTD.follower): followers, not tweets"),
        ("note_tweet", "note-tweet.js (window.YTD.note_tweet): the full text of long posts"),
        ("account", "account.js (window.YTD.account): account details, not tweets"),
        ("ad_impressions", "ad-impressions.js (window.YTD.ad_impressions): ad impressions, not tweets"),
    ],
)
def test_other_archive_files_are_refused_by_name(name, expected):
    content = f'window.YTD.{name}.part0 = [ {{ "{name}" : {{ "id" : "1" }} }} ]'.encode()
    with pytest.raises(CaptureError) as caught:
        run(city_site(), "x-archive", f"{name}.js", content)
    message = str(caught.value)
    assert message.startswith(f"{name}.js: line 1: ")
    assert message.endswith("; import data/tweets.js or data/deleted-tweets.js")
    assert expected in message
    assert not Comment.objects.exists()


def test_older_archive_tweet_js_with_bare_tweets_is_read():
    site = city_site()
    run(site, "x-archive", "x_archive_tweet-2019.js")
    post = Comment.objects.get(platform_item_id="1100000000000000001")
    assert post.kind == Comment.Kind.CITY_POST and post.from_city
    assert post.text == "City Hall is closed Monday for the holiday"
    assert post.posted_at == datetime(2019, 2, 25, 14, 30, tzinfo=UTC)


def test_archive_retweets_are_reposts_with_their_text_as_given():
    site = city_site()
    run(site, "x-archive", "x_archive_retweets.js")
    reply, with_media, other_media, plain = Comment.objects.filter(site=site).order_by("posted_at")
    for repost in (with_media, other_media, plain):
        assert repost.kind == Comment.Kind.REPOST and repost.from_city and repost.author is None
    # The reposted post's id, where its media says which post it came with.
    assert with_media.parent_platform_item_id == "2049821063377846301"
    assert (
        with_media.text
        == "RT @KankakeeParks: 40 new trees at Bird Park, thanks to volunteers https://t.co/p4rk"
    )
    assert with_media.permalink == "https://x.com/CityofKankakee/status/2050251398968246601"
    # Media first posted by another account than the one reposted says nothing of the post.
    assert other_media.parent_platform_item_id == ""
    assert plain.parent_platform_item_id == "" and plain.text.endswith("and on Sat…")
    # A reply with edit_info and withheld_in_countries is an ordinary reply.
    assert reply.kind == Comment.Kind.REPLY and reply.parent_platform_item_id == RESIDENT_REPLY
    assert reply.raw_payload in (FIXTURES / "x_archive_retweets.js").read_text()
    assert '"withheld_in_countries" : [ "DE" ]' in reply.raw_payload

    items = read(x.read_archive, "x_archive_retweets.js", site=site)
    assert all(item.content == json.loads(item.raw_payload) for item in items)
