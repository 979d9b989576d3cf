"""The Clerk's own series: FOIA letters, export bundles, requests, and released legal holds.

A request's letters and bundles are declared before the request (they point at it with
protected links), so they are destroyed first in the same run. A bundle is dated by when it
finished (queued and running ones are never eligible), a request by when it was closed and a
hold by when it was released, so an open request or an active hold is never eligible. A
pending request's hold keeps the request's own file (``own_hold``).
"""

from __future__ import annotations

import hashlib

from django.core.files.storage import Storage

from records.series.base import (
    Blocker,
    Dependent,
    Detach,
    RecordSeries,
    ScopePaths,
    plain_record,
    register,
    text_content,
)

LETTER_COLUMNS = (
    ("id", "Letter"),
    ("request", "FOIA request"),
    ("kind", "Letter"),
    ("subject", "Subject"),
    ("body", "Text"),
    ("sent_on", "Sent on"),
    ("emailed_to", "E-mailed to"),
)
FOIA_LETTERS = register(
    RecordSeries(
        key="foia-letters",
        label="FOIA letters",
        model_label="records.FoiaLetter",
        record_date_field="sent_on",
        **text_content("kind", "subject", "body", "emailed_to"),
        export_columns=LETTER_COLUMNS,
        value_fields=("pk", "request_id", "kind", "subject", "body", "sent_on", "emailed_to"),
        record=plain_record(LETTER_COLUMNS),
        redactable_columns=("body", "emailed_to"),
        sample_columns=("sent_on", "request", "kind", "subject"),
        scope=ScopePaths(
            site="request__sites",
            commenter="request__commenters",
            text_fields=("subject", "body", "request__description"),
            own_hold="request__hold",
        ),
    )
)


def _export_storage() -> Storage:
    from django.core.files.storage import storages

    return storages["exports"]


_EXPORT_CONTENT = text_content("state", "file_name", "sha256", "error")


EXPORT_COLUMNS = (
    ("id", "Bundle"),
    ("request", "FOIA request"),
    ("state", "State"),
    ("finished_at", "Finished at"),
    ("file_name", "File"),
    ("size", "Size (bytes)"),
    ("sha256", "SHA-256 of the bundle"),
    ("total_records", "Records"),
)
FOIA_EXPORTS = register(
    RecordSeries(
        key="foia-exports",
        label="FOIA export bundles",
        model_label="records.FoiaExport",
        record_date_field="finished_at",
        **_EXPORT_CONTENT,
        # A bundle's tombstone keeps the bundle's own SHA-256, to match any copy sent out.
        sha256_sql=(
            f"CASE WHEN sha256 <> '' THEN sha256 "
            f"ELSE encode(sha256(convert_to({_EXPORT_CONTENT['content_sql']}, 'UTF8')), 'hex') END"
        ),
        sha256_python=lambda export: (
            export.sha256
            or hashlib.sha256(_EXPORT_CONTENT["content_python"](export).encode("utf-8")).hexdigest()
        ),
        export_columns=EXPORT_COLUMNS,
        value_fields=(
            "pk",
            "request_id",
            "state",
            "finished_at",
            "file_name",
            "size",
            "sha256",
            "total_records",
        ),
        record=plain_record(EXPORT_COLUMNS),
        sample_columns=("finished_at", "request", "state", "sha256"),
        dependents=(Dependent("records.FoiaDownload", "export"),),
        stored_file_field="file_name",
        storage=_export_storage,
        scope=ScopePaths(
            site="request__sites",
            commenter="request__commenters",
            text_fields=("request__description",),
            own_hold="request__hold",
        ),
    )
)

REQUEST_COLUMNS = (
    ("id", "FOIA request"),
    ("requester", "Requester"),
    ("received_on", "Received on"),
    ("channel", "Received by"),
    ("description", "Request"),
    ("state", "State"),
    ("due_on", "Due on"),
    ("extension_reason", "Extension (§3(e))"),
    ("answered_on", "Answered on"),
    ("closed_at", "Closed at"),
)
FOIA_REQUESTS = register(
    RecordSeries(
        key="foia-requests",
        label="FOIA requests",
        model_label="records.FoiaRequest",
        record_date_field="closed_at",
        **text_content("description", "state", "notes", "agreed_in_writing"),
        export_columns=REQUEST_COLUMNS,
        value_fields=(
            "pk",
            "requester__name",
            "received_on",
            "channel",
            "description",
            "state",
            "due_on",
            "extension_reason",
            "answered_on",
            "closed_at",
        ),  # fmt: skip
        record=plain_record(REQUEST_COLUMNS),
        redactable_columns=("requester", "description"),
        sample_columns=("received_on", "requester", "state", "description"),
        # Exemptions and redactions (with the text they withheld) are part of the request's file
        # and go with it. The requester's row stays (other requests, the recurrent-requester test).
        dependents=(
            Dependent("records.FoiaExemption", "request"),
            Dependent("records.Redaction", "request"),
            # The requester's secret links: destroyed with the request, so they answer nothing after.
            Dependent("records.FoiaStatusLink", "request"),
            Dependent("records.FoiaRequest_sites", "foiarequest"),
            Dependent("records.FoiaRequest_commenters", "foiarequest"),
        ),
        blockers=(Blocker("records.FoiaExport", "request"), Blocker("records.FoiaLetter", "request")),
        scope=ScopePaths(site="sites", commenter="commenters", text_fields=("description",), own_hold="hold"),
    )
)


def _hold_scopes(ids: list[int]) -> dict[int, dict[str, str]]:
    from records.models import HoldScope
    from records.series.scope import Scope

    found: dict[int, list[str]] = {pk: [] for pk in ids}
    for row in HoldScope.objects.filter(hold_id__in=ids).order_by("hold_id", "pk"):
        found[row.hold_id].append(Scope.of_hold_scope(row).describe())
    return {pk: {"scopes": " | ".join(described)} for pk, described in found.items()}


HOLD_COLUMNS = (
    ("id", "Legal hold"),
    ("name", "Name"),
    ("kind", "Kind"),
    ("reference", "Reference"),
    ("matter", "Matter"),
    ("reason", "Reason"),
    ("scopes", "What it held"),
    ("placed_at", "Placed at"),
    ("released_at", "Released at"),
    ("release_reason", "Why it was released"),
)
LEGAL_HOLDS = register(
    RecordSeries(
        key="legal-holds",
        label="Legal holds",
        model_label="records.LegalHold",
        record_date_field="released_at",
        **text_content("name", "kind", "reference", "matter", "reason", "release_reason"),
        export_columns=HOLD_COLUMNS,
        value_fields=(
            "pk",
            "name",
            "kind",
            "reference",
            "matter",
            "reason",
            "pk",
            "placed_at",
            "released_at",
            "release_reason",
        ),  # fmt: skip
        record=plain_record(HOLD_COLUMNS, {"scopes": lambda _pk: ""}),
        chunk_values=_hold_scopes,
        # What a hold held names commenters and other requests' search terms.
        redactable_columns=("matter", "reason", "release_reason", "scopes"),
        sample_columns=("placed_at", "name", "kind", "released_at"),
        dependents=(Dependent("records.HoldScope", "hold"),),
        # A closed request outlives its released hold and only loses the link.
        detach=(Detach("records.FoiaRequest", "hold"),),
        scope=ScopePaths(text_fields=("name", "matter", "reason")),
    )
)
