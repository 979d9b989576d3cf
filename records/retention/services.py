"""Writes of retention: legal holds, Disposal Certificates, and the nightly run (50 ILCS 205/7).

The nightly run drafts a certificate for newly eligible, unheld records, then has the purge
engine (``records.retention.purge``) destroy exactly the records of approved certificates whose
disposal date has come and that are still eligible and unheld at that moment. Holds override
everything: a held record is never destroyed.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Max, Min
from django.db.models.expressions import RawSQL
from django.utils import timezone

from config.portal import calendar, locks, roles
from config.portal.audit import stamp, system_user
from config.portal.calendar import local_date
from config.portal.models import JobRun
from records.models import (
    DisposalCertificate,
    DisposalCertificateItem,
    DisposalCertificateLine,
    HoldScope,
    LegalHold,
    RetentionSchedule,
)
from records.retention.eligibility import eligible_filter
from records.retention.holds import held_filter
from records.retention.purge import (
    BatchOutcome,
    ExecutionReport,
    certificate_execute,
    dispose_stored_files,
    quoted_column,
    quoted_table,
)
from records.retention.selectors import certificate_held_count
from records.series import REGISTRY, RecordSeries, Scope

logger = logging.getLogger(__name__)

FILING_NOTICE_DAYS = 30  # 44 Ill. Adm. Code 4000.40: filed at least 30 days before disposal
JOB_NAME = "records.enforce_retention"


# --- Legal holds -----------------------------------------------------------------------------


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
        if entry.dated_by_day and connection.vendor != "postgresql":
            # SQLite (the embedded default, small): the instants computed in Python.
            items = [
                DisposalCertificateItem(
                    certificate=certificate,
                    series=entry.series,
                    record_id=pk,
                    record_date=entry.record_instant(day),
                )
                for pk, day in queryset.values_list("pk", entry.record_date_field).iterator()
            ]
            DisposalCertificateItem.objects.bulk_create(items, batch_size=2000)
            added += len(items)
            certificate.added_by_series[entry.series] = len(items)
            continue
        model = entry.model
        record_date = RawSQL(
            entry.record_date_sql(f"{quoted_table(model)}.{quoted_column(model, entry.record_date_field)}"),
            [],
            output_field=models.DateTimeField(),
        )
        rows = queryset.annotate(
            _record_date=record_date,
            _certificate=models.Value(certificate.pk, output_field=models.BigIntegerField()),
            _series=models.Value(entry.series, output_field=models.CharField()),
        ).values_list("pk", "_record_date", "_certificate", "_series")
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
