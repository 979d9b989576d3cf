"""The capture writer: the engine under every import, whether from a file, the Capture API
or the demo data. The services in moderation.capture.services check the actor and the site,
open the transaction and take the site's lock; the writer runs inside that transaction.

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

import json
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from config.portal.private_info import find_private_information
from moderation.capture.importers import CapturedItem
from moderation.capture.importers.content import content_sha256
from moderation.capture.models import Comment, Commenter
from sites_registry.models import Site

_UPDATE_FIELDS = [
    "text",
    "platform_state",
    "platform_deleted_at",
    "found_missing_at",
    "private_hints",
    "raw_payload",
    "payload_sha256",
    "content_sha256",
    "permalink",
    "captured_at",
    "posted_at",
    "posted_at_derived",
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
# Rows per UPDATE … FROM (VALUES …) statement when re-captured items change (PostgreSQL).
_UPDATE_BATCH_SIZE = 1000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0  # replies captured before their parent, linked once it arrived
    # Items that appeared more than once in the file: each imported once, from its last
    # occurrence (the counts above are per item, not per occurrence).
    repeated: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "repeated": self.repeated,
        }

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.repeated:
            text += (
                f"; {self.repeated} item{'s' if self.repeated != 1 else ''} appeared more than once "
                "in the file and each was imported once, from its last occurrence"
            )
        return text


@lru_cache(maxsize=8)
def _response_pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    if not phrases:
        return None
    return re.compile("|".join(re.escape(phrase.lower()) for phrase in phrases))


def asks_city_for_response(text: str) -> bool:
    """Sec. V: does the comment ask the City for a response? (phrases in settings)."""
    pattern = _response_pattern(tuple(settings.CAPTURE_RESPONSE_PHRASES))
    return bool(pattern and text and pattern.search(text.lower()))


def private_hints(text: str) -> list[dict]:
    """Private information in an item's text, found once at capture (config.portal.private_info):
    the queue and item pages read these instead of running the patterns on every view."""
    return [{"kind": finding.kind, "text": finding.text} for finding in find_private_information(text)]


# Kinds that carry no words of a resident addressed to the City: a City post, a repost,
# a post kept only because something referenced it.
_NO_RESPONSE_KINDS = (Comment.Kind.CITY_POST, Comment.Kind.REPOST, Comment.Kind.REFERENCED)


def _asks_for_response(kind: str, from_city: bool, text: str) -> bool:
    return not from_city and kind not in _NO_RESPONSE_KINDS and asks_city_for_response(text)


@lru_cache(maxsize=1)
def _comment_copy_fields():
    return list(Comment._meta.concrete_fields)


def _update_rows(comments: list[Comment]) -> None:
    """Write the changed fields of re-captured items.

    Django's bulk_update builds, per field, a CASE with a WHEN per row: about 5 ms of
    Python an item, most of a re-capture's time. On PostgreSQL the same values go in one
    ``UPDATE … FROM (VALUES …)`` per chunk, converted by the fields themselves."""
    if connection.vendor != "postgresql":
        Comment.objects.bulk_update(comments, _UPDATE_FIELDS, batch_size=_UPDATE_BATCH_SIZE)
        return
    fields = [Comment._meta.get_field(name) for name in _UPDATE_FIELDS]
    quote = connection.ops.quote_name
    table = quote(Comment._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in fields)
    row = "(%s::bigint, " + ", ".join(f"%s::{field.db_type(connection)}" for field in fields) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(comments), _UPDATE_BATCH_SIZE):
            chunk = comments[start : start + _UPDATE_BATCH_SIZE]
            params = []
            for comment in chunk:
                params.append(comment.pk)
                params.extend(
                    field.get_db_prep_save(getattr(comment, field.attname), connection) for field in fields
                )
            cursor.execute(
                f"UPDATE {table} AS c SET {assignments} FROM (VALUES {', '.join([row] * len(chunk))}) "
                f"AS v (id, {columns}) WHERE c.id = v.id",
                params,
            )


class CaptureWriter:
    def __init__(self, *, site: Site, actor, reason: str):
        self.site = site
        self.actor = actor
        self.reason = reason
        self.batch_size = settings.CAPTURE_IMPORT_BATCH_SIZE
        # One time for the whole import: every row and history row it writes carries it,
        # which is how a later batch recognises what an earlier batch of the same file wrote.
        self.now = timezone.now()
        self.pending: dict[str, CapturedItem] = {}
        # Ids written by earlier batches of this file, and those of them seen again and
        # waiting in ``pending``: memory grows with the items of one file, as the file does.
        self.flushed: set[str] = set()
        self.repeats: set[str] = set()
        self.repeated_ids: set[str] = set()
        self.created_ids: set[str] = set()
        self.result = ImportResult()
        self.commenters: OrderedDict[str, Commenter] = OrderedDict()
        self.city_names = {name.lower().lstrip("@") for name in (site.handle, site.account_name) if name}

    def add(self, item: CapturedItem) -> None:
        pid = item.platform_item_id
        earlier = self.pending.get(pid)
        if earlier is not None or pid in self.flushed:
            # The same item more than once in one file (a listing fetched twice, pages that
            # overlap): it is imported once, from its last occurrence, so a re-import of the
            # file finds nothing to change. A stub (the platform said only that the item is
            # gone) never replaces the item itself.
            self.repeated_ids.add(pid)
            self.result.repeated = len(self.repeated_ids)
            if item.stub and not (earlier.stub if earlier is not None else False):
                return
            if earlier is None:
                self.repeats.add(pid)
        self.pending[pid] = item
        if len(self.pending) >= self.batch_size:
            self.flush()

    def finish(self) -> None:
        self.flush()
        self.link_orphans()

    # -- one batch ------------------------------------------------------------------
    def flush(self) -> None:
        if not self.pending:
            return
        by_id = self.pending
        self.pending = {}
        self.flushed.update(by_id)
        now = self.now
        content = {pid: content_sha256(item.raw_payload, item.content) for pid, item in by_id.items()}
        repeats = self.repeats & by_id.keys()
        if repeats:
            self.repeats -= repeats
            self._undo_earlier_occurrences(repeats, by_id, content)
        if not by_id:
            return
        commenters = self._commenters(by_id.values(), now)
        # What is held already, without the payloads: most re-captures change nothing.
        held = {
            row[0]: row[1:]
            for row in Comment.objects.filter(site=self.site, platform_item_id__any_of=by_id).values_list(
                "platform_item_id", "pk", "content_sha256", "payload_sha256", "platform_state", "parent_id"
            )
        }
        parent_ids = {item.parent_platform_item_id for item in by_id.values() if item.parent_platform_item_id}
        known = {pid: held[pid][0] for pid in parent_ids if pid in held}
        lookup = parent_ids - known.keys() - by_id.keys()
        if lookup:
            known.update(
                Comment.objects.filter(site=self.site, platform_item_id__any_of=lookup).values_list(
                    "platform_item_id", "pk"
                )
            )
        self._create(
            [item for pid, item in by_id.items() if pid not in held], commenters, known, content, now
        )
        changed = []
        for pid, item in by_id.items():
            if pid not in held:
                continue
            _pk, held_content, held_payload, state, parent_id = held[pid]
            links_parent = parent_id is None and bool(known.get(item.parent_platform_item_id))
            if item.stub:
                same = item.platform_state == state
            elif held_content:
                same = content[pid] == held_content and item.platform_state == state
            else:  # captured before content hashes were kept
                same = Comment.sha256_of(item.raw_payload) == held_payload and item.platform_state == state
            if same and not links_parent:
                self.result.unchanged += 1
            else:
                changed.append(pid)
        if changed:
            rows = Comment.objects.in_bulk([held[pid][0] for pid in changed])
            self._update(
                [(rows[held[pid][0]], by_id[pid]) for pid in changed], commenters, known, content, now
            )

    def _undo_earlier_occurrences(self, pids: set[str], by_id: dict, content: dict) -> None:
        """Items seen again after an earlier batch of this file wrote them: take back what
        the earlier occurrence did, so that the last occurrence is written against what
        was held before the import, and the history shows one change, not a fake edit.

        Nothing here was ever committed: the whole file is one transaction, so the rows
        and history rows put back or removed never existed for anyone else."""
        history = Comment.history.model
        fields = [f.attname for f in _comment_copy_fields() if f.attname != "id"]
        rows = Comment.objects.filter(site=self.site, platform_item_id__any_of=pids).values_list(
            "platform_item_id", "pk", "created_at", "captured_at"
        )
        recreate = []
        for pid, pk, created_at, captured_at in rows:
            if created_at == self.now:
                # Created by this import: written again below from the last occurrence.
                recreate.append((pk, by_id.pop(pid)))
                self.result.created -= 1
            elif captured_at == self.now:
                before = (
                    history.objects.filter(id=pk, history_date__lt=self.now)
                    .order_by("-history_date", "-history_id")
                    .first()
                )
                if before is not None:
                    # Back to the row as it was before this import: a plain update on
                    # purpose, since the history rows of this import are removed with it.
                    Comment.objects.filter(pk=pk).update(**{name: getattr(before, name) for name in fields})
                    history.objects.filter(id=pk, history_date=self.now).delete()
                self.result.updated -= 1
            else:
                self.result.unchanged -= 1  # the earlier occurrence changed nothing
        if recreate:
            commenters = self._commenters([item for _pk, item in recreate], self.now)
            parent_ids = {item.parent_platform_item_id for _pk, item in recreate} - {""}
            known = dict(
                Comment.objects.filter(site=self.site, platform_item_id__any_of=parent_ids).values_list(
                    "platform_item_id", "pk"
                )
            )
            for pk, item in recreate:
                values = self._new_values(item, commenters, known, content, self.now)
                values.pop("id")
                Comment.objects.filter(pk=pk).update(**values)
            pks = [pk for pk, _item in recreate]
            history.objects.filter(id__in=pks, history_date=self.now).delete()
            self._write_creation_history(pks)
            self.result.created += len(recreate)

    def _create(self, items: list[CapturedItem], commenters, known: dict[str, int], content, now) -> None:
        if not items:
            return
        self.created_ids.update(item.platform_item_id for item in items)
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
            rows = [self._new_values(item, commenters, known, content, now) for item in items]
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
            rows = [self._new_values(item, commenters, known, content, now) for item in wave]
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
        and the reason: the same rows bulk_create_with_history writes, written faster)."""
        fields = _comment_copy_fields()
        # A field some other part of the portal adds to Comment gets its default.
        defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
        if defaults:
            for values in rows:
                values.update(defaults)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(Comment._meta.db_table)
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in rows:
                    hints = values["private_hints"]
                    values["private_hints"] = json.dumps(hints, ensure_ascii=False) if hints else "[]"
                    copy.write_row([values[f.attname] for f in fields])
        self._write_creation_history([values["id"] for values in rows])

    def _write_creation_history(self, pks: list[int]) -> None:
        """The "+" history rows of items just written, copied by the server from the rows
        themselves in one statement: the exact same values, without formatting and sending
        them twice."""
        fields = _comment_copy_fields()
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(Comment._meta.db_table)
        history_table = connection.ops.quote_name(Comment.history.model._meta.db_table)
        history_columns = columns + ", history_date, history_change_reason, history_type, history_user_id"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                where, params = "id = ANY(%s)", [list(pks)]
            else:
                where, params = f"id IN ({', '.join(['%s'] * len(pks))})", list(pks)
            cursor.execute(
                f"INSERT INTO {history_table} ({history_columns}) "
                f"SELECT {columns}, %s, %s, '+', %s FROM {table} WHERE {where} ORDER BY id",
                [self.now, self.reason, self.actor.pk, *params],
            )

    def _new_values(self, item: CapturedItem, commenters, known, content, now) -> dict:
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
            "posted_at_derived": item.posted_at_derived,
            "captured_at": now,
            "permalink": item.permalink,
            "raw_payload": item.raw_payload,
            "payload_sha256": Comment.sha256_of(item.raw_payload),
            "content_sha256": content[item.platform_item_id],
            "platform_state": item.platform_state,
            "platform_deleted_at": item.platform_deleted_at,
            "private_hints": private_hints(item.text),
            "from_city": from_city,
            "edit_count": 0,
            "reviewed_at": None,
            "reviewed_by_id": None,
            "asks_for_response": _asks_for_response(item.kind, from_city, item.text),
            "response_answered_at": None,
            "response_answered_by_id": None,
        }

    def _update(self, pairs: list[tuple[Comment, CapturedItem]], commenters, known, content, now) -> None:
        changed: list[Comment] = []
        for comment, item in pairs:
            parent_id = known.get(item.parent_platform_item_id) if item.parent_platform_item_id else None
            links_parent = comment.parent_id is None and parent_id is not None
            reasons = []
            if item.platform_state != comment.platform_state:
                reasons.append(f"now {Comment.PlatformState(item.platform_state).label.lower()}")
                comment.platform_state = item.platform_state
            if item.platform_deleted_at is not None:
                comment.platform_deleted_at = item.platform_deleted_at
            if comment.found_missing_at is not None and item.platform_state == Comment.PlatformState.VISIBLE:
                # Found missing once, listed again since (the history keeps when it was missing).
                comment.found_missing_at = None
            if links_parent:
                reasons.append("linked to its parent")
                comment.parent_id = parent_id
            if not item.stub:
                self._apply_capture(comment, item, commenters, content, reasons)
            comment.captured_at = now
            comment.updated_at = now
            comment._change_reason = f"{self.reason}: {', '.join(reasons) or 'platform payload changed'}"
            changed.append(comment)
        if changed:
            _update_rows(changed)
            # The "~" history rows, each with its own reason, as bulk_update_with_history
            # writes them after its own (slower) update.
            Comment.history.bulk_history_create(
                changed,
                batch_size=self.batch_size,
                update=True,
                default_user=self.actor,
                default_change_reason=self.reason,
                default_date=now,
            )
        self.result.updated += len(changed)

    def _apply_capture(self, comment: Comment, item: CapturedItem, commenters, content, reasons) -> None:
        """A new capture of a held item. What it does not say (an author, a time, a parent
        left out of a capture with fewer fields) keeps what an earlier capture said: a
        capture adds to the record, never takes from it; the history has every payload."""
        # A platform that reports an item deleted often sends no text: the text we
        # hold is kept rather than blanked (the history has it either way).
        gone = item.platform_state in (Comment.PlatformState.DELETED, Comment.PlatformState.UNAVAILABLE)
        keeps_text = gone and not item.text
        if item.author:
            comment.author = commenters.get(item.author.platform_user_id, comment.author)
        if item.author or item.from_city is not None:
            # The capture says who wrote it (an earlier one may not have: Graph API fields
            # not granted): whether it is the City's own follows the author.
            from_city = self._from_city(item)
            if from_city != comment.from_city:
                comment.from_city = from_city
                comment.asks_for_response = _asks_for_response(item.kind, from_city, item.text) or (
                    comment.asks_for_response and comment.response_answered_at is not None
                )
        if item.text != comment.text and not keeps_text:
            reasons.insert(0, "text edited on the platform")
            comment.text = item.text
            comment.edit_count += 1
            comment.private_hints = private_hints(item.text)
            # Changed text is new to TST: it goes back into the monitoring queue.
            comment.reviewed_at = None
            comment.reviewed_by = None
            comment.asks_for_response = _asks_for_response(item.kind, comment.from_city, item.text) or (
                comment.asks_for_response and comment.response_answered_at is not None
            )
        comment.raw_payload = item.raw_payload
        comment.payload_sha256 = Comment.sha256_of(item.raw_payload)
        comment.content_sha256 = content[item.platform_item_id]
        comment.permalink = item.permalink or comment.permalink
        if not item.posted_at_derived or comment.posted_at_derived:
            comment.posted_at = item.posted_at
            comment.posted_at_derived = item.posted_at_derived
        # "Referenced" only says another capture pointed at the item; what it is on the
        # City's site (a post, a comment) is the better knowledge and is kept.
        if item.kind != Comment.Kind.REFERENCED or comment.kind == Comment.Kind.REFERENCED:
            comment.kind = item.kind
        if item.parent_platform_item_id:
            comment.parent_platform_item_id = item.parent_platform_item_id

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
                platform=self.site.platform, platform_user_id__any_of=missing
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
        """Link items captured before their parent (X lists replies newest first; comments
        wait for the post they are on). Only a parent created by this import can link an
        item that waited: one already held would have been linked when the item arrived.
        So the work follows the import's size, not the number of items still waiting."""
        created = sorted(self.created_ids)
        now = timezone.now()
        for start in range(0, len(created), self.batch_size):
            parent_ids = created[start : start + self.batch_size]
            parents = dict(
                Comment.objects.filter(site=self.site, platform_item_id__any_of=parent_ids).values_list(
                    "platform_item_id", "pk"
                )
            )
            waiting = Comment.objects.filter(
                site=self.site, parent__isnull=True, parent_platform_item_id__any_of=parent_ids
            )
            last_pk = 0
            while chunk := list(waiting.filter(pk__gt=last_pk).order_by("pk")[: self.batch_size]):
                last_pk = chunk[-1].pk
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
