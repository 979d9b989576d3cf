"""Connecting through the platform's consent page (OAuth 2 authorization code, PKCE) and the
token refresh before a run, against a local token endpoint over HTTP."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from moderation.connectors import engine, oauth, services
from moderation.connectors.client import TokenRejected, Transient
from moderation.models import CaptureRun, SiteConnection
from tests.factories import sign_in_verified, site_on
from tests.fakeplatform import Response
from tests.fakeplatform.oauth import GraphPagesFake, OAuthFake, s256
from tests.fakeplatform.youtube import YouTubeFake, YtComment

pytestmark = pytest.mark.django_db

CALLBACK = "moderation:connection-oauth-callback"


@pytest.fixture
def oauth_for(platform_server, settings):
    """oauth_for(slug, **fake fields) -> the fake token endpoint the platform's settings now
    point at (its consent page is never fetched: the test plays the browser)."""
    settings.PORTAL_BASE_URL = "http://testserver"

    def _oauth_for(slug: str, **fields) -> OAuthFake:
        base = dict(settings.CAPTURE_OAUTH[slug])
        fake = OAuthFake(auth_method=base["token_endpoint_auth_method"], **fields)
        url = platform_server.mount(f"oauth-{slug}", fake)
        settings.CAPTURE_OAUTH = {
            **settings.CAPTURE_OAUTH,
            slug: {
                **base,
                "client_id": fake.client_id,
                "client_secret": fake.client_secret,
                "token_url": url + "/token",
            },
        }
        return fake

    return _oauth_for


def _query(url: str) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def _start(client, site, **data):
    return client.post(
        reverse("moderation:connection-connect", args=[site.pk]),
        {"account_id": "acct-1", "interval_minutes": "", "how": "oauth", **data},
    )


@pytest.mark.parametrize(
    ("slug", "authorize_prefix", "pkce", "extra"),
    [
        ("x", "https://x.com/i/oauth2/authorize?", True, {}),
        ("youtube", "https://accounts.google.com/o/oauth2/v2/auth?", True, {"access_type": "offline"}),
    ],
)
def test_authorizing_on_the_platform_connects_the_site_and_keeps_no_token_in_sight(
    client_as, superuser, oauth_for, caplog, slug, authorize_prefix, pkce, extra
):
    caplog.set_level(logging.DEBUG)  # every logger, every level: no token in any of them
    fake = oauth_for(slug)
    site = site_on(slug)
    client = client_as(superuser)
    page = client.get(reverse("moderation:connection-connect", args=[site.pk])).content.decode()
    assert f"Authorize with {site.platform.name}" in page

    response = _start(client, site, account_id="1234567890", interval_minutes="30")
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(authorize_prefix)
    query = _query(authorize)
    assert query["redirect_uri"] == "http://testserver" + reverse(CALLBACK)
    assert query["scope"] == oauth.platform_config(slug)["scope"]
    assert ("code_challenge" in query) is pkce and "code_verifier" not in query
    for name, value in extra.items():
        assert query[name] == value

    code, state, _ = fake.issue_code(authorize)
    response = client.get(reverse(CALLBACK), {"code": code, "state": state})
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:connection-connect", args=[site.pk])

    connection = SiteConnection.objects.get(site=site)
    assert connection.state == SiteConnection.State.CONNECTED
    assert connection.method == SiteConnection.Method.OAUTH
    assert (connection.account_id, connection.interval_minutes) == ("1234567890", 30)
    credentials = services.credentials_of(connection)
    issued = fake.issued[0]
    assert credentials["access_token"] == issued["access_token"]
    assert credentials["refresh_token"] == issued["refresh_token"]
    assert abs(credentials["expires_at"] - (time.time() + 3600)) < 60
    exchange = fake.token_requests[0]
    if pkce:
        assert s256(exchange.query["code_verifier"]) == query["code_challenge"]
    if slug == "x":  # X's confidential clients authenticate with HTTP Basic
        assert exchange.headers["authorization"].startswith("Basic ")
        assert "client_secret" not in exchange.query

    secrets = [issued["access_token"], issued["refresh_token"], code]
    after = client.get(reverse("moderation:connection-connect", args=[site.pk])).content.decode()
    history = str(list(connection.history.values()))
    for secret in secrets:
        assert secret not in after and secret not in history and secret not in caplog.text


@pytest.fixture
def facebook_login(oauth_for, platform_server, settings):
    """Facebook Login: the token endpoint (codes, then the long-lived exchange) and the Graph
    API giving a Page's own token."""
    fake = oauth_for("facebook", graph=True)
    pages = GraphPagesFake(fake, {"104857600": "page-token-of-104857600"})
    settings.CAPTURE_API_URLS = {
        **settings.CAPTURE_API_URLS,
        "facebook": platform_server.mount("graph", pages),
    }
    return fake


