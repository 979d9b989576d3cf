"""Each importer on fixtures written from the platforms' published documentation."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation.capture.importers import CaptureError
from moderation.capture.services import captures_import_file
from moderation.models import Comment, Commenter
from tests.factories import site_on

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def run(site, format_name, name, content: bytes | None = None):
    data = content if content is not None else (FIXTURES / name).read_bytes()
    from config.portal.audit import system_user

    return captures_import_file(
        actor=system_user(), site=site, format_name=format_name, stream=io.BytesIO(data), source_name=name
    )


def test_facebook_comments_with_nested_replies_hidden_state_and_exact_text():
    site = site_on("facebook", account_name="City of Kankakee", handle="CityofKankakee")
    result = run(site, "facebook", "facebook_comments.json")
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    first = Comment.objects.get(platform_item_id="1029384756_5550001")
    reply = Comment.objects.get(platform_item_id="1029384756_5550002")
    hidden = Comment.objects.get(platform_item_id="1029384756_5550003")
    assert first.kind == Comment.Kind.COMMENT and first.author.display_name == "Dana Resident"
    assert first.asks_for_response and not first.from_city
    assert reply.parent == first and reply.kind == Comment.Kind.REPLY and reply.from_city
    assert hidden.platform_state == Comment.PlatformState.HIDDEN
    assert hidden.text == "Call me at 815-555-0142 🎉 \u200fمرحبا"
    assert first.posted_at.isoformat() == "2026-03-01T14:05:00+00:00"
    # Payloads are the platform's text, byte for byte, cut out of the file.
    fixture = (FIXTURES / "facebook_comments.json").read_text()
    assert first.raw_payload in fixture and first.raw_payload.startswith(
        '{\n      "id": "1029384756_5550001"'
    )
    assert '"comments": {' in first.raw_payload  # its replies, as received
    assert reply.raw_payload in fixture and reply.raw_payload.startswith(
        '{\n            "id": "1029384756_5550002"'
    )
    assert json.loads(reply.raw_payload)["parent"] == {"id": "1029384756_5550001"}
    assert first.payload_intact and first.payload_sha256 == Comment.sha256_of(first.raw_payload)
    assert first.permalink.startswith("https://www.facebook.com/")


def test_instagram_comments_and_replies():
    site = site_on("instagram", handle="kankakeeparks")
    run(site, "instagram", "instagram_comments.json")
    comment = Comment.objects.get(platform_item_id="17890000000000001")
    reply = Comment.objects.get(platform_item_id="17890000000000002")
    assert comment.author.platform_user_id == "17841400000000001"
    assert comment.author.profile_url == "https://www.instagram.com/kankakee_fan/"
    assert reply.parent == comment and reply.kind == Comment.Kind.REPLY and reply.from_city
    fixture = (FIXTURES / "instagram_comments.json").read_text()
    assert comment.raw_payload in fixture and reply.raw_payload in fixture


def test_x_api_users_come_after_tweets_and_replies_before_parents_are_linked():
    site = site_on("x", handle="CityofKankakee")
    result = run(site, "x-api", "x_api_conversation.json")
    assert result.created == 2
    city_reply = Comment.objects.get(platform_item_id="1800000000000000003")
    question = Comment.objects.get(platform_item_id="1800000000000000002")
    assert city_reply.from_city and city_reply.author.display_name == "City of Kankakee"
    assert city_reply.parent == question and city_reply.kind == Comment.Kind.REPLY
    assert question.kind == Comment.Kind.COMMENT and question.parent is None
    assert question.parent_platform_item_id == "1800000000000000001"
    assert question.asks_for_response
    assert question.permalink == "https://x.com/resident_two/status/1800000000000000002"
    assert question.raw_payload in (FIXTURES / "x_api_conversation.json").read_text()

    # The City's post arrives later from the archive: the waiting comment is linked to it.
    result = run(site, "x-archive", "x_archive_tweets.js")
    post = Comment.objects.get(platform_item_id="1800000000000000001")
    assert post.kind == Comment.Kind.CITY_POST and post.from_city and post.author is None
    assert result.linked == 1
    question.refresh_from_db()
    assert question.parent == post
    assert question.history.first().history_change_reason.endswith("linked to its parent, captured later")


def test_x_archive_several_parts_numbers_as_strings_and_never_evaluated():
    site = site_on("x", handle="CityofKankakee")
    run(site, "x-archive", "x_archive_tweets.js")
    run(site, "x-archive", "x_archive_tweets-part1.js")
    reply = Comment.objects.get(platform_item_id="1800000000000000009")
    assert reply.raw_payload in (FIXTURES / "x_archive_tweets-part1.js").read_text()
    assert reply.raw_payload.startswith('{\n    "tweet" : {')
    assert reply.kind == Comment.Kind.REPLY and reply.parent_platform_item_id == "1800000000000000002"
    assert Comment.objects.get(platform_item_id="1800000000000000001").posted_at.isoformat() == (
        "2026-05-01T15:00:00+00:00"
    )


def test_x_archive_with_a_script_instead_of_the_wrapper_is_refused():
    site = site_on("x")
    with pytest.raises(CaptureError, match=r"tweets.js: line 1: .*window.YTD.tweets.part0"):
        run(site, "x-archive", "tweets.js", b'alert("x"); window.YTD.tweets.part0 = []')


def test_youtube_threads_with_replies():
    site = site_on("youtube", handle="KankakeeCouncil")
    run(site, "youtube", "youtube_comment_threads.json")
    top = Comment.objects.get(platform_item_id="UgzThread001")
    reply = Comment.objects.get(platform_item_id="UgzThread001.reply001")
    assert top.author.platform_user_id == "UCwatchdog" and top.text == "Why was item 7 tabled again?"
    assert top.permalink == "https://www.youtube.com/watch?v=vid123&lc=UgzThread001"
    assert reply.parent == top and reply.from_city
    fixture = (FIXTURES / "youtube_comment_threads.json").read_text()
    assert top.raw_payload in fixture and json.loads(top.raw_payload)["kind"] == "youtube#comment"
    assert reply.raw_payload in fixture and json.loads(reply.raw_payload)["id"] == "UgzThread001.reply001"


def test_portal_csv_with_multiline_cells_and_jsonl_raw_lines():
    site = site_on("nextdoor", handle="kankakee")
    run(site, "csv", "portal.csv")
    comment = Comment.objects.get(platform_item_id="c-1")
    assert comment.text == "Is there parking\nbehind City Hall?"
    assert comment.parent.platform_item_id == "p-1" and comment.parent.kind == Comment.Kind.CITY_POST
    assert comment.author.display_name == "Pat Q"
    run(site, "jsonl", "portal.jsonl")
    lines = (FIXTURES / "portal.jsonl").read_text().splitlines()
    reply = Comment.objects.get(platform_item_id="j-2")
    assert reply.raw_payload == lines[1]  # stored exactly as received
    assert reply.kind == Comment.Kind.REPLY and reply.parent.platform_item_id == "j-1"


def test_importing_the_same_file_twice_changes_nothing():
    site = site_on("facebook")
    run(site, "facebook", "facebook_comments.json")
    history_rows = Comment.history.count()
    result = run(site, "facebook", "facebook_comments.json")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert Comment.history.count() == history_rows
    assert Commenter.objects.count() == 3


def test_edit_keeps_the_earlier_text_in_history_and_returns_to_the_queue(tst_user):
    from moderation.capture.services import comment_mark_reviewed

    site = site_on("x")
    first = b'{"id": "e-1", "text": "Original words", "posted_at": "2026-01-01T00:00:00Z"}\n'
    run(site, "jsonl", "a.jsonl", first)
    comment = Comment.objects.get(platform_item_id="e-1")
    comment_mark_reviewed(actor=tst_user, comment=comment)
    edited = b'{"id": "e-1", "text": "Edited words", "posted_at": "2026-01-01T00:00:00Z"}\n'
    result = run(site, "jsonl", "b.jsonl", edited)
    assert result.updated == 1
    comment.refresh_from_db()
    assert comment.text == "Edited words" and comment.edit_count == 1 and comment.reviewed_at is None
    texts = list(comment.history.order_by("history_id").values_list("text", flat=True))
    assert texts[0] == "Original words" and texts[-1] == "Edited words"
    assert "text edited on the platform" in comment.history.first().history_change_reason
    assert comment.history.first().history_user.username == "system"


def test_invalid_json_is_reported_on_one_line_with_the_text_near_the_error():
    """The parser's own message spans three lines with a caret drawing; a clerk sees one line."""
    site = site_on("facebook")
    content = b'{"data": [\n {"id": "1", "created_time": "2026-01-01T00:00:00+0000"},\n {"id": tru}\n]}\n'
    with pytest.raises(CaptureError) as caught:
        run(site, "facebook", "bad.json", content)
    message = str(caught.value)
    assert "\n" not in message and "right here" not in message
    assert message.startswith("bad.json: not valid JSON (after data[0]): ")
    assert "near “" in message and '{"id": tru}' in message
    assert not Comment.objects.exists()


