"""The capture writer: one item once per file, content rather than bytes, captures that
add to the record and never take from it."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from config.portal.audit import system_user
from moderation.capture.importers import CapturedItem
from moderation.capture.importers.base import Author
from moderation.capture.services import captures_import, captures_import_file
from moderation.models import Comment
from tests.factories import site_on

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def run(site, format_name, name, content: bytes):
    return captures_import_file(
        actor=system_user(),
        site=site,
        format_name=format_name,
        stream=io.BytesIO(content),
        source_name=name,
    )


def jsonl(*objects) -> bytes:
    return "".join(json.dumps(obj) + "\n" for obj in objects).encode()


def item(pid, text="words", **extra):
    return {"id": pid, "text": text, "posted_at": "2026-01-01T00:00:00Z", **extra}


def history_texts(pid):
    comment = Comment.objects.get(platform_item_id=pid)
    return list(comment.history.order_by("history_id").values_list("history_type", "text"))


def test_an_item_twice_in_one_file_is_imported_once_from_its_last_occurrence():
    site = site_on("x")
    content = jsonl(item("v-1", "first words"), item("v-2"), item("v-1", "second words"))
    result = run(site, "jsonl", "v.jsonl", content)
    assert (result.created, result.updated, result.unchanged, result.repeated) == (2, 0, 0, 1)
    assert "1 item appeared more than once in the file" in str(result)
    assert "from its last occurrence" in str(result)
    assert history_texts("v-1") == [("+", "second words")]

    again = run(site, "jsonl", "v.jsonl", content)
    assert (again.created, again.updated, again.unchanged, again.repeated) == (0, 0, 2, 1)
    assert history_texts("v-1") == [("+", "second words")]


def test_a_repeat_in_a_later_batch_rewrites_what_the_earlier_batch_created(settings):
    settings.CAPTURE_IMPORT_BATCH_SIZE = 2
    site = site_on("x")
    content = jsonl(
        item("a", "first"),
        item("b"),
        item("c"),
        item("d", parent_id="a"),
        item("a", "last", kind="reply"),
    )
    result = run(site, "jsonl", "v.jsonl", content)
    assert (result.created, result.updated, result.unchanged, result.repeated) == (4, 0, 0, 1)
    assert history_texts("a") == [("+", "last")]
    first = Comment.objects.get(platform_item_id="a")
    assert first.kind == Comment.Kind.REPLY and first.edit_count == 0
    (entry,) = first.history.all()
    fields = [f.attname for f in Comment._meta.concrete_fields]
    assert {name: getattr(entry, name) for name in fields} == {name: getattr(first, name) for name in fields}
    assert Comment.objects.get(platform_item_id="d").parent == first

    again = run(site, "jsonl", "v.jsonl", content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Comment.history.count() == 4


def test_a_repeat_of_a_held_item_is_compared_with_what_was_held_before_the_import(settings):
    settings.CAPTURE_IMPORT_BATCH_SIZE = 2
    site = site_on("x")
    run(site, "jsonl", "one.jsonl", jsonl(item("h", "held words")))
    # Earlier occurrence differs, last one equals what is held: nothing changes at all.
    result = run(
        site,
        "jsonl",
        "two.jsonl",
        jsonl(item("h", "other words"), item("x1"), item("x2"), item("h", "held words")),
    )
    assert (result.created, result.updated, result.unchanged, result.repeated) == (2, 0, 1, 1)
    assert history_texts("h") == [("+", "held words")]
    assert Comment.objects.get(platform_item_id="h").edit_count == 0
    # Earlier occurrence equals what is held, the last one differs: one edit.
    result = run(
        site,
        "jsonl",
        "three.jsonl",
        jsonl(item("h", "held words"), item("x1"), item("x2"), item("h", "new")),
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert history_texts("h") == [("+", "held words"), ("~", "new")]


def test_the_same_file_saved_again_with_crlf_line_endings_changes_nothing():
    site = site_on("facebook", account_name="City of Kankakee", handle="CityofKankakee")
    original = (FIXTURES / "facebook_comments.json").read_bytes()
    run(site, "facebook", "comments.json", original)
    payloads = dict(Comment.objects.values_list("platform_item_id", "raw_payload"))
    rows = Comment.history.count()

    resaved = original.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    assert resaved != original
    result = run(site, "facebook", "comments.json", resaved)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert Comment.history.count() == rows
    # The bytes first received stay the record.
    assert dict(Comment.objects.values_list("platform_item_id", "raw_payload")) == payloads


def test_other_spacing_and_key_order_is_the_same_content_but_a_changed_value_is_not():
    site = site_on("x")
    run(
        site,
        "jsonl",
        "a.jsonl",
        b'{"id": "k", "text": "same", "posted_at": "2026-01-01T00:00:00Z"}\n',
    )
    result = run(
        site,
        "jsonl",
        "b.jsonl",
        b'{"posted_at":"2026-01-01T00:00:00Z",  "text":"same","id":"k"}\r\n',
    )
    assert result.unchanged == 1
    result = run(
        site,
        "jsonl",
        "c.jsonl",
        b'{"id": "k", "text": "same", "posted_at": "2026-01-01T00:00:01Z"}\n',
    )
    assert result.updated == 1


def test_files_with_a_utf8_byte_order_mark_import():
    site = site_on("facebook", account_name="City of Kankakee", handle="CityofKankakee")
    result = run(
        site,
        "facebook",
        "bom.json",
        b"\xef\xbb\xbf" + (FIXTURES / "facebook_comments.json").read_bytes(),
    )
    assert result.created == 3
    x_site = site_on("x")
    result = run(x_site, "jsonl", "bom.jsonl", b"\xef\xbb\xbf" + jsonl(item("bom-1")))
    assert result.created == 1
    result = run(x_site, "csv", "bom.csv", b"\xef\xbb\xbfid,text,posted_at\nbom-2,hi,2026-01-01T00:00:00Z\n")
    assert result.created == 1


def captured(pid, **overrides):
    values = {
        "platform_item_id": pid,
        "kind": "comment",
        "text": "Words of a resident",
        "posted_at": datetime(2026, 2, 1, 12, 0, tzinfo=UTC),
        "raw_payload": json.dumps({"id": pid, **{k: str(v) for k, v in overrides.items()}}),
        "author": Author(platform_user_id="u-1", display_name="Dana Resident"),
    }
    values.update(overrides)
    return CapturedItem(**values)


def import_items(site, *items):
    return captures_import(actor=system_user(), site=site, items=list(items), reason="test capture")


def test_a_stub_marks_a_held_item_unavailable_and_keeps_everything_else():
    site = site_on("x")
    import_items(site, captured("s-1"))
    stub = captured(
        "s-1",
        kind="referenced",
        text="",
        author=None,
        stub=True,
        platform_state="unavailable",
        posted_at=datetime(2026, 2, 1, 11, 0, tzinfo=UTC),
        posted_at_derived=True,
        raw_payload='{"title":"Not Found Error"}',
    )
    result = import_items(site, stub)
    assert result.updated == 1
    comment = Comment.objects.get(platform_item_id="s-1")
    assert comment.platform_state == Comment.PlatformState.UNAVAILABLE
    assert comment.text == "Words of a resident" and comment.kind == Comment.Kind.COMMENT
    assert comment.author.display_name == "Dana Resident"
    assert comment.posted_at == datetime(2026, 2, 1, 12, 0, tzinfo=UTC) and not comment.posted_at_derived
    assert "Not Found" not in comment.raw_payload
    assert (
        comment.history.first().history_change_reason == "test capture: now not available from the platform"
    )
    assert import_items(site, stub).unchanged == 1


def test_a_new_stub_is_kept_with_its_derived_time_and_a_later_full_capture_completes_it():
    site = site_on("x")
    stub = captured(
        "s-2",
        kind="referenced",
        text="",
        author=None,
        stub=True,
        platform_state="unavailable",
        posted_at_derived=True,
    )
    import_items(site, stub)
    comment = Comment.objects.get(platform_item_id="s-2")
    assert comment.posted_at_derived and comment.kind == Comment.Kind.REFERENCED and comment.author is None
    import_items(site, captured("s-2", kind="city_post", text="The City's post", author=None, from_city=True))
    comment.refresh_from_db()
    assert comment.kind == Comment.Kind.CITY_POST and comment.text == "The City's post"
    assert not comment.posted_at_derived and comment.platform_state == Comment.PlatformState.VISIBLE


def test_a_capture_with_fewer_fields_keeps_the_author_time_kind_and_parent_it_does_not_give():
    site = site_on("x")
    import_items(site, captured("p-1", kind="city_post", from_city=True, author=None))
    import_items(site, captured("f-1", parent_platform_item_id="p-1"))
    lean = captured(
        "f-1",
        kind="referenced",
        author=None,
        posted_at=datetime(2026, 2, 1, 11, 59, tzinfo=UTC),
        posted_at_derived=True,
        raw_payload='{"id":"f-1","text":"Words of a resident"}',
    )
    assert import_items(site, lean).updated == 1
    comment = Comment.objects.get(platform_item_id="f-1")
    assert comment.author.display_name == "Dana Resident"
    assert comment.posted_at == datetime(2026, 2, 1, 12, 0, tzinfo=UTC) and not comment.posted_at_derived
    assert comment.kind == Comment.Kind.COMMENT
    assert comment.parent.platform_item_id == "p-1" and comment.parent_platform_item_id == "p-1"
    assert comment.raw_payload == '{"id":"f-1","text":"Words of a resident"}'
    assert comment.history.count() == 2  # the earlier payload is in the history


def test_deletion_time_derived_flag_and_private_hints_are_stored():
    site = site_on("x")
    deleted_at = datetime(2026, 2, 2, 8, 30, tzinfo=UTC)
    import_items(
        site,
        captured(
            "d-1",
            text="Call me at 815-555-0142",
            platform_state="deleted",
            platform_deleted_at=deleted_at,
            posted_at_derived=True,
        ),
    )
    comment = Comment.objects.get(platform_item_id="d-1")
    assert comment.platform_deleted_at == deleted_at and comment.posted_at_derived
    assert comment.private_hints == [{"kind": "phone", "text": "815-555-0142"}]
    assert len(comment.content_sha256) == 64
    import_items(site, captured("d-1", text="Mail me at dana@example.org", platform_deleted_at=deleted_at))
    comment.refresh_from_db()
    assert comment.private_hints == [{"kind": "email", "text": "dana@example.org"}]


def test_pages_show_the_hints_kept_at_capture(client_as, tst_user):
    site = site_on("x")
    import_items(site, captured("h-1", text="Call me at 815-555-0142"))
    comment = Comment.objects.get(platform_item_id="h-1")
    # The kept hints are what the page shows: the patterns do not run on every view.
    Comment.objects.filter(pk=comment.pk).update(private_hints=[{"kind": "ssn", "text": "815-555-0142"}])
    client = client_as(tst_user)
    page = client.get(comment.get_absolute_url()).content.decode()
    assert "Possible social security number" in page
    queue = client.get("/portal/moderation/queue/").content.decode()
    assert "Possible social security number" in queue


def test_reposts_and_referenced_posts_stay_out_of_the_queue_and_cannot_be_removed(comms_user, tst_user):
    from moderation.removals.services import removal_create

    site = site_on("x")
    import_items(
        site,
        captured("r-1", kind="repost", author=None, from_city=True),
        captured("r-2", kind="referenced", author=Author(platform_user_id="u-9", display_name="Someone")),
        captured("r-3", kind="reply"),
    )
    assert list(Comment.objects.needs_review().values_list("platform_item_id", flat=True)) == ["r-3"]
    for pid, message in (
        ("r-1", "A City post is not a User Comment"),
        ("r-2", "not written on a City site"),
    ):
        with pytest.raises(ValidationError, match=message):
            removal_create(
                actor=tst_user,
                comment=Comment.objects.get(platform_item_id=pid),
                categories=["profane_obscene"],
                action="hidden",
                reason="Content-neutral reason",
            )


def test_item_page_says_the_time_was_derived_and_when_the_item_was_deleted(client_as, tst_user):
    site = site_on("x")
    deleted_at = datetime(2026, 2, 2, 14, 30, tzinfo=UTC)
    import_items(
        site,
        captured("p-9", posted_at_derived=True, platform_state="deleted", platform_deleted_at=deleted_at),
    )
    page = client_as(tst_user).get(Comment.objects.get(platform_item_id="p-9").get_absolute_url())
    text = page.content.decode()
    assert "derived from the platform item id" in text
    assert "Deleted on the platform, deleted Feb. 2, 2026, 8:30 a.m." in text


def test_a_later_capture_that_names_the_author_decides_whether_it_is_the_citys_own():
    site = site_on("facebook", account_name="City of Kankakee", handle="CityofKankakee")
    import_items(site, captured("c-1", text="Thank you, will you fix it?", author=None))
    comment = Comment.objects.get(platform_item_id="c-1")
    assert not comment.from_city and comment.asks_for_response
    city = Author(platform_user_id="1029384756", display_name="City of Kankakee")
    import_items(site, captured("c-1", text="Thank you, will you fix it?", author=city))
    comment.refresh_from_db()
    assert comment.from_city and not comment.asks_for_response
    assert comment.author.display_name == "City of Kankakee" and comment.edit_count == 0


def test_items_waiting_for_a_parent_are_linked_when_a_later_import_creates_it():
    site = site_on("x")
    import_items(site, captured("w-1", parent_platform_item_id="post-1"))
    import_items(site, captured("w-2", parent_platform_item_id="post-2"))
    result = import_items(site, captured("post-1", kind="city_post", author=None, from_city=True))
    assert result.linked == 1
    assert Comment.objects.get(platform_item_id="w-1").parent.platform_item_id == "post-1"
    assert Comment.objects.get(platform_item_id="w-2").parent is None


def test_an_update_writes_every_changed_field_and_a_history_row_equal_to_the_item():
    site = site_on("x")
    import_items(site, captured("u-1"), captured("u-2"))
    deleted_at = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
    import_items(
        site,
        captured(
            "u-1", text="Call me at 815-555-0142", platform_state="deleted", platform_deleted_at=deleted_at
        ),
        captured("u-2", text="Edited words", permalink="https://x.com/i/web/status/2"),
    )
    fields = [f.attname for f in Comment._meta.concrete_fields]
    for pid in ("u-1", "u-2"):
        comment = Comment.objects.get(platform_item_id=pid)
        latest = comment.history.order_by("-history_id").first()
        assert latest.history_type == "~"
        assert {name: getattr(latest, name) for name in fields} == {
            name: getattr(comment, name) for name in fields
        }
    first = Comment.objects.get(platform_item_id="u-1")
    assert first.platform_deleted_at == deleted_at and first.edit_count == 1
    assert first.private_hints == [{"kind": "phone", "text": "815-555-0142"}]
    assert Comment.objects.get(platform_item_id="u-2").permalink == "https://x.com/i/web/status/2"


def test_any_of_selects_the_same_rows_as_in():
    site = site_on("x")
    import_items(site, captured("a-1"), captured("a-2"), captured("a-3"))
    wanted = {"a-1", "a-3", "missing"}
    chosen = set(
        Comment.objects.filter(site=site, platform_item_id__any_of=wanted).values_list(
            "platform_item_id", flat=True
        )
    )
    assert chosen == {"a-1", "a-3"}
    assert not Comment.objects.filter(platform_item_id__any_of=[]).exists()
