import pytest
from django.urls import reverse

from sites_registry.models import ComplianceItem, Platform, PolicyDocument, Site
from tests.factories import SiteFactory, sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["platform", "site", "complianceitem", "sitedecision", "policydocument"])
def test_admin_lists_every_registry_model(client, superuser, model):
    SiteFactory(checklist="open")
    sign_in_verified(client, superuser)
    assert client.get(reverse(f"admin:sites_registry_{model}_changelist")).status_code == 200


def test_admin_refuses_a_site_url_off_its_platform(client, superuser):
    sign_in_verified(client, superuser)
    response = client.post(
        reverse("admin:sites_registry_site_add"),
        {
            "platform": Platform.objects.get(slug="youtube").pk,
            "account_name": "Fake",
            "handle": "fake",
            "url": "https://evil.example/fake",
            "department": "x",
            "audiences": '["residents"]',
            "authorised_posters": "",
            "contact_information": "",
            "compliance_items-TOTAL_FORMS": "0",
            "compliance_items-INITIAL_FORMS": "0",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    assert not Site.objects.filter(account_name="Fake").exists()


def test_admin_cannot_edit_policy_text_or_checklist(client, superuser):
    sign_in_verified(client, superuser)
    document = PolicyDocument.objects.get(kind="disclaimer", version=1)
    url = reverse("admin:sites_registry_policydocument_change", args=[document.pk])
    client.post(
        url, {"text": "rewritten", "kind": "disclaimer", "version": 1, "effective_date": "2019-12-02"}
    )
    assert PolicyDocument.objects.get(pk=document.pk).text.startswith("THIS WEBSITE")
    item = SiteFactory(checklist="open").compliance_items.first()
    url = reverse("admin:sites_registry_complianceitem_change", args=[item.pk])
    client.post(url, {"status": "not_possible", "not_possible_reason": "x"})
    item.refresh_from_db()
    assert item.status == ComplianceItem.Status.OPEN


def test_site_added_in_the_admin_is_requested_with_its_checklist(client, superuser, comms_user):
    """The admin adds a site as a request with the Sec. IV checklist; the Communications Office
    still decides, behind the checklist gate."""
    sign_in_verified(client, superuser)
    response = client.post(
        reverse("admin:sites_registry_site_add"),
        {
            "platform": Platform.objects.get(slug="youtube").pk,
            "account_name": "Parks on YouTube",
            "handle": "kankakeeparks",
            "url": "https://www.youtube.com/@kankakeeparks",
            "department": "Parks",
            "audiences": '["residents"]',
            "authorised_posters": "Pat Example",
            "contact_information": "City Hall",
            "compliance_items-TOTAL_FORMS": "0",
            "compliance_items-INITIAL_FORMS": "0",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    site = Site.objects.get(account_name="Parks on YouTube")
    assert site.state == Site.State.REQUESTED
    assert set(site.compliance_items.values_list("kind", flat=True)) == set(ComplianceItem.Kind.values)
