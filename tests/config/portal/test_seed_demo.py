import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from config.portal import roles
from moderation.models import Comment
from sites_registry.models import Site

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_user_per_role_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (Site.objects.count(), Comment.objects.count(), get_user_model().objects.count())
    call_command("seed_demo")
    assert (Site.objects.count(), Comment.objects.count(), get_user_model().objects.count()) == counts
    users = get_user_model().objects
    for username, role in (
        ("comms", roles.COMMUNICATIONS_OFFICE),
        ("tst", roles.TECHNICAL_SERVICES),
        ("clerk", roles.CITY_CLERK),
    ):
        assert users.get(username=username).groups.filter(name=role).exists()
        assert username in first
    assert users.get(username="admin").is_superuser
    assert counts[1] > 0


def test_seed_demo_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
