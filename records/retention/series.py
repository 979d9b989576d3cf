"""Record series: the code half of the retention schedule.

A ``RetentionSchedule`` row (data, seeded by a migration, edited by administrators) says
how long a series is kept. A ``RecordSeries`` entry here says where that series' records
live: the model, which field is the record's date, how to fingerprint the content that
destruction removes, which rows go with a record, which rows survive it, and how a
``LegalHold``'s scope reaches it. Wiring a new model into retention is one ``register()``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.core.files.storage import Storage
from django.db import models

from config.portal.calendar import local_date, start_of_local_day


@dataclass(frozen=True)
class Dependent:
    """Rows that are destroyed with the record: ``model``'s rows whose ``fk`` is the record.

    If ``model`` is tracked, its history rows go too. Auto-created many-to-many tables
    are named like ``"records.LegalHold_comments"``.
    """

    model: str
    fk: str


@dataclass(frozen=True)
class Detach:
    """Rows that outlive the record and point at it: ``fk`` is set to NULL, without a history row.

    Their history rows keep the old id, which is the ``original_id`` of the record's tombstone.
    """

    model: str
    fk: str


@dataclass(frozen=True)
class Blocker:
    """Rows that must go first: a record that a surviving ``model`` row points at by ``fk``
    (a required, protected link) waits, listed on its certificate, until that row is destroyed.

    Series are destroyed in registration order, so register the referring series first.
    """

    model: str
    fk: str


@dataclass(frozen=True)
class HoldScope:
    """How a ``LegalHold``'s scope reaches this series, as ORM lookup paths from the record.

    ``explicit`` is the path (or paths) to the hold through its explicitly chosen records
    (``LegalHold.comments``, captured items); the others may be empty when a scope part
    does not apply.
    ``site`` and ``commenter`` may name several paths (a record is reached by any of them).
    ``retained_poster`` names paths to removals (``""``: the record is one) whose retained
    copy names a held commenter (poster id on the site's platform), so a removal stays held
    after its captured item was disposed of. ``date_fields`` are further dates that put a
    record in a hold's date range besides its record date.

    A pending FOIA request's hold must reach at least every record the request answers
    with (records/foia/kinds*.py): keep the two in step.
    """

    site: str | tuple[str, ...] = ""
    commenter: str | tuple[str, ...] = ""
    text_fields: tuple[str, ...] = ()
    explicit: str | tuple[str, ...] = ""
    retained_poster: tuple[str, ...] = ()
    date_fields: tuple[str, ...] = ()

    @staticmethod
    def paths(value: str | tuple[str, ...]) -> tuple[str, ...]:
        return (value,) if isinstance(value, str) and value else tuple(value or ())


@dataclass(frozen=True)
class RecordSeries:
    series: str
    model_label: str
    record_date_field: str
    # SQL expression (PostgreSQL) over the record table's columns giving the text whose
    # SHA-256 the tombstone keeps; ``content_python`` gives the same text from an instance.
    content_sql: str
    content_python: Callable[[models.Model], str]
    dependents: tuple[Dependent, ...] = ()
    detach: tuple[Detach, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    hold_scope: HoldScope = field(default_factory=HoldScope)
    created_field: str = "created_at"
    # When the record already keeps a SHA-256 of its content (e.g. a removal's retained copy,
    # hashed over canonical JSON), the tombstone keeps that digest: SQL expression and Python.
    sha256_sql: str = ""
    sha256_python: Callable[[models.Model], str] | None = None
    # A field naming a file in ``storage()`` that goes with the record: deleted from the
    # storage once the record's destruction is committed (see records.StoredFileDisposal).
    stored_file_field: str = ""
    storage: Callable[[], Storage] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def content_sha256(self, instance: models.Model) -> str:
        if self.sha256_python is not None:
            return self.sha256_python(instance)
        return hashlib.sha256(self.content_python(instance).encode("utf-8")).hexdigest()

    def content_sha256_sql(self) -> str:
        return self.sha256_sql or f"encode(sha256(convert_to({self.content_sql}, 'UTF8')), 'hex')"


REGISTRY: dict[str, RecordSeries] = {}


def register(entry: RecordSeries) -> RecordSeries:
    REGISTRY[entry.series] = entry
    return entry


def get_series(series: str) -> RecordSeries | None:
    return REGISTRY.get(series)


def series_for_model(model: type[models.Model]) -> RecordSeries | None:
    label = model._meta.label
    return next((entry for entry in REGISTRY.values() if entry.model_label == label), None)


# --- Captured items (issue 4) ----------------------------------------------------------------
# The content is the native payload exactly as captured, so the tombstone's SHA-256 equals
# the item's ``payload_sha256`` and can be matched against any earlier export; items typed
# in without a payload are fingerprinted by their text.
CAPTURED_ITEMS = register(
    RecordSeries(
        series="captured-items",
        model_label="moderation.Comment",
        record_date_field="posted_at",
        content_sql="CASE WHEN raw_payload <> '' THEN raw_payload ELSE text END",
        content_python=lambda comment: comment.raw_payload or comment.text,
        dependents=(Dependent("records.LegalHold_comments", "comment"),),
        # A reply can outlive its parent (posted in a later calendar year, or held): it keeps
        # its own content and loses only the link (Comment.parent is PROTECT, so the link
        # must go before the parent can).
        # A removal and a report keep their own copy of what they need (Sec. VI) and outlive
        # the captured item: only their link to it goes.
        detach=(
            Detach("moderation.Comment", "parent"),
            Detach("moderation.Removal", "comment"),
            Detach("moderation.ViolationReport", "comment"),
        ),
        hold_scope=HoldScope(site="site", commenter="author", text_fields=("text",), explicit="legal_holds"),
    )
)


# --- Moderation records (issue 5) ---------------------------------------------------------------
# Registered referring series first: a notice, referral or report must go before the removal it
# points at (PROTECT links), so they are destroyed earlier in the same run.
COMMENTER_NOTICES = register(
    RecordSeries(
        series="commenter-notices",
        model_label="moderation.CommenterNotice",
        record_date_field="recorded_at",
        content_sql="concat_ws(E'\\n', status, channel, message, not_possible_reason)",
        content_python=lambda n: "\n".join([n.status, n.channel, n.message, n.not_possible_reason]),
        hold_scope=HoldScope(
            site="removal__site",
            commenter="removal__comment__author",
            retained_poster=("removal__",),
            text_fields=("message", "not_possible_reason"),
            explicit="removal__comment__legal_holds",
        ),
    )
)
REFERRALS = register(
    RecordSeries(
        series="referrals",
        model_label="moderation.Referral",
        record_date_field="referred_at",
        content_sql=(
            "concat_ws(E'\\n', kind, agency, statute, statute_other, case_number, terms_url, "
            "platform_report_id, details, status, outcome)"
        ),
        content_python=lambda r: "\n".join(
            [
                r.kind,
                r.agency,
                r.statute,
                r.statute_other,
                r.case_number,
                r.terms_url,
                r.platform_report_id,
                r.details,
                r.status,
                r.outcome,
            ]
        ),
        # Through its removal or the report it was made from, as a FOIA request finds it.
        hold_scope=HoldScope(
            site=("removal__site", "report__site"),
            commenter=(
                "removal__comment__author",
                "report__comment__author",
                "report__removal__comment__author",
            ),
            retained_poster=("removal__", "report__removal__"),
            text_fields=("details", "outcome"),
            explicit=("removal__comment__legal_holds", "report__comment__legal_holds"),
        ),
    )
)
VIOLATION_REPORTS = register(
    RecordSeries(
        series="violation-reports",
        model_label="moderation.ViolationReport",
        record_date_field="notified_at",
        content_sql="concat_ws(E'\\n', concern, state, outcome, response)",
        content_python=lambda r: "\n".join([r.concern, r.state, r.outcome, r.response]),
        blockers=(Blocker("moderation.Referral", "report"),),
        hold_scope=HoldScope(
            site="site",
            commenter=("comment__author", "removal__comment__author"),
            retained_poster=("removal__",),
            text_fields=("concern", "response"),
            explicit="comment__legal_holds",
        ),
    )
)
REMOVALS = register(
    RecordSeries(
        series="removals",
        model_label="moderation.Removal",
        record_date_field="removed_at",
        content_sql="retained_text",
        content_python=lambda r: r.retained_text,
        # The tombstone keeps the digest of the retained copy (Sec. VI), computed at removal.
        sha256_sql="retained_sha256",
        sha256_python=lambda r: r.retained_sha256,
        dependents=(
            Dependent("moderation.RemovalCategory", "removal"),
            Dependent("moderation.AccountRestriction_removals", "removal"),
        ),
        blockers=(
            Blocker("moderation.CommenterNotice", "removal"),
            Blocker("moderation.Referral", "removal"),
            Blocker("moderation.ViolationReport", "removal"),
        ),
        # A removal is held by the poster its retained copy names (its captured item may be gone)
        # and by the day the item was posted, as a FOIA request finds it.
        hold_scope=HoldScope(
            site="site",
            commenter="comment__author",
            retained_poster=("",),
            text_fields=("retained_text", "reason"),
            date_fields=("retained_posted_at",),
            explicit="comment__legal_holds",
        ),
    )
)


# --- FOIA records (issue 7) ----------------------------------------------------------------------
# Export bundles go before their request (a PROTECT link), so they are registered first. An
# export is dated by when it finished (queued and running ones are never eligible) and held by
# its own request's hold while the request is pending; a request is dated by when it was
# closed, so an open request is never eligible.
def _export_storage() -> Storage:
    from records.foia.export import export_storage

    return export_storage()


_EXPORT_CONTENT_SQL = "concat_ws(E'\\n', state, file_name, sha256, error)"


def _export_content(export) -> str:
    return "\n".join([export.state, export.file_name, export.sha256, export.error])


FOIA_EXPORTS = register(
    RecordSeries(
        series="foia-exports",
        model_label="records.FoiaExport",
        record_date_field="finished_at",
        content_sql=_EXPORT_CONTENT_SQL,
        content_python=_export_content,
        # A bundle's tombstone keeps the bundle's own SHA-256, to match any copy sent out.
        sha256_sql=(
            f"CASE WHEN sha256 <> '' THEN sha256 "
            f"ELSE encode(sha256(convert_to({_EXPORT_CONTENT_SQL}, 'UTF8')), 'hex') END"
        ),
        sha256_python=lambda export: (
            export.sha256 or hashlib.sha256(_export_content(export).encode("utf-8")).hexdigest()
        ),
        dependents=(Dependent("records.FoiaDownload", "export"),),
        stored_file_field="file_name",
        storage=_export_storage,
        hold_scope=HoldScope(
            site="request__sites",
            commenter="request__commenters",
            text_fields=("request__description",),
            explicit="request__hold",
        ),
    )
)
FOIA_REQUESTS = register(
    RecordSeries(
        series="foia-requests",
        model_label="records.FoiaRequest",
        record_date_field="closed_at",
        content_sql="concat_ws(E'\\n', description, state, notes, agreed_in_writing)",
        content_python=lambda r: "\n".join([r.description, r.state, r.notes, r.agreed_in_writing]),
        # The letters, exemptions and redactions (with the text they withheld) are part of the
        # request's file and go with it. The requester's row stays (other requests, the
        # recurrent-requester test).
        dependents=(
            Dependent("records.FoiaLetter", "request"),
            Dependent("records.FoiaExemption", "request"),
            Dependent("records.Redaction", "request"),
            Dependent("records.FoiaRequest_sites", "foiarequest"),
            Dependent("records.FoiaRequest_commenters", "foiarequest"),
        ),
        blockers=(Blocker("records.FoiaExport", "request"),),
        hold_scope=HoldScope(site="sites", commenter="commenters", text_fields=("description",)),
    )
)


# --- Eligibility ------------------------------------------------------------------------------


def _anniversary(day: dt.date, years: int) -> dt.date:
    """``day`` plus ``years``; 29 February goes to 1 March, never to 28 February (never early)."""
    if day.month == 2 and day.day == 29:
        moved = day + relativedelta(years=years)
        return moved if moved.day == 29 else moved + dt.timedelta(days=1)
    return day + relativedelta(years=years)


def eligibility_date(schedule, record_date: dt.date | dt.datetime) -> dt.date | None:
    """The first day on which a record of ``schedule`` dated ``record_date`` may be destroyed.

    "Kept for (3) calendar years": a record of calendar year Y is kept through 31 December
    of Y+3 and is eligible on 1 January of Y+4. ``None``: kept permanently. Datetimes are
    read as their date in America/Chicago.
    """
    if isinstance(record_date, dt.datetime):
        record_date = local_date(record_date)
    trigger = schedule.trigger
    if trigger == "permanent" or schedule.period_years is None:
        return None
    if trigger == "end_of_calendar_year":
        return dt.date(record_date.year + schedule.period_years + 1, 1, 1)
    if trigger == "record_date":
        return _anniversary(record_date, schedule.period_years)
    raise ValueError(f"Unknown retention trigger {trigger!r}")


def latest_eligible_record_date(schedule, as_of: dt.date) -> dt.date | None:
    """The latest record date whose records are eligible on ``as_of`` (eligibility is monotonic)."""
    if schedule.trigger == "permanent" or schedule.period_years is None:
        return None
    if schedule.trigger == "end_of_calendar_year":
        return dt.date(as_of.year - schedule.period_years - 1, 12, 31)
    day = as_of - relativedelta(years=schedule.period_years)
    while eligibility_date(schedule, day + dt.timedelta(days=1)) <= as_of:
        day += dt.timedelta(days=1)
    while eligibility_date(schedule, day) > as_of:
        day -= dt.timedelta(days=1)
    return day


def eligible_before(schedule, as_of: dt.date) -> dt.datetime | None:
    """The instant before which a record's date must fall for it to be eligible on ``as_of``."""
    latest = latest_eligible_record_date(schedule, as_of)
    if latest is None:
        return None
    return start_of_local_day(latest + dt.timedelta(days=1))


def eligible_filter(entry: RecordSeries, schedule, as_of: dt.date) -> models.Q | None:
    cutoff = eligible_before(schedule, as_of)
    if cutoff is None:
        return None
    return models.Q(**{f"{entry.record_date_field}__lt": cutoff})
