import factory

from sites_registry.models import Platform, Site

__all__ = ["PlatformFactory", "SiteFactory"]


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Platform {n}")
    slug = factory.Sequence(lambda n: f"platform-{n}")
    domains = factory.LazyAttribute(lambda p: [f"{p.slug}.example.com"])
    terms_url = factory.LazyAttribute(lambda p: f"https://{p.slug}.example.com/terms")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    platform = factory.SubFactory(PlatformFactory)
    account_name = factory.Sequence(lambda n: f"City account {n}")
    handle = factory.Sequence(lambda n: f"cityaccount{n}")
    url = factory.LazyAttribute(lambda s: f"https://{s.platform.domains[0]}/{s.handle}")
    department = "Mayor's Office"
    state = Site.State.APPROVED
