from datetime import timedelta

import factory
from django.utils import timezone

from config.portal import roles
from moderation.models import (
    AccountRestriction,
    CommenterNotice,
    NoticeTemplate,
    ProhibitedCategory,
    Referral,
    Removal,
    RemovalCategory,
    ViolationReport,
)
from tests.factories.accounts import UserFactory
from tests.factories.moderation import CommentFactory

__all__ = [
    "RemovalFactory",
    "RemovalCategoryFactory",
    "ViolationReportFactory",
    "ReferralFactory",
    "NoticeTemplateFactory",
    "CommenterNoticeFactory",
    "AccountRestrictionFactory",
]


class RemovalFactory(factory.django.DjangoModelFactory):
    """A removal with its retained copy taken from the comment; ``categories=[...]`` adds categories."""

    class Meta:
        model = Removal
        skip_postgeneration_save = True

    comment = factory.SubFactory(CommentFactory)
    site = factory.SelfAttribute("comment.site")
    action = Removal.Action.HIDDEN
    reason = "Contains a home telephone number (Sec. V, personal identifying information)."
    removed_by = factory.SubFactory(UserFactory, role=roles.TECHNICAL_SERVICES)
    removed_at = factory.LazyFunction(timezone.now)
    retained_platform_item_id = factory.SelfAttribute("comment.platform_item_id")
    retained_text = factory.SelfAttribute("comment.text")
    retained_posted_at = factory.SelfAttribute("comment.posted_at")
    retained_poster_id = factory.LazyAttribute(
        lambda r: r.comment.author.platform_user_id if r.comment.author else ""
    )
    retained_poster_name = factory.LazyAttribute(
        lambda r: r.comment.author.display_name if r.comment.author else ""
    )

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        for category in extracted or [ProhibitedCategory.PRIVACY]:
            RemovalCategory.objects.create(removal=self, category=category)


class RemovalCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemovalCategory

    removal = factory.SubFactory(RemovalFactory, categories=[])
    category = ProhibitedCategory.PRIVACY


class ViolationReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ViolationReport

    comment = factory.SubFactory(CommentFactory)
    site = factory.SelfAttribute("comment.site")
    concern = "May contain a threat against a named employee."
    reported_by = factory.SubFactory(UserFactory, role=roles.TECHNICAL_SERVICES)
    notified_at = factory.LazyFunction(timezone.now)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=5))


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    kind = Referral.Kind.LAW_ENFORCEMENT
    removal = factory.SubFactory(RemovalFactory)
    agency = "Kankakee Police Department"
    statute = "720 ILCS 5/12-7.5"
    referred_by = factory.SubFactory(UserFactory, role=roles.TECHNICAL_SERVICES)
    referred_at = factory.LazyFunction(timezone.now)


class NoticeTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticeTemplate

    name = factory.Sequence(lambda n: f"Notice template {n}")
    body = "Your comment on {site} was removed on {removal_date}: {categories}. {reason}"


class CommenterNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommenterNotice

    removal = factory.SubFactory(RemovalFactory)
    status = CommenterNotice.Status.SENT
    channel = CommenterNotice.Channel.PLATFORM_MESSAGE
    sent_at = factory.LazyFunction(timezone.now)
    message = "Your comment was removed."
    recorded_by = factory.SubFactory(UserFactory, role=roles.TECHNICAL_SERVICES)


class AccountRestrictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountRestriction

    commenter = factory.SubFactory("tests.factories.moderation.CommenterFactory")
    scope = AccountRestriction.Scope.BLOCKED
    reason = "Three removals for threats in one week."
    requested_by = factory.SubFactory(UserFactory, role=roles.TECHNICAL_SERVICES)
    starts_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
