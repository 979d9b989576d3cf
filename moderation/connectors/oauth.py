"""Connecting a site through the platform's consent page (OAuth 2, authorization code), and
keeping an OAuth connection's access token fresh.

The platforms and their endpoints are ``CAPTURE_OAUTH`` in settings (one entry per
platform; the Facebook app serves Instagram too). X and YouTube use PKCE (S256): the
verifier stays in the administrator's session, never in a URL. Tokens go from here into
``services.site_connect`` / ``services.credentials_replace`` (encrypted) and nowhere else:
no log line, page or exception message here holds one.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.urls import reverse

from moderation.connectors import services
from moderation.connectors.client import TokenRejected, Transient
from moderation.models import SiteConnection

with warnings.catch_warnings():
    # Authlib 1.9 would rather have the httpx2 fork; the portal's HTTP client is httpx (pinned).
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.httpx_client import OAuth2Client

# An access token expiring within this many seconds is refreshed before a run uses it.
REFRESH_MARGIN_SECONDS = 5 * 60


class AuthorizationFailed(Exception):
    """The platform did not give a token for the code (said in words a person can act on)."""


@dataclass(frozen=True)
class Authorization:
    url: str  # the platform's consent page, to send the administrator's browser to
    state: str
    verifier: str  # PKCE code verifier ("" where the platform takes none)


def platform_config(slug: str) -> dict | None:
    """The OAuth settings of a platform, or None when its client id is not configured."""
    config = settings.CAPTURE_OAUTH.get(slug)
    if not config or not config.get("client_id"):
        return None
    return config


def redirect_uri() -> str:
    """The one callback address registered with every platform's app."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("moderation:connection-oauth-callback")


def _client(config: dict, **kwargs) -> OAuth2Client:
    return OAuth2Client(
        client_id=config["client_id"],
        client_secret=config.get("client_secret") or None,
        token_endpoint_auth_method=config.get("token_endpoint_auth_method", "client_secret_post"),
        code_challenge_method="S256" if config.get("pkce") else None,
        timeout=settings.CAPTURE_HTTP_TIMEOUT,
        follow_redirects=False,
        **kwargs,
    )


def authorization_start(slug: str) -> Authorization:
    config = platform_config(slug)
    if config is None:
        raise AuthorizationFailed("This platform's app is not configured in the portal; paste a token.")
    verifier = generate_token(64) if config.get("pkce") else ""
    with _client(config, scope=config.get("scope"), redirect_uri=redirect_uri()) as client:
        url, state = client.create_authorization_url(
            config["authorize_url"], code_verifier=verifier or None, **config.get("extra", {})
        )
    return Authorization(url=url, state=state, verifier=verifier)


def _credentials(token: dict) -> dict:
    credentials = {"access_token": token.get("access_token", "")}
    if token.get("refresh_token"):
        credentials["refresh_token"] = token["refresh_token"]
    if token.get("expires_at"):
        credentials["expires_at"] = int(token["expires_at"])
    elif token.get("expires_in"):
        credentials["expires_at"] = int(time.time()) + int(token["expires_in"])
    return credentials


def _said(exc: Exception) -> str:
    """What went wrong, without anything the platform echoed back (which could be a secret)."""
    if isinstance(exc, OAuthError):
        error = exc.error
        if isinstance(error, dict):  # the Graph API's shape: {"message", "type", "code"}
            error = error.get("type") or error.get("code") or "error"
        return f"the platform refused ({error})"
    if isinstance(exc, httpx.HTTPStatusError):
        return f"the platform answered HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TimeoutException):
        return f"the platform did not answer within {settings.CAPTURE_HTTP_TIMEOUT} s"
    if isinstance(exc, httpx.HTTPError):
        return f"the platform could not be reached ({type(exc).__name__})"
    return "the platform's answer was not a token"


