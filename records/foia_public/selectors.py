"""Reads of the public request pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from records.foia.notifications import token_sha256
from records.models import FoiaExport, FoiaLetter, FoiaLetterTemplate, FoiaRequest, FoiaStatusLink

# A token is secrets.token_urlsafe(32): 43 characters. Anything much longer is not one.
TOKEN_MAX_LENGTH = 100


def request_for_status_token(token: str) -> FoiaRequest | None:
    """The request a live status link opens; None for a wrong, expired or destroyed one alike."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    link = (
        FoiaStatusLink.objects.select_related("request__requester")
        .filter(token_sha256=token_sha256(token), expires_at__gt=timezone.now())
        .first()
    )
    return link.request if link else None


def released_exports(request: FoiaRequest):
    return request.exports.filter(state=FoiaExport.State.COMPLETE, released_at__isnull=False).order_by(
        "released_at", "pk"
    )


RESPONSE_KINDS = (
    FoiaLetterTemplate.Kind.FULFILMENT,
    FoiaLetterTemplate.Kind.PARTIAL,
    FoiaLetterTemplate.Kind.DENIAL,
)


def public_log():
    """Closed requests the Clerk chose to list, newest first, with the letters that answered them."""
    return (
        FoiaRequest.objects.filter(public_log=True, state=FoiaRequest.State.CLOSED)
        .select_related("requester")
        .prefetch_related(
            Prefetch(
                "letters",
                queryset=FoiaLetter.objects.filter(kind__in=RESPONSE_KINDS).order_by("sent_on", "pk"),
                to_attr="responses",
            )
        )
        .order_by("-closed_at", "-pk")
    )


def disposition(request: FoiaRequest) -> str:
    """How the request was answered, from the last response letter (the state is now "closed")."""
    responses = getattr(request, "responses", None)
    if responses is None:
        responses = list(request.letters.filter(kind__in=RESPONSE_KINDS).order_by("sent_on", "pk"))
    if not responses:
        return "Closed"
    return {
        FoiaLetterTemplate.Kind.FULFILMENT: "Granted",
        FoiaLetterTemplate.Kind.PARTIAL: "Granted in part",
        FoiaLetterTemplate.Kind.DENIAL: "Denied",
    }[responses[-1].kind]
