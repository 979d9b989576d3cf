import pytest

from moderation.models import IntegrationToken
from tests.factories import site_on

pytestmark = pytest.mark.django_db


def test_admin_issues_a_token_once_and_keeps_only_its_hash(client, superuser):
    site = site_on("x")
    client.force_login(superuser)
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
    client.force_login(superuser)
    client.post(
        "/admin/moderation/integrationtoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
