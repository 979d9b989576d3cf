import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import RemovalFactory

pytestmark = pytest.mark.django_db


def test_verify_passes_on_intact_copies():
    RemovalFactory.create_batch(3)
    out = io.StringIO()
    call_command("verify_removal_copies", "--batch-size", "2", stdout=out)
    assert "3 removals verified" in out.getvalue()


def test_verify_reports_a_tampered_copy():
    good, bad = RemovalFactory(), RemovalFactory()
    # Simulate tampering that bypassed every guard: the trigger must be lifted first.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Replica mode skips ordinary triggers (needs a superuser, as in the test setup).
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("UPDATE moderation_removal SET retained_text = 'altered' WHERE id = %s", [bad.pk])
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER moderation_removal_retained_copy_guard")
            cursor.execute("UPDATE moderation_removal SET retained_text = 'altered' WHERE id = %s", [bad.pk])
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 of 2 removals fail verification: \[" + str(bad.pk)):
        call_command("verify_removal_copies", stderr=err)
    assert f"removal #{bad.pk}" in err.getvalue() and f"removal #{good.pk}:" not in err.getvalue()
