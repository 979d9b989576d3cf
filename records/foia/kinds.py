"""Kinds of responsive record: what a request's scope selects, and how each kind is exported.

A registry keyed by ``FoiaRequest.RecordKind``. Each entry says which rows the scope of a
request selects (a queryset ordered by primary key, read with a server-side cursor),
which CSV columns it has, how a row becomes an ``ExportRecord`` (the columns as text,
plus the native payload for records.jsonl), and which columns hold residents' text that
the private-information detector scans for suggested redactions.

Captured items and site registry records are defined here; removals, reports, referrals,
notices and policy documents in ``records.foia.kinds_moderation`` (imported at the end of
this module, so every kind a request can name is registered whenever the registry is used).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class ExportRecord:
    id: int
    values: dict[str, str]  # column -> text, in the order of the kind's columns
    native: str | None = None  # the payload exactly as captured, for records.jsonl
    native_sha256: str = ""


@dataclass(frozen=True)
class RecordKindSpec:
    key: str
    label: str
    queryset: Callable  # (FoiaRequest) -> QuerySet ordered by pk
    columns: tuple[str, ...]
    value_fields: tuple[str, ...]  # fields for .values_list(), same order as read by ``record``
    record: Callable[[tuple], ExportRecord]
    redactable_columns: tuple[str, ...] = ()
    sample_columns: tuple[str, ...] = field(default=())
    # Optional: columns read from another table (a removal's categories, say), fetched
    # once per chunk of rows so memory stays constant: (primary keys) -> {pk: {column: text}}.
    # ``record`` puts "" in those columns; these values replace them.
    chunk_values: Callable[[list[int]], dict[int, dict[str, str]]] | None = None
    # Columns repeating ``native_sha256`` (a hash over the native payload): emptied in the
    # bundle whenever a redaction changes the payload, like the payload's own hash.
    payload_hash_columns: tuple[str, ...] = ()

    def rows(self, request, *, chunk_size: int = 2000) -> Iterator[ExportRecord]:
        """Every responsive record, read in chunks on a server-side cursor (PostgreSQL)."""
        values = self.queryset(request).order_by("pk").values_list(*self.value_fields)
        if self.chunk_values is None:
            for row in values.iterator(chunk_size=chunk_size):
                yield self.record(row)
            return
        chunk: list[tuple] = []
        for row in values.iterator(chunk_size=chunk_size):
            chunk.append(row)
            if len(chunk) == chunk_size:
                yield from self.build(chunk)
                chunk = []
        yield from self.build(chunk)

    def build(self, rows: list[tuple]) -> list[ExportRecord]:
        """Records from rows of ``value_fields``, with the per-chunk columns filled in."""
        records = [self.record(row) for row in rows]
        if self.chunk_values is not None and records:
            extra = self.chunk_values([record.id for record in records])
            for record in records:
                record.values.update(extra.get(record.id, {}))
        return records

    def count(self, request) -> int:
        return self.queryset(request).count()


REGISTRY: dict[str, RecordKindSpec] = {}


def register(spec: RecordKindSpec) -> RecordKindSpec:
    REGISTRY[spec.key] = spec
    return spec


def city_day_bounds(request) -> tuple[datetime | None, datetime | None]:
    """The request's date range as instants: dates are the City's (America/Chicago)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(request.date_from, time.min, tzinfo=zone) if request.date_from else None
    end = (
        datetime.combine(request.date_to + timedelta(days=1), time.min, tzinfo=zone)
        if request.date_to
        else None
    )
    return start, end


def iso(value) -> str:
    return value.isoformat() if value is not None else ""


# --- Captured items (moderation.Comment) -----------------------------------------------


def captured_items_queryset(request) -> QuerySet:
    from moderation.models import Comment

    queryset = Comment.objects.all()
    site_ids = list(request.sites.values_list("pk", flat=True))
    commenter_ids = list(request.commenters.values_list("pk", flat=True))
    if site_ids:
        queryset = queryset.filter(site_id__in=site_ids)
    if commenter_ids:
        queryset = queryset.filter(author_id__in=commenter_ids)
    start, end = city_day_bounds(request)
    if start:
        queryset = queryset.filter(posted_at__gte=start)
    if end:
        queryset = queryset.filter(posted_at__lt=end)
    terms = request.terms()
    if terms:
        match = Q()
        for term in terms:
            match |= Q(text__icontains=term)
        queryset = queryset.filter(match)
    return queryset


