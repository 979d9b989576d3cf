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