def test_a_facebook_page_is_connected_with_the_pages_own_token(client_as, superuser, facebook_login, caplog):
    caplog.set_level(logging.DEBUG)
    site = site_on("facebook")
    client = client_as(superuser)
    authorize = _start(client, site, account_id="104857600")["Location"]
    assert authorize.startswith("https://www.facebook.com/v23.0/dialog/oauth?")
    assert "code_challenge" not in _query(authorize)
    code, state, _ = facebook_login.issue_code(authorize)
    client.get(reverse(CALLBACK), {"code": code, "state": state})

    connection = SiteConnection.objects.get(site=site)
    # The Page's token: it does not expire, so nothing to refresh.
    assert services.credentials_of(connection) == {"access_token": "page-token-of-104857600"}
    short, long_lived = (t["access_token"] for t in facebook_login.issued)
    assert short.startswith("access-") and long_lived.startswith("long-lived-")
    exchange = facebook_login.token_requests[1]
    assert (
        exchange.query["grant_type"] == "fb_exchange_token" and exchange.query["fb_exchange_token"] == short
    )
    page = client.get(reverse("moderation:connection-connect", args=[site.pk])).content.decode()
    for secret in (short, long_lived, "page-token-of-104857600"):
        assert secret not in page and secret not in caplog.text
        assert secret not in str(list(connection.history.values()))


def test_a_page_the_authorizing_person_does_not_manage_is_refused(client_as, superuser, facebook_login):
    site = site_on("facebook")
    client = client_as(superuser)
    code, state, _ = facebook_login.issue_code(_start(client, site, account_id="999")["Location"])
    response = client.get(reverse(CALLBACK), {"code": code, "state": state}, follow=True)
    assert "Facebook gave no token for Page 999" in response.content.decode()
    assert not SiteConnection.objects.filter(site=site).exists()


def test_facebooks_refusal_in_the_graph_shape_is_said_plainly(client_as, superuser, facebook_login):
    site = site_on("facebook")
    client = client_as(superuser)
    code, state, _ = facebook_login.issue_code(_start(client, site, account_id="104857600")["Location"])
    facebook_login.codes.clear()
    response = client.get(reverse(CALLBACK), {"code": code, "state": state}, follow=True)
    assert "No token was issued: the platform refused (OAuthException)" in response.content.decode()


def test_an_instagram_account_keeps_the_long_lived_user_token(client_as, superuser, oauth_for):
    fake = oauth_for("instagram", graph=True)
    site = site_on("instagram")
    client = client_as(superuser)
    code, state, _ = fake.issue_code(_start(client, site, account_id="17841400000000001")["Location"])
    client.get(reverse(CALLBACK), {"code": code, "state": state})
    credentials = services.credentials_of(SiteConnection.objects.get(site=site))
    assert credentials["access_token"] == fake.issued[1]["access_token"]
    assert credentials["access_token"].startswith("long-lived-") and "refresh_token" not in credentials
    assert credentials["expires_at"] > time.time() + 59 * 24 * 3600


def test_a_state_the_session_did_not_start_is_refused_and_nothing_is_exchanged(
    client_as, superuser, oauth_for
):
    fake = oauth_for("x")
    site = site_on("x")
    client = client_as(superuser)
    code, state, _ = fake.issue_code(_start(client, site)["Location"])

    forged = client.get(reverse(CALLBACK), {"code": code, "state": state + "x"})
    assert forged.status_code == 400
    assert "does not match an authorization started here" in forged.content.decode()
    assert not SiteConnection.objects.filter(site=site).exists()
    assert fake.token_requests == []  # the code was never sent to the platform

    # The genuine answer still connects, once; the same state again is refused.
    assert client.get(reverse(CALLBACK), {"code": code, "state": state}).status_code == 302
    assert SiteConnection.objects.get(site=site).method == "oauth"
    assert client.get(reverse(CALLBACK), {"code": code, "state": state}).status_code == 400


def test_an_authorization_started_by_another_administrator_is_refused(
    client, superuser, oauth_for, django_user_model
):
    fake = oauth_for("youtube")
    site = site_on("youtube")
    sign_in_verified(client, superuser)
    code, state, _ = fake.issue_code(_start(client, site)["Location"])
    other = django_user_model.objects.create_superuser("other-admin", "o@example.org", "x")
    sign_in_verified(client, other)  # a new session: the state is not in it
    assert client.get(reverse(CALLBACK), {"code": code, "state": state}).status_code == 400
    assert not SiteConnection.objects.filter(site=site).exists()


def test_a_declined_or_refused_authorization_connects_nothing(client_as, superuser, oauth_for):
    fake = oauth_for("youtube")
    site = site_on("youtube")
    client = client_as(superuser)
    _code, state, _ = fake.issue_code(_start(client, site)["Location"])
    response = client.get(reverse(CALLBACK), {"error": "access_denied", "state": state}, follow=True)
    assert "declined" in response.content.decode()
    assert fake.token_requests == []

    code, state, _ = fake.issue_code(_start(client, site)["Location"])
    fake.codes.clear()  # the platform no longer knows the code
    response = client.get(reverse(CALLBACK), {"code": code, "state": state}, follow=True)
    assert "No token was issued: the platform refused (invalid_grant)" in response.content.decode()
    assert not SiteConnection.objects.filter(site=site).exists()


