"""Playwright for Python driving Debian's Chromium (no browser download), plus axe-core.

Every page a browser test opens runs under the portal's Content-Security-Policy: a violation
(an inline script or style, a handler attribute, a resource from elsewhere) is reported by
Chromium on the console, and ``browser_page`` fails the test that caused it.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def browser_page(executable: str):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous, so Django's async-safety guard is lifted for the test.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            try:
                context = browser.new_context()
                page = context.new_page()
                page.set_default_timeout(15000)
                violations = watch_content_security_policy(page)
                page.csp_violations = violations
                yield page
                assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def watch_content_security_policy(page) -> list[str]:
    """The CSP violations of every page ``page`` opens from now on (Chromium reports each on the
    console as "Refused to ... because it violates the following Content Security Policy ...")."""
    violations: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return violations


def sign_in(page, live_server_url: str, username: str, password: str) -> None:
    """The whole sign-in: user name and password, then (for a staff account) the code of its
    authenticator app, computed from the enrolled secret as the person's phone would."""
    from django.contrib.auth import get_user_model

    from tests.factories import current_totp, enrol_authenticator

    user = get_user_model().objects.filter(username=username).first()
    device = enrol_authenticator(user) if user is not None else None
    page.goto(f"{live_server_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("domcontentloaded")
    if device is not None and "/accounts/two-factor/" in page.url:
        page.get_by_label("Code").fill(current_totp(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("domcontentloaded")


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the current page, as readable lines."""
    if not AXE_JS.exists():
        raise AssertionError(f"axe-core is not installed at {AXE_JS}: run `npm ci`")
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a <script>
    # tag with axe's text would be an inline script, refused by the policy).
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])} node(s): {v['nodes'][0]['target']})"
        for v in result["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
