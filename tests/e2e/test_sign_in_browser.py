"""Sign-in in a real browser: enrolment on first sign-in, the second factor on the admin site,
and the Content-Security-Policy check every browser test runs under."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from config.portal import roles
from tests.e2e.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_first_sign_in_enrols_an_authenticator_app_and_shows_recovery_codes(live_server, chromium):
    clerk = make_user(roles.CITY_CLERK, username="new-clerk")
    with browser_page(chromium) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(clerk.username)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("domcontentloaded")
        assert "/accounts/two-factor/setup/" in page.url
        assert page.get_by_role("heading", name="Set up your second factor").is_visible()
        assert not serious_accessibility_violations(page)
        # Nothing else opens before enrolment.
        page.goto(f"{live_server.url}/portal/foia/")
        assert "/accounts/two-factor/setup/" in page.url
        # The person's phone: the key shown on the page, typed into an app.
        secret = page.locator(".portal-secret").inner_text().replace(" ", "")
        key = b32decode(secret + "=" * (-len(secret) % 8))
        page.get_by_label("Code from the app").fill(f"{TOTP(key).token():06d}")
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state("domcontentloaded")
        assert "/accounts/two-factor/recovery-codes/" in page.url
        assert page.locator("#recovery-codes li").count() == 10
        page.get_by_role("link", name="Continue to the portal").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_role("heading", name="Legal holds in force").is_visible()


def test_admin_site_asks_for_the_second_factor(live_server, chromium):
    admin = make_user("admin", username="e2e-admin")
    with browser_page(chromium) as page:
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("Username").fill(admin.username)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("domcontentloaded")
        # The admin login does not open the admin: the second step comes first.
        assert "/accounts/two-factor/" in page.url
        page.goto(f"{live_server.url}/admin/")
        assert "/accounts/two-factor/" in page.url
        sign_in(page, live_server.url, admin.username, TEST_PASSWORD)
        # The admin works under the portal's CSP (browser_page fails the test on a violation).
        for path in (
            "/admin/",
            "/admin/auth/user/",
            f"/admin/auth/user/{admin.pk}/change/",
            "/admin/portal/signinevent/",
        ):
            response = page.goto(live_server.url + path)
            assert response.status == 200, path


def test_the_csp_watch_catches_an_inline_script(chromium):
    """The check every browser test runs must be able to fail."""
    inline = (
        '<html lang="en"><head><title>t</title></head>'
        '<body><script>document.title = "x";</script></body></html>'
    )
    with browser_page(chromium) as page:
        page.route(
            "http://csp.test/",
            lambda route: route.fulfill(
                status=200,
                content_type="text/html",
                headers={"Content-Security-Policy": "default-src 'self'"},
                body=inline,
            ),
        )
        page.goto("http://csp.test/")
        page.wait_for_timeout(300)
        caught = list(page.csp_violations)
        page.csp_violations.clear()  # caught on purpose: browser_page would fail this test
    assert any("inline script" in violation for violation in caught), caught


def test_passkey_enrolment_and_sign_in_with_a_security_key(live_server, chromium, settings):
    """A virtual security key (Chromium's WebAuthn test authenticator) enrols on first sign-in,
    then is the second factor of the next sign-in."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url.replace("127.0.0.1", "localhost")]
    base = live_server.url.replace("127.0.0.1", "localhost")
    comms = make_user(roles.COMMUNICATIONS_OFFICE, username="passkey-comms")
    with browser_page(chromium) as page:
        cdp = page.context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "usb",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )

        def password_step():
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("Username").fill(comms.username)
            page.get_by_label("Password").fill(TEST_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state("domcontentloaded")

        password_step()
        assert "/accounts/two-factor/setup/" in page.url
        page.get_by_role("button", name="Set up a passkey or security key").click()
        page.wait_for_url("**/accounts/two-factor/recovery-codes/")
        assert page.locator("#recovery-codes li").count() == 10
        page.get_by_role("button", name=f"Sign out {comms.username}").click()
        page.wait_for_load_state("domcontentloaded")

        password_step()
        assert "/accounts/two-factor/" in page.url and "setup" not in page.url
        page.get_by_role("button", name="Use a passkey or security key").click()
        page.wait_for_url("**/portal/")
        assert page.get_by_role("heading", name="Site requests awaiting your decision").is_visible()
    from config.portal.accounts.models import SignInEvent

    assert SignInEvent.objects.filter(
        user=comms, kind="factor_enrolled", detail__startswith="passkey"
    ).exists()
