"""Disposal Certificates and the purge (Illinois Local Records Act, 50 ILCS 205/7).

The nightly run drafts a certificate for newly eligible, unheld records, then destroys
exactly the records of approved certificates whose disposal date has come and that are
still eligible and unheld at that moment. Destruction removes the record, its dependent
rows and all of its history rows and writes one ``DisposalTombstone`` per record, batch by
batch with a commit per batch, so a run can be killed at any point and run again.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from config.portal import calendar, locks, roles
from config.portal.audit import stamp, system_user
from config.portal.calendar import local_date
from config.portal.models import JobRun
from records.models import (
    DisposalCertificate,
    DisposalCertificateItem,
    DisposalCertificateLine,
    DisposalTombstone,
    RetentionSchedule,
    StoredFileDisposal,
)
from records.retention.eligibility import eligible_before, eligible_filter
from records.retention.holds import held_filter
from records.retention.selectors import certificate_held_count
from records.series import REGISTRY, RecordSeries

logger = logging.getLogger(__name__)

FILING_NOTICE_DAYS = 30  # 44 Ill. Adm. Code 4000.40: filed at least 30 days before disposal
JOB_NAME = "records.enforce_retention"


# --- Certificates: the Clerk's steps --------------------------------------------------------


def _locked_certificate(certificate: DisposalCertificate) -> DisposalCertificate:
    return DisposalCertificate.objects.select_for_update().get(pk=certificate.pk)


@transaction.atomic
def certificate_file(
    *,
    actor,
    certificate: DisposalCertificate,
    filed_on: dt.date,
    requested_disposal_date: dt.date,
    held_excluded_confirmed: int | None = None,
) -> DisposalCertificate:
    """Record that the certificate was sent to the Local Records Commission.

    Holds override everything: when a hold placed after drafting covers records the certificate
    lists, they are excluded from it, and the Clerk must confirm that exclusion by
    ``held_excluded_confirmed``, the number of held records the page showed when it was submitted.
    It must equal the number held at this moment; the number and who confirmed it, when, are kept
    with the certificate.
    """
    roles.require_role(actor, roles.CITY_CLERK)
    certificate = _locked_certificate(certificate)
    if certificate.state != DisposalCertificate.State.DRAFT:
        raise ValidationError(f"{certificate} is {certificate.get_state_display().lower()}, not a draft.")
    errors = {}
    drafted_on = local_date(certificate.drafted_at)
    if filed_on > calendar.today():
        errors["filed_on"] = "The date sent cannot be in the future."
    elif filed_on < drafted_on:
        # The 30 days run from when the certificate was really sent, never from before it existed.
        errors["filed_on"] = (
            f"The date sent cannot be before the certificate was drafted ({drafted_on:%B %-d, %Y})."
        )
    if requested_disposal_date < filed_on + dt.timedelta(days=FILING_NOTICE_DAYS):
        errors["requested_disposal_date"] = (
            f"The disposal date must be at least {FILING_NOTICE_DAYS} days after the date sent "
            f"(on or after {filed_on + dt.timedelta(days=FILING_NOTICE_DAYS):%B %-d, %Y})."
        )
    if not certificate.items.exists():
        errors["__all__"] = "The certificate lists no records."
    # Holds are read under the shared hold lock (config.portal.locks): a hold being placed now
    # commits before this count, and one placed after waits for the filing to commit.
    locks.holds_shared()
    held = certificate_held_count(certificate)
    held_error = _held_exclusion_error(held, held_excluded_confirmed)
    if held_error:
        errors["confirm_held_excluded"] = held_error
    if errors:
        raise ValidationError(errors)
    certificate.state = DisposalCertificate.State.FILED
    certificate.filed_on = filed_on
    certificate.filed_by = actor
    certificate.requested_disposal_date = requested_disposal_date
    certificate.held_excluded_count = held
    reason = "Filed with the Local Records Commission"
    if held:
        certificate.held_exclusion_confirmed_by = actor
        certificate.held_exclusion_confirmed_at = timezone.now()
        reason += f"; the Clerk confirmed that the {_records(held)} under a legal hold are excluded"
    stamp(certificate, actor=actor, reason=reason)
    certificate.save()
    return certificate


def _records(count: int) -> str:
    return f"{count} listed record{'' if count == 1 else 's'}"


def _held_exclusion_error(held: int, confirmed: int | None) -> str:
    """Why the Clerk's confirmation does not cover the records held now ("" when it does)."""
    if not held:
        return ""
    verb = "is" if held == 1 else "are"
    if confirmed is None:
        return (
            f"The {_records(held)} now under a legal hold {verb} excluded from this certificate; "
            "confirm their exclusion to file it."
        )
    if held > confirmed:
        return (
            f"{_records(held).capitalize()} {verb} now under a legal hold, more than the {confirmed} you "
            "confirmed: a hold was placed since the page was loaded. Review them and confirm again."
        )
    if held < confirmed:
        return (
            f"{_records(held).capitalize()} {verb} now under a legal hold, fewer than the {confirmed} you "
            "confirmed: a hold was released since the page was loaded. Review them and confirm again."
        )
    return ""


