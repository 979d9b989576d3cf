"""Each role signs in through a real browser, sees its home page, and the pages pass axe."""

import pytest

from config.portal import roles
from tests.e2e.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, SiteFactory, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLE_HOMES = [
    (roles.COMMUNICATIONS_OFFICE, "Site requests awaiting your decision"),
    (roles.TECHNICAL_SERVICES, "Captured comments"),
    (roles.CITY_CLERK, "Legal holds in force"),
]


def test_each_role_signs_in_and_sees_its_home_page(live_server, chromium):
    SiteFactory()
    users = {role: make_user(role, username=f"e2e{i}") for i, (role, _m) in enumerate(ROLE_HOMES)}
    with browser_page(chromium) as page:
        for role, marker in ROLE_HOMES:
            sign_in(page, live_server.url, users[role].username, TEST_PASSWORD)
            assert page.url.rstrip("/").endswith("/portal"), page.url
            assert page.get_by_role("heading", name=marker).is_visible()
            problems = serious_accessibility_violations(page)
            assert not problems, f"{role} home page:\n" + "\n".join(problems)
            page.get_by_role("button", name=f"Sign out {users[role].username}").click()
            page.wait_for_load_state("domcontentloaded")


def test_public_and_login_pages_are_accessible(live_server, chromium):
    with browser_page(chromium) as page:
        for path in ("/", "/accounts/login/"):
            page.goto(live_server.url + path)
            problems = serious_accessibility_violations(page)
            assert not problems, f"{path}:\n" + "\n".join(problems)


def test_wrong_password_is_refused_with_a_message(live_server, chromium):
    user = make_user(roles.CITY_CLERK, username="clerk-e2e")
    with browser_page(chromium) as page:
        sign_in(page, live_server.url, user.username, "not-the-password")
        assert "/accounts/login/" in page.url
        assert page.get_by_role("alert").is_visible()


def test_accessibility_check_catches_a_serious_violation(chromium):
    """The axe check itself must be able to fail: an image without alt text is critical."""
    with browser_page(chromium) as page:
        page.set_content(
            '<html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>'
        )
        problems = serious_accessibility_violations(page)
    assert any("image-alt" in problem for problem in problems)
