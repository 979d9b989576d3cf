"""The FOIA record series under the retention purge: requests, with their
letters, exemptions and redactions, and export bundles, whose ZIP files leave the storage."""

import hashlib

import pytest
from django.core.files.base import ContentFile

from records.foia.export import export_storage
from records.models import (
    DisposalTombstone,
    FoiaDownload,
    FoiaExemption,
    FoiaExport,
    FoiaLetter,
    FoiaRequest,
    LegalHold,
    Redaction,
    StoredFileDisposal,
)
from records.retention.services import certificate_draft, legal_hold_place, retention_enforce
from records.series import Scope
from tests.factories import (
    CommenterFactory,
    FoiaRequestFactory,
    SiteFactory,
    UserFactory,
    approve_certificate,
)
from tests.records.conftest import chicago

pytestmark = pytest.mark.django_db

BUNDLE = b"PK\x05\x06" + b"\x00" * 18  # an empty ZIP archive


def _closed_request_with_its_file(year, *, description="All comments about potholes.", closed=True):
    when = chicago(year)
    clerk = UserFactory()
    request = FoiaRequestFactory(
        description=description,
        state=FoiaRequest.State.FULFILLED if closed else FoiaRequest.State.IN_PROGRESS,
        closed_at=when if closed else None,
    )
    request.sites.set([SiteFactory()])
    request.commenters.set([CommenterFactory()])
    FoiaLetter.objects.create(
        request=request,
        kind="fulfilment",
        subject="Response",
        body="Enclosed.",
        sent_on=when.date(),
        sent_by=clerk,
    )
    FoiaExemption.objects.create(
        request=request, citation="5 ILCS 140/7(1)(b)", factual_basis="A phone number."
    )
    Redaction.objects.create(
        request=request, record_kind="captured-items", record_id=1, field="text", text="815-555-0142"
    )
    name = export_storage().save(f"foia/{request.pk}/bundle.zip", ContentFile(BUNDLE))
    export = FoiaExport.objects.create(
        request=request,
        requested_by=clerk,
        state=FoiaExport.State.COMPLETE,
        finished_at=when,
        file_name=name,
        size=len(BUNDLE),
        sha256=hashlib.sha256(BUNDLE).hexdigest(),
    )
    FoiaDownload.objects.create(export=export, user=clerk, downloaded_at=when)
    return request, export


def test_closed_request_and_its_export_are_destroyed_with_the_bundle_file(
    clerk_user, today, eligible_year, django_capture_on_commit_callbacks
):
    request, export = _closed_request_with_its_file(eligible_year)
    certificate = certificate_draft(actor=clerk_user, as_of=today)
    letter = request.letters.get()
    assert set(certificate.items.values_list("series", "record_id")) == {
        ("foia-requests", request.pk),
        ("foia-exports", export.pk),
        ("foia-letters", letter.pk),
    }
    approve_certificate(certificate, actor=clerk_user)
    with django_capture_on_commit_callbacks(execute=True):
        retention_enforce()
    assert not FoiaRequest.objects.filter(pk=request.pk).exists()
    assert not FoiaExport.objects.exists() and not FoiaDownload.objects.exists()
    assert not FoiaLetter.objects.exists() and not FoiaExemption.objects.exists()
    assert not Redaction.objects.exists()  # the withheld text goes with the request's file
    assert not FoiaRequest.history.filter(id=request.pk).exists()
    assert not Redaction.history.exists() and not FoiaLetter.history.exists()
    assert not export_storage().exists(export.file_name)
    assert not StoredFileDisposal.objects.exists()
    tombstones = dict(DisposalTombstone.objects.values_list("series", "content_sha256"))
    # The export's tombstone keeps the bundle's own SHA-256, to match a copy sent out.
    assert tombstones["foia-exports"] == hashlib.sha256(BUNDLE).hexdigest()
    assert set(tombstones) == {"foia-requests", "foia-exports", "foia-letters"}


def test_open_request_and_its_exports_are_never_listed(clerk_user, today, eligible_year):
    request, export = _closed_request_with_its_file(eligible_year, closed=False)
    # An open request is held by its own FOIA hold, which covers its exports too, whatever
    # its scope (here a date range that the export's date is not in).
    hold = legal_hold_place(
        actor=clerk_user,
        name=request.reference,
        reason="Pending FOIA request",
        kind=LegalHold.Kind.FOIA_REQUEST,
        reference=request.reference,
        scopes=[Scope(date_from=today)],
    )
    FoiaRequest.objects.filter(pk=request.pk).update(hold=hold)
    assert certificate_draft(actor=clerk_user, as_of=today) is None
    assert FoiaExport.objects.filter(pk=export.pk).exists()


def test_a_hold_naming_the_request_keeps_it_and_its_export(
    clerk_user, today, eligible_year, django_capture_on_commit_callbacks
):
    request, export = _closed_request_with_its_file(eligible_year, description="Comments about Jane Roe")
    approve_certificate(certificate_draft(actor=clerk_user, as_of=today), actor=clerk_user)
    legal_hold_place(
        actor=clerk_user, name="Roe v. City", reason="Litigation", scopes=[Scope(terms=("Jane Roe",))]
    )
    with django_capture_on_commit_callbacks(execute=True):
        retention_enforce()
    assert FoiaRequest.objects.filter(pk=request.pk).exists()
    assert FoiaExport.objects.filter(pk=export.pk).exists()
    assert export_storage().exists(export.file_name)
    assert not DisposalTombstone.objects.exists()


def test_a_file_left_by_an_interrupted_run_is_deleted_by_the_next(
    clerk_user, today, eligible_year, django_capture_on_commit_callbacks
):
    """The batch commits, then the process dies before deleting the file: the queue row
    committed with the destruction, and the next run deletes the file."""
    request, export = _closed_request_with_its_file(eligible_year)
    approve_certificate(certificate_draft(actor=clerk_user, as_of=today), actor=clerk_user)
    retention_enforce()  # on-commit callbacks not run: as if the process died right after commit
    assert not FoiaExport.objects.exists()
    assert export_storage().exists(export.file_name)
    assert list(StoredFileDisposal.objects.values_list("series", "original_id", "file_name")) == [
        ("foia-exports", export.pk, export.file_name)
    ]
    report = retention_enforce()
    assert not export_storage().exists(export.file_name)
    assert not StoredFileDisposal.objects.exists()
    assert report.files_deleted == 1
    assert "Deleted 1 stored file(s) of records destroyed by an earlier run." in report.lines()
