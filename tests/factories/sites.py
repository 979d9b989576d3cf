import factory
from django.utils import timezone

from sites_registry.models import Audience, ComplianceItem, Platform, PolicyDocument, Site, SiteDecision

__all__ = [
    "PlatformFactory",
    "SiteFactory",
    "ComplianceItemFactory",
    "SiteDecisionFactory",
    "PolicyDocumentFactory",
    "confirm_checklist",
]


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Platform {n}")
    slug = factory.Sequence(lambda n: f"platform-{n}")
    domains = factory.LazyAttribute(lambda p: [f"{p.slug}.example.com"])
    terms_url = factory.LazyAttribute(lambda p: f"https://{p.slug}.example.com/terms")


class SiteFactory(factory.django.DjangoModelFactory):
    """A site; ``checklist="open"`` or ``checklist="confirmed"`` also gives it the Sec. IV checklist."""

    class Meta:
        model = Site
        skip_postgeneration_save = True

    platform = factory.SubFactory(PlatformFactory)
    account_name = factory.Sequence(lambda n: f"City account {n}")
    handle = factory.Sequence(lambda n: f"cityaccount{n}")
    url = factory.LazyAttribute(
        lambda s: f"https://{s.platform.domains[0] if s.platform.domains else 'example.org'}/{s.handle}"
    )
    department = "Mayor's Office"
    state = Site.State.APPROVED
    audiences = factory.LazyFunction(lambda: [Audience.RESIDENTS])
    authorised_posters = "Pat Example, Public Information Officer"
    contact_information = "City Hall, 304 S. Indiana Ave., Kankakee, IL 60901"
    last_certified_at = factory.LazyAttribute(
        lambda s: timezone.now() if s.state == Site.State.APPROVED else None
    )

    @factory.post_generation
    def checklist(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        confirmed = extracted == "confirmed"
        for kind in ComplianceItem.Kind.values:
            ComplianceItem.objects.get_or_create(
                site=self,
                kind=kind,
                defaults={
                    "status": ComplianceItem.Status.CONFIRMED if confirmed else ComplianceItem.Status.OPEN,
                    "where_shown": f"{self.url}/about" if confirmed else "",
                    "checked_at": timezone.now() if confirmed else None,
                },
            )


def confirm_checklist(site, *, actor=None, mandatory_only=False):
    """Confirm every (mandatory) item of ``site`` through the service, as TST would."""
    from sites_registry.services import compliance_item_confirm

    for item in site.compliance_items.all():
        if mandatory_only and not item.is_mandatory:
            continue
        compliance_item_confirm(actor=actor, item=item, where_shown=f"{site.url}/about")


class ComplianceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplianceItem
        django_get_or_create = ["site", "kind"]

    site = factory.SubFactory(SiteFactory)
    kind = ComplianceItem.Kind.MAINTAINED_BY_CITY


class SiteDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteDecision

    site = factory.SubFactory(SiteFactory)
    action = SiteDecision.Action.APPROVE
    from_state = Site.State.REQUESTED
    to_state = Site.State.APPROVED
    decided_by = factory.SubFactory("tests.factories.accounts.UserFactory")
    reason = "Meets the ordinance."


class PolicyDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyDocument

    kind = PolicyDocument.Kind.COMMENT_POLICY
    version = factory.Sequence(lambda n: n + 100)
    text = factory.Sequence(lambda n: f"Policy text {n}.")
    effective_date = factory.LazyFunction(timezone.localdate)
