import pytest
from django.urls import reverse

from config.portal import roles
from config.portal.audit import stamp
from tests.factories import SiteFactory, make_user

pytestmark = pytest.mark.django_db


def _history_url(obj):
    return reverse("portal:history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


def test_history_shows_who_changed_what_and_why(client_as, comms_user):
    site = SiteFactory(department="Police")
    site.department = "Fire <b>Department</b>"
    stamp(site, actor=comms_user, reason="Department renamed")
    site.save()
    response = client_as(make_user(roles.CITY_CLERK)).get(_history_url(site))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Department renamed" in body
    assert comms_user.get_full_name() in body
    assert "Police" in body
    # Values are escaped like every other user-controlled text.
    assert "Fire &lt;b&gt;Department&lt;/b&gt;" in body
    assert "<b>Department</b>" not in body


def test_history_is_for_staff_only(client_as, plain_user):
    site = SiteFactory()
    assert client_as(plain_user).get(_history_url(site)).status_code == 403


@pytest.mark.parametrize(
    "app_label,model_name", [("auth", "user"), ("portal", "jobrun"), ("sites_registry", "nosuch")]
)
def test_history_refuses_untracked_or_foreign_models(client_as, clerk_user, app_label, model_name):
    url = reverse("portal:history", args=[app_label, model_name, 1])
    assert client_as(clerk_user).get(url).status_code == 404


@pytest.mark.parametrize(
    "role,marker",
    [
        (roles.COMMUNICATIONS_OFFICE, "Site requests awaiting your decision"),
        (roles.TECHNICAL_SERVICES, "Captured comments"),
        (roles.CITY_CLERK, "Legal holds in force"),
    ],
)
def test_each_role_sees_its_own_home_page(client_as, role, marker):
    response = client_as(make_user(role)).get(reverse("portal:home"))
    assert response.status_code == 200
    assert marker in response.content.decode()


def test_record_seeded_without_history_has_a_history_page(client_as, tst_user):
    from moderation.models import NoticeTemplate

    template = NoticeTemplate.objects.create(name="Seeded", body="Removed: {reason}")
    NoticeTemplate.history.filter(id=template.pk).delete()  # as a data migration leaves it
    response = client_as(tst_user).get(_history_url(template))
    assert response.status_code == 200
    assert "No change has been recorded" in response.content.decode()


def test_history_links_back_to_a_page_the_reader_may_open(client_as, tst_user):
    """TST reads a notice template's history; its way back is the template list, not the
    Communications Office's edit page."""
    from moderation.models import NoticeTemplate

    template = NoticeTemplate.objects.create(name="Seeded", body="Removed: {reason}")
    page = client_as(tst_user).get(_history_url(template)).content.decode()
    back = page.split('<a class="usa-link" href="', 1)[1].split('"', 1)[0]
    assert back == template.get_absolute_url()
    assert client_as(tst_user).get(back).status_code == 200


def test_history_names_fields_by_their_labels_and_states_by_theirs(client_as, comms_user):
    from sites_registry.models import Site

    site = SiteFactory(state=Site.State.REQUESTED, department="Police")
    site.state = Site.State.APPROVED
    site.department = "Fire"
    stamp(site, actor=comms_user, reason="Approved")
    site.save()
    body = client_as(comms_user).get(_history_url(site)).content.decode()
    department_label = Site._meta.get_field("department").verbose_name
    assert f"<strong>{department_label[0].upper()}{department_label[1:]}</strong>" in body
    assert "<strong>state</strong>" not in body and "<strong>State</strong>" in body
    assert str(Site.State.APPROVED.label) in body and ">approved<" not in body