@transaction.atomic
def certificate_approve(
    *,
    actor,
    certificate: DisposalCertificate,
    approval_number: str,
    approved_on: dt.date,
    approver_name: str,
) -> DisposalCertificate:
    """Record the Commission's written approval; the nightly job destroys on the disposal date."""
    roles.require_role(actor, roles.CITY_CLERK)
    certificate = _locked_certificate(certificate)
    if certificate.state != DisposalCertificate.State.FILED:
        raise ValidationError(
            f"{certificate} is {certificate.get_state_display().lower()}; only a filed certificate "
            "can be approved."
        )
    errors = {}
    if not approval_number.strip():
        errors["approval_number"] = "Enter the Commission's approval number."
    if not approver_name.strip():
        errors["approver_name"] = "Enter the name of the person who approved it."
    if approved_on < certificate.filed_on:
        errors["approved_on"] = (
            f"The approval date is before the certificate was filed ({certificate.filed_on:%B %-d, %Y})."
        )
    elif approved_on > calendar.today():
        errors["approved_on"] = "The approval date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    certificate.state = DisposalCertificate.State.APPROVED
    certificate.approval_number = approval_number.strip()
    certificate.approved_on = approved_on
    certificate.approver_name = approver_name.strip()
    certificate.approval_recorded_by = actor
    stamp(certificate, actor=actor, reason="Commission approval recorded")
    certificate.save()
    return certificate


