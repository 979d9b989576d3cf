"""Policy documents: version 1 is the ordinance's text; amendments take effect the day posted."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sites_registry import services
from sites_registry.models import PolicyDocument

pytestmark = pytest.mark.django_db

ORDINANCE = Path("/work/shared/policy/ordinance-2019-70.txt")
POLICY_TEXTS = Path(__file__).resolve().parents[2] / "sites_registry" / "policy_texts"


@pytest.mark.parametrize(
    ("kind", "opening", "closing"),
    [
        (
            "comment-policy",
            "Social Medias sites shall be the primary sites",
            "effective on the day they are posted.",
        ),
        (
            "disclaimer",
            "THIS WEBSITE IS MADE AVAILABLE FOR GENERAL REFERENCE ONLY",
            "specific facts and circumstances.",
        ),
        (
            "privacy-policy",
            "This is the City of Kankakee Illinois online privacy policy",
            "day they are posted.",
        ),
        (
            "reporting-removal",
            "immediately notify the City Communications Office",
            "certain violations of the Terms.",
        ),
    ],
)
def test_version_one_is_the_ordinance_text(kind, opening, closing):
    document = PolicyDocument.objects.get(kind=kind, version=1)
    assert document.effective_date == datetime.date(2019, 12, 2)
    assert opening in document.text
    assert document.text.rstrip().endswith(closing)
    assert document.text == (POLICY_TEXTS / f"{kind}-v1.txt").read_text(encoding="utf-8")


def test_policy_texts_are_verbatim_ordinance_paragraphs():
    if not ORDINANCE.exists():
        pytest.skip("the shared ordinance text is not on this machine")
    ordinance = " ".join(ORDINANCE.read_text(encoding="utf-8").split())
    for path in POLICY_TEXTS.glob("*.txt"):
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            if paragraph.strip():
                assert " ".join(paragraph.split()) in ordinance, (path.name, paragraph[:60])


def test_disclaimer_does_not_run_into_the_privacy_policy():
    text = PolicyDocument.objects.get(kind="disclaimer", version=1).text
    assert "ON-LINE PRIVACY POLICY" not in text and "Cookies" not in text


def test_amendment_is_a_new_version_effective_the_day_posted(comms_user):
    document = services.policy_publish(
        actor=comms_user, kind="comment-policy", text="New comment rules.", change_summary="Shorter"
    )
    assert document.version == 2
    assert document.effective_date == timezone.localdate()
    assert document.published_by == comms_user
    assert PolicyDocument.objects.in_effect("comment-policy") == document
    assert PolicyDocument.objects.get(kind="comment-policy", version=1).text.startswith("• The City")
    assert PolicyDocument.objects.in_effect("comment-policy", on=datetime.date(2020, 1, 1)).version == 1


def test_same_day_amendments_the_latest_wins(comms_user):
    services.policy_publish(actor=comms_user, kind="disclaimer", text="A", change_summary="a")
    second = services.policy_publish(actor=comms_user, kind="disclaimer", text="B", change_summary="b")
    assert second.version == 3
    assert PolicyDocument.objects.in_effect("disclaimer") == second


def test_no_policy_was_in_effect_before_adoption():
    assert PolicyDocument.objects.in_effect("privacy-policy", on=datetime.date(2019, 12, 1)) is None


def test_unchanged_or_empty_text_is_refused(comms_user):
    current = PolicyDocument.objects.in_effect("privacy-policy")
    with pytest.raises(ValidationError) as caught:
        services.policy_publish(
            actor=comms_user, kind="privacy-policy", text=current.text, change_summary="x"
        )
    assert "text" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.policy_publish(actor=comms_user, kind="privacy-policy", text="  ", change_summary="x")
    assert "text" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.policy_publish(actor=comms_user, kind="privacy-policy", text="new", change_summary="")
    assert "change_summary" in caught.value.message_dict
    assert PolicyDocument.objects.filter(kind="privacy-policy").count() == 1


@pytest.mark.parametrize("user_fixture", ["tst_user", "clerk_user"])
def test_only_the_communications_office_publishes(request, user_fixture):
    with pytest.raises(PermissionDenied):
        services.policy_publish(
            actor=request.getfixturevalue(user_fixture), kind="disclaimer", text="x", change_summary="x"
        )


def test_published_text_never_changes():
    document = PolicyDocument.objects.get(kind="disclaimer", version=1)
    document.text = "Rewritten history"
    with pytest.raises(ValidationError):
        document.save()
    assert PolicyDocument.objects.get(pk=document.pk).text.startswith("THIS WEBSITE")


def test_published_effective_date_never_changes():
    """Which text was in force on a day is part of the published record: an amendment takes
    effect the day it is posted (Sec. V; Sec. VIII), and a version's date is not moved."""
    document = PolicyDocument.objects.get(kind="disclaimer", version=1)
    published_on = document.effective_date
    document.effective_date = published_on - datetime.timedelta(days=400)
    with pytest.raises(ValidationError):
        document.save()
    assert PolicyDocument.objects.get(pk=document.pk).effective_date == published_on
