import factory
from django.utils import timezone

from config import roles
from records.models import LegalHold
from tests.factories.accounts import UserFactory

__all__ = ["LegalHoldFactory"]


class LegalHoldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalHold

    name = factory.Sequence(lambda n: f"Hold {n}")
    matter = "Doe v. City of Kankakee"
    reason = "Litigation pending."
    placed_by = factory.SubFactory(UserFactory, role=roles.CITY_CLERK)
    placed_at = factory.LazyFunction(timezone.now)
    search_terms = "pothole"
