"""Headers on real responses under production settings; nothing inline for the CSP to refuse;
request bodies above the limit refused before they are read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.factories import sign_in_verified

pytestmark = pytest.mark.django_db

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
STATIC = Path(django_settings.BASE_DIR) / "static"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/directory/", "/accounts/login/", "/portal/", "/admin/"])
def test_security_headers_on_real_responses_under_production_settings(client, production, superuser, path):
    sign_in_verified(client, superuser)
    response = client.get(path, secure=True)
    assert response.status_code == 200, path
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert "publickey-credentials-get=(self)" in policy


def test_plain_http_is_sent_to_https_in_production(client, production):
    response = client.get("/directory/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_check_deploy_is_clean_under_production_settings(production, settings):
    from django.core.management import call_command

    settings.SECRET_KEY = "x" * 20 + "production-like-key-for-the-deploy-check-0123456789"
    settings.ALLOWED_HOSTS = ["social.citykankakee-il.gov"]
    call_command("check", deploy=True, fail_level="WARNING")


# --- Nothing inline: the CSP allows no inline script, style or handler. ---------------------
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
_STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
_JAVASCRIPT_URL = re.compile(r"javascript:", re.I)


def _page_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        # E-mails are read in mail programs, not under the portal's CSP.
        if "email" in path.parts:
            continue
        yield path


@pytest.mark.parametrize("path", list(_page_templates()), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_or_style(path):
    text = path.read_text(encoding="utf-8")
    for pattern, what in (
        (_INLINE_SCRIPT, "an inline <script>"),
        (_STYLE_ATTRIBUTE, "a style= attribute"),
        (_STYLE_ELEMENT, "a <style> element"),
        (_HANDLER, "an on…= handler attribute"),
        (_JAVASCRIPT_URL, "a javascript: URL"),
    ):
        match = pattern.search(text)
        assert match is None, (
            f"{path.relative_to(TEMPLATES)} has {what}: {text[match.start() : match.start() + 60]!r}"
        )


def test_python_code_writes_no_inline_style_into_pages():
    base = Path(django_settings.BASE_DIR)
    offenders = []
    for package in ("config", "sites_registry", "moderation", "records"):
        for path in (base / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "format_html" in text or "mark_safe" in text:
                for pattern in (_STYLE_ATTRIBUTE, _HANDLER):
                    if pattern.search(text):
                        offenders.append(str(path.relative_to(base)))
    assert not offenders


def test_the_inline_check_can_fail():
    assert _INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not _INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert _STYLE_ATTRIBUTE.search('<svg class="x" style="max-width: 4rem">')
    assert _HANDLER.search('<button onclick="go()">')


# --- Body limit ------------------------------------------------------------------------------
def test_a_body_above_the_limit_is_refused_before_it_is_read(client, settings, tst_user):
    sign_in_verified(client, tst_user)
    too_big = settings.PORTAL_MAX_REQUEST_BYTES + 1
    response = client.post(
        "/portal/moderation/import/",
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(too_big),
    )
    assert response.status_code == 413
    text = response.content.decode()
    assert f"{too_big:,} bytes" in text and "import_captures" in text


def test_the_api_gets_its_413_as_json(client, settings):
    response = client.post(
        "/api/v1/captures/", data=b"{}", content_type="application/json", CONTENT_LENGTH=str(10**10)
    )
    assert response.status_code == 413
    assert "at most" in response.json()["detail"]


def test_a_body_within_the_limit_goes_through(client, settings):
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 200
