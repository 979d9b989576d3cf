import factory
from django.utils import timezone

from records.foia.clock import compute_due_date
from records.models import FoiaRequest, FoiaRequester, Redaction

__all__ = ["FoiaRequesterFactory", "FoiaRequestFactory", "RedactionFactory"]


class FoiaRequesterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FoiaRequester

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"requester{n}@example.org")
    kind = FoiaRequester.Kind.INDIVIDUAL


class FoiaRequestFactory(factory.django.DjangoModelFactory):
    """A request straight in the database (no hold); services are tested through services."""

    class Meta:
        model = FoiaRequest
        skip_postgeneration_save = True

    requester = factory.SubFactory(FoiaRequesterFactory)
    received_on = factory.LazyFunction(timezone.localdate)
    description = "All comments on the City's Facebook page about potholes."
    search_terms = "pothole"
    record_kinds = factory.LazyFunction(lambda: ["captured-items"])
    assignee = None

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        request = model_class(*args, **kwargs)
        if request.due_on is None:
            request.due_on = compute_due_date(request).due_on
        return request

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        request = cls._build(model_class, *args, **kwargs)
        request.save()
        return request

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.sites.set(extracted)


class RedactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Redaction

    request = factory.SubFactory(FoiaRequestFactory)
    record_kind = "captured-items"
    record_id = 1
    field = "text"
    text = "815-555-0142"
    state = Redaction.State.ACCEPTED
    exemption = Redaction.Exemption.PRIVATE_INFORMATION
