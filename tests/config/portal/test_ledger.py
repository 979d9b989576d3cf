"""The audit ledger: every ledgered row gets a chained entry, and tampering is caught and named."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from config.portal import ledger
from config.portal.audit import stamp, system_user
from config.portal.ledger_verify import parse_head, verify
from config.portal.models import CityClosure, JobRun, LedgerEntry, LedgerShape, SignInEvent
from moderation.capture.services import captures_import_file
from tests.factories import (
    IntegrationTokenFactory,
    site_on,
)

pytestmark = pytest.mark.usefixtures("postgresql")
EDIT_REASON = "UPDATE portal_historicalcityclosure SET reason = 'Snow day' WHERE history_id = %s"
ROLE = "portal_ledger_test_web"


def entries_for(instance) -> list[LedgerEntry]:
    ledger.flush_pending()
    history = instance.history.model
    ids = list(history.objects.filter(id=instance.pk).values_list("history_id", flat=True))
    return list(LedgerEntry.objects.filter(subject=ledger.subject_of(history), row_id__in=ids))


def closure(day="2026-12-24", reason="Christmas Eve") -> CityClosure:
    record = stamp(CityClosure(date=day, reason=reason), actor=system_user(), reason="test")
    record.save()
    ledger.flush_pending()
    return record


def guard_off():
    """Tampering as the database owner would: the append-only guard trigger switched off."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {ledger.ENTRY_TABLE} DISABLE TRIGGER portal_ledger_append_only")


def rewrite_chain_from(seq: int) -> None:
    """Recompute every entry from ``seq`` on, as someone covering their tracks would."""
    guard_off()
    prev = LedgerEntry.objects.get(seq=seq - 1).entry_sha256 if seq > 1 else ledger.GENESIS
    for entry in LedgerEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_sha256 = prev
        entry.entry_sha256 = prev = ledger.entry_sha256(
            seq=entry.seq,
            recorded_at=entry.recorded_at,
            subject=entry.subject,
            row_id=entry.row_id,
            record_id=entry.record_id,
            kind=entry.kind,
            actor_id=entry.actor_id,
            shape_id=entry.shape_id,
            content_sha256=entry.content_sha256,
            cover_series=entry.cover_series,
            cover_record_id=entry.cover_record_id,
            prev_sha256=entry.prev_sha256,
        )
        entry.save(update_fields=["prev_sha256", "entry_sha256"])


def test_every_ledgered_table_has_the_trigger():
    tables = {model._meta.db_table for model in ledger.ledgered_models()}
    assert {"records_disposaltombstone", "portal_signinevent", "moderation_historicalcomment"} <= tables
    assert ledger.missing_triggers() == []


def test_a_table_left_without_its_trigger_is_named_and_migrate_puts_it_back():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {ledger.TRIGGER} ON portal_historicalcityclosure")
    assert ledger.missing_triggers() == ["portal_historicalcityclosure"]
    ledger.install_on_migrate(sender=None)
    assert ledger.missing_triggers() == []
    assert len(entries_for(closure())) == 1


def test_a_service_write_gets_its_entry_and_the_chain_verifies():
    record = closure()
    (entry,) = entries_for(record)
    assert (entry.kind, entry.record_id, entry.actor_id) == ("create", record.pk, system_user().pk)
    assert (
        len(entry.content_sha256) == 64
        and entry.prev_sha256 == LedgerEntry.objects.get(seq=entry.seq - 1).entry_sha256
    )
    report = verify()
    assert report.ok, report.problem
    assert report.last_seq == entry.seq and report.head == f"{entry.seq}:{entry.entry_sha256}"


def test_an_edited_field_of_one_history_row_is_caught_and_named():
    record = closure()
    (entry,) = entries_for(record)
    closure("2026-12-31", "New Year's Eve")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE portal_historicalcityclosure SET reason = 'Snow day' WHERE history_id = %s",
            [entry.row_id],
        )
    report = verify()
    assert not report.ok and report.problem.seq == entry.seq
    assert "altered" in report.problem.message
    with pytest.raises(CommandError, match=f"entry {entry.seq}: create portal.historicalcityclosure"):
        call_command("verify_audit_ledger", stdout=io.StringIO())


