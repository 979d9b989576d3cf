"""Search, item page, monitoring queue and upload: who may reach them and what they show."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from moderation.models import Comment
from tests.factories import CommentFactory, sign_in_verified, site_on

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("url_name", "args", "allowed"),
    [
        ("moderation:comment-search", [], {"comms", "tst", "clerk", "admin"}),
        ("moderation:comment-detail", ["comment"], {"comms", "tst", "clerk", "admin"}),
        ("moderation:queue", [], {"tst", "admin"}),
        ("moderation:capture-upload", [], {"tst", "admin"}),
    ],
)
def test_who_may_open_each_page(
    client, comms_user, tst_user, clerk_user, superuser, plain_user, url_name, args, allowed
):
    comment = CommentFactory()
    url = reverse(url_name, args=[comment.pk if a == "comment" else a for a in args])
    users = {
        "comms": comms_user,
        "tst": tst_user,
        "clerk": clerk_user,
        "admin": superuser,
        "nobody": plain_user,
    }
    for name, user in users.items():
        sign_in_verified(client, user)
        status = client.get(url).status_code
        assert status == (200 if name in allowed else 403), f"{name} got {status} on {url}"
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("moderation:comment-review", {}),
        ("moderation:comment-answered", {}),
        ("moderation:queue-review-all", None),
    ],
)
def test_only_tst_may_mark_items(client_as, comms_user, clerk_user, url_name, data):
    comment = CommentFactory(asks_for_response=True)
    url = reverse(url_name, args=[comment.pk]) if data is not None else reverse(url_name)
    for user in (comms_user, clerk_user):
        assert client_as(user).post(url, {"comment": [comment.pk]}).status_code == 403
    comment.refresh_from_db()
    assert comment.reviewed_at is None and comment.response_answered_at is None


def test_search_finds_words_and_filters(client_as, comms_user):
    site = site_on("facebook")
    other = site_on("x")
    hit = CommentFactory(site=site, text="The potholes on Court Street are terrible")
    CommentFactory(site=site, text="Lovely parade today")
    CommentFactory(site=other, text="Another pothole report")
    old = CommentFactory(site=site, text="pothole from long ago", posted_at=datetime(2022, 1, 1, tzinfo=UTC))
    client = client_as(comms_user)
    response = client.get(reverse("moderation:comment-search"), {"q": "pothole", "site": site.pk})
    found = {c.pk for c in response.context["results"]}
    assert found == {hit.pk, old.pk}  # other sites and other words left out
    response = client.get(
        reverse("moderation:comment-search"), {"q": "pothole", "site": site.pk, "date_from": "2025-01-01"}
    )
    assert old.pk not in {c.pk for c in response.context["results"]}
    response = client.get(reverse("moderation:comment-search"), {"platform": other.platform.pk})
    assert {c.site_id for c in response.context["results"]} == {other.pk}


def test_postgresql_search_uses_stems_phrases_and_exclusions(postgresql, client_as, comms_user):
    a = CommentFactory(text="The potholes on Court Street are terrible")
    b = CommentFactory(text="Pothole fixed on Court Street, thanks")
    CommentFactory(text="Nothing to see")
    client = client_as(comms_user)

    def found(query, **extra):
        response = client.get(reverse("moderation:comment-search"), {"q": query, **extra})
        return {c.pk for c in response.context["results"]}

    assert found("pothole") == {a.pk, b.pk}
    assert found('"court street" -thanks') == {a.pk}
    assert found("pothole", order="relevance") == {a.pk, b.pk}


def test_search_by_commenter_and_state(client_as, tst_user):
    hidden = CommentFactory(platform_state=Comment.PlatformState.HIDDEN)
    CommentFactory()
    client = client_as(tst_user)
    response = client.get(reverse("moderation:comment-search"), {"state": "hidden"})
    assert [c.pk for c in response.context["results"]] == [hidden.pk]
    response = client.get(reverse("moderation:comment-search"), {"commenter": hidden.author.display_name[:4]})
    assert hidden.pk in {c.pk for c in response.context["results"]}


def test_search_refuses_a_backwards_date_range(client_as, tst_user):
    response = client_as(tst_user).get(
        reverse("moderation:comment-search"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert "The end of the date range is before its start." in response.content.decode()


def test_search_pages_without_counting(client_as, tst_user, django_assert_max_num_queries):
    CommentFactory.create_batch(55, site=site_on("x"))
    client = client_as(tst_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("moderation:comment-search"))
    assert len(response.context["results"]) == 50 and response.context["has_next"]
    response = client.get(reverse("moderation:comment-search"), {"page": 2})
    assert len(response.context["results"]) == 5 and not response.context["has_next"]


def test_item_page_shows_thread_payload_hints_history_and_actions_hook(client_as, clerk_user):
    post = CommentFactory(kind=Comment.Kind.CITY_POST, text="Leaf pickup schedule", from_city=True)
    comment = CommentFactory(
        site=post.site, parent=post, text="Call me at 815-555-0142 <b>now</b> www.example.com"
    )
    reply = CommentFactory(site=post.site, parent=comment, kind=Comment.Kind.REPLY, text="Replying here")
    response = client_as(clerk_user).get(comment.get_absolute_url())
    html = response.content.decode()
    assert "Leaf pickup schedule" in html and "Replying here" in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html and "<b>now</b>" not in html
    assert "Possible personal phone number" in html and "Link" in html
    assert reverse("portal:history", args=["moderation", "comment", comment.pk]) in html
    assert "matches the stored payload" in html
    assert comment.payload_sha256 in html
    templates = [t.name for t in response.templates]
    assert "moderation/_comment_actions.html" in templates
    assert reply.pk


def test_item_page_flags_a_payload_that_no_longer_matches_its_hash(client_as, tst_user):
    comment = CommentFactory(payload_sha256="0" * 64)
    assert (
        "does not match the stored payload"
        in client_as(tst_user).get(comment.get_absolute_url()).content.decode()
    )


def test_queue_lists_new_items_with_hints_and_marks_reviewed(
    client_as, tst_user, django_assert_max_num_queries
):
    site = site_on("facebook")
    city = CommentFactory(site=site, from_city=True, kind=Comment.Kind.CITY_POST)
    items = [
        CommentFactory(
            site=site, parent=city, text=f"Question {n}? email me a@b.example", asks_for_response=True
        )
        for n in range(3)
    ]
    client = client_as(tst_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("moderation:queue"))
    listed = [row["comment"].pk for row in response.context["rows"]]
    assert listed == [c.pk for c in items]  # oldest first, the City's own post left out
    html = response.content.decode()
    assert "Possible personal e-mail address" in html and "Asks the City for a response" in html
    assert html.count('class="portal-queue-row') == 3 or html.count("portal-queue-row") >= 3
    assert "moderation/_comment_actions.html" in [t.name for t in response.templates]

    response = client.post(
        reverse("moderation:comment-review", args=[items[0].pk]), {"next": "/portal/moderation/queue/"}
    )
    assert response.status_code == 302 and response["Location"] == "/portal/moderation/queue/"
    items[0].refresh_from_db()
    assert items[0].reviewed_by == tst_user and items[0].reviewed_at is not None
    assert items[0].history.first().history_change_reason == "Reviewed in the monitoring queue"

    client.post(
        reverse("moderation:queue-review-all"), {"comment": [c.pk for c in items[1:]], "confirmed": "yes"}
    )
    assert not Comment.objects.needs_review().exists()


def test_review_and_next_opens_the_next_item(client_as, tst_user):
    first, second = CommentFactory(), CommentFactory()
    response = client_as(tst_user).post(
        reverse("moderation:comment-review", args=[first.pk]), {"then": "next"}
    )
    assert response["Location"] == second.get_absolute_url()


def test_review_redirect_refuses_other_hosts(client_as, tst_user):
    comment = CommentFactory()
    response = client_as(tst_user).post(
        reverse("moderation:comment-review", args=[comment.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("moderation:queue")


def test_questions_view_and_mark_answered(client_as, tst_user):
    question = CommentFactory(text="When is pickup?", asks_for_response=True)
    CommentFactory(text="Nice")
    client = client_as(tst_user)
    response = client.get(reverse("moderation:queue"), {"show": "questions"})
    assert [row["comment"].pk for row in response.context["rows"]] == [question.pk]
    client.post(reverse("moderation:comment-answered", args=[question.pk]), {"note": "Replied on Facebook"})
    question.refresh_from_db()
    assert question.response_answered_by == tst_user
    assert "Replied on Facebook" in question.history.first().history_change_reason
    response = client.post(reverse("moderation:comment-answered", args=[question.pk]), follow=True)
    assert "already marked answered" in response.content.decode()


def test_queue_pages_by_id(client_as, tst_user):
    items = CommentFactory.create_batch(27)
    client = client_as(tst_user)
    response = client.get(reverse("moderation:queue"))
    assert response.context["next_after"] == items[24].pk
    response = client.get(reverse("moderation:queue"), {"after": items[24].pk})
    assert [row["comment"].pk for row in response.context["rows"]] == [items[25].pk, items[26].pk]


def test_upload_imports_a_file(client_as, tst_user):
    site = site_on("facebook", handle="CityofKankakee", account_name="City of Kankakee")
    upload = SimpleUploadedFile("comments.json", (FIXTURES / "facebook_comments.json").read_bytes())
    response = client_as(tst_user).post(
        reverse("moderation:capture-upload"),
        {"site": site.pk, "format": "facebook", "file": upload},
        follow=True,
    )
    body = response.content.decode()
    assert "comments.json: 3 created, 0 updated, 0 unchanged." in body
    # The result links to what was imported, and the site and format stay chosen for the next file.
    assert f'{reverse("moderation:queue")}?site={site.pk}"' in body
    assert f'{reverse("moderation:comment-search")}?site={site.pk}&amp;order=newest"' in body
    assert response.context["form"]["site"].value() == site.pk
    assert response.context["form"]["format"].value() == "facebook"
    entry = Comment.objects.get(platform_item_id="1029384756_5550001").history.first()
    assert (
        entry.history_user == tst_user
        and entry.history_change_reason == "Captured from comments.json (facebook)"
    )


def test_upload_shows_the_error_next_to_the_file_and_imports_nothing(client_as, tst_user):
    site = site_on("facebook")
    upload = SimpleUploadedFile("bad.json", b'{"data": [{"id": "1"}]}')
    response = client_as(tst_user).post(
        reverse("moderation:capture-upload"), {"site": site.pk, "format": "facebook", "file": upload}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        'bad.json: data[0]: field "created_time": required field is missing. '
        "Nothing from this file was imported."
    ]
    body = response.content.decode()
    assert 'id="id_file_error"' in body
    assert 'aria-describedby="id_file_helptext id_file_error"' in body
    assert not Comment.objects.exists()


def test_upload_refuses_a_format_for_another_platform(client_as, tst_user):
    site = site_on("x")
    upload = SimpleUploadedFile("c.json", b"{}")
    response = client_as(tst_user).post(
        reverse("moderation:capture-upload"), {"site": site.pk, "format": "facebook", "file": upload}
    )
    assert "This format is for facebook sites" in response.context["form"].errors["format"][0]


def test_upload_refuses_a_file_over_the_limit(client_as, tst_user, settings):
    settings.CAPTURE_UPLOAD_MAX_BYTES = 10
    site = site_on("x")
    upload = SimpleUploadedFile("c.jsonl", b"x" * 11)
    response = client_as(tst_user).post(
        reverse("moderation:capture-upload"), {"site": site.pk, "format": "jsonl", "file": upload}
    )
    assert "Use the import_captures command" in response.context["form"].errors["file"][0]


def test_home_panel_counts_the_queue(client_as, tst_user, comms_user):
    CommentFactory.create_batch(2)
    CommentFactory(asks_for_response=True)
    html = client_as(tst_user).get(reverse("portal:home")).content.decode()
    assert "3 items waiting in the monitoring queue" in html
    assert "1 comment asking the City for a response" in html
    html = client_as(comms_user).get(reverse("portal:home")).content.decode()
    assert "monitoring queue" not in html


def test_nav_entries_follow_roles(client_as, tst_user, clerk_user):
    from moderation.nav import items

    capture_entries = ["Monitoring queue", "Captured comments", "Import captures"]
    tst_labels = [i.label for i in items(tst_user)]
    assert [label for label in tst_labels if label in capture_entries] == capture_entries
    clerk_labels = [i.label for i in items(clerk_user)]
    assert [label for label in clerk_labels if label in capture_entries] == ["Captured comments"]


def test_queue_shows_when_the_city_has_replied(client_as, tst_user):
    question = CommentFactory(text="When is pickup?", asks_for_response=True)
    CommentFactory(site=question.site, parent=question, from_city=True, kind=Comment.Kind.REPLY, author=None)
    response = client_as(tst_user).get(reverse("moderation:queue"), {"show": "questions"})
    assert "The City replied in this thread" in response.content.decode()
    assert (
        "The City replied in this thread"
        in client_as(tst_user).get(question.get_absolute_url()).content.decode()
    )
