"""The portal's PostgreSQL advisory locks, named in one place so no two share a key.

On SQLite (the embedded default, one process) every lock is a no-op: there is no second
writer to keep out.

- ``holds_exclusive`` / ``holds_shared``: placing or releasing a legal hold takes the hold
  lock exclusively; each purge batch takes it shared before it checks holds and keeps it
  until it commits. So a hold committed before a batch starts is seen by it, and a hold
  being placed waits for the batch in flight (at most one batch) instead of racing it.
- ``purge_try`` / ``purge_release``: one purge at a time. A session-level lock, released
  when the run ends or its connection dies, so a killed run never leaves it behind.
- ``capture_import(site_id)``: one import per site at a time (two concurrent imports of
  the same items would both try to create them); an advisory lock rather than a row lock
  on the site, so a long import does not hold up the Communications Office's decisions.
- ``capture_run_try(site_id)`` / ``capture_run_release(site_id)``: one automatic capture of a
  site at a time. Session-level, like the purge's: a run commits page by page, and a
  worker killed mid-run drops its connection and with it the lock.
- ``foia_submission(token)``: two copies of one submitted request form arriving together.
- ``LEDGER``: taken by the audit ledger's trigger function (SQL, ``config.portal.ledger``) when a
  transaction that wrote ledgered rows commits, so its entries follow the last one, in one order.
"""

from __future__ import annotations

from django.db import connection

HOLDS = 7_205_040_001
PURGE = 7_205_040_002
LEDGER = 7_205_040_003
# Two-key locks: (namespace, object key).
CAPTURE_IMPORT_NAMESPACE = 4004
CAPTURE_RUN_NAMESPACE = 4005
FOIA_SUBMISSION_NAMESPACE = 7007


def _execute(sql: str, params: list) -> object:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def holds_exclusive() -> None:
    _execute("SELECT pg_advisory_xact_lock(%s)", [HOLDS])


def holds_shared() -> None:
    _execute("SELECT pg_advisory_xact_lock_shared(%s)", [HOLDS])


def purge_try() -> bool:
    """Take the purge lock if no other run has it; False when one does."""
    return bool(_execute("SELECT pg_try_advisory_lock(%s)", [PURGE]))


def purge_release() -> None:
    _execute("SELECT pg_advisory_unlock(%s)", [PURGE])


def capture_import(site_id: int) -> None:
    _execute("SELECT pg_advisory_xact_lock(%s, %s)", [CAPTURE_IMPORT_NAMESPACE, site_id])


def capture_run_try(site_id: int) -> bool:
    """Take the site's capture-run lock if no other run has it; False when one does."""
    return bool(_execute("SELECT pg_try_advisory_lock(%s, %s)", [CAPTURE_RUN_NAMESPACE, site_id]))


def capture_run_release(site_id: int) -> None:
    _execute("SELECT pg_advisory_unlock(%s, %s)", [CAPTURE_RUN_NAMESPACE, site_id])


def foia_submission(token: str) -> None:
    _execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [FOIA_SUBMISSION_NAMESPACE, token])
