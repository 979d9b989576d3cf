"""The monitoring queue's in-place actions: mark reviewed (with undo) answered to htmx as a row and
a message, and still working as plain posts; bulk actions confirmed first; bulk removal reachable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from moderation.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_mark_reviewed_in_place_keeps_the_row_with_an_undo_and_the_focus(client_as, tst_user):
    comment = CommentFactory()
    response = client_as(tst_user).post(
        reverse("moderation:comment-review", args=[comment.pk]),
        {"next": "/portal/moderation/queue/?site=1"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="item-{comment.pk}"' in body and "autofocus" in body
    assert reverse("moderation:comment-review-undo", args=[comment.pk]) in body
    assert 'hx-swap-oob="true"' in body and "Marked reviewed" in body
    comment.refresh_from_db()
    assert comment.reviewed_by == tst_user


def test_mark_reviewed_as_a_plain_post_redirects_back(client_as, tst_user):
    comment = CommentFactory()
    response = client_as(tst_user).post(
        reverse("moderation:comment-review", args=[comment.pk]), {"next": "/portal/moderation/queue/?site=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/portal/moderation/queue/?site=1"
    comment.refresh_from_db()
    assert comment.reviewed_at is not None


@pytest.mark.parametrize("in_place", [True, False])
def test_undo_puts_the_item_back_in_the_queue_with_history(client_as, tst_user, in_place):
    comment = CommentFactory()
    client = client_as(tst_user)
    client.post(reverse("moderation:comment-review", args=[comment.pk]))
    response = client.post(
        reverse("moderation:comment-review-undo", args=[comment.pk]), headers=HTMX if in_place else {}
    )
    comment.refresh_from_db()
    assert comment.reviewed_at is None and comment.reviewed_by is None
    assert comment.history.first().history_change_reason == "Review undone: back in the monitoring queue"
    assert Comment.objects.needs_review().filter(pk=comment.pk).exists()
    if in_place:
        body = response.content.decode()
        assert reverse("moderation:comment-review", args=[comment.pk]) in body and "autofocus" in body
        assert "Back in the queue" in body
    else:
        assert response.status_code == 302


def test_mark_all_shown_reviewed_asks_first_without_javascript(client_as, tst_user):
    comments = CommentFactory.create_batch(3)
    client = client_as(tst_user)
    ids = [str(c.pk) for c in comments]
    response = client.post(reverse("moderation:queue-review-all"), {"comment": ids})
    assert response.status_code == 200 and "Mark 3 items reviewed?" in response.content.decode()
    assert not Comment.objects.filter(reviewed_at__isnull=False).exists()
    response = client.post(reverse("moderation:queue-review-all"), {"comment": ids, "confirmed": "yes"})
    assert response.status_code == 302
    assert Comment.objects.filter(reviewed_at__isnull=False).count() == 3


def test_queue_links_bulk_removal_and_asks_before_marking_all(client_as, tst_user):
    comment = CommentFactory()
    body = client_as(tst_user).get(reverse("moderation:queue")).content.decode()
    assert f'action="{reverse("moderation:removal-bulk")}"' in body
    assert f'form="queue-bulk" name="comment" value="{comment.pk}"' in body
    assert 'data-confirm="Mark all 1 items shown' in body
    assert f'hx-post="{reverse("moderation:comment-review", args=[comment.pk])}"' in body
