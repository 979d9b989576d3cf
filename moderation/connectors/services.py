"""Writes of automatic capture, each one named and recorded with who did it.

Connecting, reauthorizing and disconnecting a site are an administrator's; a run writes as
the system user: items through the capture services (moderation.capture.services), items
found missing and block lists here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from config.portal import locks
from config.portal.audit import stamp, system_user
from moderation.capture.importers import Author
from moderation.capture.models import Comment, Commenter
from moderation.connectors import crypto
from moderation.models import CaptureState, ConnectionSecret, PlatformBlock, SiteConnection
from sites_registry.models import Site

# Platforms whose API the portal reads on its own; the rest (LinkedIn, Nextdoor, Nixle,
# Ring) are captured from files or through the Capture API.
CONNECTABLE_PLATFORMS = ("facebook", "instagram", "x", "youtube")
# Items a listing cannot be expected to list: posts kept only because something referenced
# them, and items already known gone.
_NOT_LISTED_STATES = (Comment.PlatformState.DELETED, Comment.PlatformState.UNAVAILABLE)


def _require_admin(actor) -> None:
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Only an administrator connects a site to its platform.")


def _clean_credentials(credentials: dict) -> dict:
    token = str(credentials.get("access_token") or "").strip()
    if not token:
        raise ValidationError({"token": "Paste the token the platform issued for this account."})
    if len(token) > 4000 or any(ch.isspace() for ch in token):
        raise ValidationError({"token": "This is not a token: it has spaces or is over 4,000 characters."})
    cleaned = {"access_token": token}
    for key in ("refresh_token", "expires_at", "token_type", "scope"):
        if credentials.get(key):
            cleaned[key] = credentials[key]
    return cleaned


@transaction.atomic
def site_connect(
    *, actor, site: Site, account_id: str, credentials: dict, method: str, interval_minutes: int | None = None
) -> SiteConnection:
    """Connect (or reconnect, or reauthorize) an approved site: its credentials are stored
    encrypted and never shown again; the history records who connected it, not the token."""
    _require_admin(actor)
    site = Site.objects.select_related("platform").get(pk=site.pk)
    errors = {}
    if site.platform.slug not in CONNECTABLE_PLATFORMS:
        errors["site"] = (
            f"{site.platform.name} has no API the portal can capture from; capture it from exported "
            "files or through the Capture API."
        )
    elif site.state != Site.State.APPROVED:
        errors["site"] = f"{site} is {site.get_state_display().lower()}; only an approved site is connected."
    account_id = (account_id or "").strip()
    if not account_id or len(account_id) > 200 or any(ch.isspace() for ch in account_id):
        errors["account_id"] = "Give the platform's id of the account (no spaces, at most 200 characters)."
    if interval_minutes is not None and not 5 <= interval_minutes <= 24 * 60:
        errors["interval_minutes"] = "Capture at most every 5 minutes and at least once a day."
    if errors:
        raise ValidationError(errors)
    cleaned = _clean_credentials(credentials)
    connection = SiteConnection.objects.select_for_update().filter(site=site).first()
    if connection is None:
        connection = SiteConnection(site=site)
        reason = "Connected to the platform"
    else:
        reason = (
            "Reauthorized"
            if connection.state == SiteConnection.State.NEEDS_REAUTHORIZATION
            else "Reconnected"
        )
    connection.state = SiteConnection.State.CONNECTED
    connection.state_reason = ""
    connection.method = method
    connection.account_id = account_id
    connection.interval_minutes = interval_minutes
    connection.connected_by = actor
    connection.connected_at = timezone.now()
    how = SiteConnection.Method(method).label.lower()
    stamp(connection, actor=actor, reason=f"{reason}: {how}").save()
    ConnectionSecret.objects.update_or_create(
        connection=connection, defaults={"ciphertext": crypto.seal(cleaned)}
    )
    state, _ = CaptureState.objects.get_or_create(connection=connection)
    state.reauthorization_notified_at = None
    state.next_run_at = None  # captured at the next beat
    state.save(update_fields=["reauthorization_notified_at", "next_run_at"])
    return connection


@transaction.atomic
def site_disconnect(*, actor, connection: SiteConnection, reason: str) -> SiteConnection:
    """Stop capturing a site and destroy its credentials (the captured records stay)."""
    _require_admin(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the site is disconnected."})
    connection = SiteConnection.objects.select_for_update().get(pk=connection.pk)
    ConnectionSecret.objects.filter(connection=connection).delete()
    connection.state = SiteConnection.State.DISCONNECTED
    connection.state_reason = reason.strip()[:2000]
    stamp(connection, actor=actor, reason=f"Disconnected: {reason.strip()[:500]}").save()
    return connection


def credentials_of(connection: SiteConnection) -> dict:
    secret = ConnectionSecret.objects.filter(connection=connection).first()
    if secret is None:
        return {}
    return crypto.unseal(secret.ciphertext)


@transaction.atomic
def credentials_replace(*, connection: SiteConnection, credentials: dict) -> None:
    """New credentials from a token refresh (OAuth); the connection itself is unchanged."""
    ConnectionSecret.objects.update_or_create(
        connection=connection, defaults={"ciphertext": crypto.seal(_clean_credentials(credentials))}
    )


@transaction.atomic
def connection_needs_reauthorization(*, connection: SiteConnection, message: str) -> bool:
    """The platform refused the token: stop capturing until an administrator reauthorizes.
    True the first time (the caller tells TST), False when it was already so."""
    connection = SiteConnection.objects.select_for_update().get(pk=connection.pk)
    if connection.state == SiteConnection.State.NEEDS_REAUTHORIZATION:
        return False
    connection.state = SiteConnection.State.NEEDS_REAUTHORIZATION
    connection.state_reason = message[:2000]
    stamp(connection, actor=system_user(), reason=f"Needs reauthorization: {message[:500]}").save()
    return True


def comments_mark_missing(
    *, site: Site, platform_item_ids: Iterable[str], found_at: datetime, listing: str
) -> int:
    """Items a complete listing lacked: deleted on the platform, first found missing now.
    Nothing is removed; the record says when the portal knew. Inside the caller's
    transaction, under the site's capture lock."""
    ids = list(platform_item_ids)
    if not ids:
        return 0
    locks.capture_import(site.pk)
    actor = system_user()
    marked = 0
    for start in range(0, len(ids), 1000):
        rows = list(
            Comment.objects.filter(site=site, platform_item_id__any_of=ids[start : start + 1000]).exclude(
                platform_state__in=_NOT_LISTED_STATES
            )
        )
        for comment in rows:
            comment.platform_state = Comment.PlatformState.DELETED
            comment.found_missing_at = comment.found_missing_at or found_at
            comment.updated_at = found_at
        if rows:
            bulk_update_with_history(
                rows,
                Comment,
                ["platform_state", "found_missing_at", "updated_at"],
                default_user=actor,
                default_change_reason=(
                    f"Not in a complete listing of {listing} (every page fetched, no error): "
                    "deleted on the platform"
                ),
                default_date=found_at,
            )
            marked += len(rows)
    return marked