def test_item_reported_deleted_is_marked_and_keeps_its_text():
    site = site_on("x")
    run(site, "jsonl", "a.jsonl", b'{"id": "d-1", "text": "Here", "posted_at": "2026-01-01T00:00:00Z"}\n')
    run(
        site,
        "jsonl",
        "b.jsonl",
        b'{"id": "d-1", "text": "", "state": "deleted", "posted_at": "2026-01-01T00:00:00Z"}\n',
    )
    comment = Comment.objects.get(platform_item_id="d-1")
    assert comment.platform_state == Comment.PlatformState.DELETED and comment.text == "Here"


@pytest.mark.parametrize(
    ("format_name", "content", "expected"),
    [
        (
            "facebook",
            b'{"data": [{"id": "1", "created_time": "2026-01-01T00:00:00+0000"}, {"id": ',
            r"bad.json: not valid JSON \(after data\[0\]\)",
        ),
        ("facebook", b'{"comments": []}', r"bad.json: this is not a Graph API comments response"),
        (
            "facebook",
            b'{"data": [{"id": "1", "created_time": "2026-01-01T00:00:00+0000"}, {"message": "x"}]}',
            r'bad.json: data\[1\]: field "id": required field is missing',
        ),
        (
            "facebook",
            b'{"data": [{"id": "1", "created_time": "yesterday"}]}',
            r'bad.json: data\[0\]: field "created_time": .*not a date',
        ),
        (
            "youtube",
            b'{"items": [{"snippet": {"topLevelComment": {"id": "a", "snippet": {"textOriginal": "t", '
            b'"authorDisplayName": "n", "publishedAt": "2026-01-01T00:00:00"}}}}]}',
            r'bad.json: items\[0\].snippet.topLevelComment.snippet: field "publishedAt": .*no time zone',
        ),
        (
            "jsonl",
            b'{"id": "1", "text": "a", "posted_at": "2026-01-01T00:00:00Z"}\n{"id": "2", "text": "b"}\n',
            r'bad.json: line 2: field "posted_at": required field is missing',
        ),
        (
            "jsonl",
            b'{"id": "1", "text": "a\\u0000b", "posted_at": "2026-01-01T00:00:00Z"}\n',
            r'bad.json: line 1: field "text": contains a NUL character',
        ),
        (
            "jsonl",
            b'{"id": "1", "text": "a", "posted_at": "2026-01-01T00:00:00Z", "author": "bob"}\n',
            r'bad.json: line 1: field "author": expected a JSON object, got text',
        ),
        (
            "facebook",
            b'{"data": [{"id": "1", "created_time": "2026-01-01T00:00:00+0000", "from": ["x"]}]}',
            r'bad.json: data\[0\]: field "from": expected a JSON object, got a list',
        ),
        ("csv", b"id,text\n1,hello\n", r'bad.json: line 1: field "posted_at": the header row lacks'),
        ("csv", b"id,text,posted_at\n1,hello,2026-13-01T00:00:00Z\n", r'bad.json: line 2: field "posted_at"'),
    ],
)
def test_malformed_file_names_the_place_and_imports_nothing(format_name, content, expected):
    site = site_on({"facebook": "facebook", "youtube": "youtube"}.get(format_name, "x"))
    with pytest.raises(CaptureError, match=expected):
        run(site, format_name, "bad.json", content)
    assert Comment.objects.count() == 0 and Commenter.objects.count() == 0


