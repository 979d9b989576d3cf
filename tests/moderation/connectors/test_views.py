"""The connection pages, the capture health page, "Capture now", the TST home panel and the
admin: who may reach them, what they show, and that no token ever shows."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.portal import roles
from moderation.connectors import services
from moderation.models import CaptureRun, CaptureState, ConnectionSecret, SiteConnection
from sites_registry.models import Site
from tests.factories import make_user, sign_in_verified, site_on

pytestmark = pytest.mark.django_db

TOKEN = "EAAGm0PX4ZCpsBAKZAsecretTOKENvalue1234567890"


@pytest.fixture
def users(comms_user, tst_user, clerk_user, superuser, plain_user):
    return {
        "comms": comms_user,
        "tst": tst_user,
        "clerk": clerk_user,
        "admin": superuser,
        "nobody": plain_user,
    }


def _connected(superuser, slug="youtube", token=TOKEN, **site_fields):
    site = site_on(slug, **site_fields)
    services.site_connect(
        actor=superuser, site=site, account_id="UC000", credentials={"access_token": token}, method="token"
    )
    return site


@pytest.mark.parametrize(
    ("url_name", "method", "allowed"),
    [
        ("moderation:capture-health", "get", {"comms", "tst", "admin"}),
        ("moderation:connection-connect", "get", {"admin"}),
        ("moderation:connection-disconnect", "post", {"admin"}),
        ("moderation:capture-now", "post", {"tst", "admin"}),
        ("moderation:connection-oauth-callback", "get", {"admin"}),
    ],
)
def test_who_may_reach_each_page(client, users, superuser, url_name, method, allowed):
    site = _connected(superuser)
    args = (
        [] if url_name in ("moderation:capture-health", "moderation:connection-oauth-callback") else [site.pk]
    )
    url = reverse(url_name, args=args)
    for name, user in users.items():
        sign_in_verified(client, user)
        status = getattr(client, method)(url).status_code
        if name in allowed:
            # Allowed: the page, a redirect after the action, or 400 for a post without its fields.
            assert status in (200, 302, 400), f"{name} got {status} on {url}"
        else:
            assert status == 403, f"{name} got {status} on {url}"
    client.logout()
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # The administrator's bare post (no reason) disconnected nothing either.
    assert SiteConnection.objects.get(site=site).state == SiteConnection.State.CONNECTED


def test_refused_roles_change_nothing(client_as, users, superuser):
    site = _connected(superuser)
    for name in ("comms", "tst", "clerk", "nobody"):
        client = client_as(users[name])
        client.post(reverse("moderation:connection-disconnect", args=[site.pk]), {"reason": "no"})
        client.post(
            reverse("moderation:connection-connect", args=[site.pk]),
            {"account_id": "other", "token": "stolen-token", "how": "token"},
        )
    connection = SiteConnection.objects.get(site=site)
    assert connection.state == "connected" and connection.account_id == "UC000"
    assert services.credentials_of(connection)["access_token"] == TOKEN


def test_connecting_with_a_pasted_token_never_shows_it_again(client_as, superuser, caplog):
    caplog.set_level(logging.DEBUG)
    site = site_on("facebook")
    client = client_as(superuser)
    url = reverse("moderation:connection-connect", args=[site.pk])
    response = client.post(
        url, {"account_id": "104857600", "interval_minutes": "20", "token": TOKEN, "how": "token"}
    )
    assert response.status_code == 302
    connection = SiteConnection.objects.get(site=site)
    assert (connection.method, connection.account_id, connection.interval_minutes) == (
        "token",
        "104857600",
        20,
    )
    assert services.credentials_of(connection) == {"access_token": TOKEN}

    page = client.get(url).content.decode()
    assert TOKEN not in page and "104857600" in page
    ciphertext = ConnectionSecret.objects.get(connection=connection).ciphertext
    assert ciphertext not in page
    history = list(connection.history.values())
    assert history and TOKEN not in str(history) and ciphertext not in str(history)
    assert history[0]["history_user_id"] == superuser.pk
    history_page = client.get(reverse("portal:history", args=["moderation", "siteconnection", connection.pk]))
    assert history_page.status_code == 200 and TOKEN not in history_page.content.decode()
    for admin_url in (
        reverse("admin:moderation_siteconnection_changelist"),
        reverse("admin:moderation_siteconnection_change", args=[connection.pk]),
        reverse("admin:moderation_siteconnection_history", args=[connection.pk]),
    ):
        body = client.get(admin_url).content.decode()
        assert TOKEN not in body and ciphertext not in body, admin_url
    assert client.get("/admin/moderation/connectionsecret/").status_code == 404
    assert TOKEN not in caplog.text


def test_a_refused_form_does_not_echo_the_token(client_as, superuser):
    site = site_on("youtube")
    client = client_as(superuser)
    url = reverse("moderation:connection-connect", args=[site.pk])
    response = client.post(url, {"account_id": "has space", "token": TOKEN, "how": "token"})
    assert response.status_code == 400
    body = response.content.decode()
    assert TOKEN not in body and "no spaces" in body
    response = client.post(url, {"account_id": "UC1", "token": "", "how": "token"})
    assert response.status_code == 400 and "Paste the token" in response.content.decode()
    assert not SiteConnection.objects.filter(site=site).exists()


def test_a_platform_without_an_api_cannot_be_connected(client_as, superuser):
    site = site_on("linkedin")
    client = client_as(superuser)
    url = reverse("moderation:connection-connect", args=[site.pk])
    assert "has no API the portal captures from" in client.get(url).content.decode()
    response = client.post(url, {"account_id": "x1", "token": TOKEN, "how": "token"})
    assert response.status_code == 400 and not SiteConnection.objects.exists()


def test_disconnecting_needs_a_reason_and_destroys_the_credentials(client_as, superuser):
    site = _connected(superuser)
    client = client_as(superuser)
    url = reverse("moderation:connection-disconnect", args=[site.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert SiteConnection.objects.get(site=site).state == "connected"
    assert client.post(url, {"reason": "The account was handed to another department"}).status_code == 302
    connection = SiteConnection.objects.get(site=site)
    assert connection.state == "disconnected"
    assert not ConnectionSecret.objects.filter(connection=connection).exists()
    assert connection.history.first().history_change_reason.startswith("Disconnected: The account")


def test_the_site_page_links_to_the_connection_for_administrators_only(client_as, superuser, tst_user):
    site = site_on("youtube")
    other = site_on("linkedin")
    link = reverse("moderation:connection-connect", args=[site.pk])
    assert (
        link
        in client_as(superuser).get(reverse("sites_registry:site-detail", args=[site.pk])).content.decode()
    )
    page = client_as(superuser).get(reverse("sites_registry:site-detail", args=[other.pk])).content.decode()
    assert "Connect to platform" not in page
    assert (
        link
        not in client_as(tst_user).get(reverse("sites_registry:site-detail", args=[site.pk])).content.decode()
    )


# -- the health page --------------------------------------------------------------------------
def test_the_health_page_escapes_the_platforms_error_text(client_as, superuser, comms_user):
    site = _connected(superuser, account_name="Parks <b>Dept</b>")
    CaptureState.objects.filter(connection__site=site).update(
        last_error='YouTube refused: <script>alert("x")</script><img src=x onerror=alert(1)>',
        last_error_at=timezone.now(),
    )
    body = client_as(comms_user).get(reverse("moderation:capture-health")).content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body and "<b>Dept</b>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "Parks &lt;b&gt;Dept&lt;/b&gt;" in body


def test_the_health_page_shows_each_sites_capture(
    client_as, superuser, tst_user, django_assert_max_num_queries
):
    now = timezone.now()
    healthy = _connected(superuser, account_name="Healthy")
    stale = _connected(superuser, account_name="Stale")
    reauth = _connected(superuser, account_name="Reauth")
    CaptureState.objects.filter(connection__site=healthy).update(last_success_at=now - timedelta(minutes=10))
    CaptureState.objects.filter(connection__site=stale).update(last_success_at=now - timedelta(hours=30))
    services.connection_needs_reauthorization(
        connection=SiteConnection.objects.get(site=reauth), message="YouTube no longer accepts the token"
    )
    CaptureRun.objects.create(
        site=healthy, started_at=now - timedelta(minutes=5), outcome="succeeded", created=7
    )
    CaptureRun.objects.create(
        site=healthy, started_at=now - timedelta(minutes=3), outcome="succeeded", created=5
    )
    CaptureRun.objects.create(
        site=healthy, started_at=now - timedelta(days=3), outcome="succeeded", created=2
    )
    CaptureRun.objects.create(site=healthy, started_at=now - timedelta(days=20), deletions_found=4)
    CaptureRun.objects.create(site=healthy, started_at=now - timedelta(days=40), deletions_found=100)
    client = client_as(tst_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("moderation:capture-health"))
    rows = {row.site.account_name: row for row in response.context["rows"]}
    assert [count for _day, count in rows["Healthy"].per_day][-1] == 12
    assert sum(count for _day, count in rows["Healthy"].per_day) == 14
    assert rows["Healthy"].deletions == 4  # the run 40 days ago is outside the 30 days
    assert not rows["Healthy"].in_trouble
    assert rows["Stale"].stale and "no successful capture" in rows["Stale"].trouble
    assert rows["Reauth"].trouble == "needs reauthorization"
    body = response.content.decode()
    assert "YouTube no longer accepts the token" in body
    assert "Capture now" in body
    connect_link = 'href="{}"'.format(reverse("moderation:connection-connect", args=[healthy.pk]))
    assert connect_link not in body  # TST does not connect sites
    admin_body = client_as(superuser).get(reverse("moderation:capture-health")).content.decode()
    assert 'href="{}"'.format(reverse("moderation:connection-connect", args=[reauth.pk])) in admin_body


def test_the_communications_office_sees_the_health_page_without_capture_buttons(
    client_as, superuser, comms_user
):
    _connected(superuser)
    body = client_as(comms_user).get(reverse("moderation:capture-health")).content.decode()
    assert "Capture now" not in body


def test_capture_now_records_who_asked(client_as, tst_user, connect, django_capture_on_commit_callbacks):
    from tests.fakeplatform.youtube import YouTubeFake

    app = YouTubeFake()
    site = connect("youtube", app, account_id=app.channel_id)
    client = client_as(tst_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("moderation:capture-now", args=[site.pk]))
    assert response.status_code == 302
    run = CaptureRun.objects.get(site=site)
    assert run.requested_by == tst_user and run.outcome == "succeeded", run.error


def test_capture_now_refuses_a_site_not_connected(
    client_as, tst_user, superuser, django_capture_on_commit_callbacks
):
    site = _connected(superuser)
    services.site_disconnect(actor=superuser, connection=SiteConnection.objects.get(site=site), reason="gone")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_as(tst_user).post(reverse("moderation:capture-now", args=[site.pk]), follow=True)
    assert "disconnected" in response.content.decode()
    assert callbacks == [] and not CaptureRun.objects.exists()


# -- home panel and navigation ------------------------------------------------------------------
def test_tst_home_lists_sites_in_trouble(client_as, superuser, tst_user, clerk_user):
    ok = _connected(superuser, account_name="Fine site")
    bad = _connected(superuser, account_name="Broken <site>")
    CaptureState.objects.filter(connection__site=ok).update(last_success_at=timezone.now())
    CaptureState.objects.filter(connection__site=bad).update(
        last_success_at=timezone.now(), last_error="YouTube answered HTTP 500"
    )
    body = client_as(tst_user).get(reverse("portal:home")).content.decode()
    assert "Automatic capture" in body and "1 of 2 connected sites needs attention" in body
    assert "Broken &lt;site&gt;" in body and "the last capture stopped with an error" in body
    assert "Fine site" not in body
    assert reverse("moderation:capture-health") in body
    assert "Automatic capture" not in client_as(clerk_user).get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize(
    ("role", "shown"),
    [(roles.TECHNICAL_SERVICES, True), (roles.COMMUNICATIONS_OFFICE, True), (roles.CITY_CLERK, False)],
)
def test_the_navigation_links_capture_health(client_as, role, shown):
    body = client_as(make_user(role)).get(reverse("portal:home")).content.decode()
    assert (reverse("moderation:capture-health") in body) is shown


def test_the_admin_lists_runs_and_blocks_read_only(client_as, superuser):
    site = _connected(superuser)
    run = CaptureRun.objects.create(site=site, outcome="failed", error="boom")
    client = client_as(superuser)
    assert client.get(reverse("admin:moderation_capturerun_changelist")).status_code == 200
    assert client.get(reverse("admin:moderation_capturerun_change", args=[run.pk])).status_code == 200
    assert client.get(reverse("admin:moderation_platformblock_changelist")).status_code == 200
    assert client.get(reverse("admin:moderation_siteconnection_add")).status_code == 403
    assert client.post(reverse("admin:moderation_capturerun_delete", args=[run.pk])).status_code == 403
    assert Site.objects.filter(pk=site.pk).exists() and CaptureRun.objects.filter(pk=run.pk).exists()
