"""``{% load retention %}{% retention_status record %}``: holds and retention on a record's page."""

from django import template
from django.conf import settings

from config.portal import roles
from records.models import DisposalCertificateItem, RetentionSchedule
from records.retention.eligibility import eligibility_date
from records.retention.holds import holds_on
from records.series import REGISTRY

register = template.Library()


@register.inclusion_tag("records/_record_retention.html", takes_context=True)
def retention_status(context, record):
    entry = REGISTRY.for_model(type(record))
    if entry is None:
        return {"entry": None}
    schedule = RetentionSchedule.objects.filter(series=entry.series).first()
    record_date = getattr(record, entry.record_date_field)
    is_clerk = "request" in context and roles.has_role(context["request"].user, roles.CITY_CLERK)
    holds = holds_on(record)
    return {
        "entry": entry,
        "schedule": schedule,
        "eligible_on": eligibility_date(schedule, record_date) if schedule else None,
        # Need to know: the Clerk (and administrators) see each hold, its matter and its FOIA
        # reference; the other roles only that the record is held and kept, and whom to ask. A
        # hold's name, kind and reference would tell them of a lawsuit, an investigation or who
        # asked for what under FOIA, which their work on the record does not need.
        "holds": holds if is_clerk else [],
        "held": bool(holds),
        "clerk_email": settings.CITY_CLERK_EMAIL[0] if settings.CITY_CLERK_EMAIL else "",
        "listings": DisposalCertificateItem.objects.filter(series=entry.series, record_id=record.pk)
        .select_related("certificate")
        .order_by("-certificate__drafted_at"),
        "registry": REGISTRY,
        # Hold and certificate pages are the Clerk's; other roles see the facts without links.
        "is_clerk": is_clerk,
    }


@register.filter
def series_label(key: str) -> str:
    """``{{ redaction.record_kind|series_label }}``: what a person calls the records of a series."""
    entry = REGISTRY.get(key)
    return entry.label if entry is not None else key
