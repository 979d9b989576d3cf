"""Disposal keeps the audit ledger whole: history rows go, their entries stay, covered by tombstones."""

import pytest

from config.portal import ledger
from config.portal.ledger_verify import verify
from config.portal.models import LedgerEntry
from moderation.models import Comment
from records.models import DisposalTombstone
from records.retention.services import certificate_draft, retention_enforce
from tests.factories import CommentFactory, RemovalFactory, ViolationReportFactory, approve_certificate
from tests.records.conftest import chicago

pytestmark = pytest.mark.usefixtures("postgresql")


def test_a_full_retention_run_with_destruction_leaves_a_chain_that_verifies(clerk_user, today, eligible_year):
    when = chicago(eligible_year)
    comment = CommentFactory(posted_at=when)
    removal = RemovalFactory(comment=comment, removed_at=when)
    ViolationReportFactory(comment=comment, removal=removal, notified_at=when)
    approve_certificate(certificate_draft(actor=clerk_user, as_of=today), actor=clerk_user)
    ledger.flush_pending()  # as committed before the nightly job, in production
    retention_enforce()
    assert not Comment.history.filter(id=comment.pk).exists()
    tombstones = DisposalTombstone.objects.count()
    assert tombstones >= 3
    ledger.flush_pending()
    assert LedgerEntry.objects.filter(kind="tombstone").count() == tombstones
    report = verify()
    assert report.ok, report.problem
    assert report.rows_disposed >= 4  # the comment's, the removal's (and its categories'), the report's


def test_a_history_row_of_a_dependent_is_covered_by_its_records_tombstone(clerk_user, today, eligible_year):
    when = chicago(eligible_year)
    removal = RemovalFactory(comment=CommentFactory(posted_at=when), removed_at=when)
    category = removal.categories.first()
    assert category is not None
    ledger.flush_pending()
    history = category.history.model
    (entry,) = LedgerEntry.objects.filter(
        subject=ledger.subject_of(history),
        row_id__in=history.objects.filter(id=category.pk).values("history_id"),
    )
    assert (entry.cover_series, entry.cover_record_id) == ("removals", removal.pk)


def test_the_certificate_and_its_print_carry_the_ledger_head(client_as, clerk_user, today, eligible_year):
    CommentFactory(posted_at=chicago(eligible_year))
    certificate = certificate_draft(actor=clerk_user, as_of=today)
    ledger.flush_pending()
    head = ledger.head()
    client = client_as(clerk_user)
    for url in (certificate.get_absolute_url(), f"{certificate.get_absolute_url()}print/"):
        body = client.get(url).content.decode()
        assert f"--head {head.seq}:{head.sha256}" in body, url