def authorization_finish(slug: str, *, code: str, verifier: str, account_id: str) -> dict:
    """Exchange the code the platform sent back for the connection's credentials."""
    config = platform_config(slug)
    if config is None:
        raise AuthorizationFailed("This platform's app is no longer configured in the portal.")
    try:
        with _client(config, redirect_uri=redirect_uri()) as client:
            token = client.fetch_token(
                config["token_url"],
                grant_type="authorization_code",
                code=code,
                **({"code_verifier": verifier} if verifier else {}),
            )
    except (OAuthError, httpx.HTTPError, ValueError) as exc:
        raise AuthorizationFailed(f"No token was issued: {_said(exc)}. Try again.") from None
    credentials = _credentials(token)
    if not credentials["access_token"]:
        raise AuthorizationFailed("No token was issued: the platform's answer held no access token.")
    if config.get("exchange") == "facebook":
        credentials = _facebook_credentials(config, slug, credentials["access_token"], account_id)
    return credentials


def _facebook_credentials(config: dict, slug: str, user_token: str, account_id: str) -> dict:
    """Facebook Login gives a user token that lasts a few hours, without a refresh token. It is
    exchanged for a long-lived one (about 60 days: enough for Instagram, whose API takes the
    user's token), and for a Facebook Page, for the Page's own token, which does not expire
    while the person who authorized keeps their role on the Page."""
    try:
        with _client(config) as client:
            token = client.fetch_token(
                config["token_url"], grant_type="fb_exchange_token", fb_exchange_token=user_token
            )
    except (OAuthError, httpx.HTTPError, ValueError) as exc:
        raise AuthorizationFailed(f"No long-lived token was issued: {_said(exc)}. Try again.") from None
    long_lived = _credentials(token)
    if not long_lived["access_token"]:
        raise AuthorizationFailed("No long-lived token was issued: the answer held no access token.")
    if not config.get("page_token"):
        return long_lived
    try:
        response = httpx.get(
            f"{settings.CAPTURE_API_URLS[slug].rstrip('/')}/{quote(account_id, safe='')}",
            params={"fields": "access_token"},
            headers={"Authorization": f"Bearer {long_lived['access_token']}"},
            timeout=settings.CAPTURE_HTTP_TIMEOUT,
        )
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise AuthorizationFailed(f"The Page's token could not be read: {_said(exc)}. Try again.") from None
    page_token = data.get("access_token") if isinstance(data, dict) and response.is_success else None
    if not page_token:
        raise AuthorizationFailed(
            f"Facebook gave no token for Page {account_id}: is the id right, and is the person who "
            "authorized an administrator of that Page?"
        )
    return {"access_token": str(page_token)}


def fresh_credentials(connection: SiteConnection) -> dict:
    """The connection's credentials, refreshed first when the access token expires within five
    minutes and a refresh token is kept. A refused refresh raises ``TokenRejected`` (the
    connection then needs reauthorization); an unreachable token endpoint ``Transient``."""
    credentials = services.credentials_of(connection)
    expires_at = credentials.get("expires_at")
    if not credentials.get("refresh_token") or not expires_at:
        return credentials
    if float(expires_at) > time.time() + REFRESH_MARGIN_SECONDS:
        return credentials
    slug = connection.site.platform.slug
    platform = connection.site.platform.name
    config = platform_config(slug)
    if config is None:
        raise TokenRejected(
            f"the {platform} access token expired and the platform's app is no longer configured to renew it"
        )
    try:
        with _client(config) as client:
            token = client.refresh_token(config["token_url"], refresh_token=credentials["refresh_token"])
    except OAuthError as exc:
        raise TokenRejected(f"{platform} refused to renew the connection's token ({exc.error})") from None
    except (httpx.HTTPError, ValueError) as exc:
        raise Transient(f"the {platform} token could not be renewed: {_said(exc)}") from None
    renewed = {**credentials, **_credentials(token)}
    if "expires_at" not in _credentials(token):
        renewed.pop("expires_at", None)
    services.credentials_replace(connection=connection, credentials=renewed)
    return renewed
