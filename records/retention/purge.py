"""The purge engine: destroys exactly the approved, still eligible, unheld records of a certificate.

Destruction removes the record, its dependent rows and all of its history rows and writes one
``DisposalTombstone`` per record, batch by batch with a commit per batch, so a run can be
killed at any point and run again. Holds are read again for every batch, under the shared
hold lock (``config.portal.locks``), at the moment of destruction. Machinery, not a service:
``records.retention.services`` calls it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from config.portal import locks
from config.portal.audit import stamp, system_user
from config.portal.calendar import local_date
from records.models import (
    DisposalCertificate,
    DisposalCertificateItem,
    DisposalTombstone,
    RetentionSchedule,
    StoredFileDisposal,
)
from records.retention.eligibility import eligible_before, eligible_filter
from records.retention.holds import held_filter
from records.series import REGISTRY, RecordSeries

logger = logging.getLogger(__name__)


@dataclass
class PurgeCounts:
    """What became of the listed records a batch, or a whole execution, looked at."""

    destroyed: int = 0
    held: int = 0
    blocked: int = 0
    not_eligible: int = 0
    locked: int = 0
    gone: int = 0

    def add(self, other: PurgeCounts) -> None:
        for counted in fields(PurgeCounts):
            setattr(self, counted.name, getattr(self, counted.name) + getattr(other, counted.name))


@dataclass
class BatchOutcome(PurgeCounts):
    seconds: float = 0.0


@dataclass(kw_only=True)
class ExecutionReport(PurgeCounts):
    certificate: str
    batches: list[float] = field(default_factory=list)
    executed: bool = False


def quoted_table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def quoted_column(model, field_name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field_name).column)


def _history_model(model):
    history = getattr(model, "history", None)
    return getattr(history, "model", None) if history is not None else None


def _destroy_postgresql(
    entry: RecordSeries, ids: list[int], certificate: DisposalCertificate, now, item_ids: list[int]
) -> int:
    """Set-based destruction of one batch; returns how many records were destroyed.

    Foreign keys are checked at commit (Django creates them deferrable), so the order of
    the statements inside the batch's transaction does not matter to them.
    """
    model = entry.model
    table, pk = quoted_table(model), connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        for detach in entry.detach:
            other = apps.get_model(detach.model)
            extra = f" AND NOT ({pk} = ANY(%s))" if other is model else ""
            cursor.execute(
                f"UPDATE {quoted_table(other)} SET {quoted_column(other, detach.fk)} = NULL "
                f"WHERE {quoted_column(other, detach.fk)} = ANY(%s){extra}",
                [ids, ids] if extra else [ids],
            )
        for dependent in entry.dependents:
            other = apps.get_model(dependent.model)
            other_pk = connection.ops.quote_name(other._meta.pk.column)
            cursor.execute(
                f"DELETE FROM {quoted_table(other)} WHERE {quoted_column(other, dependent.fk)} = ANY(%s) "
                f"RETURNING {other_pk}",
                [ids],
            )
            dependent_ids = [row[0] for row in cursor.fetchall()]
            other_history = _history_model(other)
            if other_history is not None and dependent_ids:
                cursor.execute(
                    f"DELETE FROM {quoted_table(other_history)} "
                    f"WHERE {quoted_column(other_history, 'id')} = ANY(%s)",
                    [dependent_ids],
                )
        history = _history_model(model)
        history_delete = (
            f", purged AS (DELETE FROM {quoted_table(history)} WHERE {quoted_column(history, 'id')} "
            "IN (SELECT id FROM destroyed))"
            if history is not None
            else ""
        )
        # One statement: the tombstone is computed from exactly the row version deleted.
        cursor.execute(
            f"WITH destroyed AS (DELETE FROM {table} WHERE {pk} = ANY(%s) RETURNING *), "
            f"tombstones AS (INSERT INTO {quoted_table(DisposalTombstone)} "
            "(series, original_id, record_date, record_created_at, content_sha256, "
            "certificate_id, destroyed_at) "
            f"SELECT %s, {pk}, {entry.record_date_sql(quoted_column(model, entry.record_date_field))}, "
            f"{quoted_column(model, entry.created_field)}, "
            f"{entry.content_sha256_sql()}, %s, %s FROM destroyed "
            "RETURNING 1)"
            f"{history_delete}, "
            f"finished AS (DELETE FROM {quoted_table(DisposalCertificateItem)} WHERE id = ANY(%s)) "
            "SELECT count(*) FROM tombstones",
            [ids, entry.series, certificate.pk, now, item_ids],
        )
        return cursor.fetchone()[0]


def _destroy_portable(entry: RecordSeries, ids: list[int], certificate: DisposalCertificate, now) -> None:
    """The same steps through the ORM, for SQLite: slower, loads the batch's rows."""
    model = entry.model
    tombstones = [
        DisposalTombstone(
            series=entry.series,
            original_id=record.pk,
            record_date=entry.record_instant(getattr(record, entry.record_date_field)),
            record_created_at=getattr(record, entry.created_field, None),
            content_sha256=entry.content_sha256(record),
            certificate=certificate,
            destroyed_at=now,
        )
        for record in model.objects.filter(pk__in=ids).order_by("pk")
    ]
    DisposalTombstone.objects.bulk_create(tombstones)
    for detach in entry.detach:
        other = apps.get_model(detach.model)
        survivors = other.objects.filter(**{f"{detach.fk}__in": ids})
        if other is model:
            survivors = survivors.exclude(pk__in=ids)
        # QuerySet.update writes no history row: destruction creates none (DESIGN.md).
        survivors.update(**{detach.fk: None})
    for dependent in entry.dependents:
        other = apps.get_model(dependent.model)
        rows = other.objects.filter(**{f"{dependent.fk}__in": ids})
        dependent_ids = list(rows.values_list("pk", flat=True))
        other_history = _history_model(other)
        if other_history is not None and dependent_ids:
            hq = other_history.objects.filter(id__in=dependent_ids)
            hq._raw_delete(hq.db)
        rows = other.objects.filter(pk__in=dependent_ids)
        rows._raw_delete(rows.db)
    history = _history_model(model)
    if history is not None:
        hq = history.objects.filter(id__in=ids)
        hq._raw_delete(hq.db)
    rows = model.objects.filter(pk__in=ids)
    rows._raw_delete(rows.db)


