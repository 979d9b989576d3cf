"""The Capture API for archiving tools: ``POST /api/v1/captures/`` with an integration token.

Authentication is a per-integration bearer token (``Authorization: Bearer kkc_…``)
issued in the admin site and stored only as its SHA-256; the session login of the portal
does not apply here. A batch is for one site and is refused whole when one item is bad,
naming the item's index and field. The OpenAPI schema is at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import AwareDatetime

from config.portal.audit import system_user
from moderation.capture.importers import CaptureError
from moderation.capture.importers.base import MAX_TEXT_LENGTH
from moderation.capture.importers.portal_format import item_from_object
from moderation.capture.selectors import integration_token_check
from moderation.capture.services import captures_import


class IntegrationTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        return integration_token_check(token)


api = NinjaAPI(
    title="City of Kankakee capture API",
    version="1",
    description="Archiving tools push captured posts and comments of the City's official sites.",
    urls_namespace="api",
    docs_url=None,
    auth=IntegrationTokenAuth(),
)


# Text is stored exactly as received, so it may hold anything but NUL (PostgreSQL text).
NO_NUL = r"^[^\x00]*$"
HTTP_URL = r"^(https?://[^\x00]*)?$"


class AuthorIn(Schema):
    id: str = Field(min_length=1, max_length=200, pattern=NO_NUL, description="The platform's user id.")
    name: str = Field("", max_length=500, pattern=NO_NUL)
    profile_url: str = Field("", max_length=1000, pattern=HTTP_URL)
    handle: str = Field(
        "", max_length=500, pattern=NO_NUL, description="The account's username, if the platform has one."
    )


class CaptureItemIn(Schema):
    id: str = Field(
        min_length=1, max_length=200, pattern=NO_NUL, description="The platform's item id, unique per site."
    )
    text: str = Field(
        max_length=MAX_TEXT_LENGTH,
        pattern=NO_NUL,
        description="The text exactly as on the platform (may be empty).",
    )
    posted_at: AwareDatetime = Field(
        description="ISO 8601 with a UTC offset; not before 1990 nor in the future."
    )
    kind: Literal["city_post", "comment", "reply", "repost", "referenced"] | None = None
    parent_id: str | None = Field(None, max_length=200, pattern=NO_NUL)
    author: AuthorIn | None = None
    permalink: str | None = Field(None, max_length=1000, pattern=HTTP_URL)
    state: Literal["visible", "hidden", "deleted", "unavailable"] | None = None
    from_city: bool | None = None
    raw_payload: str | None = Field(
        None,
        pattern=NO_NUL,
        description="The platform's payload as text, stored exactly; default: the item itself.",
    )


class CaptureBatchIn(Schema):
    site: int = Field(description="The portal's id of the City site the items are from.")
    items: list[CaptureItemIn] = Field(min_length=1, max_length=settings.CAPTURE_API_MAX_ITEMS)


class CaptureResultOut(Schema):
    created: int
    updated: int
    unchanged: int
    repeated: int = Field(
        description="Items sent more than once in the batch: each imported once, from its last occurrence."
    )


class ErrorOut(Schema):
    detail: str
    index: int | None = None
    field: str | None = None


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    first = exc.errors[0] if exc.errors else {}
    loc = [part for part in first.get("loc", ()) if part not in ("body", "batch")]
    index = next((part for part in loc[1:2] if isinstance(part, int)), None) if loc[:1] == ["items"] else None
    field = str(loc[-1]) if loc and not isinstance(loc[-1], int) else None
    where = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
    detail = f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid request"))
    return api.create_response(request, {"detail": detail, "index": index, "field": field}, status=422)


@api.post(
    "/captures/",
    response={200: CaptureResultOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Send a batch of captured items for one site",
    url_name="captures",
)
def post_captures(request, batch: CaptureBatchIn):
    token = request.auth
    site = next((site for site in token.sites.all() if site.pk == batch.site), None)
    if site is None:
        return Status(403, {"detail": "This token may not send captures for that site.", "field": "site"})
    # The items as received (same keys, order and strings) are their default payload.
    raw_items = json.loads(request.body)["items"]
    try:
        items = [
            item_from_object(
                _as_object(raw, parsed), location=f"items[{index}]", raw=json.dumps(raw, ensure_ascii=False)
            )
            for index, (raw, parsed) in enumerate(zip(raw_items, batch.items, strict=True))
        ]
        result = captures_import(
            actor=system_user(), site=site, items=items, reason=f"Captured through the API ({token.name})"
        )
    except CaptureError as exc:
        index = int(exc.location.split("[")[1].split("]")[0]) if exc.location.startswith("items[") else None
        return Status(422, {"detail": str(exc), "index": index, "field": exc.field or None})
    except DjangoValidationError as exc:
        return Status(422, {"detail": "; ".join(exc.messages), "field": "site"})
    return Status(200, result.as_dict())


def _as_object(raw: dict, parsed: CaptureItemIn) -> dict:
    obj = dict(raw)
    obj["posted_at"] = (
        parsed.posted_at.isoformat() if isinstance(parsed.posted_at, datetime) else raw["posted_at"]
    )
    return obj


def urls():
    """The API's URL patterns, exempt from the portal login: the token is the authentication."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns, app_name, namespace