def test_an_error_late_in_a_large_file_rolls_back_earlier_batches(settings):
    settings.CAPTURE_IMPORT_BATCH_SIZE = 10
    site = site_on("x")
    lines = [
        json.dumps({"id": f"b-{n}", "text": "fine", "posted_at": "2026-01-01T00:00:00Z"}) for n in range(55)
    ]
    lines.append('{"id": "b-x", "text": "no time"}')
    with pytest.raises(CaptureError, match="line 56"):
        run(site, "jsonl", "big.jsonl", ("\n".join(lines) + "\n").encode())
    assert Comment.objects.count() == 0


def test_batches_link_replies_across_batch_boundaries(settings):
    settings.CAPTURE_IMPORT_BATCH_SIZE = 3
    site = site_on("x")
    lines = [
        json.dumps({"id": "r-0", "kind": "city_post", "text": "post", "posted_at": "2026-01-01T00:00:00Z"})
    ]
    lines += [
        json.dumps(
            {"id": f"r-{n}", "parent_id": f"r-{n - 1}", "text": "re", "posted_at": "2026-01-01T00:00:00Z"}
        )
        for n in range(1, 8)
    ]
    lines.reverse()  # children first, as X lists them
    result = run(site, "jsonl", "chain.jsonl", ("\n".join(lines) + "\n").encode())
    assert result.created == 8
    for n in range(1, 8):
        assert Comment.objects.get(platform_item_id=f"r-{n}").parent.platform_item_id == f"r-{n - 1}"


def test_large_body_and_control_characters_are_stored_exactly():
    site = site_on("x")
    body = ("é\u202e\x07\t" * 16384)[:65536]
    line = json.dumps({"id": "big", "text": body, "posted_at": "2026-01-01T00:00:00Z"}, ensure_ascii=False)
    run(site, "jsonl", "big.jsonl", (line + "\n").encode())
    comment = Comment.objects.get(platform_item_id="big")
    assert comment.text == body and len(comment.text) == 65536 and comment.raw_payload == line


