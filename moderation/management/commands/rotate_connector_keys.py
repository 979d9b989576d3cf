"""``manage.py rotate_connector_keys``: re-encrypt every stored credential with the first key
of ``CONNECTOR_TOKEN_KEYS``.

Rotating a key: put the new key first (the old one after it), restart, run this command,
then remove the old key. Each credential is re-encrypted in its own transaction with its row
locked, so a run stopped part-way is simply run again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from moderation.connectors import crypto
from moderation.models import ConnectionSecret


class Command(BaseCommand):
    help = "Re-encrypt every connected site's credentials with the first key of CONNECTOR_TOKEN_KEYS."

    def handle(self, *args, **options):
        rotated, unreadable = 0, []
        for pk in ConnectionSecret.objects.order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                secret = ConnectionSecret.objects.select_for_update().filter(pk=pk).first()
                if secret is None:
                    continue
                try:
                    secret.ciphertext = crypto.rotate(secret.ciphertext)
                except crypto.CredentialsUnreadable:
                    unreadable.append(secret.connection_id)
                    continue
                secret.save(update_fields=["ciphertext", "updated_at"])
                rotated += 1
        self.stdout.write(
            f"{rotated} credential{'s' if rotated != 1 else ''} re-encrypted with the first key."
        )
        if unreadable:
            count = len(unreadable)
            raise CommandError(
                f"{count} credential{'s' if count != 1 else ''} could not be decrypted with any configured "
                f"key (connections {', '.join(map(str, unreadable))}); those sites must be reconnected, or "
                "the key that encrypted them put back before the old key is removed."
            )
