import pytest

from moderation.models import IntegrationToken
from tests.factories import sign_in_verified, site_on

pytestmark = pytest.mark.django_db


def test_admin_issues_a_token_once_and_keeps_only_its_hash(client, superuser):
    site = site_on("x")
    sign_in_verified(client, superuser)
    response = client.post(
        "/admin/moderation/integrationtoken/add/", {"name": "Archiver", "sites": [site.pk]}, follow=True
    )
    assert response.status_code == 200
    token_row = IntegrationToken.objects.get(name="Archiver")
    message = next(str(m) for m in response.context["messages"] if "copy it now" in str(m))
    token = message.split(" is ")[1].split(" ")[0]
    assert token.startswith("kkc_") and token_row.token_sha256 == IntegrationToken.hash_of(token)
    assert token_row.created_by == superuser and list(token_row.sites.all()) == [site]
    assert token_row.history.first().history_user == superuser


def test_admin_revokes_tokens(client, superuser):
    from tests.factories import IntegrationTokenFactory

    token = IntegrationTokenFactory(sites=[site_on("x")])
    sign_in_verified(client, superuser)
    client.post(
        "/admin/moderation/integrationtoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_deletes_no_captured_item_or_commenter(client, superuser):
    """Captured items are destroyed only by the disposal process (holds, certificates, tombstones)."""
    from moderation.models import Comment, Commenter
    from tests.factories import CommentFactory

    comment = CommentFactory(site=site_on("x"))
    commenter = comment.author
    sign_in_verified(client, superuser)
    response = client.post(f"/admin/moderation/comment/{comment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    client.post(
        "/admin/moderation/comment/",
        {"action": "delete_selected", "_selected_action": [comment.pk], "post": "yes"},
    )
    response = client.post(f"/admin/moderation/commenter/{commenter.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert Commenter.objects.filter(pk=commenter.pk).exists()
