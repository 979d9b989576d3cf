"""Capture writes: importing posts and comments, the TST review marks, integration tokens.

Imports are all-or-nothing per file or API batch (one transaction), idempotent (an item
already held with the same payload is left alone), and keep every version: a re-capture
with changed text updates the item and its history keeps the earlier text, since edits
are evidence (Ordinance 2019-70, Sec. IV "Procedure"). An item the platform reports
hidden or deleted is marked so, never dropped. Rows are written in batches, so memory
stays bounded, and every row gets its history row with the acting user and a reason:
``bulk_update_with_history`` for changes, and for new rows ``bulk_create_with_history``,
or on PostgreSQL the same rows (item and history) written with ``COPY``.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from config import roles
from config.audit import stamp
from moderation.importers import FORMATS, CapturedItem, CaptureError
from moderation.importers.stream import WithoutBom
from moderation.models import Comment, Commenter, IntegrationToken
from sites_registry.models import Site

# Sites that may hold captures: the City's official accounts, past and present.
CAPTURE_SITE_STATES = (Site.State.APPROVED, Site.State.SUSPENDED, Site.State.RETIRED)

_UPDATE_FIELDS = [
    "text",
    "platform_state",
    "raw_payload",
    "payload_sha256",
    "permalink",
    "captured_at",
    "posted_at",
    "author",
    "parent",
    "parent_platform_item_id",
    "kind",
    "from_city",
    "edit_count",
    "reviewed_at",
    "reviewed_by",
    "asks_for_response",
    "updated_at",
]
_COMMENTER_CACHE_SIZE = 10_000
IMPORT_LOCK_NAMESPACE = 4004  # pg_advisory_xact_lock(namespace, site id): imports of one site


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0  # replies captured before their parent, linked once it arrived

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _is_job_actor(actor) -> bool:
    return getattr(actor, "username", None) == settings.SYSTEM_USERNAME


def _check_may_import(actor, site: Site) -> None:
    # Commands and the token API act as the system user; people need the TST role.
    if not _is_job_actor(actor):
        roles.require_role(actor, roles.TECHNICAL_SERVICES)
    if site.state not in CAPTURE_SITE_STATES:
        raise ValidationError(
            {
                "site": f"{site} is {site.get_state_display().lower()}, "
                "not an official City site; nothing captured."
            }
        )


@lru_cache(maxsize=8)
def _response_pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    if not phrases:
        return None
    return re.compile("|".join(re.escape(phrase.lower()) for phrase in phrases))


def asks_city_for_response(text: str) -> bool:
    """Sec. V: does the comment ask the City for a response? (phrases in settings)."""
    pattern = _response_pattern(tuple(settings.CAPTURE_RESPONSE_PHRASES))
    return bool(pattern and text and pattern.search(text.lower()))


def captures_import_file(*, actor, site: Site, format_name: str, stream, source_name: str) -> ImportResult:
    """Import one file in a platform format (see moderation.importers). All or nothing."""
    file_format = FORMATS.get(format_name)
    if file_format is None:
        raise ValidationError({"format": f"Unknown format “{format_name}”; use one of {', '.join(FORMATS)}."})
    if file_format.platform_slug and site.platform.slug != file_format.platform_slug:
        raise ValidationError(
            {
                "format": f"{source_name}: the {format_name} format is for "
                f"{file_format.platform_slug} sites, and {site} is on {site.platform.name}."
            }
        )
    try:
        return captures_import(
            actor=actor,
            site=site,
            items=file_format.reader(WithoutBom(stream), site=site),
            reason=f"Captured from {source_name} ({format_name})",
        )
    except CaptureError as exc:
        raise exc.with_source(source_name) from None


def captures_import(*, actor, site: Site, items: Iterable[CapturedItem], reason: str) -> ImportResult:
    """Write captured items for one site in one transaction; returns the counts."""
    _check_may_import(actor, site)
    with transaction.atomic():
        # One import per site at a time: two concurrent imports of the same items would
        # both try to create them. An advisory lock rather than a row lock on the site,
        # so a long import does not hold up the Communications Office's site decisions.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_NAMESPACE, site.pk])
        site = Site.objects.select_related("platform").get(pk=site.pk)
        writer = _CaptureWriter(site=site, actor=actor, reason=reason)
        for item in items:
            writer.add(item)
        writer.finish()
    return writer.result


@lru_cache(maxsize=1)
def _comment_copy_fields():
    return list(Comment._meta.concrete_fields)


class _CaptureWriter:
    def __init__(self, *, site: Site, actor, reason: str):
        self.site = site
        self.actor = actor
        self.reason = reason
        self.batch_size = settings.CAPTURE_IMPORT_BATCH_SIZE
        self.pending: list[CapturedItem] = []
        self.pending_payloads: dict[str, str] = {}
        self.result = ImportResult()
        self.commenters: OrderedDict[str, Commenter] = OrderedDict()
        self.city_names = {name.lower().lstrip("@") for name in (site.handle, site.account_name) if name}

    def add(self, item: CapturedItem) -> None:
        earlier = self.pending_payloads.get(item.platform_item_id)
        if earlier is not None:
            if earlier == item.raw_payload:
                self.result.unchanged += 1  # the same item twice in one file
                return
            # Two versions of one item in one file: the earlier is written first, so
            # the history holds both.
            self.flush()
        self.pending.append(item)
        self.pending_payloads[item.platform_item_id] = item.raw_payload
        if len(self.pending) >= self.batch_size:
            self.flush()

    def finish(self) -> None:
        self.flush()
        self.link_orphans()

    # -- one batch ------------------------------------------------------------------
    def flush(self) -> None:
        if not self.pending:
            return
        by_id = {item.platform_item_id: item for item in self.pending}
        self.pending = []
        self.pending_payloads = {}
        now = timezone.now()
        commenters = self._commenters(by_id.values(), now)
        # What is held already, without the payloads: most re-captures change nothing.
        held = {
            row[0]: row[1:]
            for row in Comment.objects.filter(site=self.site, platform_item_id__in=by_id).values_list(
                "platform_item_id", "pk", "payload_sha256", "platform_state", "parent_id"
            )
        }
        parent_ids = {item.parent_platform_item_id for item in by_id.values() if item.parent_platform_item_id}
        known = {pid: held[pid][0] for pid in parent_ids if pid in held}
        lookup = parent_ids - known.keys() - by_id.keys()
        if lookup:
            known.update(
                Comment.objects.filter(site=self.site, platform_item_id__in=lookup).values_list(
                    "platform_item_id", "pk"
                )
            )
        self._create([item for pid, item in by_id.items() if pid not in held], commenters, known, now)
        changed = []
        for pid, item in by_id.items():
            if pid not in held:
                continue
            _pk, sha, state, parent_id = held[pid]
            links_parent = parent_id is None and bool(known.get(item.parent_platform_item_id))
            if (
                Comment.sha256_of(item.raw_payload) == sha
                and item.platform_state == state
                and not links_parent
            ):
                self.result.unchanged += 1
            else:
                changed.append(pid)
        if changed:
            rows = Comment.objects.in_bulk([held[pid][0] for pid in changed])
            self._update([(rows[held[pid][0]], by_id[pid]) for pid in changed], commenters, known, now)

    def _create(self, items: list[CapturedItem], commenters, known: dict[str, int], now) -> None:
        if not items:
            return
        if connection.vendor == "postgresql":
            # Ids come from the table's sequence first, so that replies can point at
            # parents in the same batch and the whole batch goes in one COPY.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Comment._meta.db_table, len(items)],
                )
                for item, (pk,) in zip(items, cursor.fetchall(), strict=True):
                    known[item.platform_item_id] = pk
            rows = [self._new_values(item, commenters, known, now) for item in items]
            for values in rows:
                values["id"] = known[values["platform_item_id"]]
            self._copy_with_history(rows, now)
            self.result.created += len(rows)
            return
        # Elsewhere: parents before their replies, in waves, through bulk_create_with_history.
        remaining = {item.platform_item_id: item for item in items}
        while remaining:
            wave = [
                item
                for item in remaining.values()
                if not item.parent_platform_item_id or item.parent_platform_item_id not in remaining
            ] or list(remaining.values())
            rows = [self._new_values(item, commenters, known, now) for item in wave]
            created = bulk_create_with_history(
                [Comment(**values) for values in rows],
                Comment,
                batch_size=self.batch_size,
                default_user=self.actor,
                default_change_reason=self.reason,
                default_date=now,
            )
            for values, comment in zip(rows, created, strict=True):
                known[values["platform_item_id"]] = comment.pk
                del remaining[values["platform_item_id"]]
            self.result.created += len(rows)

    def _copy_with_history(self, rows: list[dict], now) -> None:
        """PostgreSQL: COPY the new rows, then their history rows ("+", with the acting user
        and the reason: the same rows bulk_create_with_history writes, written faster).

        The history rows are copied by the server from the rows just written, in one
        statement: the exact same values, without formatting and sending them twice."""
        history_model = Comment.history.model
        fields = _comment_copy_fields()
        # A field some other part of the portal adds to Comment gets its default.
        defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
        if defaults:
            for values in rows:
                values.update(defaults)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(Comment._meta.db_table)
        history_table = connection.ops.quote_name(history_model._meta.db_table)
        history_columns = columns + ", history_date, history_change_reason, history_type, history_user_id"
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row([values[f.attname] for f in fields])
            cursor.execute(
                f"INSERT INTO {history_table} ({history_columns}) "
                f"SELECT {columns}, %s, %s, '+', %s FROM {table} WHERE id = ANY(%s) ORDER BY id",
                [now, self.reason, self.actor.pk, [values["id"] for values in rows]],
            )

    def _new_values(self, item: CapturedItem, commenters, known, now) -> dict:
        from_city = self._from_city(item)
        author = commenters.get(item.author.platform_user_id) if item.author else None
        return {
            "id": None,
            "created_at": now,
            "updated_at": now,
            "site_id": self.site.pk,
            "platform_item_id": item.platform_item_id,
            "kind": item.kind,
            "parent_id": known.get(item.parent_platform_item_id) if item.parent_platform_item_id else None,
            "parent_platform_item_id": item.parent_platform_item_id,
            "author_id": author.pk if author else None,
            "text": item.text,
            "posted_at": item.posted_at,
            "captured_at": now,
            "permalink": item.permalink,
            "raw_payload": item.raw_payload,
            "payload_sha256": Comment.sha256_of(item.raw_payload),
            "platform_state": item.platform_state,
            "from_city": from_city,
            "edit_count": 0,
            "reviewed_at": None,
            "reviewed_by_id": None,
            "asks_for_response": (
                not from_city and item.kind != Comment.Kind.CITY_POST and asks_city_for_response(item.text)
            ),
            "response_answered_at": None,
            "response_answered_by_id": None,
        }

    def _update(self, pairs: list[tuple[Comment, CapturedItem]], commenters, known, now) -> None:
        changed: list[Comment] = []
        for comment, item in pairs:
            sha = Comment.sha256_of(item.raw_payload)
            parent_id = known.get(item.parent_platform_item_id) if item.parent_platform_item_id else None
            links_parent = comment.parent_id is None and parent_id is not None
            reasons = []
            # A platform that reports an item deleted often sends no text: the text we
            # hold is kept rather than blanked (the history has it either way).
            keeps_text = item.platform_state == Comment.PlatformState.DELETED and not item.text
            if item.text != comment.text and not keeps_text:
                reasons.append("text edited on the platform")
                comment.text = item.text
                comment.edit_count += 1
                # Changed text is new to TST: it goes back into the monitoring queue.
                comment.reviewed_at = None
                comment.reviewed_by = None
                comment.from_city = self._from_city(item)
                comment.asks_for_response = (
                    not comment.from_city
                    and item.kind != Comment.Kind.CITY_POST
                    and asks_city_for_response(item.text)
                ) or (comment.asks_for_response and comment.response_answered_at is not None)
            if item.platform_state != comment.platform_state:
                reasons.append(f"now {Comment.PlatformState(item.platform_state).label.lower()}")
                comment.platform_state = item.platform_state
            if links_parent:
                reasons.append("linked to its parent")
                comment.parent_id = parent_id
            if not reasons:
                reasons.append("platform payload changed")
            comment.raw_payload = item.raw_payload
            comment.payload_sha256 = sha
            comment.permalink = item.permalink or comment.permalink
            comment.posted_at = item.posted_at
            comment.kind = item.kind
            comment.parent_platform_item_id = item.parent_platform_item_id
            if item.author:
                comment.author = commenters.get(item.author.platform_user_id, comment.author)
            comment.captured_at = now
            comment.updated_at = now
            comment._change_reason = f"{self.reason}: {', '.join(reasons)}"
            changed.append(comment)
        if changed:
            bulk_update_with_history(
                changed,
                Comment,
                _UPDATE_FIELDS,
                batch_size=self.batch_size,
                default_user=self.actor,
                default_change_reason=self.reason,
                default_date=now,
            )
        self.result.updated += len(changed)

    def _from_city(self, item: CapturedItem) -> bool:
        if item.from_city is not None:
            return item.from_city
        if item.kind == Comment.Kind.CITY_POST:
            return True
        author = item.author
        if author is None:
            return False
        names = {author.handle.lower().lstrip("@"), author.platform_user_id.lower().lstrip("@")}
        if author.display_name:
            names.add(author.display_name.lower().lstrip("@"))
        return bool(names & self.city_names)

    def _commenters(self, items: Iterable[CapturedItem], now) -> dict[str, Commenter]:
        authors = {item.author.platform_user_id: item.author for item in items if item.author}
        found = {uid: self.commenters[uid] for uid in authors if uid in self.commenters}
        missing = [uid for uid in authors if uid not in found]
        if missing:
            for commenter in Commenter.objects.filter(
                platform=self.site.platform, platform_user_id__in=missing
            ):
                found[commenter.platform_user_id] = commenter
        new, changed = [], []
        for uid, author in authors.items():
            commenter = found.get(uid)
            if commenter is None:
                commenter = Commenter(
                    platform=self.site.platform,
                    platform_user_id=uid,
                    display_name=author.display_name,
                    profile_url=author.profile_url,
                    created_at=now,
                )
                new.append(commenter)
                found[uid] = commenter
            elif (author.display_name and author.display_name != commenter.display_name) or (
                author.profile_url and author.profile_url != commenter.profile_url
            ):
                commenter.display_name = author.display_name or commenter.display_name
                commenter.profile_url = author.profile_url or commenter.profile_url
                commenter.updated_at = now
                commenter._change_reason = f"{self.reason}: name or profile changed on the platform"
                changed.append(commenter)
        if new:
            bulk_create_with_history(
                new, Commenter, default_user=self.actor, default_change_reason=self.reason, default_date=now
            )
        if changed:
            bulk_update_with_history(
                changed,
                Commenter,
                ["display_name", "profile_url", "updated_at"],
                default_user=self.actor,
                default_change_reason=self.reason,
                default_date=now,
            )
        for uid, commenter in found.items():
            self.commenters[uid] = commenter
            self.commenters.move_to_end(uid)
        while len(self.commenters) > _COMMENTER_CACHE_SIZE:
            self.commenters.popitem(last=False)
        return found

    # -- after the last batch ------------------------------------------------------------
    def link_orphans(self) -> None:
        """Link replies captured before their parent (X lists replies newest first)."""
        orphans = Comment.objects.filter(site=self.site, parent__isnull=True).exclude(
            parent_platform_item_id=""
        )
        last_pk = 0
        now = timezone.now()
        while True:
            chunk = list(orphans.filter(pk__gt=last_pk).order_by("pk")[: self.batch_size])
            if not chunk:
                return
            last_pk = chunk[-1].pk
            parents = dict(
                Comment.objects.filter(
                    site=self.site, platform_item_id__in={c.parent_platform_item_id for c in chunk}
                ).values_list("platform_item_id", "pk")
            )
            linked = []
            for comment in chunk:
                parent_pk = parents.get(comment.parent_platform_item_id)
                if parent_pk is not None and parent_pk != comment.pk:
                    comment.parent_id = parent_pk
                    comment.updated_at = now
                    linked.append(comment)
            if linked:
                bulk_update_with_history(
                    linked,
                    Comment,
                    ["parent", "updated_at"],
                    default_user=self.actor,
                    default_change_reason=f"{self.reason}: linked to its parent, captured later",
                    default_date=now,
                )
                self.result.linked += len(linked)


# -- TST monitoring queue ----------------------------------------------------------------------
def comment_mark_reviewed(*, actor, comment: Comment) -> Comment:
    return comments_mark_reviewed(actor=actor, comment_ids=[comment.pk])[0]


@transaction.atomic
def comments_mark_reviewed(*, actor, comment_ids: Iterable[int]) -> list[Comment]:
    """TST has looked at these items; they leave the queue until their text changes."""
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    comments = list(Comment.objects.select_for_update().filter(pk__in=list(comment_ids)).order_by("pk"))
    now = timezone.now()
    done = []
    for comment in comments:
        if comment.reviewed_at is not None:
            done.append(comment)
            continue
        comment.reviewed_at = now
        comment.reviewed_by = actor
        stamp(comment, actor=actor, reason="Reviewed in the monitoring queue").save(
            update_fields=["reviewed_at", "reviewed_by", "updated_at"]
        )
        done.append(comment)
    return done


@transaction.atomic
def comment_mark_answered(*, actor, comment: Comment, note: str = "") -> Comment:
    """The City has replied to a comment that asked it for a response (Sec. V)."""
    roles.require_role(actor, roles.TECHNICAL_SERVICES)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.asks_for_response:
        raise ValidationError("This comment is not marked as asking the City for a response.")
    if comment.response_answered_at is not None:
        raise ValidationError(
            "This comment was already marked answered on "
            f"{timezone.localtime(comment.response_answered_at):%Y-%m-%d}."
        )
    comment.response_answered_at = timezone.now()
    comment.response_answered_by = actor
    reason = "Marked answered: the City replied"
    if note.strip():
        reason += f" ({note.strip()[:500]})"
    stamp(comment, actor=actor, reason=reason).save(
        update_fields=["response_answered_at", "response_answered_by", "updated_at"]
    )
    return comment


# -- integration tokens ------------------------------------------------------------------------
@transaction.atomic
def integration_token_create(*, actor, name: str, sites: Iterable[Site]) -> tuple[IntegrationToken, str]:
    """A new token for an archiving tool; returns the row and the token, shown only once."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Only an administrator manages integration tokens.")
    sites = list(sites)
    errors = {}
    if not name.strip():
        errors["name"] = "Name the integration the token is for."
    if not sites:
        errors["sites"] = "Choose the sites the integration may send captures for."
    if errors:
        raise ValidationError(errors)
    token_row = IntegrationToken(name=name.strip(), created_by=actor)
    token = token_row.issue()
    stamp(token_row, actor=actor, reason="Integration token issued").save()
    token_row.sites.set(sites)
    return token_row, token


@transaction.atomic
def integration_token_revoke(*, actor, token: IntegrationToken) -> IntegrationToken:
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Only an administrator manages integration tokens.")
    token = IntegrationToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        stamp(token, actor=actor, reason="Integration token revoked").save()
    return token


def integration_token_check(raw_token: str) -> IntegrationToken | None:
    """The active token matching ``raw_token``, or None (read-only; no history row)."""
    if not raw_token:
        return None
    return (
        IntegrationToken.objects.active()
        .filter(token_sha256=IntegrationToken.hash_of(raw_token))
        .prefetch_related("sites")
        .first()
    )


def capture_site_choices():
    return Site.objects.filter(state__in=CAPTURE_SITE_STATES).select_related("platform")
