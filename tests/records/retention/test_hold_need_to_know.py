"""Hold details by need to know: on a held record's page, TST and the Communications Office see
that it is held and kept and whom to ask; only the Clerk (and administrators) see which hold,
its matter and its FOIA reference."""

from __future__ import annotations

import pytest

from records.models import LegalHold
from records.retention.services import legal_hold_place
from records.series import Scope
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_comment(clerk_user):
    comment = CommentFactory(text="the pothole on Court Street")
    legal_hold_place(
        actor=clerk_user,
        name="Doe v. City of Kankakee",
        reason="Litigation pending.",
        matter="Doe v. City, 2026-L-0042",
        kind=LegalHold.Kind.LITIGATION,
        reference="2026-L-0042",
        scopes=[Scope(terms=("pothole",))],
    )
    return comment


@pytest.mark.parametrize("who", ["tst_user", "comms_user"])
def test_other_roles_see_that_the_record_is_held_but_not_which_hold(request, client_as, held_comment, who):
    page = client_as(request.getfixturevalue(who)).get(held_comment.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "under a legal hold" in text and "City Clerk" in text and "clerk@citykankakee-il.gov" in text
    assert "Doe v. City" not in text
    assert "2026-L-0042" not in text
    assert "Litigation" not in text


@pytest.mark.parametrize("who", ["clerk_user", "superuser"])
def test_the_clerk_sees_the_hold_its_kind_and_reference(request, client_as, held_comment, who):
    text = client_as(request.getfixturevalue(who)).get(held_comment.get_absolute_url()).content.decode()
    assert "Doe v. City of Kankakee" in text and "2026-L-0042" in text and "Litigation" in text


def test_unheld_record_says_so(client_as, tst_user):
    comment = CommentFactory(text="nothing held here")
    text = client_as(tst_user).get(comment.get_absolute_url()).content.decode()
    assert "No legal hold covers this record." in text