def _eligible_before(entry: RecordSeries, schedule, as_of: dt.date):
    cutoff = eligible_before(schedule, as_of)
    return local_date(cutoff) if cutoff is not None and entry.dated_by_day else cutoff


def _select_batch_postgresql(certificate, entry, schedule, as_of, after_record_id, batch_size):
    """Items and their records, locked (``SKIP LOCKED``), with eligibility, in two statements."""
    model = entry.model
    items_table = quoted_table(DisposalCertificateItem)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, record_id FROM {items_table} WHERE certificate_id = %s AND series = %s "
            "AND record_id > %s ORDER BY record_id LIMIT %s FOR UPDATE SKIP LOCKED",
            [certificate.pk, entry.series, after_record_id, batch_size],
        )
        items = cursor.fetchall()
        if not items:
            return items, set(), [], set()
        record_ids = [record_id for _, record_id in items]
        pk = connection.ops.quote_name(model._meta.pk.column)
        # The records themselves are locked by the DELETE that destroys them; the item rows
        # (locked above) are the unit of work that another run would skip.
        cursor.execute(
            f"SELECT {pk}, {quoted_column(model, entry.record_date_field)} < %s FROM {quoted_table(model)} "
            f"WHERE {pk} = ANY(%s)",
            # A calendar-date column is compared with a date: an instant would be read in UTC.
            [_eligible_before(entry, schedule, as_of), record_ids],
        )
        rows = cursor.fetchall()
        existing = [row[0] for row in rows]
        eligible = {row[0] for row in rows if row[1]}
    return items, set(existing), existing, eligible


