"""The export bundle: contents, redaction everywhere, hostile text inert, hashes, refusals."""

import csv
import html
import io
import json
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError

from records.foia import services
from records.foia.export import build_export, verify_bundle
from records.models import FoiaExport, FoiaRequest, Redaction
from records.series import Scope
from tests.factories import (
    CommenterFactory,
    CommentFactory,
    FoiaRequesterFactory,
    FoiaRequestFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example")<script>alert(1)</script>\x07bell'


@pytest.fixture
def scoped_request(clerk_user):
    site = SiteFactory(account_name="Public Works")
    other_site = SiteFactory()
    jane = CommenterFactory(platform=site.platform, display_name="Jane Roe 815-555-0199")
    CommentFactory(site=site, author=jane, text="Pothole at 123 Main Street, call 815-555-0142")
    CommentFactory(site=site, text=HOSTILE)
    CommentFactory(
        site=site, text="+1 to fixing potholes", raw_payload='{"message": "\\u0031 caf\\u00e9 pothole"}'
    )
    CommentFactory(site=other_site, text="not in scope")
    request = services.foia_request_create(
        actor=clerk_user,
        requester=FoiaRequesterFactory(),
        received_on=date(2026, 11, 16),
        channel=FoiaRequest.Channel.EMAIL,
        description="Everything on Public Works",
        sites=[site],
        record_kinds=["captured-items", "sites"],
    )
    return request


@pytest.fixture(autouse=True)
def _run_on_commit(monkeypatch):
    """The test transaction never commits: run on-commit callbacks (task dispatch) at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def _export(request, clerk):
    export = services.foia_export_start(actor=clerk, request=request)  # the task runs eagerly in tests
    export.refresh_from_db()
    assert export.state == FoiaExport.State.COMPLETE, export.error
    return export


def _files(export) -> dict[str, bytes]:
    with storages["exports"].open(export.file_name) as handle, zipfile.ZipFile(handle) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_bundle_holds_every_file_with_manifest_hashes(scoped_request, clerk_user, tmp_path):
    export = _export(scoped_request, clerk_user)
    files = _files(export)
    assert set(files) == {
        "manifest.json",
        "records.html",
        "records.jsonl",
        "captured-items.csv",
        "sites.csv",
        "redaction_log.csv",
    }
    manifest = json.loads(files["manifest.json"])
    assert manifest["record_counts"] == {"captured-items": 3, "sites": 1}
    assert manifest["request"]["reference"] == scoped_request.reference
    assert manifest["generated_by"]
    assert export.record_counts == {"captured-items": 3, "sites": 1}
    assert export.processed_records == export.total_records == 4
    path = storages["exports"].path(export.file_name)
    assert verify_bundle(path) == []
    lines = files["records.jsonl"].decode().splitlines()
    assert len(lines) == 4
    native = [json.loads(line) for line in lines if json.loads(line)["record_kind"] == "captured-items"]
    assert all("payload_sha256" in line for line in native)


def test_hostile_text_is_inert_in_every_file(scoped_request, clerk_user):
    files = _files(_export(scoped_request, clerk_user))
    rows = list(csv.DictReader(io.StringIO(files["captured-items.csv"].decode())))
    hostile = next(r for r in rows if "HYPERLINK" in r["text"])
    assert hostile["text"].startswith("'=")
    assert "\x07" not in hostile["text"]
    plus = next(r for r in rows if "fixing" in r["text"])
    assert plus["text"].startswith("'+1")
    document = files["records.html"].decode()
    assert "<script>" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "\x07" not in document
    assert "default-src 'none'" in document
    for line in files["records.jsonl"].decode().splitlines():
        json.loads(line)  # control characters are escaped, each line is valid JSON
    assert b"\x07" not in files["records.jsonl"]


def test_accepted_redactions_never_appear_in_any_file(scoped_request, clerk_user):
    suggested = services.foia_redactions_suggest(actor=clerk_user, request=scoped_request)
    assert suggested >= 3  # a phone and an address in the text, a phone in the name
    texts = set()
    for redaction in Redaction.objects.filter(request=scoped_request):
        services.redaction_decide(
            actor=clerk_user,
            redaction=redaction,
            accept=True,
            exemption=Redaction.Exemption.PRIVATE_INFORMATION,
        )
        texts.add(redaction.text)
    services.redaction_add(
        actor=clerk_user,
        request=scoped_request,
        record_kind="captured-items",
        record_id=scoped_request.sites.get().comments.get(text="+1 to fixing potholes").pk,
        field="text",
        text="fixing",
        exemption=Redaction.Exemption.PERSONAL_PRIVACY,
        note="Identifies the resident",
    )
    texts.add("fixing")
    assert {"815-555-0142", "123 Main Street", "815-555-0199"} <= texts
    export = _export(scoped_request, clerk_user)
    files = _files(export)
    for name, content in files.items():
        for text in texts:
            assert text.encode() not in content, f"{text!r} in {name}"
            assert text.upper().encode() not in content.upper(), f"{text!r} (any case) in {name}"
    assert b"[REDACTED \xc2\xa77(1)(b)]" in files["captured-items.csv"]
    manifest = json.loads(files["manifest.json"])
    assert manifest["redaction_counts"]["total"] == len(texts)
    assert manifest["redaction_counts"]["by_exemption"]["5 ILCS 140/7(1)(c)"] == 1
    log = list(csv.DictReader(io.StringIO(files["redaction_log.csv"].decode())))
    assert len(log) == len(texts)
    assert {row["exemption"] for row in log} == {"5 ILCS 140/7(1)(b)", "5 ILCS 140/7(1)(c)"}
    assert all(row["decided_by"] == clerk_user.username for row in log)
    redacted_lines = [json.loads(line) for line in files["records.jsonl"].decode().splitlines()]
    assert any(line.get("payload_redacted") and "payload_sha256" not in line for line in redacted_lines)


def test_redaction_inside_escaped_json_payload_is_removed(clerk_user):
    site = SiteFactory()
    CommentFactory(
        site=site,
        text="Write to me",
        raw_payload='{"message": "Write to me", "email": "jane\\u0040example.org"}',
    )
    request = services.foia_request_create(
        actor=clerk_user,
        requester=FoiaRequesterFactory(),
        received_on=date(2026, 11, 16),
        channel="email",
        description="x",
        sites=[site],
        record_kinds=["captured-items"],
    )
    comment = site.comments.get()
    Redaction.objects.create(
        request=request,
        record_kind="captured-items",
        record_id=comment.pk,
        field="raw_payload",
        text="jane@example.org",
        state=Redaction.State.ACCEPTED,
    )
    files = _files(_export(request, clerk_user))
    assert b"jane@example.org" not in files["records.jsonl"]
    assert b"jane\\u0040example.org" not in files["records.jsonl"]
    assert "[REDACTED §7(1)(b)]" in files["records.jsonl"].decode()


def test_rejected_suggestions_are_not_applied(scoped_request, clerk_user):
    services.foia_redactions_suggest(actor=clerk_user, request=scoped_request)
    for redaction in Redaction.objects.filter(request=scoped_request):
        services.redaction_decide(actor=clerk_user, redaction=redaction, accept=False, exemption="7(1)(b)")
    files = _files(_export(scoped_request, clerk_user))
    assert b"815-555-0142" in files["captured-items.csv"]
    assert len(files["redaction_log.csv"].decode().splitlines()) == 1  # header only


def test_added_redaction_must_occur_in_the_record(scoped_request, clerk_user):
    comment = scoped_request.sites.get().comments.first()
    with pytest.raises(ValidationError) as caught:
        services.redaction_add(
            actor=clerk_user,
            request=scoped_request,
            record_kind="captured-items",
            record_id=comment.pk,
            field="text",
            text="not there at all",
            exemption="7(1)(c)",
            note="x",
        )
    assert "text" in caught.value.message_dict


def test_export_of_an_empty_scope_is_refused(clerk_user):
    request = services.foia_request_create(
        actor=clerk_user,
        requester=FoiaRequesterFactory(),
        received_on=date(2026, 11, 16),
        channel="email",
        description="Everything",
        record_kinds=["captured-items"],
    )
    with pytest.raises(ValidationError, match="scope is empty"):
        services.foia_export_start(actor=clerk_user, request=request)
    assert not FoiaExport.objects.exists()
    with pytest.raises(CommandError, match="scope is empty"):
        call_command("foia_export", str(request.pk))
    assert not FoiaExport.objects.exists()
    assert not storages["exports"].exists("foia")


def test_rebuilding_a_complete_export_changes_nothing(scoped_request, clerk_user):
    export = _export(scoped_request, clerk_user)
    before = (export.sha256, export.attempts)
    build_export(export.pk)
    export.refresh_from_db()
    assert (export.sha256, export.attempts) == before


def test_retry_after_a_crash_leaves_exactly_one_bundle(scoped_request, clerk_user, monkeypatch):
    from records.foia import export as export_module

    calls = {"n": 0}
    real = export_module._write_zip

    def crash_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk vanished")
        return real(*args, **kwargs)

    monkeypatch.setattr(export_module, "_write_zip", crash_once)
    export = FoiaExport.objects.create(request=scoped_request, requested_by=clerk_user)
    with pytest.raises(OSError):
        build_export(export.pk)
    export.refresh_from_db()
    assert export.state == FoiaExport.State.FAILED and "disk vanished" in export.error
    build_export(export.pk)
    export.refresh_from_db()
    assert export.state == FoiaExport.State.COMPLETE and export.attempts == 2
    root = storages["exports"].path("")
    import os

    bundles = [os.path.join(d, f) for d, _, names in os.walk(root) for f in names]
    assert bundles == [storages["exports"].path(export.file_name)]


def test_verify_bundle_reports_a_hash_mismatch(scoped_request, clerk_user, tmp_path):
    export = _export(scoped_request, clerk_user)
    original = storages["exports"].path(export.file_name)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "captured-items.csv":
                data = data.replace(b"Pothole", b"Sinkhole")
            target.writestr(name, data)
    call_command("verify_bundle", original)
    with pytest.raises(CommandError, match="captured-items.csv: SHA-256"):
        call_command("verify_bundle", str(tampered))


def test_foia_export_command_builds_the_bundle(scoped_request, clerk_user):
    out = io.StringIO()
    call_command("foia_export", scoped_request.reference, "--as", clerk_user.username, stdout=out)
    export = FoiaExport.objects.get()
    assert export.state == FoiaExport.State.COMPLETE
    assert export.requested_by == clerk_user
    assert "4 records" in out.getvalue()
    assert verify_bundle(storages["exports"].path(export.file_name)) == []


def test_exports_are_read_in_chunks_with_a_fixed_number_of_queries(
    scoped_request, clerk_user, django_assert_max_num_queries
):
    for _ in range(30):
        CommentFactory(site=scoped_request.sites.get(), text="more potholes")
    export = FoiaExport.objects.create(request=scoped_request, requested_by=clerk_user)
    with django_assert_max_num_queries(40):
        build_export(export.pk)


def test_every_record_series_is_exportable_with_labelled_columns(clerk_user):
    """Block lists, site decisions, letters, holds...: every series the portal keeps can be asked for."""
    from records.retention.services import legal_hold_place, legal_hold_release
    from records.series import REGISTRY
    from tests.factories import AccountRestrictionFactory, PolicyDocumentFactory, SiteDecisionFactory

    site = SiteFactory()
    AccountRestrictionFactory(site=site)
    SiteDecisionFactory(site=site)
    PolicyDocumentFactory()
    hold = legal_hold_place(actor=clerk_user, name="Doe", reason="r", scopes=[Scope(site_ids=(site.pk,))])
    legal_hold_release(actor=clerk_user, hold=hold, reason="Settled.")
    request = FoiaRequestFactory(record_kinds=list(REGISTRY), date_from=date(2000, 1, 1), search_terms="")
    files = _files(_export(request, clerk_user))
    document = files["records.html"].decode()
    for entry in REGISTRY.values():
        assert f"{entry.key}.csv" in files, entry.key
        header = files[f"{entry.key}.csv"].decode().splitlines()[0]
        assert header == ",".join(entry.columns)
        assert f"<h2>{entry.label}</h2>" in document
        for label in entry.column_labels.values():
            assert f">{html.escape(label)}</th>" in document
    restrictions = files["account-restrictions.csv"].decode().splitlines()
    assert len(restrictions) == 2  # the header and the block
    assert len(files["legal-holds.csv"].decode().splitlines()) == 2


def test_export_of_only_unknown_kinds_is_refused(clerk_user):
    request = FoiaRequestFactory(record_kinds=["tweets_of_1999"], search_terms="pothole")
    with pytest.raises(ValidationError, match="None of the chosen kinds"):
        services.foia_export_start(actor=clerk_user, request=request)
    export = FoiaExport.objects.create(request=request, requested_by=clerk_user)
    build_export(export.pk)
    export.refresh_from_db()
    assert export.state == FoiaExport.State.FAILED and "None of the chosen kinds" in export.error
    assert not storages["exports"].exists("foia")


def test_verify_bundle_refuses_a_file_that_is_not_a_bundle(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a readable ZIP"):
        call_command("verify_bundle", str(junk))
    no_manifest = tmp_path / "plain.zip"
    with zipfile.ZipFile(no_manifest, "w") as archive:
        archive.writestr("records.jsonl", "{}\n")
    with pytest.raises(CommandError, match="has no manifest.json"):
        call_command("verify_bundle", str(no_manifest))


def test_verify_bundle_reports_an_unlisted_file(scoped_request, clerk_user, tmp_path):
    export = _export(scoped_request, clerk_user)
    padded = tmp_path / "padded.zip"
    with (
        zipfile.ZipFile(storages["exports"].path(export.file_name)) as source,
        zipfile.ZipFile(padded, "w") as target,
    ):
        for name in source.namelist():
            target.writestr(name, source.read(name))
        target.writestr("extra.txt", "slipped in")
    assert verify_bundle(padded) == ["extra.txt: in the bundle but not listed in the manifest."]


def test_foia_export_command_names_an_unknown_request():
    with pytest.raises(CommandError, match="No FOIA request"):
        call_command("foia_export", "FOIA-2026-9999")
    for odd in ("²", "FOIA-2026-²", "99999999999999999999999"):
        with pytest.raises(CommandError, match="No FOIA request"):
            call_command("foia_export", odd)


def test_a_redaction_the_clerk_adds_is_recorded_in_one_history_row_with_who_and_why(
    scoped_request, clerk_user
):
    """Its creation is the write that matters: no history row without the Clerk and the reason."""
    comment = scoped_request.sites.get().comments.get(text="+1 to fixing potholes")
    redaction = services.redaction_add(
        actor=clerk_user,
        request=scoped_request,
        record_kind="captured-items",
        record_id=comment.pk,
        field="text",
        text="fixing",
        exemption=Redaction.Exemption.PERSONAL_PRIVACY,
        note="Identifies the resident",
    )
    rows = list(redaction.history.order_by("history_id"))
    assert [(row.history_type, row.history_user, row.history_change_reason) for row in rows] == [
        ("+", clerk_user, "Redaction added by the Clerk")
    ]
    assert rows[0].state == Redaction.State.ACCEPTED and rows[0].note == "Identifies the resident"


@pytest.mark.parametrize(
    "manifest",
    [
        {"files": ["a.csv"]},
        {"files": {"a.csv": 1}},
        {"files": None},
        {"files": 5},
        {"files": [{"name": ["a.csv"], "size": 3, "sha256": "00"}]},
        [1, 2],
    ],
)
def test_verify_bundle_reports_a_malformed_manifest_instead_of_crashing(tmp_path, manifest):
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("a.csv", "abc")
    problems = verify_bundle(path)
    assert problems and problems[0].startswith("manifest.json cannot be read")
    with pytest.raises(CommandError, match="does NOT match its manifest"):
        call_command("verify_bundle", str(path))


def _rewritten(original, tmp_path, change) -> str:
    """A copy of the bundle whose manifest was edited by ``change`` (every file still matches it)."""
    tampered = tmp_path / "edited-manifest.zip"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest, indent=2).encode()
            target.writestr(name, data)
    return str(tampered)


def test_an_edited_manifest_still_matches_its_files_but_not_the_audit_ledger(
    postgresql, scoped_request, clerk_user, tmp_path
):
    from config.portal.models import LedgerEntry

    export = _export(scoped_request, clerk_user)
    original = storages["exports"].path(export.file_name)
    with zipfile.ZipFile(original) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["audit_ledger_head"]["seq"] >= 1 and len(manifest["audit_ledger_head"]["sha256"]) == 64
    kinds = set(
        LedgerEntry.objects.filter(record_id=export.pk, subject="records.foiaexport").values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"bundle-built", "bundle-manifest"}
    out = io.StringIO()
    call_command("verify_bundle", original, stdout=out)
    assert "manifest.json is the one the portal built" in out.getvalue()
    assert "The bundle file is the one the portal built" in out.getvalue()

    def generated_by_someone_else(manifest):
        manifest["generated_by"] = "Someone Else"
        manifest["record_counts"] = {key: 0 for key in manifest["record_counts"]}

    tampered = _rewritten(original, tmp_path, generated_by_someone_else)
    assert verify_bundle(tampered) == []  # the files alone cannot tell
    with pytest.raises(CommandError, match="manifest.json: its SHA-256 .* is not in the audit ledger"):
        call_command("verify_bundle", tampered, stdout=io.StringIO())


def test_verify_bundle_says_when_it_cannot_reach_the_ledger(scoped_request, clerk_user, monkeypatch):
    from django.db import OperationalError, connection

    export = _export(scoped_request, clerk_user)

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    out = io.StringIO()
    call_command("verify_bundle", storages["exports"].path(export.file_name), stdout=out)
    assert "every file matches the manifest" in out.getvalue()
    assert "was NOT checked against the audit ledger" in out.getvalue()
    assert "cannot be reached (OperationalError)" in out.getvalue()
