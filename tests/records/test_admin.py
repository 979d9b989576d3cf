"""The admin shows FOIA and hold records; it does not write them past the Clerk's services."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from records.models import FoiaDownload, FoiaExport, FoiaLetter, FoiaRequest, LegalHold, Redaction
from tests.factories import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [LegalHold, FoiaRequest, FoiaLetter, FoiaExport, FoiaDownload, Redaction])
def test_admin_cannot_add_change_or_delete_records_the_services_write(superuser, model):
    """A hold released, a request closed or a download deleted in the admin would skip the
    service (the FOIA clock, the hold, the change reason) or erase the audit trail."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_admin_still_shows_a_foia_request_and_a_hold(client, superuser, clerk_user):
    from datetime import date

    from django.urls import reverse

    from records.foia import services
    from tests.factories import FoiaRequesterFactory, SiteFactory

    foia_request = services.foia_request_create(
        actor=clerk_user,
        requester=FoiaRequesterFactory(),
        received_on=date(2026, 11, 16),
        channel="email",
        description="All",
        sites=[SiteFactory()],
        record_kinds=["captured-items"],
    )
    sign_in_verified(client, superuser)
    for url in (
        reverse("admin:records_foiarequest_changelist"),
        reverse("admin:records_foiarequest_change", args=[foia_request.pk]),
        reverse("admin:records_legalhold_change", args=[foia_request.hold_id]),
    ):
        assert client.get(url).status_code == 200, url
