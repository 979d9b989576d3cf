import json

import factory
from django.utils import timezone

from moderation.models import Comment, Commenter
from tests.factories.sites import SiteFactory

__all__ = ["CommenterFactory", "CommentFactory"]


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
