import json

import factory
from django.utils import timezone

from moderation.models import Comment, Commenter, IntegrationToken
from sites_registry.models import Platform
from tests.factories.sites import PlatformFactory, SiteFactory

__all__ = ["CommenterFactory", "CommentFactory", "IntegrationTokenFactory", "site_on"]

_PLATFORM_NAMES = {"facebook": "Facebook", "instagram": "Instagram", "x": "X (Twitter)", "youtube": "YouTube"}


def site_on(platform_slug: str, **kwargs):
    """An approved site on the platform with this slug (facebook, instagram, x, youtube)."""
    platform = Platform.objects.filter(slug=platform_slug).first() or PlatformFactory(
        slug=platform_slug, name=_PLATFORM_NAMES.get(platform_slug, platform_slug.title())
    )
    return SiteFactory(platform=platform, **kwargs)


class CommenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commenter

    platform = factory.SubFactory("tests.factories.sites.PlatformFactory")
    platform_user_id = factory.Sequence(lambda n: f"user-{n}")
    display_name = factory.Faker("name")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    site = factory.SubFactory(SiteFactory)
    platform_item_id = factory.Sequence(lambda n: f"item-{n}")
    kind = Comment.Kind.COMMENT
    author = factory.LazyAttribute(lambda c: CommenterFactory(platform=c.site.platform))
    text = factory.Faker("sentence")
    posted_at = factory.LazyFunction(timezone.now)
    raw_payload = factory.LazyAttribute(
        lambda c: json.dumps({"id": c.platform_item_id, "message": c.text}, ensure_ascii=False)
    )
    payload_sha256 = factory.LazyAttribute(lambda c: Comment.sha256_of(c.raw_payload))


class IntegrationTokenFactory(factory.django.DjangoModelFactory):
    """``IntegrationTokenFactory(sites=[site])``; the token itself is on ``.plain_token``."""

    class Meta:
        model = IntegrationToken
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Archiver {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        row = model_class(*args, **kwargs)
        token = row.issue()
        row.save()
        row.plain_token = token
        return row

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if extracted:
            self.sites.set(extracted)
