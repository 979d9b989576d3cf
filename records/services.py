"""Writes of the records app. Each takes the acting user and records it in history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from config.portal import locks, roles
from config.portal.audit import stamp
from records.models import LegalHold
from records.retention.services import (  # noqa: F401  (the retention services, re-exported)
    certificate_approve,
    certificate_file,
    certificate_withdraw,
    retention_enforce,
)


@transaction.atomic
def legal_hold_place(
    *,
    actor,
    name: str,
    reason: str,
    matter: str = "",
    sites: Iterable = (),
    commenters: Iterable = (),
    date_from: date | None = None,
    date_to: date | None = None,
    search_terms: str = "",
    comments: Iterable = (),
    kind: str = LegalHold.Kind.LITIGATION,
    reference: str = "",
) -> LegalHold:
    """Place a legal hold. The scope must name something; an empty scope is refused.

    A pending FOIA request holds its responsive records with ``kind=LegalHold.Kind.FOIA_REQUEST``
    and ``reference`` = the request's number (PAC opinion 19-013), released when it closes.
    """
    roles.require_role(actor, roles.CITY_CLERK)
    sites, commenters, comments = list(sites), list(commenters), list(comments)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Give the hold a name."
    if not reason.strip():
        errors["reason"] = "Say why the records are held."
    if kind not in LegalHold.Kind.values:
        errors["kind"] = "Choose the kind of hold."
    if not (sites or commenters or comments or search_terms.strip() or date_from or date_to):
        errors["__all__"] = (
            "A hold must name its scope: sites, commenters, a date range, search terms "
            "or explicitly chosen records."
        )
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = "The end of the date range is before its start."
    if errors:
        raise ValidationError(errors)
    # Wait for any purge batch in flight, so that every batch after this commit sees the hold.
    locks.holds_exclusive()
    hold = LegalHold(
        name=name.strip(),
        kind=kind,
        reference=reference.strip(),
        matter=matter.strip(),
        reason=reason.strip(),
        placed_by=actor,
        placed_at=timezone.now(),
        date_from=date_from,
        date_to=date_to,
        search_terms=search_terms.strip(),
    )
    stamp(hold, actor=actor, reason="Legal hold placed")
    hold.save()
    hold.sites.set(sites)
    hold.commenters.set(commenters)
    hold.comments.set(comments)
    return hold


@transaction.atomic
def legal_hold_add_records(*, actor, hold: LegalHold, comments: Iterable) -> LegalHold:
    """Add explicitly chosen records to an active hold (e.g. more responsive records found)."""
    roles.require_role(actor, roles.CITY_CLERK)
    comments = list(comments)
    if not comments:
        raise ValidationError({"comments": "Choose at least one record to add."})
    locks.holds_exclusive()
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise ValidationError(f"The hold “{hold.name}” was released; place a new hold instead.")
    hold.comments.add(*comments)
    stamp(hold, actor=actor, reason=f"{len(comments)} record(s) added to the hold")
    hold.save()
    return hold


@transaction.atomic
def legal_hold_release(*, actor, hold: LegalHold, reason: str, by_foia_request: bool = False) -> LegalHold:
    """Release a hold. The hold of a pending FOIA request is released only by the FOIA
    services (``by_foia_request``) when the request is closed, withdrawn or re-scoped."""
    roles.require_role(actor, roles.CITY_CLERK)
    locks.holds_exclusive()
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise ValidationError(f"The hold “{hold.name}” was already released on {hold.released_at:%Y-%m-%d}.")
    pending = hold.pending_foia_request
    if pending is not None and not by_foia_request:
        raise ValidationError(
            f"This hold keeps the responsive records of pending FOIA request {pending.reference} "
            "(PAC opinion 19-013); it is released when the request is closed or withdrawn."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the hold is released."})
    hold.released_by = actor
    hold.released_at = timezone.now()
    hold.release_reason = reason.strip()
    stamp(hold, actor=actor, reason="Legal hold released")
    hold.save()
    return hold