def _select_batch_portable(certificate, entry, schedule, as_of, after_record_id, batch_size):
    items = list(
        DisposalCertificateItem.objects.filter(
            certificate=certificate, series=entry.series, record_id__gt=after_record_id
        )
        .order_by("record_id")
        .select_for_update(skip_locked=True)
        .values_list("pk", "record_id")[:batch_size]
    )
    if not items:
        return items, set(), [], set()
    record_ids = [record_id for _, record_id in items]
    model = entry.model
    existing = set(model.objects.filter(pk__in=record_ids).values_list("pk", flat=True))
    locked = list(
        model.objects.filter(pk__in=record_ids)
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)
    )
    eligible = set(
        model.objects.filter(eligible_filter(entry, schedule, as_of), pk__in=locked).values_list(
            "pk", flat=True
        )
    )
    return items, existing, locked, eligible


def _held_among(entry: RecordSeries, held_q, record_ids: set[int], postgresql: bool) -> set[int]:
    queryset = entry.model.objects.filter(held_q)
    if postgresql:
        # One array parameter rather than thousands of IN literals: the batch's ids.
        model = entry.model
        pk = f"{quoted_table(model)}.{connection.ops.quote_name(model._meta.pk.column)}"
        queryset = queryset.extra(where=[f"{pk} = ANY(%s)"], params=[sorted(record_ids)])
    else:
        queryset = queryset.filter(pk__in=record_ids)
    return set(queryset.values_list("pk", flat=True))


def _blocked_among(entry: RecordSeries, record_ids: set[int]) -> set[int]:
    """Records still pointed at by a surviving row through a required link (``entry.blockers``)."""
    blocked: set[int] = set()
    if not record_ids:
        return blocked
    for blocker in entry.blockers:
        other = apps.get_model(blocker.model)
        referrers = other.objects.filter(**{f"{blocker.fk}__in": record_ids})
        if other is entry.model:
            referrers = referrers.exclude(pk__in=record_ids)
        blocked |= set(referrers.values_list(blocker.fk, flat=True))
    return blocked


def _destroy_batch(
    certificate: DisposalCertificate,
    entry: RecordSeries,
    schedule: RetentionSchedule,
    as_of: dt.date,
    after_record_id: int,
    batch_size: int,
) -> tuple[BatchOutcome, int | None]:
    """One transaction: pick items, lock records, re-check eligibility and holds, destroy."""
    started = time.perf_counter()
    outcome = BatchOutcome()
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic():
        # Holds are re-read inside the batch, under the shared hold lock (see holds.py).
        locks.holds_shared()
        if postgresql and not settings.RETENTION_PURGE_SYNCHRONOUS_COMMIT:
            # A batch is still all-or-nothing; a server crash can only lose the last batches'
            # destruction (records and tombstones together), which the next run redoes.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        select = _select_batch_postgresql if postgresql else _select_batch_portable
        items, existing, locked, eligible = select(
            certificate, entry, schedule, as_of, after_record_id, batch_size
        )
        if not items:
            return outcome, None
        last_record_id = items[-1][1]
        record_ids = [record_id for _, record_id in items]
        held_q = held_filter(entry) if eligible else None
        held = _held_among(entry, held_q, eligible, postgresql) if held_q is not None else set()
        blocked = _blocked_among(entry, eligible - held)
        destroy = sorted(eligible - held - blocked)
        gone = set(record_ids) - existing
        outcome.gone = len(gone)
        outcome.locked = len(existing) - len(locked)
        outcome.not_eligible = len(locked) - len(eligible)
        outcome.held = len(held)
        outcome.blocked = len(blocked)
        outcome.destroyed = len(destroy)
        # A destroyed record's item gives way to its tombstone; an item whose record no longer
        # exists has nothing left to destroy.
        item_for = {record_id: item_id for item_id, record_id in items}
        finished = [item_for[record_id] for record_id in destroy + sorted(gone)]
        now = timezone.now()
        if destroy and entry.stored_file_field:
            _queue_stored_files(entry, destroy)
        if postgresql and finished:
            destroyed = _destroy_postgresql(entry, destroy, certificate, now, finished)
            if destroyed != len(destroy):
                raise RuntimeError(
                    f"{len(destroy)} records to destroy but {destroyed} tombstones; rolled back"
                )
        elif finished:
            if destroy:
                _destroy_portable(entry, destroy, certificate, now)
            done = DisposalCertificateItem.objects.filter(pk__in=finished)
            done._raw_delete(done.db)
    outcome.seconds = time.perf_counter() - started
    return outcome, last_record_id


