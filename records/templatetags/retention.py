"""``{% load retention %}{% retention_status record %}``: holds and retention on a record's page."""

from django import template

from records.models import DisposalCertificateItem, RetentionSchedule
from records.retention.holds import holds_on
from records.retention.series import REGISTRY, eligibility_date, series_for_model

register = template.Library()


@register.inclusion_tag("records/_record_retention.html")
def retention_status(record):
    entry = series_for_model(type(record))
    if entry is None:
        return {"entry": None}
    schedule = RetentionSchedule.objects.filter(series=entry.series).first()
    record_date = getattr(record, entry.record_date_field)
    return {
        "entry": entry,
        "schedule": schedule,
        "eligible_on": eligibility_date(schedule, record_date) if schedule else None,
        "holds": holds_on(record),
        "listings": DisposalCertificateItem.objects.filter(series=entry.series, record_id=record.pk)
        .select_related("certificate")
        .order_by("-certificate__drafted_at"),
        "registry": REGISTRY,
    }
