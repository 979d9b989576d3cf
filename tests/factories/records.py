import datetime as dt

import factory
from django.utils import timezone

from config.portal import roles
from records.models import DisposalCertificate, LegalHold, RetentionSchedule
from tests.factories.accounts import UserFactory

__all__ = [
    "LegalHoldFactory",
    "DisposalCertificateFactory",
    "schedule_for",
    "seed_schedules",
    "approve_certificate",
    "backdate_draft",
]


class LegalHoldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalHold

    name = factory.Sequence(lambda n: f"Hold {n}")
    matter = "Doe v. City of Kankakee"
    reason = "Litigation pending."
    placed_by = factory.SubFactory(UserFactory, role=roles.CITY_CLERK)
    placed_at = factory.LazyFunction(timezone.now)


class DisposalCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisposalCertificate

    number = factory.Sequence(lambda n: f"DC-TEST-{n:03d}")
    drafted_at = factory.LazyFunction(timezone.now)
    eligible_as_of = factory.LazyFunction(lambda: timezone.localdate())


def seed_schedules() -> None:
    """Re-create the seeded schedules (a transactional test's flush removes migration data)."""
    import importlib

    from django.apps import apps

    importlib.import_module("records.migrations.0003_seed_retention_schedules").seed(apps, None)


def schedule_for(series: str = "captured-items") -> RetentionSchedule:
    """The seeded schedule of ``series`` (the data migration creates one per series)."""
    return RetentionSchedule.objects.get(series=series)


def backdate_draft(certificate: DisposalCertificate, day: dt.date) -> None:
    """Date a draft back to ``day`` (tests of old certificates: filing comes after drafting)."""
    drafted_at = dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())
    if certificate.drafted_at > drafted_at:
        DisposalCertificate.objects.filter(pk=certificate.pk).update(drafted_at=drafted_at)
        certificate.drafted_at = drafted_at


def approve_certificate(
    certificate: DisposalCertificate, *, actor, days_ago: int = 31
) -> DisposalCertificate:
    """File ``certificate`` and record its approval so that its disposal date is ``days_ago`` days ago."""
    from records.retention.services import certificate_approve, certificate_file

    today = timezone.localdate()
    disposal = today - dt.timedelta(days=days_ago)
    filed = disposal - dt.timedelta(days=30)
    # A certificate is filed after it is drafted: date the draft back to the filing day.
    backdate_draft(certificate, filed)
    certificate = certificate_file(
        actor=actor, certificate=certificate, filed_on=filed, requested_disposal_date=disposal
    )
    return certificate_approve(
        actor=actor,
        certificate=certificate,
        approval_number="LRC-TEST-1",
        approved_on=filed + dt.timedelta(days=1),
        approver_name="Commission Secretary",
    )
