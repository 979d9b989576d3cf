"""Demo data for a development portal: one user per role, sites, comments, and more.

Each domain app contributes through ``<app>/demo.py`` with ``seed(*, users, stdout)``.
Running it twice changes nothing the second time.
"""

from __future__ import annotations

import importlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.portal import roles
from config.portal.portal_apps import DOMAIN_APPS

DEMO_USERS = (
    # username, password, first name, last name, role (None: administrator)
    ("comms", "comms-demo-pass-2026", "Casey", "Communications", roles.COMMUNICATIONS_OFFICE),
    ("tst", "tst-demo-pass-2026", "Taylor", "Technician", roles.TECHNICAL_SERVICES),
    ("clerk", "clerk-demo-pass-2026", "Jordan", "Clerk", roles.CITY_CLERK),
    ("admin", "admin-demo-pass-2026", "Alex", "Administrator", None),
)


class Command(BaseCommand):
    help = "Create demo users (one per role), platforms, sites and comments. Development only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even though DEBUG is off (never on the City's real database).",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not (settings.DEBUG or settings.TESTING or allow_production):
            raise CommandError(
                "seed_demo creates users with published passwords; it runs only with DEBUG on "
                "(or with --allow-production on a throwaway database)."
            )
        with transaction.atomic():
            users = self._users()
            for app in DOMAIN_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.seed(users=users, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at /accounts/login/ with:"))
        for username, password, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<6} / {password:<22} {role or 'Administrator (admin site)'}")

    def _users(self) -> dict:
        user_model = get_user_model()
        users = {}
        for username, password, first, last, role in DEMO_USERS:
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
            )
            if created:
                user.set_password(password)
                if role is None:
                    user.is_staff = user.is_superuser = True
                user.save()
            if role is not None:
                user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users