def test_the_authorize_button_shows_only_for_a_configured_platform(client_as, superuser, settings):
    settings.CAPTURE_OAUTH = {**settings.CAPTURE_OAUTH, "x": {**settings.CAPTURE_OAUTH["x"], "client_id": ""}}
    site = site_on("x")
    client = client_as(superuser)
    page = client.get(reverse("moderation:connection-connect", args=[site.pk])).content.decode()
    assert "Authorize with" not in page and "Connect with this token" in page
    response = _start(client, site)
    assert response.status_code == 302 and response["Location"].startswith("/portal/")
    assert not SiteConnection.objects.filter(site=site).exists()


# -- token refresh -------------------------------------------------------------------------
def _oauth_connection(superuser, slug: str, *, expires_in: int, refresh: str = "refresh-kept"):
    site = site_on(slug)
    return services.site_connect(
        actor=superuser,
        site=site,
        account_id="UCkankakeecity0000000001",
        credentials={
            "access_token": "access-old",
            "refresh_token": refresh,
            "expires_at": int(time.time()) + expires_in,
        },
        method="oauth",
    )


def test_a_token_far_from_expiry_is_used_as_it_is(superuser, oauth_for):
    fake = oauth_for("youtube")
    connection = _oauth_connection(superuser, "youtube", expires_in=3600)
    assert oauth.fresh_credentials(connection)["access_token"] == "access-old"
    assert fake.token_requests == []


def test_a_token_about_to_expire_is_renewed_and_stored(superuser, oauth_for):
    fake = oauth_for("youtube")
    connection = _oauth_connection(superuser, "youtube", expires_in=120, refresh=fake.new_refresh_token())
    kept_refresh = services.credentials_of(connection)["refresh_token"]
    credentials = oauth.fresh_credentials(connection)
    assert credentials["access_token"] == fake.issued[0]["access_token"] != "access-old"
    assert credentials["refresh_token"] == kept_refresh  # Google keeps the refresh token
    assert credentials["expires_at"] > time.time() + 3000
    assert services.credentials_of(connection) == credentials
    assert fake.token_requests[0].query["grant_type"] == "refresh_token"


def test_a_rotated_refresh_token_replaces_the_old_one(superuser, oauth_for):
    fake = oauth_for("x", rotate_refresh_tokens=True)
    connection = _oauth_connection(superuser, "x", expires_in=0, refresh=fake.new_refresh_token())
    credentials = oauth.fresh_credentials(connection)
    assert credentials["refresh_token"] in fake.refresh_tokens
    assert services.credentials_of(connection)["refresh_token"] == credentials["refresh_token"]


def test_a_refused_refresh_is_a_rejected_token_and_an_unreachable_endpoint_a_fault(
    superuser, oauth_for, platform_server
):
    fake = oauth_for("youtube")
    connection = _oauth_connection(superuser, "youtube", expires_in=10, refresh="revoked")
    with pytest.raises(TokenRejected, match="refused to renew"):
        oauth.fresh_credentials(connection)
    services.credentials_replace(
        connection=connection,
        credentials={"access_token": "a", "refresh_token": fake.new_refresh_token(), "expires_at": 1},
    )
    platform_server.fail_next("/token", Response(503, b"<html>down</html>"))
    with pytest.raises(Transient, match="HTTP 503"):
        oauth.fresh_credentials(connection)


def test_a_run_renews_an_expiring_token_before_it_captures(superuser, oauth_for, platform_server, settings):
    fake = oauth_for("youtube", access_token="access-renewed")
    youtube = YouTubeFake()
    youtube.token = "access-renewed"  # the old token would be refused
    youtube.add_thread(
        YtComment(id="Ugthread1", text="Hello", published=datetime.now(UTC) - timedelta(hours=1))
    )
    settings.CAPTURE_API_URLS = {
        **settings.CAPTURE_API_URLS,
        "youtube": platform_server.mount("youtube", youtube),
    }
    connection = _oauth_connection(superuser, "youtube", expires_in=60, refresh=fake.new_refresh_token())
    run = engine.capture(site=connection.site)
    assert run.outcome == CaptureRun.Outcome.SUCCEEDED, run.error
    assert run.created == 1
    assert services.credentials_of(connection)["access_token"] == "access-renewed"


def test_a_run_whose_refresh_is_refused_needs_reauthorization_and_tells_tst_once(
    superuser, oauth_for, platform_server, settings
):
    oauth_for("youtube")
    settings.CAPTURE_API_URLS = {
        **settings.CAPTURE_API_URLS,
        "youtube": platform_server.mount("youtube", YouTubeFake()),
    }
    connection = _oauth_connection(superuser, "youtube", expires_in=60, refresh="refresh-never-valid")
    run = engine.capture(site=connection.site)
    assert run.outcome == CaptureRun.Outcome.FAILED and "refused to renew" in run.error
    connection.refresh_from_db()
    assert connection.state == SiteConnection.State.NEEDS_REAUTHORIZATION
    assert engine.capture(site=connection.site).outcome == CaptureRun.Outcome.FAILED
    assert len(mail.outbox) == 1
    assert "refresh-never-valid" not in mail.outbox[0].body  # no token is ever in an e-mail