@transaction.atomic
def platform_blocks_record(
    *, site: Site, entries: Iterable[tuple[Author, str]], seen_at: datetime, complete: bool
) -> int:
    """The site's block list as the platform lists it now: new entries first seen now, listed
    ones last seen now, and, when the listing was complete, entries no longer listed gone
    from now. Returns how many accounts are listed."""
    actor = system_user()
    reason = "Captured from the platform's block list"
    authors: dict[str, tuple[Author, str]] = {}
    for author, raw in entries:
        authors[author.platform_user_id] = (author, raw)
    commenters = {
        c.platform_user_id: c
        for c in Commenter.objects.filter(platform=site.platform, platform_user_id__any_of=list(authors))
    }
    new_commenters = [
        Commenter(
            platform=site.platform,
            platform_user_id=uid,
            display_name=author.display_name,
            profile_url=author.profile_url,
            created_at=seen_at,
        )
        for uid, (author, _raw) in authors.items()
        if uid not in commenters
    ]
    if new_commenters:
        for commenter in bulk_create_with_history(
            new_commenters, Commenter, default_user=actor, default_change_reason=reason, default_date=seen_at
        ):
            commenters[commenter.platform_user_id] = commenter
    held = {
        block.commenter_id: block for block in PlatformBlock.objects.select_for_update().filter(site=site)
    }
    listed_ids = set()
    new_blocks, seen_again, returned = [], [], []
    for uid, (_author, raw) in authors.items():
        commenter = commenters[uid]
        listed_ids.add(commenter.pk)
        block = held.get(commenter.pk)
        if block is None:
            new_blocks.append(
                PlatformBlock(
                    site=site,
                    commenter=commenter,
                    first_seen_at=seen_at,
                    last_seen_at=seen_at,
                    raw_payload=raw,
                )
            )
        else:
            if block.gone_at is not None:
                returned.append(block)
            block.last_seen_at = seen_at
            block.raw_payload = raw
            block.gone_at = None
            seen_again.append(block)
    if new_blocks:
        bulk_create_with_history(
            new_blocks, PlatformBlock, default_user=actor, default_change_reason=reason, default_date=seen_at
        )
    if seen_again:
        # Last seen moves every run; only a return to the list is a change worth a history row.
        PlatformBlock.objects.filter(pk__in=[b.pk for b in seen_again]).update(last_seen_at=seen_at)
        if returned:
            bulk_update_with_history(
                returned,
                PlatformBlock,
                ["gone_at", "raw_payload", "last_seen_at"],
                default_user=actor,
                default_change_reason=f"{reason}: listed again",
                default_date=seen_at,
            )
    if complete:
        gone = [b for pk, b in held.items() if pk not in listed_ids and b.gone_at is None]
        for block in gone:
            block.gone_at = seen_at
        if gone:
            bulk_update_with_history(
                gone,
                PlatformBlock,
                ["gone_at"],
                default_user=actor,
                default_change_reason=f"{reason}: no longer on the complete list (unblocked)",
                default_date=seen_at,
            )
    return len(authors)
