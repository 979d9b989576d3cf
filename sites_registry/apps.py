from django.apps import AppConfig


class SitesRegistryConfig(AppConfig):
    name = "sites_registry"
    verbose_name = "Sites registry"
