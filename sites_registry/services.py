"""Every write of the sites registry: requests, decisions, the checklist, policy amendments.

Sites are approved, rejected, suspended, reinstated, retired and re-certified only by
the Communications Office (Ordinance 2019-70, Sec. IV, Procedure: "All City's social
media sites and apps shall be approved by the City Communications Office or their
designee"). Each decision is dated, carries a reason, and is recorded both as a
``SiteDecision`` row and in the site's history.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.portal import roles
from config.portal.audit import stamp
from sites_registry.models import Audience, ComplianceItem, Platform, PolicyDocument, Site, SiteDecision
from sites_registry.selectors import open_mandatory_items

REQUESTERS = (roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE)
CHECKLIST_KEEPERS = (roles.TECHNICAL_SERVICES, roles.COMMUNICATIONS_OFFICE)
DECIDERS = (roles.COMMUNICATIONS_OFFICE,)

_HANDLE_RE = re.compile(r"^@?[\w.\-]{1,200}$")


class InvalidTransition(ValidationError):
    """The site is not in a state from which this decision can be made; nothing changed."""


# action -> (states it may be taken from, state it leads to). Re-certification keeps the state.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    SiteDecision.Action.APPROVE: (frozenset({Site.State.REQUESTED}), Site.State.APPROVED),
    SiteDecision.Action.REJECT: (frozenset({Site.State.REQUESTED}), Site.State.REJECTED),
    SiteDecision.Action.SUSPEND: (frozenset({Site.State.APPROVED}), Site.State.SUSPENDED),
    SiteDecision.Action.REINSTATE: (frozenset({Site.State.SUSPENDED}), Site.State.APPROVED),
    SiteDecision.Action.RETIRE: (frozenset({Site.State.APPROVED, Site.State.SUSPENDED}), Site.State.RETIRED),
    SiteDecision.Action.RECERTIFY: (frozenset({Site.State.APPROVED}), Site.State.APPROVED),
}
# Decisions that make (or keep) a site official need every mandatory disclosure confirmed.
GATED_ACTIONS = frozenset(
    {SiteDecision.Action.APPROVE, SiteDecision.Action.REINSTATE, SiteDecision.Action.RECERTIFY}
)


def allowed_actions(site: Site) -> list[str]:
    """The decisions that can be taken on ``site`` in its current state."""
    return [action for action, (sources, _target) in TRANSITIONS.items() if site.state in sources]


# --- Validation --------------------------------------------------------------------------


def normalise_handle(handle: str) -> str:
    return (handle or "").strip().lstrip("@")


def validate_site_identity(*, platform: Platform, handle: str, url: str, exclude_pk=None) -> str:
    """Check that handle and URL belong to ``platform`` and are not taken; return the clean handle."""
    errors: dict[str, list[str]] = {}
    raw_handle = (handle or "").strip()
    clean_handle = normalise_handle(raw_handle)
    if "/" in raw_handle or ":" in raw_handle:
        # Someone pasted a link as the handle: accept it only if it is on this platform.
        parts = urlsplit(raw_handle if "://" in raw_handle else f"https://{raw_handle}")
        path = [segment for segment in parts.path.split("/") if segment]
        if not platform.host_belongs(parts.hostname or "") or not path:
            errors.setdefault("handle", []).append(
                f"This handle is not a {platform.name} account: it points to {parts.hostname or 'no site'}."
            )
        else:
            clean_handle = normalise_handle(path[-1])
    if not clean_handle:
        errors.setdefault("handle", []).append("Enter the account's handle.")
    elif "handle" not in errors and not _HANDLE_RE.match(clean_handle):
        errors.setdefault("handle", []).append(
            "A handle has only letters, digits, dots, dashes and underscores (an @ in front is fine)."
        )
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        errors.setdefault("url", []).append(
            "Enter the account's full public address, starting with https://."
        )
    elif not platform.host_belongs(parts.hostname):
        allowed = ", ".join(platform.domains)
        errors.setdefault("url", []).append(
            f"This address is on {parts.hostname}, which is not {platform.name} ({allowed})."
        )
    if "handle" not in errors and "url" not in errors and platform.domains:
        # The address must be the handle's own page, or residents would be sent to another account.
        address = f"{parts.path}?{parts.query}".lower()
        if clean_handle.lower() not in address:
            errors.setdefault("url", []).append(
                f"This address is not the page of the account {clean_handle}."
            )
    if "handle" not in errors:
        taken = Site.objects.filter(platform=platform, handle__iexact=clean_handle)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            errors.setdefault("handle", []).append(
                f"{platform.name} account {clean_handle} is already registered."
            )
    if errors:
        raise ValidationError(errors)
    return clean_handle


def _validate_audiences(audiences) -> list[str]:
    audiences = list(dict.fromkeys(audiences or []))
    unknown = [value for value in audiences if value not in Audience.values]
    if unknown:
        raise ValidationError({"audiences": f"Unknown audience: {', '.join(unknown)}."})
    if not audiences:
        raise ValidationError({"audiences": "Choose at least one target audience (Sec. IV)."})
    return audiences


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# --- Sites -------------------------------------------------------------------------------


@transaction.atomic
def site_request(
    *,
    actor,
    platform: Platform,
    account_name: str,
    handle: str,
    url: str,
    department: str,
    audiences: list[str],
    authorised_posters: str,
    contact_information: str,
    note: str = "",
) -> Site:
    """Ask the Communications Office to approve a new City site; opens its checklist."""
    roles.require_role(actor, *REQUESTERS)
    account_name = _required(account_name, "account_name", "Enter the account's name.")
    department = _required(department, "department", "Enter the department that owns the account.")
    audiences = _validate_audiences(audiences)
    authorised_posters = _required(
        authorised_posters, "authorised_posters", "Name the City personnel authorised to post."
    )
    contact_information = _required(
        contact_information, "contact_information", "Enter the City contact information the site displays."
    )
    clean_handle = validate_site_identity(platform=platform, handle=handle, url=url)
    site = Site(
        platform=platform,
        account_name=account_name,
        handle=clean_handle,
        url=url.strip(),
        department=department,
        audiences=audiences,
        authorised_posters=authorised_posters.strip(),
        contact_information=contact_information.strip(),
        requested_by=actor,
        state=Site.State.REQUESTED,
    )
    try:
        # A savepoint: a concurrent request for the same handle loses on the constraint.
        with transaction.atomic():
            stamp(site, actor=actor, reason=note.strip() or "Site requested").save()
    except IntegrityError:
        raise ValidationError(
            {"handle": f"{platform.name} account {clean_handle} is already registered."}
        ) from None
    for kind in ComplianceItem.Kind.values:
        stamp(ComplianceItem(site=site, kind=kind), actor=actor, reason="Checklist opened").save()
    return site


@transaction.atomic
def site_update_details(
    *,
    actor,
    site: Site,
    account_name: str,
    handle: str,
    url: str,
    department: str,
    audiences: list[str],
    authorised_posters: str,
    contact_information: str,
) -> Site:
    """Correct a site's details; the platform never changes (a new platform is a new site)."""
    roles.require_role(actor, *REQUESTERS)
    site = Site.objects.select_for_update().select_related("platform").get(pk=site.pk)
    if site.state in (Site.State.REJECTED, Site.State.RETIRED):
        raise InvalidTransition(f"A {site.get_state_display().lower()} site is kept as it was decided.")
    site.account_name = _required(account_name, "account_name", "Enter the account's name.")
    site.department = _required(department, "department", "Enter the department that owns the account.")
    site.audiences = _validate_audiences(audiences)
    site.authorised_posters = _required(
        authorised_posters, "authorised_posters", "Name the City personnel authorised to post."
    )
    site.contact_information = _required(
        contact_information, "contact_information", "Enter the City contact information the site displays."
    )
    clean_handle = validate_site_identity(platform=site.platform, handle=handle, url=url, exclude_pk=site.pk)
    if site.state != Site.State.REQUESTED:
        # What the Communications Office approved is this account: another account is a new request.
        message = "An approved site's {} cannot change; request the new account and retire this one."
        if clean_handle.lower() != site.handle.lower():
            raise ValidationError({"handle": message.format("handle")})
        if url.strip() != site.url:
            raise ValidationError({"url": message.format("address")})
    site.handle = clean_handle
    site.url = url.strip()
    stamp(site, actor=actor, reason="Site details updated").save()
    return site