@transaction.atomic
def certificate_withdraw(*, actor, certificate: DisposalCertificate, reason: str) -> DisposalCertificate:
    """Withdraw a draft or filed certificate; its records return to the pool for a later one."""
    roles.require_role(actor, roles.CITY_CLERK)
    certificate = _locked_certificate(certificate)
    if certificate.state not in (DisposalCertificate.State.DRAFT, DisposalCertificate.State.FILED):
        raise ValidationError(
            f"{certificate} is {certificate.get_state_display().lower()}; only a draft or filed "
            "certificate can be withdrawn."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the certificate is withdrawn."})
    certificate.state = DisposalCertificate.State.WITHDRAWN
    certificate.withdrawn_at = timezone.now()
    certificate.withdrawal_reason = reason.strip()
    stamp(certificate, actor=actor, reason="Withdrawn")
    certificate.save()
    return certificate


# --- Drafting ------------------------------------------------------------------------------


@dataclass
class SeriesCount:
    series: str
    count: int
    earliest: dt.date | None
    latest: dt.date | None


def wired_schedules() -> list[tuple[RetentionSchedule, RecordSeries]]:
    """Schedules with a registry entry (a model to destroy from), permanent ones excluded."""
    pairs = []
    for schedule in RetentionSchedule.objects.order_by("series"):
        entry = REGISTRY.get(schedule.series)
        if entry is not None and not schedule.is_permanent:
            pairs.append((schedule, entry))
    return pairs


def draftable(entry: RecordSeries, schedule: RetentionSchedule, as_of: dt.date) -> models.QuerySet:
    """Records eligible on ``as_of``, not held, and not on a live certificate."""
    eligible = eligible_filter(entry, schedule, as_of)
    queryset = entry.model.objects.filter(eligible)
    held = held_filter(entry)
    if held is not None:
        queryset = queryset.exclude(pk__in=entry.model.objects.filter(held).values("pk"))
    spoken_for = DisposalCertificateItem.objects.filter(
        series=entry.series, certificate__state__in=_live_states()
    ).values("record_id")
    return queryset.exclude(pk__in=spoken_for).order_by()


def _live_states() -> list[str]:
    return [s for s in DisposalCertificate.State.values if s != DisposalCertificate.State.WITHDRAWN]


def _count(queryset: models.QuerySet, date_field: str, series: str) -> SeriesCount:
    summary = queryset.aggregate(n=Count("pk"), first=Min(date_field), last=Max(date_field))
    return SeriesCount(
        series,
        summary["n"],
        local_date(summary["first"]) if summary["first"] else None,
        local_date(summary["last"]) if summary["last"] else None,
    )


def draft_preview(as_of: dt.date) -> list[SeriesCount]:
    counts = []
    for schedule, entry in wired_schedules():
        count = _count(draftable(entry, schedule, as_of), entry.record_date_field, entry.series)
        if count.count:
            counts.append(count)
    return counts


def _next_number(as_of: dt.date) -> str:
    prefix = f"DC-{as_of.year}-"
    taken = DisposalCertificate.objects.filter(number__startswith=prefix).count()
    number = taken + 1
    while DisposalCertificate.objects.filter(number=f"{prefix}{number:03d}").exists():
        number += 1
    return f"{prefix}{number:03d}"


@transaction.atomic
def certificate_draft(*, actor, as_of: dt.date) -> DisposalCertificate | None:
    """List newly eligible, unheld records on the open draft (created if needed).

    Set-based: one ``INSERT ... SELECT`` per series, so memory does not grow with the count.
    """
    added = 0
    certificate = DisposalCertificate.objects.select_for_update().filter(state="draft").first()
    if certificate is not None:
        certificate.added_by_series = {}
    for schedule, entry in wired_schedules():
        queryset = draftable(entry, schedule, as_of)
        if not queryset.exists():
            continue
        if certificate is None:
            certificate = DisposalCertificate(
                number=_next_number(as_of), drafted_at=timezone.now(), eligible_as_of=as_of
            )
            stamp(certificate, actor=actor, reason="Drafted by the nightly retention job")
            certificate.save()
            certificate.added_by_series = {}
        rows = queryset.annotate(
            _certificate=models.Value(certificate.pk, output_field=models.BigIntegerField()),
            _series=models.Value(entry.series, output_field=models.CharField()),
        ).values_list("pk", entry.record_date_field, "_certificate", "_series")
        select_sql, params = rows.query.sql_with_params()
        table = DisposalCertificateItem._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (record_id, record_date, certificate_id, series) {select_sql}", params
            )
            added += cursor.rowcount
            certificate.added_by_series[entry.series] = cursor.rowcount
    if certificate is None or not added:
        return None
    _refresh_lines(certificate, actor=actor)
    certificate.eligible_as_of = as_of
    stamp(certificate, actor=actor, reason=f"{added} newly eligible record(s) listed")
    certificate.save()
    return certificate


def _refresh_lines(certificate: DisposalCertificate, *, actor) -> None:
    schedules = {s.series: s for s in RetentionSchedule.objects.all()}
    summary = (
        certificate.items.values("series")
        .annotate(n=Count("pk"), first=Min("record_date"), last=Max("record_date"))
        .order_by("series")
    )
    for row in summary:
        line = DisposalCertificateLine.objects.filter(
            certificate=certificate, schedule=schedules[row["series"]]
        ).first() or DisposalCertificateLine(certificate=certificate, schedule=schedules[row["series"]])
        line.record_count = row["n"]
        line.earliest_record_date = local_date(row["first"])
        line.latest_record_date = local_date(row["last"])
        stamp(line, actor=actor, reason="Drafted by the nightly retention job")
        line.save()


# --- Destruction ----------------------------------------------------------------------------


@dataclass
class BatchOutcome:
    destroyed: int = 0
    held: int = 0
    blocked: int = 0
    not_eligible: int = 0
    locked: int = 0
    gone: int = 0
    seconds: float = 0.0


@dataclass
class ExecutionReport:
    certificate: str
    destroyed: int = 0
    held: int = 0
    blocked: int = 0
    not_eligible: int = 0
    locked: int = 0
    gone: int = 0
    batches: list[float] = field(default_factory=list)
    executed: bool = False


