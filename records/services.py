"""Writes of the records app. Each takes the acting user and records it in history."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from config.portal import locks, roles
from config.portal.audit import stamp
from records.models import HoldScope, LegalHold
from records.retention.services import (  # noqa: F401  (the retention services, re-exported)
    certificate_approve,
    certificate_file,
    certificate_withdraw,
    retention_enforce,
)
from records.series import REGISTRY, Scope


def _check_scope(scope: Scope, where: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not scope.has_criteria and not scope.series:
        errors["__all__"] = (
            f"{where} must name what it holds: sites, commenters, a date range, search terms, "
            "explicitly chosen records or record series."
        )
    unknown = [key for key in scope.series if key not in REGISTRY]
    if unknown:
        errors["series"] = f"Unknown record series: {', '.join(unknown)}."
    if scope.date_from and scope.date_to and scope.date_from > scope.date_to:
        errors["date_to"] = "The end of the date range is before its start."
    return errors


def _save_scope(hold: LegalHold, scope: Scope, *, actor, reason: str) -> HoldScope:
    row = HoldScope(
        hold=hold,
        series=list(scope.series),
        site_ids=sorted(set(scope.site_ids)),
        commenter_ids=sorted(set(scope.commenter_ids)),
        date_from=scope.date_from,
        date_to=scope.date_to,
        search_terms="\n".join(scope.terms),
        record_ids=sorted(set(scope.record_ids)),
    )
    stamp(row, actor=actor, reason=reason)
    row.save()
    return row


@transaction.atomic
def legal_hold_place(
    *,
    actor,
    name: str,
    reason: str,
    scopes: Iterable[Scope],
    matter: str = "",
    kind: str = LegalHold.Kind.LITIGATION,
    reference: str = "",
) -> LegalHold:
    """Place a legal hold covering the union of ``scopes``; each must name something.

    A pending FOIA request holds its responsive records with ``kind=LegalHold.Kind.FOIA_REQUEST``,
    ``reference`` = the request's number and the request's own scope (PAC opinion 19-013),
    released when it closes.
    """
    roles.require_role(actor, roles.CITY_CLERK)
    scopes = list(scopes)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Give the hold a name."
    if not reason.strip():
        errors["reason"] = "Say why the records are held."
    if kind not in LegalHold.Kind.values:
        errors["kind"] = "Choose the kind of hold."
    if not scopes:
        errors["__all__"] = "A hold must have at least one scope."
    for scope in scopes:
        errors = {**_check_scope(scope, "A hold"), **errors}
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
    )
    stamp(hold, actor=actor, reason="Legal hold placed")
    hold.save()
    for scope in scopes:
        _save_scope(hold, scope, actor=actor, reason="Legal hold placed")
    return hold


@transaction.atomic
def legal_hold_add_scope(*, actor, hold: LegalHold, scope: Scope) -> LegalHold:
    """Widen an active hold by one more scope (more responsive records found, a new party).

    A hold is never narrowed in place: to hold less, release it and place a new one, so the
    history shows what was held when."""
    roles.require_role(actor, roles.CITY_CLERK)
    errors = _check_scope(scope, "The scope")
    if errors:
        raise ValidationError(errors)
    locks.holds_exclusive()
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise ValidationError(f"The hold “{hold.name}” was released; place a new hold instead.")
    if hold.pending_foia_request is not None:
        raise ValidationError(
            "This hold is exactly the scope of a pending FOIA request; change the request's scope instead."
        )
    _save_scope(hold, scope, actor=actor, reason="Scope added to the hold")
    stamp(hold, actor=actor, reason="Scope added to the hold")
    hold.save()
    return hold


def legal_hold_add_records(*, actor, hold: LegalHold, comments: Iterable) -> LegalHold:
    """Add explicitly chosen captured items to an active hold, as one more scope."""
    record_ids = tuple(comment.pk for comment in comments)
    if not record_ids:
        raise ValidationError({"record_ids": "Choose at least one record to add."})
    return legal_hold_add_scope(actor=actor, hold=hold, scope=Scope(record_ids=record_ids))


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
