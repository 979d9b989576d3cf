from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class PortalConfig(AppConfig):
    """The portal's own shared pieces: roles, audit helpers, job runs, staff home."""

    name = "config.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from config.portal import ledger, lookups, public_cache, roles  # noqa: F401 (lookups: registers field__any_of)
        from config.portal.accounts import checks, signin  # noqa: F401 (checks: registers the system check)

        signin.connect()

        # After every app: permissions of later apps are created by their own post_migrate.
        post_migrate.connect(roles.sync_role_permissions_on_migrate, dispatch_uid="portal-role-permissions")
        # Every ledgered table (a new tracked model too) gets the audit ledger's trigger.
        post_migrate.connect(ledger.install_on_migrate, dispatch_uid="portal-audit-ledger")
        # A write made in this process is seen by its next public page at once (public_cache).
        post_save.connect(public_cache.forget_tokens, dispatch_uid="portal-public-cache-save")
        post_delete.connect(public_cache.forget_tokens, dispatch_uid="portal-public-cache-delete")
