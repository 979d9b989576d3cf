"""The export bundle of a FOIA request, built in constant memory and published atomically.

One pass over each kind's responsive records (a server-side cursor in chunks) writes
every member file to a private work folder through hashing writers; the members are
then streamed into a ZIP (stream-zip) next to the final name, and the finished ZIP is
published with an atomic rename (``os.replace``) while the export row is locked. A
worker killed at any point leaves at most a work folder, which the retry removes, and
the retry publishes the one complete bundle; a second delivery of the same task finds
the export complete and does nothing.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import logging
import os
import shutil
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from stream_zip import ZIP_64, stream_zip

from config.portal import ledger
from config.portal.audit import stamp, system_user
from records.foia import selectors
from records.foia.redaction import (
    CONTROL_CHARACTERS,
    FORMULA_PREFIXES,
    Redactor,
    csv_cell,
    without_control_characters,
)
from records.models import FoiaExport, Redaction

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
# The audit ledger's entries for a built bundle: the ZIP's SHA-256 and its manifest's.
LEDGER_SUBJECT = "records.foiaexport"
BUNDLE_ENTRY = "bundle-built"
MANIFEST_ENTRY = "bundle-manifest"
JSONL = "records.jsonl"
DOCUMENT = "records.html"
REDACTION_LOG = "redaction_log.csv"
REDACTION_LOG_COLUMNS = (
    "record_kind",
    "record_id",
    "field",
    "finding",
    "exemption",
    "note",
    "decided_by",
    "decided_at",
)
CHUNK_SIZE = 65536
_SEPARATOR = "\x00"


def export_storage():
    return storages["exports"]


def final_name(export: FoiaExport) -> str:
    return f"foia/{export.request_id}/{export.download_name}"


class HashingWriter(io.RawIOBase):
    """A binary file that counts its bytes and hashes them as they are written."""

    def __init__(self, path: Path):
        self.path = path
        self._file = open(path, "wb")  # noqa: SIM115
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._file.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        super().close()

    def entry(self) -> dict:
        return {"name": self.path.name, "size": self.size, "sha256": self.sha256.hexdigest()}


def _text_writer(writer: HashingWriter) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedWriter(writer, buffer_size=CHUNK_SIZE), encoding="utf-8", newline="")


def _work_root(storage) -> Path:
    configured = getattr(settings, "FOIA_EXPORT_WORK_DIR", "")
    if configured:
        return Path(configured)
    try:
        # Beside the bundles, so that publishing is a rename on one file system.
        return Path(storage.path(".work"))
    except NotImplementedError:
        import tempfile

        return Path(tempfile.gettempdir()) / "foia-export-work"


def _remove_stale_work(root: Path, export: FoiaExport) -> None:
    if root.exists():
        for stale in root.glob(f"export-{export.pk}-*"):
            shutil.rmtree(stale, ignore_errors=True)


def _publish(storage, local_path: Path, name: str) -> None:
    try:
        target = Path(storage.path(name))
    except NotImplementedError:
        target = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(local_path, target)  # atomic: readers see no file or the whole bundle
        return
    if storage.exists(name):
        storage.delete(name)
    with open(local_path, "rb") as handle:
        saved = storage.save(name, File(handle))
    if saved != name:
        raise RuntimeError(f"The export storage saved the bundle as {saved!r}, not {name!r}.")


def _progress(export_id: int, processed: int) -> None:
    # Progress only: a QuerySet.update() keeps the history to the real changes of state.
    FoiaExport.objects.filter(pk=export_id).update(processed_records=processed)


def build_export(export_id: int, *, row_delay: float = 0.0) -> FoiaExport | None:
    """Build (or finish building) export ``export_id``. Safe to run again at any point."""
    export = FoiaExport.objects.select_related("request", "requested_by").filter(pk=export_id).first()
    if export is None or export.state == FoiaExport.State.COMPLETE:
        return export
    request = export.request
    specs = selectors.requested_series(request)
    scope = selectors.request_scope(request)
    try:
        check_exportable(request)
    except ValidationError as exc:
        _fail(export_id, " ".join(exc.messages))
        return FoiaExport.objects.get(pk=export_id)

    with transaction.atomic():
        export = (
            FoiaExport.objects.select_for_update().select_related("request", "requested_by").get(pk=export_id)
        )
        if export.state == FoiaExport.State.COMPLETE:
            return export
        export.state = FoiaExport.State.RUNNING
        export.attempts += 1
        export.started_at = timezone.now()
        export.processed_records = 0
        export.total_records = sum(spec.count(scope) for spec in specs)
        export.error = ""
        stamp(export, actor=system_user(), reason=f"Export bundle build, attempt {export.attempts}")
        export.save()

    storage = export_storage()
    root = _work_root(storage)
    _remove_stale_work(root, export)
    work = root / f"export-{export.pk}-{uuid.uuid4().hex}"
    work.mkdir(parents=True)
    try:
        built = _build_members(export, specs, scope, work, row_delay=row_delay)
        zip_path = work / "bundle.zip"
        size, digest = _write_zip(work, built["files"], zip_path)
        with transaction.atomic():
            locked = FoiaExport.objects.select_for_update().get(pk=export.pk)
            if locked.state == FoiaExport.State.COMPLETE:
                return locked  # another delivery of this task finished first
            name = final_name(locked)
            _publish(storage, zip_path, name)
            locked.state = FoiaExport.State.COMPLETE
            locked.finished_at = timezone.now()
            locked.file_name = name
            locked.size = size
            locked.sha256 = digest
            locked.processed_records = built["total"]
            locked.record_counts = built["counts"]
            stamp(locked, actor=system_user(), reason="Export bundle complete")
            locked.save()
            # The bundle and its manifest, as built, in the audit ledger (verify_bundle checks them).
            actor_id = locked.history.latest().history_user_id
            for kind, sha256 in ((BUNDLE_ENTRY, digest), (MANIFEST_ENTRY, built["manifest_sha256"])):
                ledger.append(
                    subject=LEDGER_SUBJECT,
                    kind=kind,
                    content_sha256=sha256,
                    record_id=locked.pk,
                    actor_id=actor_id,
                )
        return locked
    except Exception as exc:
        logger.exception("FOIA export %s failed", export_id)
        _fail(export_id, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fail(export_id: int, message: str) -> None:
    with transaction.atomic():
        export = FoiaExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.state == FoiaExport.State.COMPLETE:
            return
        export.state = FoiaExport.State.FAILED
        export.error = message[:2000]
        export.finished_at = timezone.now()
        stamp(export, actor=system_user(), reason="Export bundle failed")
        export.save()


def _build_members(export: FoiaExport, specs, scope, work: Path, *, row_delay: float = 0.0) -> dict:
    request = export.request
    accepted = list(
        Redaction.objects.filter(request=request, state=Redaction.State.ACCEPTED)
        .select_related("decided_by")
        .order_by("record_kind", "record_id", "field", "pk")
    )
    redactor = Redactor((r.text, r.exemption) for r in accepted)
    counts: Counter = Counter()
    records_redacted = 0
    processed = 0
    progress_every = getattr(settings, "FOIA_EXPORT_PROGRESS_EVERY", 2000)

    writers: dict[str, HashingWriter] = {}
    jsonl_raw = writers[JSONL] = HashingWriter(work / JSONL)
    document_raw = writers[DOCUMENT] = HashingWriter(work / DOCUMENT)
    jsonl = _text_writer(jsonl_raw)
    document = _text_writer(document_raw)
    document.write(_document_head(request, redactor))
    for spec in specs:
        csv_raw = writers[f"{spec.key}.csv"] = HashingWriter(work / f"{spec.key}.csv")
        csv_text = _text_writer(csv_raw)
        table = csv.writer(csv_text)
        table.writerow(spec.columns)
        document.write(
            f"<section><h2>{html.escape(spec.label)}</h2>\n<table>\n<thead><tr>"
            + "".join(f'<th scope="col">{html.escape(spec.column_labels[c])}</th>' for c in spec.columns)
            + "</tr></thead>\n<tbody>\n"
        )
        columns = spec.columns
        hash_positions = [columns.index(column) for column in spec.payload_hash_columns]
        for record in spec.rows(scope):
            # The hot loop: work on whole rows where it can (one search, one escape per
            # record), and value by value only when a row needs it.
            values = original = [record.values[column] for column in columns]
            payload_changed = False
            if redactor:
                if redactor.search(_SEPARATOR.join(values)):
                    values = [redactor.text(value) for value in values]
                payload, payload_changed = redactor.payload(record.native)
                if payload_changed or values != original:
                    records_redacted += 1
                if payload_changed and hash_positions:
                    # A hash over the redacted payload is withheld with it (see below).
                    values = list(values)
                    for position in hash_positions:
                        values[position] = ""
            else:
                payload = _native(record.native)
            clean = values
            if CONTROL_CHARACTERS.search("\n".join(values)):
                clean = [without_control_characters(value) for value in values]
            table.writerow(
                [("'" + value) if value.startswith(FORMULA_PREFIXES) else value for value in clean]
            )
            line = {
                "record_kind": spec.key,
                **dict(zip(columns, values, strict=True)),
                "payload": payload,
                "payload_redacted": payload_changed,
            }
            if record.native_sha256 and not payload_changed:
                # The original hash of a redacted payload is left out: with the rest of the
                # payload known, a short withheld value (an SSN) could be recovered from it.
                line["payload_sha256"] = record.native_sha256
            jsonl.write(json.dumps(line, ensure_ascii=False) + "\n")
            # ``clean`` holds no control characters, so NUL can separate the cells while
            # the whole row is escaped at once.
            # The document reads as a person would: City time, labels for codes (the CSV and
            # JSON Lines above keep ISO 8601 and the codes, as the manifest says).
            cells = html.escape(_SEPARATOR.join(spec.readable_row(clean))).replace(_SEPARATOR, "</td><td>")
            document.write(f"<tr><td>{cells}</td></tr>\n")
            counts[spec.key] += 1
            processed += 1
            if processed % progress_every == 0:
                _progress(export.pk, processed)
            if row_delay:
                import time

                time.sleep(row_delay)
        document.write("</tbody>\n</table>\n</section>\n")
        csv_text.close()
    document.write(_document_tail(accepted, redactor))
    document.close()
    jsonl.close()
    _progress(export.pk, processed)

    log_raw = writers[REDACTION_LOG] = HashingWriter(work / REDACTION_LOG)
    log_text = _text_writer(log_raw)
    log = csv.writer(log_text)
    log.writerow(REDACTION_LOG_COLUMNS)
    for redaction in accepted:
        log.writerow(
            [
                csv_cell(value)
                for value in (
                    redaction.record_kind,
                    str(redaction.record_id),
                    redaction.field,
                    redaction.finding,
                    f"5 ILCS 140/{redaction.exemption}",
                    redactor.text(redaction.note),
                    redaction.decided_by.get_username() if redaction.decided_by else "",
                    redaction.decided_at.isoformat() if redaction.decided_at else "",
                )
            ]
        )
    log_text.close()

    exemption_counts = Counter(r.exemption for r in accepted)
    manifest = {
        "request": {
            "reference": request.reference,
            "received_on": request.received_on.isoformat(),
            "record_kinds": request.record_kinds,
            "scope": {
                "sites": [redactor.text(str(site)) for site in request.sites.all()],
                "commenters": [redactor.text(str(c)) for c in request.commenters.all()],
                "date_from": request.date_from.isoformat() if request.date_from else None,
                "date_to": request.date_to.isoformat() if request.date_to else None,
                "search_terms": [redactor.text(term) for term in request.terms()],
            },
        },
        "export_id": export.pk,
        "generated_at": timezone.now().isoformat(),
        "generated_by": export.requested_by.get_full_name() or export.requested_by.get_username(),
        "files": [w.entry() for w in writers.values()],
        # How the files write the same values (issue 17: one presentation for people, exact data for tools).
        "formats": {
            "timestamps": (
                f"{JSONL} and the CSV files: ISO 8601 with the UTC offset, as stored. "
                f"{DOCUMENT}: City time ({settings.TIME_ZONE}), to the second, with the zone's abbreviation."
            ),
            "codes": (
                f"{JSONL} and the CSV files: codes (a state, a Sec. V category such as threats_harassment). "
                f"{DOCUMENT}: their labels (the ordinance's names for the categories)."
            ),
            "columns": {spec.key: spec.column_labels for spec in specs},
        },
        "record_counts": {spec.key: counts[spec.key] for spec in specs},
        "redaction_counts": {
            "total": len(accepted),
            "by_exemption": {f"5 ILCS 140/{k}": v for k, v in sorted(exemption_counts.items())},
            "records_with_redactions": records_redacted,
        },
        # The day's anchoring: a requester can later ask the City to confirm this head, and the
        # manifest's own SHA-256 goes into the ledger when the bundle is complete.
        "audit_ledger_head": _ledger_head(),
    }
    manifest_path = work / MANIFEST
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    manifest_path.write_bytes(manifest_bytes)
    order = [MANIFEST, DOCUMENT, JSONL, *[f"{spec.key}.csv" for spec in specs], REDACTION_LOG]
    return {
        "files": order,
        "counts": dict(manifest["record_counts"]),
        "total": processed,
        "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
    }


def _ledger_head() -> dict | None:
    head = ledger.head()
    if head is None:
        return None
    return {"seq": head.seq, "sha256": head.sha256, "recorded_at": head.recorded_at.isoformat()}


def _native(raw: str | None):
    if raw is None or raw == "":
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _read_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


def _write_zip(work: Path, names: list[str], zip_path: Path) -> tuple[int, str]:
    modified = datetime.now()
    level = getattr(settings, "FOIA_EXPORT_COMPRESSION_LEVEL", 6)
    members = ((name, modified, 0o600, ZIP_64, _read_chunks(work / name)) for name in names)
    digest = hashlib.sha256()
    size = 0
    with open(zip_path, "wb") as out:
        for chunk in stream_zip(
            members,
            chunk_size=CHUNK_SIZE,
            get_compressobj=lambda: zlib.compressobj(level, zlib.DEFLATED, -15),
        ):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


def _document_head(request, redactor: Redactor) -> str:
    title = f"Records produced for {request.reference}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        # No script may run in this document, whatever a record contains.
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:.85em}"
        "th,td{border:1px solid #999;padding:.25em .5em;vertical-align:top;text-align:left;"
        "white-space:pre-wrap;word-break:break-word}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f"<p>{html.escape(settings.CITY_NAME)}. Request received {request.received_on:%B %-d, %Y}. "
        "Withheld text is marked [REDACTED] with the exemption of 5 ILCS 140 that applies.</p>\n"
    )


def _document_tail(accepted: list[Redaction], redactor: Redactor) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(r.record_kind)}</td><td>{r.record_id}</td><td>{html.escape(r.field)}</td>"
        f"<td>5 ILCS 140/{html.escape(r.exemption)}</td>"
        f"<td>{html.escape(without_control_characters(redactor.text(r.note)))}</td></tr>"
        for r in accepted
    )
    return (
        '<section><h2>Redaction log</h2>\n<table><thead><tr><th scope="col">Record kind</th>'
        '<th scope="col">Record</th><th scope="col">Field</th><th scope="col">Exemption</th>'
        '<th scope="col">Note</th></tr></thead>\n<tbody>'
        + rows
        + "</tbody></table></section>\n</main>\n</body>\n</html>\n"
    )


def verify_bundle(path) -> list[str]:
    """Problems found in a bundle file: each member's size and SHA-256 against the manifest."""
    import zipfile

    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"{path} is not a readable ZIP file: {exc}"]
    with archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            return [f"{path} has no {MANIFEST}."]
        try:
            manifest = json.loads(archive.read(MANIFEST))
            entries = manifest["files"]
        except (ValueError, KeyError, TypeError) as exc:
            return [f"{MANIFEST} cannot be read: {exc}"]
        # A tampered manifest is reported like any other mismatch, not with a traceback.
        if not isinstance(entries, list) or not all(
            isinstance(entry, dict) and isinstance(entry.get("name"), str) for entry in entries
        ):
            return [f"{MANIFEST} cannot be read: “files” is not a list of files with their names."]
        listed = set()
        for entry in entries:
            name = entry.get("name")
            listed.add(name)
            if name not in names:
                problems.append(f"{name}: listed in the manifest but missing from the bundle.")
                continue
            digest = hashlib.sha256()
            size = 0
            try:
                with archive.open(name) as member:
                    while chunk := member.read(CHUNK_SIZE):
                        digest.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, OSError, zlib.error) as exc:
                problems.append(f"{name}: cannot be read ({exc}).")
                continue
            if size != entry.get("size"):
                problems.append(f"{name}: size is {size} bytes, the manifest says {entry.get('size')}.")
            if digest.hexdigest() != entry.get("sha256"):
                problems.append(
                    f"{name}: SHA-256 is {digest.hexdigest()}, the manifest says {entry.get('sha256')}."
                )
        for extra in sorted(names - listed - {MANIFEST}):
            problems.append(f"{extra}: in the bundle but not listed in the manifest.")
    return problems