def _db_table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field_name: str) -> str:
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
    table, pk = _db_table(model), connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        for detach in entry.detach:
            other = apps.get_model(detach.model)
            extra = f" AND NOT ({pk} = ANY(%s))" if other is model else ""
            cursor.execute(
                f"UPDATE {_db_table(other)} SET {_column(other, detach.fk)} = NULL "
                f"WHERE {_column(other, detach.fk)} = ANY(%s){extra}",
                [ids, ids] if extra else [ids],
            )
        for dependent in entry.dependents:
            other = apps.get_model(dependent.model)
            other_pk = connection.ops.quote_name(other._meta.pk.column)
            cursor.execute(
                f"DELETE FROM {_db_table(other)} WHERE {_column(other, dependent.fk)} = ANY(%s) "
                f"RETURNING {other_pk}",
                [ids],
            )
            dependent_ids = [row[0] for row in cursor.fetchall()]
            other_history = _history_model(other)
            if other_history is not None and dependent_ids:
                cursor.execute(
                    f"DELETE FROM {_db_table(other_history)} WHERE {_column(other_history, 'id')} = ANY(%s)",
                    [dependent_ids],
                )
        history = _history_model(model)
        history_delete = (
            f", purged AS (DELETE FROM {_db_table(history)} WHERE {_column(history, 'id')} "
            "IN (SELECT id FROM destroyed))"
            if history is not None
            else ""
        )
        # One statement: the tombstone is computed from exactly the row version deleted.
        cursor.execute(
            f"WITH destroyed AS (DELETE FROM {table} WHERE {pk} = ANY(%s) RETURNING *), "
            f"tombstones AS (INSERT INTO {_db_table(DisposalTombstone)} "
            "(series, original_id, record_date, record_created_at, content_sha256, "
            "certificate_id, destroyed_at) "
            f"SELECT %s, {pk}, {_column(model, entry.record_date_field)}, "
            f"{_column(model, entry.created_field)}, "
            f"{entry.content_sha256_sql()}, %s, %s FROM destroyed "
            "RETURNING 1)"
            f"{history_delete}, "
            f"finished AS (DELETE FROM {_db_table(DisposalCertificateItem)} WHERE id = ANY(%s)) "
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
            record_date=getattr(record, entry.record_date_field),
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


def _select_batch_postgresql(certificate, entry, schedule, as_of, after_record_id, batch_size):
    """Items and their records, locked (``SKIP LOCKED``), with eligibility, in two statements."""
    model = entry.model
    items_table = _db_table(DisposalCertificateItem)
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
            f"SELECT {pk}, {_column(model, entry.record_date_field)} < %s FROM {_db_table(model)} "
            f"WHERE {pk} = ANY(%s)",
            [eligible_before(schedule, as_of), record_ids],
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
        pk = f"{_db_table(model)}.{connection.ops.quote_name(model._meta.pk.column)}"
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
        certificate = _locked_certificate(certificate)
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
            report.destroyed += outcome.destroyed
            report.held += outcome.held
            report.blocked += outcome.blocked
            report.not_eligible += outcome.not_eligible
            report.locked += outcome.locked
            report.gone += outcome.gone
            report.batches.append(outcome.seconds)
            if on_batch:
                on_batch(outcome)
    with transaction.atomic():
        certificate = _locked_certificate(certificate)
        if certificate.state == DisposalCertificate.State.APPROVED and not certificate.items.exists():
            certificate.state = DisposalCertificate.State.EXECUTED
            certificate.executed_at = timezone.now()
            stamp(certificate, actor=actor, reason="Every listed record destroyed")
            certificate.save()
            report.executed = True
    return report


# --- The nightly run ------------------------------------------------------------------------


@dataclass
class RunReport:
    as_of: dt.date
    dry_run: bool
    locked_out: bool = False
    drafted: list[SeriesCount] = field(default_factory=list)
    draft_number: str = ""
    executions: list[ExecutionReport] = field(default_factory=list)
    would_destroy: list[tuple[str, str, int, int]] = field(default_factory=list)
    files_deleted: int = 0  # left queued by an earlier run (this run's go right after each batch)

    def lines(self) -> list[str]:
        if self.locked_out:
            return ["Another retention run holds the lock; this run did nothing and exits."]
        prefix = "[dry run] " if self.dry_run else ""
        out = [f"{prefix}Retention run as of {self.as_of:%Y-%m-%d}."]
        for count in self.drafted:
            if self.dry_run:
                out.append(
                    f"{prefix}Would list: {count.count} {count.series} record(s) "
                    f"dated {count.earliest:%Y-%m-%d} to {count.latest:%Y-%m-%d}."
                )
            else:
                out.append(
                    f"Listed {count.count} newly eligible {count.series} record(s) on {self.draft_number} "
                    f"(its {count.series} records are dated {count.earliest:%Y-%m-%d} "
                    f"to {count.latest:%Y-%m-%d})."
                )
        if not self.drafted:
            out.append(f"{prefix}No newly eligible, unheld records to list on a certificate.")
        for number, series, count, held in self.would_destroy:
            out.append(f"{prefix}Would destroy {count} {series} record(s) of {number}; {held} held.")
        for execution in self.executions:
            out.append(
                f"{execution.certificate}: destroyed {execution.destroyed}; held {execution.held}; "
                f"waiting for records that refer to them {execution.blocked}; "
                f"not yet eligible {execution.not_eligible}; busy {execution.locked}; "
                f"{'executed' if execution.executed else 'records remain'}."
            )
        if not self.executions and not self.would_destroy:
            out.append(f"{prefix}No approved certificate is due.")
        if self.files_deleted:
            out.append(f"Deleted {self.files_deleted} stored file(s) of records destroyed by an earlier run.")
        return out


def parse_as_of(value: str | None) -> dt.date:
    if not value:
        return calendar.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"as_of": f"“{value}” is not a date; write it as YYYY-MM-DD."}) from None


