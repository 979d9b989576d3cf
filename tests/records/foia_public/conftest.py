import re

import pytest
from django.core import mail
from django.core.cache import cache

from records.models import FoiaRequest

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The rate limits count in the cache (Redis with REDIS_URL): each test starts from zero.
    cache.clear()
    yield
    cache.clear()


def form_data(**overrides) -> dict:
    data = {
        "name": "Pat Resident",
        "email": "pat@example.org",
        "postal_address": "",
        "organisation": "",
        "kind": "individual",
        "description": "Every comment removed from the City's Facebook page in October 2026.",
        "date_from": "",
        "date_to": "",
        "is_commercial": "no",
        "website": "",
    }
    data.update(overrides)
    return data


LINK = re.compile(r"https?://[^\s\"<>]+")


def links_in(message, path: str) -> list[str]:
    """The links to ``path`` in an e-mail's text part."""
    return [link for link in LINK.findall(message.body) if path in link]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def submit_and_confirm(client, django_capture_on_commit_callbacks, **overrides) -> tuple[FoiaRequest, str]:
    """The resident's whole path: the form, the e-mail, the confirmation. The request and its
    status page's path."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/foia/request/", form_data(**overrides), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302, response.content.decode()[:2000]
    confirm_url = links_in(mail.outbox[-1], "/foia/confirm/")[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path_of(confirm_url))
    assert response.status_code == 302
    return FoiaRequest.objects.latest("pk"), response["Location"]