CAPTURED_COLUMNS = (
    "id",
    "site",
    "platform",
    "platform_item_id",
    "kind",
    "parent_platform_item_id",
    "author_platform_user_id",
    "author_name",
    "author_profile_url",
    "text",
    "posted_at",
    "captured_at",
    "permalink",
    "platform_state",
    "posted_at_derived",
    "platform_deleted_at",
)


def _captured_record(row: tuple) -> ExportRecord:
    (pk, site, platform, item_id, kind, parent_id, author_id, author_name, author_url, text,
     posted_at, captured_at, permalink, platform_state, posted_at_derived, platform_deleted_at,
     raw_payload, sha256) = row  # fmt: skip
    values = {
        "id": str(pk),
        "site": site,
        "platform": platform,
        "platform_item_id": item_id,
        "kind": kind,
        "parent_platform_item_id": parent_id or "",
        "author_platform_user_id": author_id or "",
        "author_name": author_name or "",
        "author_profile_url": author_url or "",
        "text": text,
        "posted_at": iso(posted_at),
        "captured_at": iso(captured_at),
        "permalink": permalink,
        "platform_state": platform_state,
        # The platform gave no time: posted_at was derived from the item's id.
        "posted_at_derived": "yes" if posted_at_derived else "",
        "platform_deleted_at": iso(platform_deleted_at),
    }
    return ExportRecord(id=pk, values=values, native=raw_payload, native_sha256=sha256)


CAPTURED_ITEMS = register(
    RecordKindSpec(
        key="captured_items",
        label="Captured items",
        queryset=captured_items_queryset,
        columns=CAPTURED_COLUMNS,
        value_fields=(
            "pk",
            "site__account_name",
            "site__platform__name",
            "platform_item_id",
            "kind",
            # As the platform gave it: a parent not captured (yet) is still named.
            "parent_platform_item_id",
            "author__platform_user_id",
            "author__display_name",
            "author__profile_url",
            "text",
            "posted_at",
            "captured_at",
            "permalink",
            "platform_state",
            "posted_at_derived",
            "platform_deleted_at",
            "raw_payload",
            "payload_sha256",
        ),
        record=_captured_record,
        redactable_columns=("text", "author_name"),
        sample_columns=("posted_at", "site", "author_name", "text"),
    )
)


# --- Site registry records (sites_registry.Site) ---------------------------------------


def site_registry_queryset(request) -> QuerySet:
    from sites_registry.models import Site

    site_ids = list(request.sites.values_list("pk", flat=True))
    return Site.objects.filter(pk__in=site_ids) if site_ids else Site.objects.all()


SITE_COLUMNS = ("id", "platform", "account_name", "handle", "url", "department", "state", "created_at")


def _site_record(row: tuple) -> ExportRecord:
    pk, platform, account_name, handle, url, department, state, created_at = row
    values = {
        "id": str(pk),
        "platform": platform,
        "account_name": account_name,
        "handle": handle,
        "url": url,
        "department": department,
        "state": state,
        "created_at": iso(created_at),
    }
    return ExportRecord(id=pk, values=values, native=json.dumps(values, ensure_ascii=False))


SITE_REGISTRY = register(
    RecordKindSpec(
        key="site_registry",
        label="Site registry records",
        queryset=site_registry_queryset,
        columns=SITE_COLUMNS,
        value_fields=(
            "pk",
            "platform__name",
            "account_name",
            "handle",
            "url",
            "department",
            "state",
            "created_at",
        ),
        record=_site_record,
        redactable_columns=(),
        sample_columns=("platform", "account_name", "url", "state"),
    )
)


def scope_is_empty(request) -> bool:
    return not (
        request.sites.exists()
        or request.commenters.exists()
        or request.date_from
        or request.date_to
        or request.terms()
    )


def available_kinds(request) -> list[RecordKindSpec]:
    return [REGISTRY[kind] for kind in request.record_kinds if kind in REGISTRY]


# The kinds of the other areas register themselves on import (see the module docstring).
from records.foia import kinds_moderation  # noqa: E402, F401