def _decide(*, actor, site: Site, action: str, reason: str) -> Site:
    roles.require_role(actor, *DECIDERS)
    reason = _required(reason, "reason", "Give the reason for this decision.")
    with transaction.atomic():
        # Lock and re-read: two officers deciding at once must not both succeed.
        locked = Site.objects.select_for_update().get(pk=site.pk)
        sources, target = TRANSITIONS[action]
        label = SiteDecision.Action(action).label.lower()
        if locked.state not in sources:
            raise InvalidTransition(
                f"{locked.account_name} is {locked.get_state_display().lower()}; it cannot be {label}."
            )
        if action in GATED_ACTIONS:
            since = locked.last_certified_at if action == SiteDecision.Action.RECERTIFY else None
            missing = open_mandatory_items(locked, since=since)
            if missing:
                what = "re-confirmed since the last certification" if since else "confirmed"
                raise ValidationError(
                    {
                        "checklist": [
                            f"These required disclosures are not {what}: "
                            + "; ".join(item.get_kind_display() for item in missing)
                            + "."
                        ]
                    }
                )
        relaxed = False
        if action == SiteDecision.Action.APPROVE:
            relaxed = _check_separation_of_duties(actor, locked)
        now = timezone.now()
        from_state = locked.state
        locked.state = target
        if action in GATED_ACTIONS:
            locked.last_certified_at = now
            locked.last_certified_by = actor
        stamp(locked, actor=actor, reason=f"{SiteDecision.Action(action).label}: {reason}").save()
        decision = SiteDecision(
            site=locked,
            action=action,
            from_state=from_state,
            to_state=target,
            decided_by=actor,
            decided_at=now,
            reason=reason,
            separation_of_duties_relaxed=relaxed,
        )
        stamp(decision, actor=actor, reason=reason).save()
    return locked