def test_a_deleted_entry_is_caught_and_named():
    closure()
    middle = entries_for(closure("2026-12-31", "New Year's Eve"))[0]
    closure("2027-01-02", "Snow day")
    guard_off()
    LedgerEntry.objects.filter(seq=middle.seq).delete()
    report = verify()
    assert report.problem.seq == middle.seq and "missing" in report.problem.message


def test_the_last_entry_deleted_leaves_a_row_without_entry():
    record = closure()
    guard_off()
    LedgerEntry.objects.filter(seq=entries_for(record)[0].seq).delete()
    report = verify()
    assert "portal.historicalcityclosure: 1 row(s) have no ledger entry" in str(report.problem)


def test_two_reordered_entries_are_caught_and_named():
    first = entries_for(closure())[0]
    second = entries_for(closure("2026-12-31", "New Year's Eve"))[0]
    guard_off()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE portal_ledgerentry SET seq = -1 WHERE seq = %s", [first.seq])
        cursor.execute("UPDATE portal_ledgerentry SET seq = %s WHERE seq = %s", [first.seq, second.seq])
        cursor.execute("UPDATE portal_ledgerentry SET seq = %s WHERE seq = -1", [second.seq])
    report = verify()
    assert report.problem.seq == first.seq


def test_a_rewritten_chain_passes_alone_but_not_against_the_anchored_head():
    closure()
    anchored = ledger.head()
    later = entries_for(closure("2026-12-31", "New Year's Eve"))[0]
    # Someone edits an early history row and recomputes the chain from there on.
    target = LedgerEntry.objects.filter(subject="portal.historicalcityclosure").order_by("seq").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE portal_historicalcityclosure SET reason = 'Snow day' WHERE history_id = %s",
            [target.row_id],
        )
        cursor.execute(
            f"SELECT {ledger.content_sql('r', LedgerShape.objects.get(pk=target.shape_id).columns)} "
            "FROM portal_historicalcityclosure r WHERE history_id = %s",
            [target.row_id],
        )
        forged = cursor.fetchone()[0]
    guard_off()
    LedgerEntry.objects.filter(seq=target.seq).update(content_sha256=forged)
    rewrite_chain_from(target.seq)
    assert verify().ok  # consistent on its own: only a head kept elsewhere shows it
    report = verify(head=(anchored.seq, anchored.sha256))
    assert report.problem.seq == anchored.seq and "anchored head" in report.problem.message
    with pytest.raises(CommandError, match=f"entry {anchored.seq}: is not the anchored head"):
        call_command("verify_audit_ledger", "--head", str(anchored), stdout=io.StringIO())
    assert later.seq > anchored.seq


def test_an_anchored_head_beyond_the_end_of_the_chain_is_caught():
    record = closure()
    anchored = ledger.head()
    guard_off()
    LedgerEntry.objects.filter(seq=anchored.seq).delete()
    CityClosure.history.filter(id=record.pk).delete()
    report = verify(head=(anchored.seq, anchored.sha256))
    assert report.problem.seq == anchored.seq and "ends at entry" in report.problem.message


def test_head_must_be_seq_colon_sha256():
    assert parse_head(f"12:{'a' * 64}") == (12, "a" * 64)
    for bad in ("12", "x:y", f"12:{'g' * 64}", f"-1:{'a' * 64}"):
        with pytest.raises(ValueError, match="SEQ:HASH"):
            parse_head(bad)


def test_since_checks_from_an_entry_on():
    closure()
    start = ledger.head().seq
    closure("2026-12-31", "New Year's Eve")
    report = verify(since=start)
    assert report.ok and report.checked == ledger.head().seq - start + 1


def test_the_append_only_guard_refuses_update_and_delete():
    closure()
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(seq=1).update(kind="change")
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(seq=1).delete()


