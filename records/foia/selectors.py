"""Reads of the FOIA pages: what a request's scope selects."""

from __future__ import annotations

from records.models import FoiaRequest
from records.series import REGISTRY, RecordSeries, Scope


def request_scope(request: FoiaRequest) -> Scope:
    return Scope.of_request(request)


def requested_series(request: FoiaRequest) -> list[RecordSeries]:
    """The record series the request asks for, in the order the requester chose them."""
    return [REGISTRY[key] for key in request.record_kinds if key in REGISTRY]


def scope_is_empty(request: FoiaRequest) -> bool:
    """The request names no sites, commenters, dates or search terms (its kinds alone select all)."""
    return not request_scope(request).has_criteria


def series_labels(request: FoiaRequest) -> list[str]:
    return [REGISTRY[key].label if key in REGISTRY else key for key in request.record_kinds]


CONTEXT_CHARACTERS = 90


def redaction_contexts(redactions) -> dict[int, tuple[str, str, str]]:
    """The words around each redaction's text in its record (before, the text, after), read with
    one query per kind of record, so the Clerk decides seeing the sentence, not the fragment."""
    wanted: dict[str, set[int]] = {}
    for redaction in redactions:
        wanted.setdefault(redaction.record_kind, set()).add(redaction.record_id)
    values: dict[tuple[str, int], dict[str, str]] = {}
    for kind, ids in wanted.items():
        spec = REGISTRY.get(kind)
        if spec is None:
            continue
        rows = spec.model.objects.filter(pk__in=ids).order_by("pk").values_list(*spec.value_fields)
        for record in spec.build(list(rows)):
            values[(kind, record.id)] = record.values
    contexts = {}
    for redaction in redactions:
        whole = values.get((redaction.record_kind, redaction.record_id), {}).get(redaction.field, "")
        at = whole.casefold().find(redaction.text.casefold())
        if at < 0:
            continue
        end = at + len(redaction.text)
        before = whole[max(0, at - CONTEXT_CHARACTERS) : at]
        after = whole[end : end + CONTEXT_CHARACTERS]
        contexts[redaction.pk] = (
            ("…" if at > CONTEXT_CHARACTERS else "") + before,
            whole[at:end],
            after + ("…" if end + CONTEXT_CHARACTERS < len(whole) else ""),
        )
    return contexts