def _queue_stored_files(entry: RecordSeries, ids: list[int]) -> None:
    """The files of records about to be destroyed: queued in the batch's transaction, deleted
    from storage once it commits (a crash in between leaves the queue row for the next run)."""
    field = entry.stored_file_field
    rows = entry.model.objects.filter(pk__in=ids).exclude(**{field: ""}).values_list("pk", field)
    StoredFileDisposal.objects.bulk_create(
        [StoredFileDisposal(series=entry.series, original_id=pk, file_name=name) for pk, name in rows]
    )
    transaction.on_commit(lambda: dispose_stored_files(series=entry.series))


def dispose_stored_files(*, series: str | None = None) -> int:
    """Delete the queued files of destroyed records from their storage; returns how many.

    A file already missing counts as deleted. A storage error leaves the row for the next run.
    """
    pending = StoredFileDisposal.objects.order_by("pk")
    if series is not None:
        pending = pending.filter(series=series)
    deleted = 0
    for row in pending:
        entry = REGISTRY.get(row.series)
        if entry is None or entry.storage is None:
            logger.error("No storage known for %s; its file %s stays queued", row.series, row.file_name)
            continue
        try:
            storage = entry.storage()
            if storage.exists(row.file_name):
                storage.delete(row.file_name)
        except Exception:
            logger.exception(
                "Could not delete %s of destroyed %s #%s", row.file_name, row.series, row.original_id
            )
            continue
        StoredFileDisposal.objects.filter(pk=row.pk).delete()
        deleted += 1
    return deleted


def _series_in_destruction_order(certificate: DisposalCertificate) -> list[str]:
    """Registry order first (referring series are registered before what they refer to)."""
    listed = set(certificate.items.values_list("series", flat=True).distinct())
    order = list(REGISTRY)
    return sorted(listed, key=lambda series: (order.index(series) if series in order else len(order), series))


def certificate_execute(
    *,
    certificate: DisposalCertificate,
    as_of: dt.date,
    batch_size: int | None = None,
    on_batch: Callable[[BatchOutcome], None] | None = None,
) -> ExecutionReport:
    """Destroy the certificate's records that are, at this moment, eligible and unheld."""
    batch_size = batch_size or settings.RETENTION_PURGE_BATCH_SIZE
    actor = system_user()
    report = ExecutionReport(certificate=certificate.number)
    with transaction.atomic():
        certificate = DisposalCertificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.state != DisposalCertificate.State.APPROVED or not certificate.approved_on:
            return report
        if certificate.requested_disposal_date is None or certificate.requested_disposal_date > as_of:
            return report
        if certificate.execution_started_at is None:
            certificate.execution_started_at = timezone.now()
            stamp(certificate, actor=actor, reason="Destruction started by the nightly retention job")
            certificate.save()
    schedules = {s.series: s for s in RetentionSchedule.objects.all()}
    for series in _series_in_destruction_order(certificate):
        entry, schedule = REGISTRY.get(series), schedules.get(series)
        if entry is None or schedule is None or schedule.is_permanent:
            logger.warning("%s lists series %r that cannot be destroyed; skipped", certificate, series)
            continue
        after = 0
        while True:
            outcome, after = _destroy_batch(certificate, entry, schedule, as_of, after, batch_size)
            if after is None:
                break
            report.add(outcome)
            report.batches.append(outcome.seconds)
            if on_batch:
                on_batch(outcome)
    with transaction.atomic():
        certificate = DisposalCertificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.state == DisposalCertificate.State.APPROVED and not certificate.items.exists():
            certificate.state = DisposalCertificate.State.EXECUTED
            certificate.executed_at = timezone.now()
            stamp(certificate, actor=actor, reason="Every listed record destroyed")
            certificate.save()
            report.executed = True
    return report