def test_a_history_row_deleted_without_a_tombstone_is_caught():
    record = closure()
    (entry,) = entries_for(record)
    CityClosure.history.filter(history_id=entry.row_id).delete()
    report = verify()
    assert report.problem.seq == entry.seq and "deleted outside the law" in report.problem.message


def test_a_row_written_around_the_trigger_is_caught():
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE portal_historicalcityclosure DISABLE TRIGGER {ledger.TRIGGER}")
    closure()
    assert ledger.missing_triggers() == ["portal_historicalcityclosure"]
    report = verify()
    assert "portal.historicalcityclosure: 1 row(s) have no ledger entry" in str(report.problem)


def test_a_column_added_to_a_history_table_keeps_earlier_entries_verifiable():
    closure()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE portal_historicalcityclosure ADD COLUMN extra integer NOT NULL DEFAULT 7")
    closure("2026-12-31", "New Year's Eve")  # written before migrate re-installs: the old shape
    ledger.install()
    closure("2027-01-02", "Snow day")  # the new shape, with the new column
    shapes = LedgerShape.objects.filter(subject="portal.historicalcityclosure").order_by("-id")
    assert "extra" in shapes[0].columns and "extra" not in shapes[1].columns
    report = verify()
    assert report.ok, report.problem


def test_every_write_path_writes_an_entry_for_every_history_row(client, client_as, superuser, tst_user):
    site = site_on("x", handle="CityofKankakee")
    # Import (a file, with an item repeated: the writer's undo removes history rows it wrote).
    lines = [
        {"id": "f-1", "text": "first", "posted_at": "2026-01-01T00:00:00Z"},
        {"id": "f-2", "text": "second", "posted_at": "2026-01-01T00:00:00Z", "parent_id": "f-1"},
        {"id": "f-1", "text": "first, again", "posted_at": "2026-01-01T00:00:00Z"},
    ]
    captures_import_file(
        actor=system_user(),
        site=site,
        format_name="jsonl",
        stream=io.BytesIO("".join(json.dumps(line) + "\n" for line in lines).encode()),
        source_name="f.jsonl",
    )
    # The Capture API.
    token = IntegrationTokenFactory(sites=[site])
    response = client.post(
        "/api/v1/captures/",
        data=json.dumps(
            {"site": site.pk, "items": [{"id": "a-1", "text": "api", "posted_at": "2026-02-01T10:00:00Z"}]}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.plain_token}",
    )
    assert response.status_code == 200, response.content
    # A service.
    closure()
    # The admin.
    admin = client_as(superuser)
    response = admin.post(
        "/admin/portal/cityclosure/add/", {"date": "2027-03-03", "reason": "Water main break"}
    )
    assert response.status_code == 302, response.content
    assert CityClosure.objects.filter(reason="Water main break").exists()
    ledger.flush_pending()
    for model in ledger.ledgered_models():
        rows = set(model._default_manager.values_list("pk", flat=True))
        entered = set(
            LedgerEntry.objects.filter(subject=ledger.subject_of(model), row_id__in=rows).values_list(
                "row_id", flat=True
            )
        )
        assert rows == entered, f"{model._meta.label}: rows without entries {sorted(rows - entered)[:5]}"
    assert SignInEvent.objects.filter(user=superuser, kind="signed_in").exists()
    report = verify()
    assert report.ok, report.problem


def test_sign_in_events_are_kept_and_ledgered(client, tst_user):
    client.post("/accounts/login/", {"username": "tst", "password": "wrong password"})
    client.post(
        "/accounts/login/", {"username": "tst' OR 1=1", "password": "nope"}, REMOTE_ADDR="203.0.113.9"
    )
    client.force_login(tst_user)
    client.post("/accounts/logout/")
    ledger.flush_pending()
    kinds = list(SignInEvent.objects.order_by("id").values_list("kind", "username"))
    assert (
        ("sign_in_failed", "tst") in kinds
        and ("signed_in", "tst") in kinds
        and ("signed_out", "tst") in kinds
    )
    for event in SignInEvent.objects.all():
        entry = LedgerEntry.objects.get(subject="portal.signinevent", row_id=event.pk)
        assert entry.kind == event.kind
    assert verify().ok


