"""Walk every URL pattern: anonymous users get the login page (or 404/405) everywhere
except the public pages and the token API, and a signed-in user without a staff role
gets no portal page at all.

A new public page must be added to PUBLIC_URL_NAMES on purpose; a view marked
@login_not_required that is not listed here fails this test.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

pytestmark = pytest.mark.django_db

PUBLIC_URL_NAMES = {
    "public-home",
    "login",
    # Own password by e-mail: asked for before signing in (the link is the proof).
    "password-reset",
    "password-reset-done",
    "password-reset-confirm",
    "password-reset-complete",
    # sites registry: the directory of official accounts and the public policies
    "directory",
    "directory-json",
    "policy-list",
    "policy-current",
    "policy-version",
    "disclaimer",
    # Moderation: the public transparency report and its CSV.
    "transparency-report",
    "transparency-csv",
    # FOIA: the public request form, its confirmation, the requester's status page by secret link,
    # the re-send form and the public log of requests.
    "foia-public-request",
    "foia-public-sent",
    "foia-public-confirm",
    "foia-public-status",
    "foia-public-bundle",
    "foia-public-resend",
    "foia-public-resend-sent",
    "foia-public-log",
}
# Namespaces with their own authentication (token API) or their own login (admin).
OWN_AUTH_NAMESPACES = {"api", "admin"}

_SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}


def _walk(resolvers, prefix="", namespace=None):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + _route(entry), ns)
        elif isinstance(entry, URLPattern):
            route = _route(entry)
            if route is None:
                continue
            yield prefix + route, entry, namespace


def _route(entry) -> str | None:
    pattern = entry.pattern
    if not isinstance(pattern, RoutePattern):
        regex = str(pattern.regex.pattern)
        if any(ch in regex for ch in "(["):  # admin's regex routes: covered by its own login
            return None
        return regex.lstrip("^").rstrip("$").replace("\\", "")
    route = str(pattern)
    for name, converter in pattern.converters.items():
        type_name = {v: k for k, v in _converter_types().items()}.get(type(converter), "str")
        route = route.replace(f"<{type_name}:{name}>", _SAMPLE.get(type_name, "x")).replace(f"<{name}>", "x")
    return route


def _converter_types():
    from django.urls.converters import get_converters

    return {name: type(conv) for name, conv in get_converters().items()}


def _patterns():
    return list(_walk(get_resolver().url_patterns))


def _is_public(entry) -> bool:
    return getattr(entry.callback, "login_required", True) is False


def test_every_public_view_is_on_the_list():
    public = {
        entry.name for _url, entry, ns in _patterns() if _is_public(entry) and ns not in OWN_AUTH_NAMESPACES
    }
    assert public == PUBLIC_URL_NAMES


@pytest.mark.parametrize(
    "url", [url for url, entry, ns in _patterns() if not _is_public(entry) and ns not in OWN_AUTH_NAMESPACES]
)
def test_anonymous_user_is_sent_to_login(client, url):
    response = client.get("/" + url)
    if response.status_code in (404, 405):
        return
    assert response.status_code == 302, f"/{url} answered {response.status_code} to an anonymous user"
    assert response["Location"].startswith("/accounts/login/"), response["Location"]


@pytest.mark.parametrize(
    "url",
    [
        url
        for url, entry, ns in _patterns()
        if not _is_public(entry) and ns not in OWN_AUTH_NAMESPACES and url.startswith("portal/")
    ],
)
def test_user_without_a_staff_role_gets_no_portal_page(client, plain_user, url):
    client.force_login(plain_user)
    response = client.get("/" + url)
    assert response.status_code in (403, 404, 405), f"/{url} answered {response.status_code}"


@pytest.mark.parametrize(
    "url",
    [
        url
        for url, entry, ns in _patterns()
        if entry.name in PUBLIC_URL_NAMES and "x" not in url.split("/") and "1" not in url.split("/")
    ],
)
def test_public_pages_need_no_login(client, url):
    assert client.get("/" + url).status_code == 200


# What a person who signed in with the password but still owes the second factor may reach.
SECOND_FACTOR_PAGES = {"second-factor", "second-factor-setup", "recovery-codes", "logout"}


@pytest.mark.parametrize(
    "url",
    [
        url
        for url, entry, ns in _patterns()
        if not _is_public(entry)
        and ns not in {"api", "otp_webauthn"}
        and entry.name not in SECOND_FACTOR_PAGES
        and "x" not in url.split("/")
    ],
)
def test_second_factor_pending_user_reaches_no_page(client, clerk_user, url):
    """Every page but the second-factor pages, the admin's included, sends a person who signed
    in with the password only to the second step (enrolled: the code page)."""
    from tests.factories import enrol_authenticator

    enrol_authenticator(clerk_user)
    clerk_user.is_staff = True  # the admin site too
    clerk_user.save()
    client.force_login(clerk_user)
    response = client.get("/" + url)
    if response.status_code in (404, 405):
        return
    assert response.status_code == 302, (
        f"/{url} answered {response.status_code} to a second-factor-pending user"
    )
    assert response["Location"].startswith("/accounts/two-factor/"), response["Location"]


def test_admin_sends_anonymous_users_to_its_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