def _file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def verify_bundle_against_ledger(path) -> tuple[list[str], list[str]]:
    """Problems and notes from checking the bundle and its manifest against the audit ledger.

    The manifest's own SHA-256 and the bundle's were put in the ledger when the bundle was built:
    an edited manifest (its counts, "generated by") has no entry, even when every file still
    matches it. Needs the portal's database; when it cannot be reached the notes say so and
    nothing is claimed either way.
    """
    import zipfile

    from django.db import DatabaseError, connection

    from config.portal.models import LedgerEntry

    try:
        with zipfile.ZipFile(path) as archive:
            manifest_bytes = archive.read(MANIFEST)
        manifest = json.loads(manifest_bytes)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return [], []  # verify_bundle has reported it
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    bundle_sha256 = _file_sha256(path)
    not_checked = (
        f"The manifest itself was NOT checked against the audit ledger: {{}}. Ask the City to confirm that "
        f"manifest SHA-256 {manifest_sha256} is in its audit ledger."
    )
    try:
        connection.ensure_connection()
        if connection.vendor != "postgresql":
            return [], [not_checked.format("this portal database keeps no ledger (SQLite)")]
        entries = list(
            LedgerEntry.objects.filter(
                subject=LEDGER_SUBJECT, kind__in=[BUNDLE_ENTRY, MANIFEST_ENTRY]
            ).filter(content_sha256__in=[manifest_sha256, bundle_sha256])
        )
        head = manifest.get("audit_ledger_head") if isinstance(manifest, dict) else None
        anchored = None
        if isinstance(head, dict) and isinstance(head.get("seq"), int):
            anchored = (
                LedgerEntry.objects.filter(seq=head["seq"]).values_list("entry_sha256", flat=True).first()
            )
    except DatabaseError as exc:
        return [], [not_checked.format(f"the portal's database cannot be reached ({exc.__class__.__name__})")]
    problems: list[str] = []
    notes: list[str] = []
    manifest_entry = next(
        (e for e in entries if e.kind == MANIFEST_ENTRY and e.content_sha256 == manifest_sha256), None
    )
    bundle_entry = next(
        (e for e in entries if e.kind == BUNDLE_ENTRY and e.content_sha256 == bundle_sha256), None
    )
    export_id = manifest.get("export_id") if isinstance(manifest, dict) else None
    if manifest_entry is None:
        problems.append(
            f"{MANIFEST}: its SHA-256 {manifest_sha256} is not in the audit ledger: this is not the manifest "
            "the portal built (it was edited or replaced)."
        )
    else:
        if manifest_entry.record_id != export_id:
            problems.append(
                f"{MANIFEST}: the ledger recorded it for export #{manifest_entry.record_id}, the manifest "
                f"says export #{export_id}."
            )
        notes.append(f"{MANIFEST} is the one the portal built: audit ledger entry {manifest_entry.seq}.")
    if bundle_entry is None:
        notes.append(
            f"The bundle file's SHA-256 {bundle_sha256} is not in the audit ledger: the ZIP was re-packed "
            "(its files were checked one by one above)."
        )
    else:
        notes.append(f"The bundle file is the one the portal built: audit ledger entry {bundle_entry.seq}.")
    if isinstance(head, dict) and head.get("sha256"):
        if anchored != head.get("sha256"):
            problems.append(
                f"{MANIFEST}: the audit ledger head it carries ({head.get('seq')}:{head.get('sha256')}) "
                "is not in this portal's ledger."
            )
        else:
            notes.append(
                f"The ledger head in the manifest, {head['seq']}:{head['sha256']}, is in the ledger."
            )
    return problems, notes


def check_exportable(request) -> None:
    """Refuse an export that would select nothing, before anything is written."""
    if not request.record_kinds:
        raise ValidationError({"record_kinds": "Choose at least one kind of record for the scope."})
    if selectors.scope_is_empty(request):
        raise ValidationError(
            "The request's scope is empty: name sites, commenters, a date range or search terms "
            "before exporting."
        )
    if not selectors.requested_series(request):
        raise ValidationError({"record_kinds": "None of the chosen kinds of record is known to the portal."})