def _check_separation_of_duties(actor, site: Site) -> bool:
    """The person who requested a site, or confirmed one of its required disclosures, does not
    approve it: the approval is a second person's check of the first one's work. Returns whether
    the rule was relaxed for this approval (SITE_APPROVAL_SEPARATION_OF_DUTIES off, same person)."""
    roles_held = []
    if site.requested_by_id == actor.pk:
        roles_held.append("requested this site")
    confirmed_by_actor = site.compliance_items.filter(
        status=ComplianceItem.Status.CONFIRMED, checked_by=actor
    ).exclude(kind__in=ComplianceItem.WHERE_POSSIBLE)
    if confirmed_by_actor.exists():
        roles_held.append("confirmed its required disclosures")
    if not roles_held:
        return False
    if settings.SITE_APPROVAL_SEPARATION_OF_DUTIES:
        raise ValidationError(
            f"You {' and '.join(roles_held)}, so another person of the Communications Office must approve it "
            "(separation of duties)."
        )
    return True


def site_approve(*, actor, site: Site, reason: str) -> Site:
    return _decide(actor=actor, site=site, action=SiteDecision.Action.APPROVE, reason=reason)


def site_reject(*, actor, site: Site, reason: str) -> Site:
    return _decide(actor=actor, site=site, action=SiteDecision.Action.REJECT, reason=reason)


def site_suspend(*, actor, site: Site, reason: str) -> Site:
    return _decide(actor=actor, site=site, action=SiteDecision.Action.SUSPEND, reason=reason)


def site_reinstate(*, actor, site: Site, reason: str) -> Site:
    return _decide(actor=actor, site=site, action=SiteDecision.Action.REINSTATE, reason=reason)


def site_retire(*, actor, site: Site, reason: str) -> Site:
    return _decide(actor=actor, site=site, action=SiteDecision.Action.RETIRE, reason=reason)


def site_recertify(*, actor, site: Site, reason: str) -> Site:
    """Confirm again that an approved site still shows every required disclosure."""
    return _decide(actor=actor, site=site, action=SiteDecision.Action.RECERTIFY, reason=reason)