def test_a_restricted_role_writes_entries_but_cannot_change_them(tst_user):
    """The README's production grants: INSERT and SELECT on the ledger, no UPDATE or DELETE."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
        cursor.execute("GRANT USAGE ON SCHEMA public TO " + ROLE)
        cursor.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + ROLE)
        cursor.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + ROLE)
        cursor.execute("REVOKE UPDATE, DELETE, TRUNCATE ON portal_ledgerentry FROM " + ROLE)
        cursor.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON portal_ledgershape FROM " + ROLE)
        cursor.execute("SET ROLE " + ROLE)
    try:
        record = closure()
        assert len(entries_for(record)) == 1
        assert verify().ok
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE portal_ledgerentry SET kind = 'x'")
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM portal_ledgerentry")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def test_the_nightly_job_mails_the_head_and_on_failure_the_first_problem(mailoutbox, superuser, settings):
    from config.portal.tasks import verify_audit_ledger

    settings.CITY_CLERK_EMAIL = ["clerk@example.org"]
    superuser.email = "admin@example.org"
    superuser.save()
    record = closure()
    verify_audit_ledger()
    head = ledger.head()
    (mail,) = mailoutbox
    assert mail.subject == f"Audit ledger verified: head {head.seq}:{head.sha256}"
    assert set(mail.to) == {"clerk@example.org", "admin@example.org"}
    assert f"--head {head.seq}:{head.sha256}" in mail.body
    assert JobRun.objects.get(name="portal.verify_audit_ledger").outcome == JobRun.Outcome.SUCCEEDED
    with connection.cursor() as cursor:
        cursor.execute(EDIT_REASON, [entries_for(record)[0].row_id])
    verify_audit_ledger()
    failed = mailoutbox[1]
    assert failed.subject.startswith("AUDIT LEDGER DOES NOT VERIFY: entry")
    assert "the row was altered" in failed.body
    assert JobRun.objects.filter(name="portal.verify_audit_ledger", outcome=JobRun.Outcome.FAILED).exists()


def test_the_nightly_job_is_scheduled():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["portal-verify-audit-ledger"]["task"] == "portal.verify_audit_ledger"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_chain_without_gaps():
    """Writers committing at the same time, some rolling back: one order, no gap, no fork."""
    import datetime as dt
    import threading

    from django.db import connections

    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(number: int) -> None:
        try:
            start.wait()
            for i in range(15):
                try:
                    with transaction.atomic():
                        day = dt.date(2030, 1, 1) + dt.timedelta(days=number * 100 + i)
                        stamp(CityClosure(date=day, reason=f"w{number}"), actor=None, reason="race").save()
                        if i % 5 == 4:
                            raise RuntimeError("rolled back on purpose")
                except RuntimeError:
                    pass
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CityClosure.objects.count() == 4 * 12
    seqs = list(LedgerEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    report = verify()
    assert report.ok, report.problem


def test_administrators_see_sign_in_events_and_entries_read_only(client_as, superuser):
    client = client_as(superuser)
    ledger.flush_pending()
    assert client.get("/admin/portal/signinevent/").status_code == 200
    assert client.get("/admin/portal/ledgerentry/").status_code == 200
    assert client.get("/admin/portal/ledgerentry/add/").status_code == 403
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert client.post(f"/admin/portal/ledgerentry/{entry.seq}/delete/", {"post": "yes"}).status_code == 403


def test_a_transaction_of_more_rows_than_one_flush_chunk_is_chained_whole():
    count = ledger.FLUSH_CHUNK + 50
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO portal_historicalcityclosure (id, created_at, updated_at, date, reason, "
            "history_date, history_change_reason, history_type, history_user_id) "
            "SELECT g, now(), now(), date '2040-01-01' + g, 'bulk', now(), 'bulk', '+', NULL "
            "FROM generate_series(1, %s) AS g",
            [count],
        )
    before = ledger.head().seq if ledger.head() else 0
    ledger.flush_pending()
    assert ledger.head().seq == before + count
    report = verify()
    assert report.ok, report.problem