def test_format_for_another_platform_is_refused():
    from django.core.exceptions import ValidationError

    site = site_on("x")
    with pytest.raises(ValidationError, match="facebook sites"):
        run(site, "facebook", "facebook_comments.json")


def test_site_that_is_not_official_is_refused():
    from django.core.exceptions import ValidationError

    site = site_on("facebook", state="requested")
    with pytest.raises(ValidationError, match="not an official City site"):
        run(site, "facebook", "facebook_comments.json")


def test_import_captures_command(capsys):
    site = site_on("facebook", handle="CityofKankakee")
    call_command(
        "import_captures",
        "--site",
        f"facebook/{site.handle}",
        "--format",
        "facebook",
        str(FIXTURES / "facebook_comments.json"),
    )
    assert "facebook_comments.json: 3 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    call_command(
        "import_captures",
        "--site",
        str(site.pk),
        "--format",
        "facebook",
        str(FIXTURES / "facebook_comments.json"),
    )
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out


def test_import_captures_command_reports_bad_files_and_unknown_sites(tmp_path, capsys):
    site = site_on("x", handle="CityofKankakee")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1"}\n')
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("import_captures", "--site", site.handle, "--format", "jsonl", str(bad))
    assert 'bad.jsonl: line 1: field "text": required field is missing' in capsys.readouterr().err
    with pytest.raises(CommandError, match="Unknown site"):
        call_command("import_captures", "--site", "nobody", "--format", "jsonl", str(bad))
    for odd in ("²", "99999999999999999999999"):
        with pytest.raises(CommandError, match="Unknown site"):
            call_command("import_captures", "--site", odd, "--format", "jsonl", str(bad))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=300
    )
)
def test_any_nul_free_text_is_stored_exactly_as_received(text):
    site = site_on("x")
    line = json.dumps({"id": "h-1", "text": text, "posted_at": "2026-01-01T00:00:00Z"}, ensure_ascii=False)
    run(site, "jsonl", "h.jsonl", (line + "\n").encode())
    comment = Comment.objects.get(site=site, platform_item_id="h-1")
    assert comment.text == text and comment.raw_payload == line


def test_import_queries_do_not_grow_with_the_number_of_rows(postgresql):
    # On SQLite, Django splits bulk inserts by its bound-parameter limit instead.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count, prefix):
        site = site_on("x")
        lines = [
            json.dumps(
                {
                    "id": f"{prefix}{n}",
                    "text": "t",
                    "posted_at": "2026-01-01T00:00:00Z",
                    "author": {"id": f"a{n}"},
                }
            )
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            run(site, "jsonl", "q.jsonl", ("\n".join(lines) + "\n").encode())
        return len(captured.captured_queries)

    assert queries_for(20, "a") == queries_for(400, "b")


def test_payload_is_cut_out_exactly_even_when_read_in_small_pieces():
    from moderation.capture.importers.raw import ANY, RawSpans

    text = (FIXTURES / "facebook_comments.json").read_text()
    whole = RawSpans(("data", ANY))
    whole.feed(text)
    pieces = RawSpans(("data", ANY))
    data = text.encode()
    for start in range(0, len(data), 7):  # splits strings, escapes and multi-byte characters
        pieces.feed_bytes(data[start : start + 7])
    assert list(pieces.found) == list(whole.found) and len(whole.found) == 2
    assert [json.loads(raw)["id"] for raw in whole.found] == ["1029384756_5550001", "1029384756_5550003"]


def test_every_new_item_gets_a_creation_history_row_equal_to_it():
    """The history rows are written by the database from the rows just written (COPY
    path on PostgreSQL, bulk_create_with_history elsewhere): same values, user, reason."""
    from config.portal.audit import system_user

    site = site_on("facebook", account_name="City of Kankakee", handle="CityofKankakee")
    run(site, "facebook", "facebook_comments.json")
    fields = [field.attname for field in Comment._meta.concrete_fields]
    comments = list(Comment.objects.order_by("pk"))
    assert len(comments) == 3
    for comment in comments:
        (entry,) = comment.history.all()
        assert entry.history_type == "+"
        assert entry.history_user == system_user()
        assert entry.history_change_reason == "Captured from facebook_comments.json (facebook)"
        assert {name: getattr(entry, name) for name in fields} == {
            name: getattr(comment, name) for name in fields
        }


def test_history_tables_index_the_record_id_but_not_the_copied_links():
    history = Comment.history.model
    assert history._meta.get_field("id").db_index
    for name in ("site", "parent", "author", "reviewed_by"):
        assert not history._meta.get_field(name).db_index, name
    assert not history._meta.get_field("history_date").db_index
