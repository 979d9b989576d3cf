"""A local platform server for the connectors' tests, and a site connected to it."""

from __future__ import annotations

import pytest

from moderation.connectors import services
from tests.factories.moderation import site_on
from tests.fakeplatform import FakePlatformServer


@pytest.fixture
def platform_server(settings):
    with FakePlatformServer() as server:
        settings.CAPTURE_HTTP_BACKOFF_SECONDS = 0.01
        settings.CAPTURE_HTTP_TIMEOUT = 5
        yield server


@pytest.fixture
def connect(platform_server, settings, superuser):
    """connect(slug, app, **site fields) -> site: an approved site of that platform, its API
    served by ``app`` on the local server, connected with the app's token."""

    def _connect(slug: str, app, *, account_id: str, **site_fields):
        settings.CAPTURE_API_URLS = {**settings.CAPTURE_API_URLS, slug: platform_server.mount(slug, app)}
        site = site_on(slug, **site_fields)
        services.site_connect(
            actor=superuser,
            site=site,
            account_id=account_id,
            credentials={"access_token": app.token},
            method="token",
        )
        return site

    return _connect
