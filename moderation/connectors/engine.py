"""One capture of one connected site: the engine under the scheduled task and ``capture_site``.

A run fetches its connector's listings page by page. Each page goes, as the platform sent
it, to the importer of its format, and the items go through ``captures_import`` (the same
writer as every file), ``CAPTURE_COMMIT_ITEMS`` at a time, each commit with the cursor of
the page after it. So a worker killed mid-run loses nothing committed, and the next run
carries on from that page rather than from the start.

Deletions: a listing fetched whole in one run (every page, no error) accounts for every
item its ``Coverage`` names; an item among them first stored before the listing began and
absent from it is marked deleted on the platform, with when it was first found missing. A
listing that failed, stopped part-way or was resumed from a cursor marks nothing. Nothing
is ever removed from the portal by a capture.

One run per site at a time (a session advisory lock); a second start while one runs returns
None. A run left "running" by a killed worker is marked interrupted by the next.
"""

from __future__ import annotations

import io
import logging
import socket
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.portal import locks
from config.portal.audit import system_user
from moderation.capture.importers import FORMATS, CaptureError
from moderation.capture.models import Comment
from moderation.capture.services import captures_import
from moderation.connectors import oauth, services
from moderation.connectors.base import Listing, RunContext
from moderation.connectors.client import PlatformClient, PlatformFault, PlatformRefused, TokenRejected
from moderation.connectors.crypto import CredentialsUnreadable
from moderation.connectors.platforms import connector_class
from moderation.models import CaptureRun, CaptureState, SiteConnection
from sites_registry.models import Site

log = logging.getLogger(__name__)

# Levels of replies followed at most when a coverage asks for "all" descendants.
MAX_DEPTH = 50


class RunStopped(Exception):
    """The run cannot go on (a fault, a refused token, an unreadable page)."""


def capture(
    *, site: Site, full: bool = False, rescan: bool | None = None, requested_by=None
) -> CaptureRun | None:
    """Capture ``site`` from its platform now. None when another run of the site is going."""
    if not locks.capture_run_try(site.pk):
        return None
    try:
        return _Run(site, full=full, rescan=rescan, requested_by=requested_by).go()
    finally:
        locks.capture_run_release(site.pk)


