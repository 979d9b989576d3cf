"""The FOIA clock (5 ILCS 140 §3(d), §3(e), §3.1, §3.2) on a table of calendar cases."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from config.portal.calendar import BusinessCalendar
from config.portal.models import CityClosure
from records.foia import services
from records.foia.clock import compute_due_date, recurrent_reason
from records.models import FoiaRequest, FoiaRequester
from tests.factories import FoiaRequesterFactory, FoiaRequestFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "received,expected,why",
    [
        (date(2026, 11, 16), date(2026, 11, 23), "Monday: Tue..Fri, Mon"),
        (
            date(2026, 11, 20),
            date(2026, 12, 1),
            "Friday before Thanksgiving and the City closure on the 27th",
        ),
        (
            date(2026, 11, 21),
            date(2026, 12, 1),
            "received on a Saturday: day one is Monday; Thanksgiving, closure",
        ),
        (date(2026, 12, 29), date(2027, 1, 6), "New Year's Day (Friday) and the weekend"),
        (date(2026, 6, 16), date(2026, 6, 24), "Juneteenth (Friday, June 19)"),
        (date(2026, 10, 29), date(2026, 11, 6), "Election Day, Tuesday November 3, 2026 (even year)"),
        (date(2025, 10, 30), date(2025, 11, 6), "November 4, 2025 is no holiday (odd year)"),
        (date(2026, 1, 12), date(2027 - 1, 1, 20), "Martin Luther King Jr. Day, January 19"),
        (date(2026, 12, 24), date(2027, 1, 4), "Christmas Day (Friday) and New Year's Day (Friday)"),
    ],
)
def test_standard_due_date(received, expected, why):
    CityClosure.objects.create(date=date(2026, 11, 27), reason="Day after Thanksgiving")
    request = FoiaRequestFactory.build(received_on=received)
    assert compute_due_date(request).due_on == expected, why


def test_due_date_explains_the_skipped_days():
    CityClosure.objects.create(date=date(2026, 11, 27), reason="Day after Thanksgiving")
    due = compute_due_date(FoiaRequestFactory.build(received_on=date(2026, 11, 20)))
    reasons = {d.date: d.reason for d in due.skipped}
    assert reasons[date(2026, 11, 26)] == "Illinois holiday: Thanksgiving Day"
    assert reasons[date(2026, 11, 27)] == "City closure: Day after Thanksgiving"
    assert "5 business days (5 ILCS 140 §3(d))" in " ".join(due.steps)


def test_commercial_request_has_21_business_days():
    request = FoiaRequestFactory.build(received_on=date(2026, 11, 16), is_commercial=True)
    due = compute_due_date(request)
    # 21 business days from Mon Nov 16 skipping Thanksgiving: Dec 16.
    assert due.due_on == date(2026, 12, 16)
    assert "§3.1" in due.period_basis


def _requester_with_history(days, kind=FoiaRequester.Kind.INDIVIDUAL):
    requester = FoiaRequesterFactory(kind=kind)
    for day in days:
        FoiaRequestFactory(requester=requester, received_on=day)
    return requester


def test_seven_requests_in_seven_days_make_a_recurrent_requester():
    start = date(2026, 11, 2)
    requester = _requester_with_history([start + timedelta(days=i) for i in range(7)])
    assert "7 requests within 7 days" in recurrent_reason(requester, date(2026, 11, 10))
    assert recurrent_reason(requester, date(2027, 11, 10)) == ""  # more than 12 months later


def test_six_requests_in_seven_days_do_not():
    requester = _requester_with_history([date(2026, 11, 2) + timedelta(days=i) for i in range(6)])
    assert recurrent_reason(requester, date(2026, 11, 10)) == ""


def test_fifteen_in_thirty_days_and_fifty_in_a_year():
    fifteen = _requester_with_history([date(2026, 9, 1) + timedelta(days=2 * i) for i in range(15)])
    assert "15 requests within 30 days" in recurrent_reason(fifteen, date(2026, 11, 20))
    fifty = _requester_with_history([date(2026, 1, 5) + timedelta(days=7 * i) for i in range(50)])
    assert "50 or more" in recurrent_reason(fifty, date(2026, 12, 30))


def test_news_media_are_never_recurrent_requesters():
    requester = _requester_with_history(
        [date(2026, 11, 2) + timedelta(days=i) for i in range(7)], kind=FoiaRequester.Kind.NEWS_MEDIA
    )
    assert recurrent_reason(requester, date(2026, 11, 10)) == ""


def _create(clerk, **overrides):
    fields = dict(
        actor=clerk,
        requester=FoiaRequesterFactory(),
        received_on=date(2026, 11, 16),
        channel=FoiaRequest.Channel.EMAIL,
        description="Comments about potholes",
        sites=[SiteFactory()],
        record_kinds=["captured-items"],
    )
    fields.update(overrides)
    return services.foia_request_create(**fields)


NOTICE = ("Your request is treated as a recurrent request", "Dear requester, ... by December 11, 2026.")


def test_confirmed_recurrent_requester_gets_21_days(clerk_user):
    requester = _requester_with_history([date(2026, 11, 2) + timedelta(days=i) for i in range(7)])
    request = _create(clerk_user, requester=requester, received_on=date(2026, 11, 10))
    assert request.recurrent_detected
    assert request.due_on == date(2026, 11, 18)  # Veterans Day; 21 days only once the Clerk confirms
    request = services.foia_request_confirm_recurrent(
        actor=clerk_user, request=request, subject=NOTICE[0], body=NOTICE[1], today=date(2026, 11, 18)
    )
    assert request.due_on == compute_due_date(request).due_on
    assert request.due_on == date(2026, 12, 11)
    # The confirmation is the §3.2(b) written notice: the letter is kept on the request.
    (letter,) = request.letters.all()
    assert letter.kind == "recurrent" and letter.subject == NOTICE[0] and letter.sent_by == clerk_user


def test_recurrent_status_is_confirmed_within_five_business_days_or_not_at_all(clerk_user):
    """§3.2(b): the requester is told within 5 business days after receipt that the request is
    treated as recurrent; a later confirmation cannot stretch a period that already ran out."""
    requester = _requester_with_history([date(2026, 11, 2) + timedelta(days=i) for i in range(7)])
    request = _create(clerk_user, requester=requester, received_on=date(2026, 11, 10))
    with pytest.raises(ValidationError, match="5 business days"):
        services.foia_request_confirm_recurrent(
            actor=clerk_user, request=request, subject=NOTICE[0], body=NOTICE[1], today=date(2026, 11, 19)
        )
    request.refresh_from_db()
    assert request.recurrent_confirmed_at is None
    assert not request.letters.exists()
    assert request.due_on == date(2026, 11, 18)


def test_extension_adds_up_to_five_business_days_with_a_reason(clerk_user):
    request = _create(clerk_user)
    services.foia_request_extend(
        actor=clerk_user,
        request=request,
        reason=FoiaRequest.ExtensionReason.LARGE_VOLUME,
        days=5,
        subject="Extension",
        body="We need more time.",
        today=date(2026, 11, 20),
    )
    request.refresh_from_db()
    # Original due Mon Nov 23; 5 more business days skipping Thanksgiving (26) and Fri 27? (no closure here)
    assert request.due_on == date(2026, 12, 1)
    assert request.extension_noticed_on == date(2026, 11, 20)
    assert request.letters.get().kind == "extension"


def test_extension_after_the_original_due_date_is_refused(clerk_user):
    request = _create(clerk_user)
    with pytest.raises(ValidationError, match="has passed"):
        services.foia_request_extend(
            actor=clerk_user,
            request=request,
            reason=FoiaRequest.ExtensionReason.LARGE_VOLUME,
            days=3,
            subject="Extension",
            body="Late.",
            today=date(2026, 11, 24),
        )
    request.refresh_from_db()
    assert request.extension_days == 0 and not request.letters.exists()


def test_extension_without_a_statutory_reason_is_refused(clerk_user):
    request = _create(clerk_user)
    with pytest.raises(ValidationError) as caught:
        services.foia_request_extend(
            actor=clerk_user,
            request=request,
            reason="busy",
            days=3,
            subject="x",
            body="y",
            today=date(2026, 11, 17),
        )
    assert "reason" in caught.value.message_dict


def test_only_one_extension(clerk_user):
    request = _create(clerk_user)
    kwargs = dict(actor=clerk_user, reason="e_i", days=2, subject="x", body="y", today=date(2026, 11, 17))
    services.foia_request_extend(request=request, **kwargs)
    with pytest.raises(ValidationError, match="already extended"):
        services.foia_request_extend(request=request, **kwargs)


def test_later_date_agreed_in_writing(clerk_user):
    request = _create(clerk_user)
    with pytest.raises(ValidationError):
        services.foia_request_agree_date(
            actor=clerk_user, request=request, agreed_due_on=date(2026, 12, 15), agreed_in_writing=""
        )
    request = services.foia_request_agree_date(
        actor=clerk_user,
        request=request,
        agreed_due_on=date(2026, 12, 15),
        agreed_in_writing="E-mail of Nov 18",
    )
    assert request.due_on == date(2026, 12, 15)
    assert "agreed in writing" in " ".join(compute_due_date(request).steps)


def test_received_date_in_the_future_is_refused(clerk_user):
    with pytest.raises(ValidationError) as caught:
        _create(clerk_user, received_on=date.today() + timedelta(days=3))
    assert "received_on" in caught.value.message_dict
    assert not FoiaRequest.objects.exists()


def test_overdue_and_due_soon_queries(clerk_user):
    late = FoiaRequestFactory(received_on=date(2026, 11, 2))
    answered = FoiaRequestFactory(received_on=date(2026, 11, 2), state=FoiaRequest.State.FULFILLED)
    assert list(FoiaRequest.objects.overdue(date(2026, 11, 20))) == [late]
    assert answered not in FoiaRequest.objects.due_by(date(2026, 12, 31))


def test_extension_on_the_original_due_date_itself_is_allowed(clerk_user):
    # §3(e): notice within 5 business days after receipt, i.e. up to and including the due date.
    request = _create(clerk_user)
    services.foia_request_extend(
        actor=clerk_user,
        request=request,
        reason="e_v",
        days=1,
        subject="x",
        body="y",
        today=date(2026, 11, 23),
    )
    request.refresh_from_db()
    assert request.due_on == date(2026, 11, 24)


def test_commercial_requests_cannot_use_the_3e_extension(clerk_user):
    request = _create(clerk_user, is_commercial=True)
    with pytest.raises(ValidationError, match="21 business days"):
        services.foia_request_extend(
            actor=clerk_user,
            request=request,
            reason="e_i",
            days=1,
            subject="x",
            body="y",
            today=date(2026, 11, 17),
        )


def test_a_3e_extension_does_not_add_to_the_21_days_of_a_recurrent_request(clerk_user):
    """§3(e) extends the 5 business days of §3(d) only; once the request is recurrent (§3.2)
    its answer is due 21 business days after receipt, extension or not."""
    requester = _requester_with_history([date(2026, 11, 2) + timedelta(days=i) for i in range(7)])
    request = _create(clerk_user, requester=requester, received_on=date(2026, 11, 10))
    services.foia_request_extend(
        actor=clerk_user,
        request=request,
        reason=FoiaRequest.ExtensionReason.LARGE_VOLUME,
        days=5,
        subject="Extension",
        body="We need more time.",
        today=date(2026, 11, 12),
    )
    request = services.foia_request_confirm_recurrent(
        actor=clerk_user, request=request, subject=NOTICE[0], body=NOTICE[1], today=date(2026, 11, 13)
    )
    assert request.due_on == date(2026, 12, 11)
    assert compute_due_date(request).due_on == date(2026, 12, 11)


def test_a_3e_extension_does_not_add_to_the_21_days_of_a_commercial_request(clerk_user):
    request = _create(clerk_user)
    services.foia_request_extend(
        actor=clerk_user,
        request=request,
        reason=FoiaRequest.ExtensionReason.LARGE_VOLUME,
        days=5,
        subject="Extension",
        body="We need more time.",
        today=date(2026, 11, 20),
    )
    request.refresh_from_db()
    request.is_commercial = True
    due = compute_due_date(request)
    assert due.due_on == due.original_due_on == BusinessCalendar().add_business_days(date(2026, 11, 16), 21)


def test_fifty_requests_count_over_twelve_calendar_months_across_a_leap_day():
    """§2(g): "in the 12 months immediately preceding the request". From March 1, 2028 the 12
    months go back to March 1, 2027 (366 days, because of February 29, 2028)."""
    days = [date(2027, 3, 1) + timedelta(days=7 * i) for i in range(50)]
    requester = _requester_with_history(days)
    assert "50 requests in the 12 months" in recurrent_reason(requester, date(2028, 3, 1))
    assert recurrent_reason(requester, date(2028, 3, 2)) == ""