def _dry_run_destruction(as_of: dt.date) -> list[tuple[str, str, int, int]]:
    schedules = {s.series: s for s in RetentionSchedule.objects.all()}
    rows = []
    for certificate in DisposalCertificate.objects.due(as_of).order_by("requested_disposal_date", "pk"):
        for series in certificate.items.values_list("series", flat=True).distinct().order_by("series"):
            entry, schedule = REGISTRY.get(series), schedules.get(series)
            if entry is None or schedule is None or schedule.is_permanent:
                continue
            listed = entry.model.objects.filter(
                pk__in=certificate.items.filter(series=series).values("record_id")
            ).filter(eligible_filter(entry, schedule, as_of))
            held_q = held_filter(entry)
            held = listed.filter(held_q).count() if held_q is not None else 0
            rows.append((certificate.number, series, listed.count() - held, held))
    return rows


def retention_enforce(
    *,
    actor=None,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    batch_size: int | None = None,
    on_batch: Callable[[BatchOutcome], None] | None = None,
) -> RunReport:
    """The nightly job: draft the certificate for new eligible records, then destroy the due ones.

    ``as_of`` may not be later than today except in a dry run: nothing is ever destroyed early.
    """
    as_of = as_of or calendar.today()
    if not dry_run and as_of > calendar.today():
        raise ValidationError(
            {
                "as_of": f"{as_of:%Y-%m-%d} is in the future; only a dry run may look ahead "
                "(never destroy early)."
            }
        )
    report = RunReport(as_of=as_of, dry_run=dry_run)
    if dry_run:
        report.drafted = draft_preview(as_of)
        report.would_destroy = _dry_run_destruction(as_of)
        return report
    actor = actor or system_user()
    if not locks.purge_try():
        report.locked_out = True
        return report
    run = JobRun.objects.create(name=JOB_NAME, hostname=socket.gethostname())
    try:
        # Files of records destroyed by an earlier run that stopped before deleting them.
        report.files_deleted += dispose_stored_files()
        certificate = certificate_draft(actor=actor, as_of=as_of)
        if certificate is not None:
            report.draft_number = certificate.number
            for line in certificate.lines.select_related("schedule"):
                added = certificate.added_by_series.get(line.schedule.series, 0)
                if added:
                    report.drafted.append(
                        SeriesCount(
                            line.schedule.series, added, line.earliest_record_date, line.latest_record_date
                        )
                    )
        for due in DisposalCertificate.objects.due(as_of).order_by("requested_disposal_date", "pk"):
            report.executions.append(
                certificate_execute(certificate=due, as_of=as_of, batch_size=batch_size, on_batch=on_batch)
            )
    except BaseException as exc:
        run.outcome, run.finished_at, run.summary = JobRun.Outcome.FAILED, timezone.now(), repr(exc)[:2000]
        run.save()
        raise
    finally:
        try:
            locks.purge_release()
        except Exception:  # the connection is gone, and the session lock with it
            logger.warning("Could not release the retention advisory lock", exc_info=True)
    run.outcome, run.finished_at = JobRun.Outcome.SUCCEEDED, timezone.now()
    run.summary = "\n".join(report.lines())
    run.save()
    return report
