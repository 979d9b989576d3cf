import importlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reseed(sender, using="default", **kwargs) -> None:
    """Platforms and version 1 of each policy exist in every database, also after a flush.

    The data migration seeds them once; a flush (as transactional tests do) empties the
    tables without re-running migrations, so the same idempotent seed runs after every
    migrate/flush too. It only creates what is missing; it never changes an existing row.
    """
    from django.apps import apps as global_apps

    seed_module = importlib.import_module("sites_registry.migrations.0003_seed_platforms_and_policies")
    seed_module.seed(global_apps, None)


class SitesRegistryConfig(AppConfig):
    name = "sites_registry"
    verbose_name = "Sites registry"

    def ready(self) -> None:
        post_migrate.connect(_reseed, sender=self, dispatch_uid="sites-registry-reseed")
