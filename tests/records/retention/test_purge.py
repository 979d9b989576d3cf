"""The purge: exactly the approved, due, eligible, unheld records; history and dependents with them."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ManyToOneRel

from config.portal import locks
from config.portal.models import JobRun
from moderation.models import Comment
from records.models import DisposalCertificate, DisposalTombstone, LegalHold
from records.retention.services import (
    certificate_draft,
    certificate_execute,
    legal_hold_place,
    legal_hold_release,
    retention_enforce,
)
from records.series import REGISTRY, Scope
from tests.factories import CommentFactory, approve_certificate, schedule_for
from tests.records.conftest import chicago

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(clerk_user, today):
    """``approved(*comments)``: draft a certificate listing what is eligible, and approve it."""

    def make():
        certificate = certificate_draft(actor=clerk_user, as_of=today)
        return approve_certificate(certificate, actor=clerk_user)

    return make


def alive(*comments):
    return set(Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list("pk", flat=True))


def test_approved_record_is_destroyed_with_history_and_leaves_a_tombstone(approved, eligible_year):
    comment = CommentFactory(posted_at=chicago(eligible_year))
    comment.text = "edited"
    comment.save()
    assert Comment.history.filter(id=comment.pk).count() == 2
    certificate = approved()
    retention_enforce()
    assert not alive(comment)
    assert not Comment.history.filter(id=comment.pk).exists()
    tombstone = DisposalTombstone.objects.get()
    assert (tombstone.series, tombstone.original_id, tombstone.certificate) == (
        "captured-items",
        comment.pk,
        certificate,
    )
    # The fingerprint is of the captured payload, so it matches the item's own SHA-256.
    assert tombstone.content_sha256 == comment.payload_sha256
    assert tombstone.record_date == comment.posted_at
    certificate.refresh_from_db()
    assert certificate.state == DisposalCertificate.State.EXECUTED and certificate.executed_at
    assert not certificate.items.exists()


def test_item_typed_in_without_payload_is_fingerprinted_by_text(approved, eligible_year):
    import hashlib

    comment = CommentFactory(
        posted_at=chicago(eligible_year), raw_payload="", payload_sha256="", text="typed"
    )
    approved()
    retention_enforce()
    assert DisposalTombstone.objects.get().content_sha256 == hashlib.sha256(b"typed").hexdigest()
    assert not alive(comment)


def test_held_comment_survives_approved_certificate_until_released(approved, clerk_user, eligible_year):
    held = CommentFactory(posted_at=chicago(eligible_year), text="pothole on Court St")
    free = CommentFactory(posted_at=chicago(eligible_year), text="thanks")
    certificate = approved()
    hold = legal_hold_place(
        actor=clerk_user, name="Doe", reason="Litigation", scopes=[Scope(terms=("pothole",))]
    )
    report = retention_enforce()
    assert alive(held, free) == {held.pk}
    assert report.executions[0].held == 1
    certificate.refresh_from_db()
    assert certificate.state == DisposalCertificate.State.APPROVED  # a held record remains listed
    legal_hold_release(actor=clerk_user, hold=hold, reason="Settled")
    retention_enforce()
    assert not alive(held)
    certificate.refresh_from_db()
    assert certificate.state == DisposalCertificate.State.EXECUTED


def test_explicitly_held_record_survives_and_the_released_hold_keeps_its_account_of_it(
    approved, clerk_user, eligible_year
):
    comment = CommentFactory(posted_at=chicago(eligible_year))
    approved()
    hold = legal_hold_place(
        actor=clerk_user, name="FOIA 7", reason="FOIA pending", scopes=[Scope(record_ids=(comment.pk,))]
    )
    retention_enforce()
    assert alive(comment)
    legal_hold_release(actor=clerk_user, hold=hold, reason="Request closed")
    retention_enforce()
    assert not alive(comment)
    # The released hold still says what it held (ids, not links), and nothing else changed.
    assert LegalHold.objects.get(pk=hold.pk).scopes.get().record_ids == [comment.pk]


def test_draft_and_filed_certificates_destroy_nothing(clerk_user, eligible_year, today):
    comment = CommentFactory(posted_at=chicago(eligible_year))
    certificate_draft(actor=clerk_user, as_of=today)
    retention_enforce()
    assert alive(comment)


def test_nothing_before_the_disposal_date(approved, clerk_user, eligible_year, today):
    from records.retention.services import certificate_approve, certificate_file

    comment = CommentFactory(posted_at=chicago(eligible_year))
    certificate = certificate_draft(actor=clerk_user, as_of=today)
    certificate_file(
        actor=clerk_user,
        certificate=certificate,
        filed_on=today,
        requested_disposal_date=today + dt.timedelta(days=30),
    )
    certificate_approve(
        actor=clerk_user, certificate=certificate, approval_number="1", approved_on=today, approver_name="S"
    )
    retention_enforce()
    assert alive(comment)


def test_schedule_lengthened_after_approval_keeps_the_records(approved, eligible_year):
    comment = CommentFactory(posted_at=chicago(eligible_year))
    approved()
    schedule = schedule_for("captured-items")
    schedule.period_years = 10
    schedule.save()
    report = retention_enforce()
    assert alive(comment)
    assert report.executions[0].not_eligible == 1


def test_reply_outliving_its_parent_loses_only_the_link_and_gains_no_history(
    approved, eligible_year, current_year
):
    parent = CommentFactory(posted_at=chicago(eligible_year, 12, 31), kind=Comment.Kind.CITY_POST)
    reply = CommentFactory(
        site=parent.site, parent=parent, kind=Comment.Kind.REPLY, posted_at=chicago(current_year)
    )
    same_year_reply = CommentFactory(
        site=parent.site, parent=parent, kind=Comment.Kind.REPLY, posted_at=chicago(eligible_year, 12, 31, 13)
    )
    history_before = Comment.history.filter(id=reply.pk).count()
    approved()
    retention_enforce()
    assert alive(parent, reply, same_year_reply) == {reply.pk}
    reply.refresh_from_db()
    assert reply.parent_id is None
    assert Comment.history.filter(id=reply.pk).count() == history_before
    # The reply's history still names its parent's id, which is the parent's tombstone.
    assert Comment.history.filter(id=reply.pk).first().parent_id == parent.pk
    assert DisposalTombstone.objects.filter(original_id=parent.pk).exists()


def test_dry_run_changes_nothing_and_says_what_would_be_destroyed(approved, eligible_year):
    CommentFactory(posted_at=chicago(eligible_year))
    approved()
    out = io.StringIO()
    call_command("enforce_retention", "--dry-run", stdout=out)
    assert Comment.objects.count() == 1 and not DisposalTombstone.objects.exists()
    assert "Would destroy 1 captured-items record(s)" in out.getvalue()
    assert not JobRun.objects.exists()


def test_command_runs_the_job_and_records_a_job_run(approved, eligible_year):
    CommentFactory(posted_at=chicago(eligible_year))
    approved()
    out = io.StringIO()
    call_command("enforce_retention", stdout=out)
    assert "destroyed 1" in out.getvalue()
    run = JobRun.objects.get(name="records.enforce_retention")
    assert run.outcome == JobRun.Outcome.SUCCEEDED


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "01/02/2026"])
def test_as_of_that_does_not_parse_is_refused(value, eligible_year):
    CommentFactory(posted_at=chicago(eligible_year))
    with pytest.raises(CommandError, match="is not a date"):
        call_command("enforce_retention", f"--as-of={value}", stdout=io.StringIO())
    assert not DisposalCertificate.objects.exists()


def test_future_as_of_is_refused_outside_a_dry_run(today):
    later = today + dt.timedelta(days=1)
    with pytest.raises(CommandError, match="never destroy early"):
        call_command("enforce_retention", f"--as-of={later:%Y-%m-%d}", stdout=io.StringIO())
    out = io.StringIO()
    call_command("enforce_retention", f"--as-of={later:%Y-%m-%d}", "--dry-run", stdout=out)
    assert "[dry run]" in out.getvalue()


def test_second_concurrent_run_exits_at_once_saying_so(postgresql, eligible_year):
    import psycopg

    CommentFactory(posted_at=chicago(eligible_year))
    params = connection.get_connection_params()
    other = psycopg.connect(
        **{k: v for k, v in params.items() if k in {"host", "port", "user", "dbname", "password"}}
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [locks.PURGE])
        out = io.StringIO()
        call_command("enforce_retention", stdout=out)
        assert "Another retention run holds the lock" in out.getvalue()
        assert not DisposalCertificate.objects.exists()
    finally:
        other.close()


@pytest.mark.parametrize(("synchronous", "queries"), [(True, 10), (False, 11)])
def test_batches_take_a_fixed_number_of_queries_whatever_their_size(
    postgresql, approved, eligible_year, today, django_assert_num_queries, settings, synchronous, queries
):
    settings.RETENTION_PURGE_SYNCHRONOUS_COMMIT = synchronous
    small = [CommentFactory(posted_at=chicago(eligible_year)) for _ in range(2)]
    certificate = approved()
    from records.retention.purge import _destroy_batch

    entry, schedule = REGISTRY["captured-items"], schedule_for("captured-items")
    with django_assert_num_queries(queries):
        _destroy_batch(certificate, entry, schedule, today, 0, 100)
    more = [CommentFactory(posted_at=chicago(eligible_year)) for _ in range(6)]
    certificate = approved()
    with django_assert_num_queries(queries):
        _destroy_batch(certificate, entry, schedule, today, 0, 100)
    assert not alive(*small, *more)


def test_execution_in_small_batches_destroys_everything(approved, eligible_year, today):
    comments = [CommentFactory(posted_at=chicago(eligible_year)) for _ in range(7)]
    certificate = approved()
    report = certificate_execute(certificate=certificate, as_of=today, batch_size=3)
    assert report.destroyed == 7 and len(report.batches) == 3 and report.executed
    assert not alive(*comments)
    assert DisposalTombstone.objects.count() == 7


def test_every_relation_to_a_registered_model_is_handled():
    """A new foreign key to a series model must be wired (dependent, detached or blocker) before merge."""
    checked = 0
    for entry in REGISTRY.values():
        handled = (
            {(d.model, d.fk) for d in entry.dependents}
            | {(d.model, d.fk) for d in entry.detach}
            | {(d.model, d.fk) for d in entry.blockers}
        )
        relations = [
            relation
            for relation in entry.model._meta.get_fields(include_hidden=True)
            if isinstance(relation, ManyToOneRel)
            # History tables hold ids without constraints; the purge deletes the record's own.
            and not relation.related_model.__name__.startswith("Historical")
        ]
        checked += len(relations)
        for relation in relations:
            key = (relation.related_model._meta.label, relation.field.name)
            assert key in handled, f"{key} points at {entry.model_label}: add it to the registry entry"
    assert checked >= 8  # comments: replies, holds, removals, reports; removals: categories, ...


def test_blocker_keeps_a_record_while_a_surviving_row_requires_it(
    monkeypatch, approved, eligible_year, current_year
):
    """The other policy for a required link: the parent waits for its replies (e.g. a notice's removal)."""
    from dataclasses import replace

    from records.series import base as series_module
    from records.series.base import Blocker

    entry = replace(
        REGISTRY["captured-items"], detach=(), blockers=(Blocker("moderation.Comment", "parent"),)
    )
    monkeypatch.setitem(series_module.REGISTRY, "captured-items", entry)
    parent = CommentFactory(posted_at=chicago(eligible_year))
    reply = CommentFactory(site=parent.site, parent=parent, posted_at=chicago(current_year))
    lone = CommentFactory(posted_at=chicago(eligible_year))
    approved()
    report = retention_enforce()
    assert alive(parent, reply, lone) == {parent.pk, reply.pk}
    assert report.executions[0].blocked == 1


def test_series_that_keeps_its_own_digest_gives_it_to_the_tombstone(monkeypatch, approved, eligible_year):
    """E.g. a removal's retained copy is hashed over canonical JSON; the tombstone keeps that digest."""
    from dataclasses import replace

    from records.series import base as series_module

    entry = replace(
        REGISTRY["captured-items"],
        sha256_sql="'0' || substr(payload_sha256, 2)",
        sha256_python=lambda comment: "0" + comment.payload_sha256[1:],
    )
    monkeypatch.setitem(series_module.REGISTRY, "captured-items", entry)
    comment = CommentFactory(posted_at=chicago(eligible_year))
    approved()
    retention_enforce()
    assert DisposalTombstone.objects.get().content_sha256 == "0" + comment.payload_sha256[1:]
