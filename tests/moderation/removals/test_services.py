"""Removals, reports, second review and reinstatement (Ordinance 2019-70, Sec. V and VI)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from config.portal.audit import stamp
from config.portal.models import CityClosure
from moderation.models import (
    Comment,
    ProhibitedCategory,
    Removal,
    ViolationReport,
)
from moderation.models.removals import POLICY_TEXT, VIEWPOINT_SENSITIVE, RetainedContentChanged
from moderation.removals import services
from moderation.removals.notifications import send_report_notification
from tests.factories import CommenterFactory, CommentFactory, RemovalFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> & <b>bold</b>\nBcc: victim@example.com"


def _remove(actor, comment=None, categories=(ProhibitedCategory.THREATS_HARASSMENT,), **kwargs):
    comment = comment or CommentFactory()
    kwargs.setdefault("action", "hidden")
    kwargs.setdefault("reason", "Threatens a named employee.")
    return services.removal_create(actor=actor, comment=comment, categories=list(categories), **kwargs)


# --- categories ------------------------------------------------------------------------


def test_the_fourteen_categories_of_sec_v_each_carry_their_policy_text():
    assert len(ProhibitedCategory.choices) == 14
    for category in ProhibitedCategory:
        assert category.policy_text == POLICY_TEXT[category]
        assert len(category.policy_text) > 20
    law = ProhibitedCategory.VIOLENCE_OR_LAW.policy_text
    for statute in ("720 ILCS 5/12-7.3", "720 ILCS 5/12-7.5", "720 ILCS 5/12-9", "720 ILCS 5/26-1"):
        assert statute in law
    assert "sexual orientation" in ProhibitedCategory.HATE_SPEECH.policy_text
    assert "Phishing" in ProhibitedCategory.CYBER_ATTACK.policy_text
    assert VIEWPOINT_SENSITIVE == {
        ProhibitedCategory.OFF_TOPIC,
        ProhibitedCategory.FALSE_MISLEADING,
        ProhibitedCategory.POLITICAL_CAMPAIGN,
    }


# --- removal and its retained copy ------------------------------------------------------


def test_removal_retains_text_time_date_and_poster_with_sha256(tst_user):
    author = CommenterFactory(display_name="Pat Resident", platform_user_id="fb-991")
    posted = timezone.now() - timedelta(days=2)
    comment = CommentFactory(
        author=author, site__platform=author.platform, text="You will regret it", posted_at=posted
    )
    removal = _remove(tst_user, comment)
    assert removal.retained_text == "You will regret it"
    assert removal.retained_posted_at == posted
    assert removal.retained_poster_id == "fb-991"
    assert removal.retained_poster_name == "Pat Resident"
    assert len(removal.retained_sha256) == 64
    assert removal.retained_copy_intact()
    assert removal.category_values() == [ProhibitedCategory.THREATS_HARASSMENT]
    comment.refresh_from_db()
    assert comment.platform_state == Comment.PlatformState.HIDDEN


def test_retained_copy_survives_a_later_change_to_the_captured_item(tst_user):
    comment = CommentFactory(text="original words")
    removal = _remove(tst_user, comment)
    comment.text = "edited by a later import"
    stamp(comment, actor=tst_user, reason="re-import").save()
    removal.refresh_from_db()
    assert removal.retained_text == "original words"
    assert removal.retained_copy_intact()


def test_retained_copy_cannot_be_edited_through_the_model(tst_user):
    removal = _remove(tst_user)
    removal.retained_text = "rewritten"
    with pytest.raises(RetainedContentChanged):
        removal.save()
    removal.refresh_from_db()
    removal.retained_poster_name = "someone else"
    with pytest.raises(RetainedContentChanged):
        removal.save()
    with pytest.raises(RetainedContentChanged):
        Removal.objects.filter(pk=removal.pk).update(retained_text="rewritten")
    with pytest.raises(RetainedContentChanged):
        Removal.objects.filter(pk=removal.pk).update(removed_by=None)
    removal.refresh_from_db()
    assert removal.retained_copy_intact()
    # Fields that are not part of the copy still change through the services.
    removal.review_note = "fine"
    removal.save()


def test_tampering_with_the_stored_copy_is_detected(tst_user):
    removal = _remove(tst_user)
    removal.retained_text = "tampered"  # in memory only, as if the database had been altered
    assert not removal.retained_copy_intact()


def test_removal_without_category_or_reason_is_refused_with_field_messages(tst_user):
    comment = CommentFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.removal_create(actor=tst_user, comment=comment, categories=[], action="hidden", reason="  ")
    assert set(excinfo.value.message_dict) == {"categories", "reason"}
    with pytest.raises(ValidationError) as excinfo:
        services.removal_create(
            actor=tst_user, comment=comment, categories=["rude"], action="gone", reason="x"
        )
    assert set(excinfo.value.message_dict) == {"categories", "action"}
    assert not Removal.objects.exists()
    assert not ViolationReport.objects.exists()


def test_removing_an_item_twice_is_refused(tst_user):
    comment = CommentFactory()
    first = _remove(tst_user, comment)
    with pytest.raises(ValidationError, match="cannot be removed twice"):
        _remove(tst_user, comment)
    assert Removal.objects.filter(comment=comment).count() == 1
    assert first.report.pk


def test_a_city_post_is_not_removed_as_a_comment(tst_user):
    post = CommentFactory(kind=Comment.Kind.CITY_POST, author=None)
    with pytest.raises(ValidationError, match="City post"):
        _remove(tst_user, post)


@pytest.mark.parametrize("fixture", ["comms_user", "clerk_user", "plain_user"])
def test_only_the_technical_services_team_logs_removals(request, fixture):
    with pytest.raises(PermissionDenied):
        _remove(request.getfixturevalue(fixture))
    assert not Removal.objects.exists()


def test_superuser_may_log_a_removal(superuser):
    assert _remove(superuser).pk


@pytest.mark.parametrize("category", sorted(VIEWPOINT_SENSITIVE))
def test_viewpoint_sensitive_removal_waits_for_second_review(tst_user, category):
    removal = _remove(tst_user, categories=[category, ProhibitedCategory.PROFANE_OBSCENE])
    assert removal.review_status == Removal.ReviewStatus.PENDING
    assert list(Removal.objects.awaiting_second_review()) == [removal]


def test_other_categories_need_no_second_review(tst_user):
    removal = _remove(tst_user, categories=[ProhibitedCategory.PRIVACY, ProhibitedCategory.COPYRIGHT])
    assert removal.review_status == Removal.ReviewStatus.NOT_REQUIRED


def test_bulk_removal_makes_one_removal_and_report_per_item(tst_user):
    comments = CommentFactory.create_batch(3)
    removals = services.removal_create_bulk(
        actor=tst_user,
        comments=comments,
        categories=["commercial"],
        action="deleted",
        reason="Advertises a sale.",
    )
    assert len(removals) == 3
    assert {r.comment_id for r in removals} == {c.pk for c in comments}
    assert ViolationReport.objects.filter(removal__in=removals).count() == 3
    assert all(r.reason == "Advertises a sale." for r in removals)


def test_bulk_removal_is_all_or_nothing(tst_user):
    comments = CommentFactory.create_batch(3)
    _remove(tst_user, comments[1])
    with pytest.raises(ValidationError, match=comments[1].platform_item_id):
        services.removal_create_bulk(
            actor=tst_user,
            comments=comments,
            categories=["commercial"],
            action="hidden",
            reason="Advertising.",
        )
    assert Removal.objects.count() == 1


# --- the report to the Communications Office -----------------------------------------


def test_every_removal_reports_to_the_communications_office_by_email_after_commit(
    tst_user, settings, django_capture_on_commit_callbacks
):
    settings.COMMUNICATIONS_OFFICE_EMAIL = ["comms@example.org"]
    comment = CommentFactory(text=HOSTILE)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        removal = _remove(tst_user, comment, reason="Threat <i>against</i> staff")
    assert mail.outbox == []  # nothing is sent before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["comms@example.org"]
    assert "\n" not in message.subject
    assert f"report #{removal.report.pk}" in message.subject
    # Plain text keeps the resident's words as written; HTML escapes them.
    assert "<script>alert('x')</script>" in message.body
    assert f"/portal/moderation/reports/{removal.report.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "<script>" not in html and "<b>bold</b>" not in html and "<i>against</i>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "Threat &lt;i&gt;against&lt;/i&gt; staff" in html
    removal.report.refresh_from_db()
    assert removal.report.notification_sent_at is not None


def test_notification_task_sends_each_report_once(tst_user):
    report = ViolationReportFactory()
    assert send_report_notification([report.pk]) == 1
    assert send_report_notification([report.pk]) == 0
    assert len(mail.outbox) == 1


def test_notification_task_returns_quietly_for_missing_reports():
    assert send_report_notification([987654]) == 0
    assert mail.outbox == []


def test_standalone_report_without_removal(tst_user, django_capture_on_commit_callbacks):
    comment = CommentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.violation_report_create(
            actor=tst_user,
            comment=comment,
            concern="Might identify an undercover officer.",
            suspected_categories=["public_safety"],
        )
    assert report.removal is None
    assert report.state == ViolationReport.State.OPEN
    assert report.suspected_categories == ["public_safety"]
    assert len(mail.outbox) == 1
    assert "reported without removal" in mail.outbox[0].body


def test_standalone_report_needs_a_concern_and_tst(tst_user, comms_user):
    with pytest.raises(ValidationError) as excinfo:
        services.violation_report_create(actor=tst_user, comment=CommentFactory(), concern=" ")
    assert "concern" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        services.violation_report_create(actor=comms_user, comment=CommentFactory(), concern="x")


def test_report_due_date_counts_business_days_with_the_city_calendar(settings):
    settings.MODERATION_REPORT_RESPONSE_BUSINESS_DAYS = 3
    CityClosure.objects.create(date=date(2026, 3, 3), reason="Snow day")
    # Monday March 2, 2026 (Casimir Pulaski Day itself does not count: day one is the next
    # business day); Tuesday is a City closure: Wed, Thu, Fri.
    notified = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_current_timezone())
    assert services.report_due_date(notified) == date(2026, 3, 6)


def test_overdue_reports(tst_user):
    today = timezone.localdate()
    late = ViolationReportFactory(due_date=today - timedelta(days=1))
    ViolationReportFactory(due_date=today)
    ViolationReportFactory(
        due_date=today - timedelta(days=3),
        state="resolved",
        outcome="no_action",
        response="Fine",
        resolved_at=timezone.now(),
    )
    assert list(ViolationReport.objects.overdue(today)) == [late]
    assert late.is_overdue(today)


def test_report_moves_open_investigating_resolved_with_timestamps(tst_user, comms_user):
    report = ViolationReportFactory()
    report = services.violation_report_pick_up(actor=comms_user, report=report, expected_version=1)
    assert report.state == ViolationReport.State.INVESTIGATING
    assert report.assignee == comms_user and report.picked_up_at is not None
    report = services.violation_report_resolve(
        actor=comms_user, report=report, outcome="no_action", response="Not a violation.", expected_version=2
    )
    assert report.state == ViolationReport.State.RESOLVED
    assert report.resolved_by == comms_user and report.resolved_at is not None
    assert report.version == 3
    reasons = list(report.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == [f"Picked up by {comms_user.username}", "Resolved: No action needed"]


def test_report_can_be_handed_to_another_member_of_the_office(comms_user):
    from config.portal import roles
    from tests.factories import make_user

    colleague = make_user(roles.COMMUNICATIONS_OFFICE, username="colleague")
    report = services.violation_report_pick_up(actor=comms_user, report=ViolationReportFactory())
    report = services.violation_report_pick_up(actor=comms_user, report=report, assignee=colleague)
    assert report.assignee == colleague
    with pytest.raises(ValidationError) as excinfo:
        services.violation_report_pick_up(
            actor=comms_user, report=report, assignee=make_user(roles.CITY_CLERK)
        )
    assert "assignee" in excinfo.value.message_dict


@pytest.mark.parametrize("fixture", ["tst_user", "clerk_user"])
def test_only_the_communications_office_resolves_reports(request, fixture):
    report = ViolationReportFactory()
    actor = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        services.violation_report_pick_up(actor=actor, report=report)
    with pytest.raises(PermissionDenied):
        services.violation_report_resolve(actor=actor, report=report, outcome="no_action", response="x")
    report.refresh_from_db()
    assert report.state == ViolationReport.State.OPEN


def test_resolution_needs_outcome_and_response(comms_user):
    report = ViolationReportFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.violation_report_resolve(actor=comms_user, report=report, outcome="", response=" ")
    assert set(excinfo.value.message_dict) == {"outcome", "response"}


def test_a_stale_form_is_refused_and_nothing_is_lost(comms_user):
    report = ViolationReportFactory()
    services.violation_report_pick_up(actor=comms_user, report=report, expected_version=1)
    services.violation_report_resolve(
        actor=comms_user, report=report, outcome="upheld", response="First answer.", expected_version=2
    )
    with pytest.raises(services.RecordChanged, match="changed by someone else"):
        services.violation_report_resolve(
            actor=comms_user,
            report=report,
            outcome="no_action",
            response="Second answer.",
            expected_version=2,
        )
    with pytest.raises(services.RecordChanged, match="already resolved"):
        services.violation_report_resolve(
            actor=comms_user, report=report, outcome="no_action", response="Third."
        )
    report.refresh_from_db()
    assert report.response == "First answer." and report.outcome == "upheld"


def test_reinstating_records_who_and_why_and_keeps_the_removal(tst_user, comms_user):
    removal = _remove(tst_user, categories=[ProhibitedCategory.PRIVACY])
    services.violation_report_resolve(
        actor=comms_user,
        report=removal.report,
        outcome="reinstated",
        response="The number is a business line.",
    )
    removal.refresh_from_db()
    assert not removal.in_force
    assert removal.reinstated_by == comms_user
    assert removal.reinstatement_reason == "The number is a business line."
    assert removal.retained_copy_intact()
    first = removal.history.earliest("history_id")
    assert first.reinstated_at is None and first.reason == removal.reason
    removal.comment.refresh_from_db()
    assert removal.comment.platform_state == Comment.PlatformState.VISIBLE
    # Once reinstated, the item may be removed again, as a new removal.
    again = _remove(tst_user, removal.comment, categories=[ProhibitedCategory.THREATS_HARASSMENT])
    assert again.pk != removal.pk


def test_upholding_the_report_counts_as_the_second_review(tst_user, comms_user):
    removal = _remove(tst_user, categories=[ProhibitedCategory.OFF_TOPIC])
    services.violation_report_resolve(
        actor=comms_user,
        report=removal.report,
        outcome="upheld",
        response="About a county road, not the City.",
    )
    removal.refresh_from_db()
    assert removal.review_status == Removal.ReviewStatus.UPHELD
    assert removal.reviewed_by == comms_user


def test_no_action_is_refused_while_a_second_review_is_due(tst_user, comms_user):
    removal = _remove(tst_user, categories=[ProhibitedCategory.POLITICAL_CAMPAIGN])
    with pytest.raises(ValidationError) as excinfo:
        services.violation_report_resolve(
            actor=comms_user, report=removal.report, outcome="no_action", response="x"
        )
    assert "outcome" in excinfo.value.message_dict


def test_second_review_resolves_the_report(tst_user, comms_user):
    removal = _remove(tst_user, categories=[ProhibitedCategory.FALSE_MISLEADING])
    services.removal_second_review(
        actor=comms_user, removal=removal, decision="reinstated", note="A disputed opinion, not a false fact."
    )
    removal.refresh_from_db()
    removal.report.refresh_from_db()
    assert removal.review_status == Removal.ReviewStatus.REINSTATED
    assert removal.reinstated_at is not None
    assert removal.report.outcome == ViolationReport.Outcome.REINSTATED
    assert removal.report.state == ViolationReport.State.RESOLVED
    with pytest.raises(services.RecordChanged):
        services.removal_second_review(actor=comms_user, removal=removal, decision="upheld", note="again")


def test_second_review_is_for_the_communications_office(tst_user):
    removal = _remove(tst_user, categories=[ProhibitedCategory.OFF_TOPIC])
    with pytest.raises(PermissionDenied):
        services.removal_second_review(actor=tst_user, removal=removal, decision="upheld", note="mine")


def test_factory_removal_is_consistent():
    removal = RemovalFactory()
    assert removal.retained_copy_intact()
    assert removal.category_values() == ["privacy"]


def test_the_database_refuses_changes_to_the_retained_copy_even_in_raw_sql(tst_user):
    from django.db import DatabaseError, connection, transaction

    removal = _remove(tst_user)
    with pytest.raises(DatabaseError, match="retained copy"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE moderation_removal SET retained_text = %s WHERE id = %s", ["rewritten", removal.pk]
            )
    # Other columns still change (second review, reinstatement), and deletion is the
    # disposal process's business.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE moderation_removal SET review_note = %s WHERE id = %s", ["ok", removal.pk])
    removal.refresh_from_db()
    assert removal.retained_copy_intact() and removal.review_note == "ok"


def test_the_email_says_when_a_second_review_is_needed(tst_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _remove(tst_user, categories=[ProhibitedCategory.POLITICAL_CAMPAIGN])
        _remove(tst_user, categories=[ProhibitedCategory.PRIVACY])
    review_mail, plain_mail = mail.outbox
    assert "Second review needed" in review_mail.body
    assert "Second review needed" not in plain_mail.body


def test_overdue_digest_lists_overdue_reports_on_business_days(settings, monkeypatch):
    from moderation.removals import notifications

    settings.COMMUNICATIONS_OFFICE_EMAIL = ["comms@example.org"]
    wednesday = date(2026, 11, 18)
    monkeypatch.setattr(notifications.timezone, "localdate", lambda *a, **k: wednesday)
    late = ViolationReportFactory(due_date=wednesday - timedelta(days=2))
    ViolationReportFactory(due_date=wednesday)
    assert notifications.overdue_report_digest() == 1
    (message,) = mail.outbox
    assert message.subject == "1 report to the Communications Office overdue"
    assert f"Report #{late.pk}" in message.body and "not assigned" in message.body


def test_overdue_digest_sends_nothing_on_a_weekend_or_when_nothing_is_late(monkeypatch):
    from moderation.removals import notifications

    saturday = date(2026, 11, 21)
    monkeypatch.setattr(notifications.timezone, "localdate", lambda *a, **k: saturday)
    ViolationReportFactory(due_date=saturday - timedelta(days=3))
    assert notifications.overdue_report_digest() == 0
    monkeypatch.setattr(notifications.timezone, "localdate", lambda *a, **k: date(2026, 11, 10))
    assert notifications.overdue_report_digest() == 0
    assert mail.outbox == []
