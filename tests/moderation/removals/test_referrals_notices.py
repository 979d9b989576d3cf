"""Referrals, commenter notices, notice templates and account restrictions (Sec. VI)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from moderation.models import AccountRestriction, CommenterNotice, NoticeTemplate, Referral, Removal
from moderation.removals import services
from tests.factories import (
    AccountRestrictionFactory,
    CommenterFactory,
    NoticeTemplateFactory,
    PlatformFactory,
    RemovalFactory,
    SiteFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db


# --- referrals ----------------------------------------------------------------------


def test_law_enforcement_referral_names_agency_statute_and_case(tst_user):
    removal = RemovalFactory()
    referral = services.referral_create(
        actor=tst_user,
        kind="law_enforcement",
        removal=removal,
        agency="Kankakee Police Department",
        statute="720 ILCS 5/12-9",
        case_number="KPD-26-1101",
    )
    assert referral.report is None or referral.report.removal == removal
    assert referral.statute_label == "Threatening a Public Official (720 ILCS 5/12-9)"
    assert referral.status == Referral.Status.REFERRED and referral.referred_at


def test_law_enforcement_referral_without_agency_or_statute_is_refused(tst_user):
    with pytest.raises(ValidationError) as excinfo:
        services.referral_create(actor=tst_user, kind="law_enforcement", removal=RemovalFactory())
    assert set(excinfo.value.message_dict) == {"agency", "statute"}
    with pytest.raises(ValidationError) as excinfo:
        services.referral_create(
            actor=tst_user, kind="law_enforcement", removal=RemovalFactory(), agency="ISP", statute="other"
        )
    assert set(excinfo.value.message_dict) == {"statute_other"}


def test_platform_referral_uses_the_terms_url_from_the_registry(tst_user):
    platform = PlatformFactory(terms_url="https://example.com/tos")
    report = ViolationReportFactory(comment__site__platform=platform)
    referral = services.referral_create(
        actor=tst_user, kind="platform", report=report, platform_report_id="R-77"
    )
    assert referral.platform == platform
    assert referral.terms_url == "https://example.com/tos"
    # The registry may change later; the referral keeps the terms it was made under.
    platform.terms_url = "https://example.com/new-tos"
    platform.save()
    referral.refresh_from_db()
    assert referral.terms_url == "https://example.com/tos"


def test_platform_referral_refused_when_the_registry_has_no_terms_url(tst_user):
    platform = PlatformFactory(terms_url="")
    with pytest.raises(ValidationError) as excinfo:
        services.referral_create(
            actor=tst_user, kind="platform", removal=RemovalFactory(comment__site__platform=platform)
        )
    assert "platform" in excinfo.value.message_dict


def test_referral_needs_a_removal_or_report_and_tst(tst_user, comms_user):
    with pytest.raises(ValidationError):
        services.referral_create(
            actor=tst_user, kind="law_enforcement", agency="KPD", statute="720 ILCS 5/26-1"
        )
    with pytest.raises(PermissionDenied):
        services.referral_create(
            actor=comms_user,
            kind="law_enforcement",
            removal=RemovalFactory(),
            agency="KPD",
            statute="720 ILCS 5/26-1",
        )


def test_referral_status_changes_need_an_outcome_when_final(tst_user):
    referral = services.referral_create(
        actor=tst_user,
        kind="law_enforcement",
        removal=RemovalFactory(),
        agency="KPD",
        statute="720 ILCS 5/26-1",
    )
    referral = services.referral_update(
        actor=tst_user, referral=referral, status="acknowledged", case_number="C-9"
    )
    assert referral.case_number == "C-9" and referral.status_changed_at
    with pytest.raises(ValidationError) as excinfo:
        services.referral_update(actor=tst_user, referral=referral, status="closed")
    assert "outcome" in excinfo.value.message_dict
    referral = services.referral_update(
        actor=tst_user, referral=referral, status="closed", outcome="Charged."
    )
    assert referral.closed_at is not None
    with pytest.raises(services.RecordChanged):
        services.referral_update(actor=tst_user, referral=referral, status="referred")


# --- notices ------------------------------------------------------------------------


def test_notice_message_is_generated_from_the_template(tst_user):
    removal = RemovalFactory(
        reason="Contains a {site} placeholder and <b>tags</b>", comment__site__account_name="City Hall"
    )
    template = NoticeTemplateFactory(body="On {site} ({platform}) we removed it: {categories}. {reason}")
    text = services.notice_message_render(template=template, removal=removal)
    assert text.startswith("On City Hall (")
    assert "Privacy-invasive content or personal identifying information" in text
    # The reason is inserted once, as written: its own braces are not expanded again.
    assert text.endswith("Contains a {site} placeholder and <b>tags</b>")


def test_the_default_template_exists_and_uses_only_known_placeholders():
    template = NoticeTemplate.objects.get(name="Standard removal notice")
    assert NoticeTemplate.unknown_placeholders(template.body) == []
    assert "{reason}" in template.body


def test_notice_sent_is_recorded_with_channel_time_and_message(tst_user):
    removal = RemovalFactory()
    template = NoticeTemplate.objects.first()
    notice = services.commenter_notice_record(
        actor=tst_user,
        removal=removal,
        status="sent",
        channel="platform_message",
        message="Your comment was removed because ...",
        template=template,
    )
    assert notice.sent_at is not None and notice.template == template
    assert notice.recorded_by == tst_user


def test_notice_not_possible_needs_a_reason(tst_user):
    removal = RemovalFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.commenter_notice_record(actor=tst_user, removal=removal, status="not_possible")
    assert "not_possible_reason" in excinfo.value.message_dict
    notice = services.commenter_notice_record(
        actor=tst_user, removal=removal, status="not_possible", not_possible_reason="The account was deleted."
    )
    assert notice.status == CommenterNotice.Status.NOT_POSSIBLE and notice.sent_at is None


def test_notice_sent_without_channel_or_message_is_refused(tst_user, comms_user):
    removal = RemovalFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.commenter_notice_record(actor=tst_user, removal=removal, status="sent")
    assert set(excinfo.value.message_dict) == {"channel", "message"}
    with pytest.raises(PermissionDenied):
        services.commenter_notice_record(
            actor=comms_user, removal=removal, status="not_possible", not_possible_reason="x"
        )


def test_notice_template_edit_refuses_unknown_placeholders(comms_user, tst_user):
    with pytest.raises(ValidationError) as excinfo:
        services.notice_template_save(actor=comms_user, name="Short", body="Removed from {sitee}.")
    assert "{sitee}" in excinfo.value.message_dict["body"][0]
    template = services.notice_template_save(actor=comms_user, name="Short", body="Removed from {site}.")
    template = services.notice_template_save(
        actor=comms_user, template=template, name="Short", body="Gone: {site}."
    )
    assert template.body == "Gone: {site}."
    assert template.history.count() == 2
    with pytest.raises(PermissionDenied):
        services.notice_template_save(actor=tst_user, name="Mine", body="x")


# --- account restrictions -------------------------------------------------------------


def test_restriction_is_requested_by_tst_and_approved_by_the_office(tst_user, comms_user):
    removal = RemovalFactory()
    commenter = removal.comment.author
    now = timezone.now()
    restriction = services.account_restriction_request(
        actor=tst_user,
        commenter=commenter,
        scope="blocked",
        reason="Three threats in a week.",
        starts_at=now,
        expires_at=now + timedelta(days=30),
        removals=[removal],
    )
    assert restriction.state == AccountRestriction.State.REQUESTED
    assert not restriction.is_in_force()
    with pytest.raises(PermissionDenied):
        services.account_restriction_decide(actor=tst_user, restriction=restriction, approve=True)
    restriction = services.account_restriction_decide(actor=comms_user, restriction=restriction, approve=True)
    assert restriction.approved_by == comms_user
    assert list(AccountRestriction.objects.in_force()) == [restriction]
    assert list(restriction.removals.all()) == [removal]
    with pytest.raises(services.RecordChanged):
        services.account_restriction_decide(
            actor=comms_user, restriction=restriction, approve=False, note="x"
        )
    restriction = services.account_restriction_lift(
        actor=tst_user, restriction=restriction, reason="Apologised."
    )
    assert restriction.state == AccountRestriction.State.LIFTED
    assert not AccountRestriction.objects.in_force().exists()


def test_restriction_cites_only_the_removals_of_the_commenters_own_comments(tst_user):
    own = RemovalFactory()
    commenter = own.comment.author
    someone_elses = RemovalFactory(comment__site=own.site)
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        services.account_restriction_request(
            actor=tst_user,
            commenter=commenter,
            scope="blocked",
            reason="Threats.",
            starts_at=now,
            expires_at=now + timedelta(days=30),
            removals=[own, someone_elses],
        )
    message = " ".join(excinfo.value.message_dict["removals"])
    assert f"Removal #{someone_elses.pk}" in message and f"Removal #{own.pk}" not in message
    assert not AccountRestriction.objects.exists()
    # The retained copy decides: the comment itself may already be destroyed.
    Removal.objects.filter(pk=own.pk).update(comment=None)
    own.refresh_from_db()
    restriction = services.account_restriction_request(
        actor=tst_user,
        commenter=commenter,
        scope="blocked",
        reason="Threats.",
        starts_at=now,
        expires_at=now + timedelta(days=30),
        removals=[own],
    )
    assert list(restriction.removals.all()) == [own]


def test_restriction_needs_an_expiry_after_its_start(tst_user):
    now = timezone.now()
    commenter = CommenterFactory()
    for expires in (None, now - timedelta(minutes=1)):
        with pytest.raises(ValidationError) as excinfo:
            services.account_restriction_request(
                actor=tst_user,
                commenter=commenter,
                scope="blocked",
                reason="x",
                starts_at=now,
                expires_at=expires,
            )
        assert "expires_at" in excinfo.value.message_dict


def test_restriction_site_must_be_on_the_commenters_platform(tst_user):
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        services.account_restriction_request(
            actor=tst_user,
            commenter=CommenterFactory(),
            site=SiteFactory(),
            scope="restricted",
            reason="x",
            starts_at=now,
            expires_at=now + timedelta(days=1),
        )
    assert "site" in excinfo.value.message_dict


def test_expired_restriction_is_not_in_force():
    restriction = AccountRestrictionFactory(
        state="approved",
        approved_by=RemovalFactory().removed_by,
        starts_at=timezone.now() - timedelta(days=10),
        expires_at=timezone.now() - timedelta(days=1),
    )
    assert not restriction.is_in_force()
    assert not AccountRestriction.objects.in_force().exists()


def test_default_notice_names_the_account_once_and_links_the_comment_policy(settings):
    from moderation.models import DEFAULT_NOTICE_BODY, NoticeTemplate
    from moderation.removals.services import notice_message_render
    from tests.factories import RemovalFactory, SiteFactory

    settings.PORTAL_BASE_URL = "https://social.citykankakee-il.gov"
    site = SiteFactory(account_name="City of Kankakee")
    removal = RemovalFactory(comment__site=site, categories=["off_topic"])
    text = notice_message_render(template=NoticeTemplate(body=DEFAULT_NOTICE_BODY), removal=removal)
    assert "City of Kankakee's City of Kankakee" not in text
    assert "https://social.citykankakee-il.gov/policies/comment-policy/" in text
    assert NoticeTemplate.objects.get(name="Standard removal notice").body == DEFAULT_NOTICE_BODY