class _Run:
    def __init__(self, site: Site, *, full: bool, rescan: bool | None, requested_by):
        self.site = Site.objects.select_related("platform").get(pk=site.pk)
        self.connection = SiteConnection.objects.get(site=self.site)
        self.state, _ = CaptureState.objects.get_or_create(connection=self.connection)
        self.now = timezone.now()
        self.resume = dict((self.state.cursors or {}).get("resume") or {})
        if rescan is None:
            last = self.state.last_rescan_at
            rescan = last is None or last <= self.now - timedelta(hours=settings.CAPTURE_RESCAN_HOURS)
        if self.resume:
            # Carry on what the interrupted run was doing, in its mode.
            full = full or bool(self.resume.get("full"))
            rescan = rescan or bool(self.resume.get("rescan"))
        self.full, self.rescan = full, rescan
        days = settings.CAPTURE_RESCAN_DAYS if rescan else settings.CAPTURE_ACTIVE_DAYS
        self.context = RunContext(
            now=self.now,
            full=full,
            rescan=rescan,
            window_start=None if full else self.now - timedelta(days=days),
        )
        self.done: list[str] = list(self.resume.get("done") or [])
        self._committed = dict(self.resume) or None
        # Listings fetched to their end whose items wait for the next commit: a reply listing
        # is often a handful of items, and a transaction each cost more than the items.
        self._pending: list[tuple[Listing, list]] = []
        self._pending_items = 0
        self.requested_by = requested_by
        self.actor = system_user()
        self.refused: list[str] = []
        # The run went through every listing (some may have been refused): it is a success for
        # the schedule (nothing to carry on), though not a clean one.
        self.completed = False

    # -- the run ----------------------------------------------------------------------------
    def go(self) -> CaptureRun:
        CaptureRun.objects.filter(site=self.site, outcome=CaptureRun.Outcome.RUNNING).update(
            outcome=CaptureRun.Outcome.INTERRUPTED, finished_at=self.now
        )
        self.run = CaptureRun.objects.create(
            site=self.site,
            started_at=self.now,
            rescan=self.rescan,
            full=self.full,
            requested_by=self.requested_by,
            hostname=socket.gethostname()[:255],
        )
        CaptureState.objects.filter(pk=self.state.pk).update(last_attempt_at=self.now)
        outcome, error = CaptureRun.Outcome.SUCCEEDED, ""
        try:
            self._check_connection()
            credentials = oauth.fresh_credentials(self.connection)  # renewed first when about to expire
            with PlatformClient(
                platform=self.site.platform.name,
                base_url=settings.CAPTURE_API_URLS[self.site.platform.slug],
                token=credentials.get("access_token", ""),
            ) as client:
                connector = connector_class(self.site.platform.slug)(
                    site=self.site, account_id=self.connection.account_id, client=client, context=self.context
                )
                self._listings(connector)
                self._block_list(connector)
            if self.refused:
                outcome = CaptureRun.Outcome.PARTIAL
                more = len(self.refused) - 3
                error = "; ".join(self.refused[:3]) + (f"; and {more} more" if more > 0 else "")
                self.completed = True
        except TokenRejected as exc:
            outcome, error = CaptureRun.Outcome.FAILED, exc.message
            if services.connection_needs_reauthorization(connection=self.connection, message=exc.message):
                from moderation.connectors import notifications

                notifications.reauthorization_needed(self.connection.pk)
        except (PlatformFault, CredentialsUnreadable) as exc:
            outcome, error = CaptureRun.Outcome.PARTIAL, str(exc)
        except RunStopped as exc:
            outcome, error = CaptureRun.Outcome.FAILED, str(exc)
        except Exception as exc:  # recorded for the health page, then raised for the job log
            self._finish(CaptureRun.Outcome.FAILED, f"unexpected error: {type(exc).__name__}: {exc}"[:2000])
            raise
        self._finish(outcome, error)
        return self.run

    def _check_connection(self) -> None:
        if self.connection.state != SiteConnection.State.CONNECTED:
            raise RunStopped(
                f"{self.site} is {self.connection.get_state_display().lower()}; an administrator must "
                "reconnect it"
            )
        if self.site.state != Site.State.APPROVED:
            raise RunStopped(f"{self.site} is {self.site.get_state_display().lower()}, not approved")

    def _finish(self, outcome: str, error: str) -> None:
        finished = timezone.now()
        self.run.outcome = outcome
        self.run.error = error
        self.run.finished_at = finished
        self.run.save()
        state = {"last_error": error, "last_error_at": finished if error else None}
        if outcome == CaptureRun.Outcome.SUCCEEDED or self.completed:
            state.update(last_success_at=self.now, stale_notified_at=None)
            if not error:
                state.update(last_error="", last_error_at=None)
            if self.rescan or self.full:
                state["last_rescan_at"] = self.now
            cursors = {}
        else:
            # What the last commit recorded: the items of a page not yet committed are fetched again.
            cursors = {"resume": self._committed or self._point()}
        state["cursors"] = cursors
        CaptureState.objects.filter(pk=self.state.pk).update(**state)
        if error:
            log.warning("capture of %s: %s: %s", self.site, outcome, error)

    def _point(self, key: str = "", params: dict | None = None) -> dict:
        """Where a run carries on: the listings done, and the page of the one under way."""
        waiting = {listing.key for listing, _items in self._pending}
        done = [key for key in self.done if key not in waiting]
        point = {"run": self.run.pk, "full": self.full, "rescan": self.rescan, "done": done}
        if key:
            point.update({"key": key, "params": params or {}})
        return point

    # -- listings ---------------------------------------------------------------------------
    def _listings(self, connector) -> None:
        try:
            for listing in connector.plan():
                self._listing_and_followups(connector, listing)
                if listing.settles and self._pending:
                    self._commit()
        except (PlatformFault, TokenRejected, RunStopped):
            if self._pending:
                self._commit()  # the listings fetched whole are kept, and not fetched again
            raise
        if self._pending:
            self._commit()

    def _listing_and_followups(self, connector, listing: Listing) -> None:
        """A listing, then the listings its pages called for; it counts as done (for a run that
        carries on after a stop) only once they are all done and its items are committed, so a
        stop inside a follow-up fetches its parent again and with it the follow-ups still to do."""
        if listing.key in self.done:
            return
        try:
            followups = self._listing(connector, listing)
        except PlatformRefused as exc:
            # One object the platform will not list (a post deleted since, say): the rest of the
            # run goes on, and the run says what was refused. Not complete, so nothing in it is
            # marked deleted.
            self.refused.append(f"{listing.what}: {exc.message}")
            followups = []
        for followup in followups:
            self._listing_and_followups(connector, followup)
        self.done.append(listing.key)

    def _listing(self, connector, listing: Listing) -> list[Listing]:
        reader = FORMATS[listing.format].reader
        params = dict(listing.params)
        resumed = False
        if self.resume.get("key") == listing.key:
            params = dict(self.resume.get("params") or params)
            resumed = True
            self.resume = {}
        started = timezone.now()
        seen: set[str] = set()
        buffer = []
        followups: list[Listing] = []
        number = 0
        while True:
            number += 1
            page = connector.client.get(listing.path, params)
            self.run.pages += 1
            try:
                items = list(reader(io.BytesIO(page.body), site=self.site, **listing.reader_options))
            except CaptureError as exc:
                raise RunStopped(f"{listing.what}, page {number}: {exc}") from None
            oldest_of = None
            for item in items:
                seen.add(item.platform_item_id)
                buffer.append(item)
                if item.kind in listing.of_kinds and (oldest_of is None or item.posted_at < oldest_of):
                    oldest_of = item.posted_at
            followups.extend(connector.follow(listing, page, items))
            next_params = connector.next_params(listing, page)
            if listing.stop_before and oldest_of is not None and oldest_of < listing.stop_before:
                next_params = None  # sorted newest first: the rest is older than the window
            if next_params is None:
                self._pending.append((listing, buffer))
                self._pending_items += len(buffer)
                if self._pending_items >= settings.CAPTURE_COMMIT_ITEMS:
                    self._commit()
                buffer = []
            elif len(buffer) >= settings.CAPTURE_COMMIT_ITEMS:
                self._commit(listing, buffer, next_params)
                buffer = []
            if next_params is None:
                break
            params = next_params
        if listing.coverage is not None and not resumed:
            missing = self._missing(listing, seen, started)
            if missing:
                with transaction.atomic():
                    self.run.deletions_found += services.comments_mark_missing(
                        site=self.site, platform_item_ids=missing, found_at=started, listing=listing.what
                    )
                    self.run.save(update_fields=["deletions_found"])
        if not resumed:
            self.run.listings_complete += 1
        return followups

    def _commit(self, listing: Listing | None = None, items: list | None = None, next_params=None) -> None:
        """Write, in one transaction, the items of the listings fetched whole since the last
        commit and, for ``listing`` under way, a batch of its items with the parameters of the
        page it carries on from; and where the run carries on from."""
        finished, self._pending, self._pending_items = self._pending, [], 0
        with transaction.atomic():
            batches = [*finished, (listing, items)] if listing is not None else finished
            for of, batch in batches:
                if not batch:
                    continue
                result = captures_import(
                    actor=self.actor,
                    site=self.site,
                    items=batch,
                    reason=f"Captured from {self.site.platform.name} by the portal ({of.what})",
                )
                self.run.created += result.created
                self.run.updated += result.updated
                self.run.unchanged += result.unchanged
            self.run.save(update_fields=["created", "updated", "unchanged", "pages", "listings_complete"])
            # A listing fetched whole is done once its follow-ups are (_listing_and_followups).
            point = self._point(listing.key, next_params) if listing is not None else self._point()
            self._committed = point
            CaptureState.objects.filter(pk=self.state.pk).update(cursors={"resume": point})

    def _missing(self, listing: Listing, seen: set[str], started) -> list[str]:
        """Items the listing should have listed, stored before it began, and did not list."""
        coverage = listing.coverage
        base = Comment.objects.filter(site=self.site, created_at__lt=started).exclude(
            kind=Comment.Kind.REFERENCED
        )
        if coverage.since is not None:
            base = base.filter(posted_at__gte=coverage.since)
        rows = list(base.filter(coverage.where).values_list("platform_item_id", "platform_state"))
        expected = [(pid, state) for pid, state in rows]
        frontier = [pid for pid, _state in rows]
        depth = coverage.descendants if coverage.descendants >= 0 else MAX_DEPTH
        for _level in range(min(depth, MAX_DEPTH)):
            if not frontier:
                break
            children = []
            for start in range(0, len(frontier), 5000):
                children.extend(
                    base.filter(parent_platform_item_id__any_of=frontier[start : start + 5000]).values_list(
                        "platform_item_id", "platform_state"
                    )
                )
            expected.extend(children)
            frontier = [pid for pid, _state in children]
        gone_states = (Comment.PlatformState.DELETED, Comment.PlatformState.UNAVAILABLE)
        return sorted({pid for pid, state in expected if state not in gone_states and pid not in seen})

    # -- block list -------------------------------------------------------------------------
    def _block_list(self, connector) -> None:
        entries = connector.block_list()
        if entries is None:
            return
        try:
            listed = list(entries)  # every page, or a fault raised before anything is written
        except PlatformRefused as exc:
            # Refused as a listing is (X gives it to user-context tokens only): the run says
            # so, and the listings done are not carried on by the next runs as if undone.
            self.refused.append(f"the block list: {exc.message}")
            return
        self.run.blocked_accounts = services.platform_blocks_record(
            site=self.site, entries=listed, seen_at=self.now, complete=True
        )
        self.run.save(update_fields=["blocked_accounts"])
