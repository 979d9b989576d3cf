import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

__all__ = [
    "UserFactory",
    "make_user",
    "TEST_PASSWORD",
    "enrol_authenticator",
    "current_totp",
    "sign_in_verified",
]

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


def enrol_authenticator(user):
    """A confirmed authenticator app (TOTP) for ``user``, as after enrolment; the secret is
    derived from the user name so a browser test can compute the code."""
    import hashlib

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        key = hashlib.sha1(f"totp:{user.get_username()}".encode()).hexdigest()
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True, key=key)
    return device


def current_totp(device) -> str:
    """The code ``device``'s app would show now; the device forgets the last code used, so a test
    may sign the same person in twice within one 30-second step."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    device.last_t = -1
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save(update_fields=["last_t", "throttling_failure_count", "throttling_failure_timestamp"])
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in_verified(client, user):
    """Sign the test client in as ``user`` with the second factor passed (an enrolled
    authenticator app), as after the whole sign-in; returns the client."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    device = enrol_authenticator(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
