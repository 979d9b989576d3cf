"""Requests due soon or overdue: the Clerk's home page and the daily digest e-mail."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from config.portal.calendar import BusinessCalendar
from config.portal.models import JobRun
from records.models import FoiaRequest

DUE_SOON_BUSINESS_DAYS = 2


@dataclass
class Deadlines:
    today: date
    due_soon_until: date
    overdue: list
    due_soon: list

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due_soon)


def deadlines(today: date | None = None, calendar: BusinessCalendar | None = None) -> Deadlines:
    today = today or timezone.localdate()
    calendar = calendar or BusinessCalendar()
    until = calendar.add_business_days(today, DUE_SOON_BUSINESS_DAYS)
    base = FoiaRequest.objects.select_related("requester", "assignee").order_by("due_on", "pk")
    return Deadlines(
        today=today,
        due_soon_until=until,
        overdue=list(base.overdue(today)),
        due_soon=list(base.due_by(until).filter(due_on__gte=today)),
    )


def send_daily_digest(today: date | None = None) -> int:
    run = JobRun.objects.create(name="records.foia_daily_digest", hostname=socket.gethostname())
    found = deadlines(today)
    count = len(found.overdue) + len(found.due_soon)
    if found:
        body = render_to_string(
            "records/foia/digest_email.txt", {"deadlines": found, "CITY_NAME": settings.CITY_NAME}
        )
        send_mail(
            f"FOIA: {len(found.overdue)} overdue, {len(found.due_soon)} due within 2 business days",
            body,
            None,
            settings.CITY_CLERK_EMAIL,
        )
    run.finished_at = timezone.now()
    run.outcome = JobRun.Outcome.SUCCEEDED
    sent = "sent" if found else "not needed"
    run.summary = f"{len(found.overdue)} overdue, {len(found.due_soon)} due soon; e-mail {sent}."
    run.save()
    return count
