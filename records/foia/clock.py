"""The FOIA clock (5 ILCS 140 §3(d), §3(e), §3.1, §3.2): the one function that dates a response.

Business days come from config.portal.calendar.BusinessCalendar only; day one is the
business day after receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from config.portal.calendar import BusinessCalendar, NonBusinessDay


@dataclass
class DueDate:
    due_on: date
    original_due_on: date
    period: int
    period_basis: str
    steps: list[str] = field(default_factory=list)
    skipped: list[NonBusinessDay] = field(default_factory=list)


def period_of(request) -> tuple[int, str]:
    if request.is_commercial:
        return request.LONG_PERIOD, "21 business days: commercial request (5 ILCS 140 §3.1)"
    if request.recurrent_confirmed_at is not None:
        return request.LONG_PERIOD, "21 business days: recurrent requester (5 ILCS 140 §3.2)"
    return request.STANDARD_PERIOD, "5 business days (5 ILCS 140 §3(d))"


def compute_due_date(request, calendar: BusinessCalendar | None = None) -> DueDate:
    """When the City must answer ``request``, and how that date was reached."""
    calendar = calendar or BusinessCalendar()
    period, basis = period_of(request)
    original = calendar.add_business_days(request.received_on, period)
    steps = [
        f"Received {request.received_on:%A %B %-d, %Y}; day one is the next business day.",
        f"{basis}: due {original:%A %B %-d, %Y}.",
    ]
    skipped = calendar.skipped_days(request.received_on, original)
    due = original
    if request.extension_days and period != request.STANDARD_PERIOD:
        # §3(e) extends the 5 business days of §3(d) only: a commercial (§3.1) or recurrent
        # (§3.2) request is due 21 business days after receipt, extension or not.
        steps.append(
            f"The §3(e) extension noticed {request.extension_noticed_on:%B %-d, %Y} applies to the "
            "5-business-day period only; it does not add to the 21 business days."
        )
    elif request.extension_days:
        due = calendar.add_business_days(original, request.extension_days)
        steps.append(
            f"Extended by {request.extension_days} business day{'s' if request.extension_days != 1 else ''} "
            f"under {request.get_extension_reason_display().split(' ')[0]} "
            f"(written notice {request.extension_noticed_on:%B %-d, %Y}): due {due:%A %B %-d, %Y}."
        )
        skipped += calendar.skipped_days(original, due)
    if request.agreed_due_on and request.agreed_due_on > due:
        due = request.agreed_due_on
        steps.append(f"Later date agreed in writing with the requester: due {due:%A %B %-d, %Y}.")
    return DueDate(
        due_on=due, original_due_on=original, period=period, period_basis=basis, steps=steps, skipped=skipped
    )


def recurrent_reason(requester, received_on: date, *, exclude_pk: int | None = None) -> str:
    """Why the requester is a recurrent requester (§2(g)) on ``received_on``, or "".

    §2(g): in the 12 months immediately preceding the request, a minimum of 50 requests,
    or 15 within a 30-day period, or 7 within a 7-day period. News media, non-profit,
    scientific and academic requesters are excluded.
    """
    if requester is None or requester.pk is None or requester.kind in requester.NEVER_RECURRENT:
        return ""
    start = received_on - relativedelta(months=12)
    earlier = requester.requests.filter(received_on__gte=start, received_on__lt=received_on)
    if exclude_pk:
        earlier = earlier.exclude(pk=exclude_pk)
    days = sorted(earlier.values_list("received_on", flat=True))
    if len(days) >= 50:
        return f"{len(days)} requests in the 12 months before {received_on:%B %-d, %Y} (50 or more)."
    for window, minimum in ((30, 15), (7, 7)):
        first = 0
        for last, day in enumerate(days):
            while (day - days[first]).days >= window:
                first += 1
            if last - first + 1 >= minimum:
                return (
                    f"{last - first + 1} requests within {window} days ({days[first]:%B %-d} to "
                    f"{day:%B %-d, %Y}) in the 12 months before this request ({minimum} or more)."
                )
    return ""