SITE_DECISIONS = {
    SiteDecision.Action.APPROVE: site_approve,
    SiteDecision.Action.REJECT: site_reject,
    SiteDecision.Action.SUSPEND: site_suspend,
    SiteDecision.Action.REINSTATE: site_reinstate,
    SiteDecision.Action.RETIRE: site_retire,
    SiteDecision.Action.RECERTIFY: site_recertify,
}


# --- Compliance checklist ----------------------------------------------------------------


def _locked_item(item: ComplianceItem) -> ComplianceItem:
    locked = ComplianceItem.objects.select_for_update().select_related("site").get(pk=item.pk)
    if locked.site.state in (Site.State.REJECTED, Site.State.RETIRED):
        raise InvalidTransition(
            f"The checklist of a {locked.site.get_state_display().lower()} site is closed."
        )
    return locked


@transaction.atomic
def compliance_item_confirm(*, actor, item: ComplianceItem, where_shown: str) -> ComplianceItem:
    """Record that the site shows this disclosure, and where (a URL or a screenshot reference)."""
    roles.require_role(actor, *CHECKLIST_KEEPERS)
    where_shown = _required(
        where_shown, "where_shown", "Say where the site shows this: its URL or a screenshot reference."
    )
    item = _locked_item(item)
    item.status = ComplianceItem.Status.CONFIRMED
    item.where_shown = where_shown
    item.not_possible_reason = ""
    item.checked_by = actor
    item.checked_at = timezone.now()
    stamp(item, actor=actor, reason="Confirmed").save()
    return item


@transaction.atomic
def compliance_item_mark_not_possible(*, actor, item: ComplianceItem, reason: str) -> ComplianceItem:
    """Only the disclosures the ordinance asks for "where possible" may be marked not possible."""
    roles.require_role(actor, *CHECKLIST_KEEPERS)
    reason = _required(reason, "reason", "Say why the platform does not allow this.")
    item = _locked_item(item)
    if item.is_mandatory:
        raise ValidationError(
            {
                "reason": f"The ordinance requires this on every site; it cannot be marked not possible "
                f"({item.ordinance_reference})."
            }
        )
    item.status = ComplianceItem.Status.NOT_POSSIBLE
    item.not_possible_reason = reason
    item.where_shown = ""
    item.checked_by = actor
    item.checked_at = timezone.now()
    stamp(item, actor=actor, reason=f"Not possible: {reason}").save()
    return item


@transaction.atomic
def compliance_item_reopen(*, actor, item: ComplianceItem, reason: str) -> ComplianceItem:
    """The site no longer shows this disclosure (or it was wrongly confirmed)."""
    roles.require_role(actor, *CHECKLIST_KEEPERS)
    reason = _required(reason, "reason", "Say why this item is open again.")
    item = _locked_item(item)
    item.status = ComplianceItem.Status.OPEN
    item.where_shown = ""
    item.not_possible_reason = ""
    item.checked_by = actor
    item.checked_at = timezone.now()
    stamp(item, actor=actor, reason=f"Reopened: {reason}").save()
    return item


# --- Policy documents --------------------------------------------------------------------


@transaction.atomic
def policy_publish(*, actor, kind: str, text: str, change_summary: str) -> PolicyDocument:
    """Publish an amendment: a new version, effective the day it is posted (Sec. V; Sec. VIII)."""
    roles.require_role(actor, *DECIDERS)
    if kind not in PolicyDocument.Kind.values:
        raise ValidationError({"kind": "Unknown policy."})
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": "Enter the full text of the amended policy."})
    change_summary = _required(change_summary, "change_summary", "Summarise what the amendment changes.")
    # Lock the existing versions of this policy so two amendments get distinct numbers.
    versions = list(PolicyDocument.objects.select_for_update().filter(kind=kind).order_by("-version"))
    if versions and versions[0].text.strip() == text:
        raise ValidationError({"text": "This is the text of the latest version; nothing was amended."})
    document = PolicyDocument(
        kind=kind,
        version=(versions[0].version + 1) if versions else 1,
        text=text + "\n",
        effective_date=timezone.localdate(),
        change_summary=change_summary,
        published_by=actor,
    )
    stamp(document, actor=actor, reason=change_summary).save()
    return document
