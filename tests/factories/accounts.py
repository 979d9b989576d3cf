import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

__all__ = ["UserFactory", "make_user", "TEST_PASSWORD"]

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """``UserFactory(role=roles.CITY_CLERK)`` puts the user in that group."""
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))


def make_user(role: str | None = None, **kwargs):
    """A user holding ``role``; ``role="admin"`` makes a superuser; None: no role."""
    if role == "admin":
        return UserFactory(is_superuser=True, is_staff=True, **kwargs)
    return UserFactory(role=role, **kwargs)
