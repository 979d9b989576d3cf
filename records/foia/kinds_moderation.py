"""Kinds of responsive record from moderation and the policy texts: removals, reports,
referrals, notices to commenters, and policy documents.

Scope, as for captured items: each part of the scope a request names narrows the
selection, and a part it leaves empty does not.

- Sites: the record's site (a referral's or notice's through its removal or report).
- Commenters: the captured item's author, or, for a removal, the poster its retained
  copy names (``retained_poster_id`` on the site's platform), so a removal still answers
  after its captured item was disposed of. Reports, referrals and notices follow their
  removal or captured item.
- Date range (the City's days): a removal answers if the removed item was posted in the
  range (as captured items are chosen) or the removal was made in it; reports, referrals
  and notices by their record date (``notified_at``, ``referred_at``, ``recorded_at``);
  policy documents by being in force on some day of the range.
- Search terms: any term in the record's text columns (case-insensitive).

A removal's native payload is its retained copy as the canonical JSON document that
``Removal.retained_sha256`` is computed over, so the requester can check the copy: the
SHA-256 of ``json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))``
is ``payload_sha256``. When a redaction touches the retained copy, the hash is left out of
the bundle everywhere (jsonl and the ``retained_sha256`` column), as for captured items.
"""

from __future__ import annotations

import json
from functools import reduce
from operator import or_

from django.db.models import OuterRef, Q, QuerySet, Subquery

from records.foia.kinds import ExportRecord, RecordKindSpec, city_day_bounds, iso, register


def _scope(request) -> tuple[list[int], list[tuple[int, int, str]]]:
    """The request's sites (ids) and commenters (id, platform id, platform user id)."""
    site_ids = list(request.sites.values_list("pk", flat=True))
    commenters = list(request.commenters.values_list("pk", "platform_id", "platform_user_id"))
    return site_ids, commenters


def _removal_by_commenters(commenters, prefix: str = "") -> Q:
    """Removals of the commenters' items: by the captured item, or by the retained poster."""
    match = Q(**{f"{prefix}comment__author_id__in": [pk for pk, _platform, _user in commenters]})
    for _pk, platform_id, user_id in commenters:
        if user_id:
            match |= Q(**{f"{prefix}site__platform_id": platform_id, f"{prefix}retained_poster_id": user_id})
    return match


def _between(field: str, start, end) -> Q:
    match = Q()
    if start:
        match &= Q(**{f"{field}__gte": start})
    if end:
        match &= Q(**{f"{field}__lt": end})
    return match


def _any_term(fields: tuple[str, ...], terms: list[str]) -> Q:
    return reduce(or_, (Q(**{f"{field}__icontains": term}) for term in terms for field in fields))


def _json(values: dict[str, str]) -> str:
    return json.dumps(values, ensure_ascii=False)


# --- Removals (moderation.Removal) -----------------------------------------------------


def removals_queryset(request) -> QuerySet:
    from moderation.models import Removal

    queryset = Removal.objects.all()
    site_ids, commenters = _scope(request)
    if site_ids:
        queryset = queryset.filter(site_id__in=site_ids)
    if commenters:
        queryset = queryset.filter(_removal_by_commenters(commenters))
    start, end = city_day_bounds(request)
    if start or end:
        queryset = queryset.filter(
            _between("retained_posted_at", start, end) | _between("removed_at", start, end)
        )
    terms = request.terms()
    if terms:
        queryset = queryset.filter(_any_term(("retained_text", "reason"), terms))
    return queryset


REMOVAL_COLUMNS = (
    "id",
    "site",
    "platform",
    "retained_platform_item_id",
    "action",
    "categories",
    "reason",
    "removed_at",
    "retained_poster_id",
    "retained_poster_name",
    "retained_poster_profile_url",
    "retained_text",
    "retained_posted_at",
    "retained_permalink",
    "retained_sha256",
    "review_status",
    "reinstated_at",
)


def _removal_record(row: tuple) -> ExportRecord:
    from moderation.models import Removal

    (pk, site, platform, item_id, action, reason, removed_at, poster_id, poster_name, poster_url, text,
     posted_at, permalink, sha256, review_status, reinstated_at) = row  # fmt: skip
    values = {
        "id": str(pk),
        "site": site,
        "platform": platform,
        "retained_platform_item_id": item_id,
        "action": action,
        "categories": "",  # filled per chunk from RemovalCategory
        "reason": reason,
        "removed_at": iso(removed_at),
        "retained_poster_id": poster_id,
        "retained_poster_name": poster_name,
        "retained_poster_profile_url": poster_url,
        "retained_text": text,
        "retained_posted_at": iso(posted_at),
        "retained_permalink": permalink,
        "retained_sha256": sha256,
        "review_status": review_status,
        "reinstated_at": iso(reinstated_at),
    }
    # The model's own canonical document, so the payload hashes to ``retained_sha256``.
    document = Removal(
        retained_platform_item_id=item_id,
        retained_text=text,
        retained_posted_at=posted_at,
        retained_poster_id=poster_id,
        retained_poster_name=poster_name,
        retained_poster_profile_url=poster_url,
        retained_permalink=permalink,
    ).retained_document()
    native = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return ExportRecord(id=pk, values=values, native=native, native_sha256=sha256)


def _removal_categories(ids: list[int]) -> dict[int, dict[str, str]]:
    from moderation.models import RemovalCategory

    found: dict[int, list[str]] = {pk: [] for pk in ids}
    rows = (
        RemovalCategory.objects.filter(removal_id__in=ids)
        .order_by("removal_id", "category")
        .values_list("removal_id", "category")
    )
    for removal_id, category in rows:
        found[removal_id].append(category)
    return {pk: {"categories": "; ".join(categories)} for pk, categories in found.items()}


REMOVALS = register(
    RecordKindSpec(
        key="removals",
        label="Removals",
        queryset=removals_queryset,
        columns=REMOVAL_COLUMNS,
        value_fields=(
            "pk",
            "site__account_name",
            "site__platform__name",
            "retained_platform_item_id",
            "action",
            "reason",
            "removed_at",
            "retained_poster_id",
            "retained_poster_name",
            "retained_poster_profile_url",
            "retained_text",
            "retained_posted_at",
            "retained_permalink",
            "retained_sha256",
            "review_status",
            "reinstated_at",
        ),
        record=_removal_record,
        redactable_columns=("retained_text", "retained_poster_name", "reason"),
        sample_columns=("removed_at", "site", "categories", "retained_text"),
        chunk_values=_removal_categories,
        payload_hash_columns=("retained_sha256",),
    )
)


# --- Reports of potential violations (moderation.ViolationReport) ----------------------


def reports_queryset(request) -> QuerySet:
    from moderation.models import ViolationReport

    queryset = ViolationReport.objects.all()
    site_ids, commenters = _scope(request)
    if site_ids:
        queryset = queryset.filter(site_id__in=site_ids)
    if commenters:
        queryset = queryset.filter(
            Q(comment__author_id__in=[pk for pk, _platform, _user in commenters])
            | _removal_by_commenters(commenters, prefix="removal__")
        )
    start, end = city_day_bounds(request)
    if start or end:
        queryset = queryset.filter(_between("notified_at", start, end))
    terms = request.terms()
    if terms:
        queryset = queryset.filter(_any_term(("concern", "response"), terms))
    return queryset


REPORT_COLUMNS = (
    "id",
    "site",
    "removal_id",
    "suspected_categories",
    "concern",
    "notified_at",
    "due_date",
    "state",
    "outcome",
    "response",
    "resolved_at",
)


def _report_record(row: tuple) -> ExportRecord:
    (pk, site, removal_id, categories, concern, notified_at, due_date, state, outcome, response,
     resolved_at) = row  # fmt: skip
    values = {
        "id": str(pk),
        "site": site,
        "removal_id": str(removal_id) if removal_id else "",
        "suspected_categories": "; ".join(str(c) for c in categories or ()),
        "concern": concern,
        "notified_at": iso(notified_at),
        "due_date": iso(due_date),
        "state": state,
        "outcome": outcome,
        "response": response,
        "resolved_at": iso(resolved_at),
    }
    return ExportRecord(id=pk, values=values, native=_json(values))


REPORTS = register(
    RecordKindSpec(
        key="reports",
        label="Reports of potential violations",
        queryset=reports_queryset,
        columns=REPORT_COLUMNS,
        value_fields=(
            "pk",
            "site__account_name",
            "removal_id",
            "suspected_categories",
            "concern",
            "notified_at",
            "due_date",
            "state",
            "outcome",
            "response",
            "resolved_at",
        ),
        record=_report_record,
        redactable_columns=("concern", "response"),
        sample_columns=("notified_at", "site", "state", "concern"),
    )
)


# --- Referrals (moderation.Referral) ---------------------------------------------------


def referrals_queryset(request) -> QuerySet:
    from moderation.models import Referral

    queryset = Referral.objects.all()
    site_ids, commenters = _scope(request)
    if site_ids:
        queryset = queryset.filter(Q(removal__site_id__in=site_ids) | Q(report__site_id__in=site_ids))
    if commenters:
        author_ids = [pk for pk, _platform, _user in commenters]
        queryset = queryset.filter(
            _removal_by_commenters(commenters, prefix="removal__")
            | Q(report__comment__author_id__in=author_ids)
            | _removal_by_commenters(commenters, prefix="report__removal__")
        )
    start, end = city_day_bounds(request)
    if start or end:
        queryset = queryset.filter(_between("referred_at", start, end))
    terms = request.terms()
    if terms:
        queryset = queryset.filter(_any_term(("details", "outcome"), terms))
    return queryset


REFERRAL_COLUMNS = (
    "id",
    "kind",
    "removal_id",
    "report_id",
    "agency",
    "statute",
    "statute_other",
    "case_number",
    "platform",
    "terms_url",
    "platform_report_id",
    "details",
    "status",
    "outcome",
    "referred_at",
    "closed_at",
)


def _referral_record(row: tuple) -> ExportRecord:
    (pk, kind, removal_id, report_id, agency, statute, statute_other, case_number, platform, terms_url,
     platform_report_id, details, status, outcome, referred_at, closed_at) = row  # fmt: skip
    values = {
        "id": str(pk),
        "kind": kind,
        "removal_id": str(removal_id) if removal_id else "",
        "report_id": str(report_id) if report_id else "",
        "agency": agency,
        "statute": statute,
        "statute_other": statute_other,
        "case_number": case_number,
        "platform": platform or "",
        "terms_url": terms_url,
        "platform_report_id": platform_report_id,
        "details": details,
        "status": status,
        "outcome": outcome,
        "referred_at": iso(referred_at),
        "closed_at": iso(closed_at),
    }
    return ExportRecord(id=pk, values=values, native=_json(values))


REFERRALS = register(
    RecordKindSpec(
        key="referrals",
        label="Referrals",
        queryset=referrals_queryset,
        columns=REFERRAL_COLUMNS,
        value_fields=(
            "pk",
            "kind",
            "removal_id",
            "report_id",
            "agency",
            "statute",
            "statute_other",
            "case_number",
            "platform__name",
            "terms_url",
            "platform_report_id",
            "details",
            "status",
            "outcome",
            "referred_at",
            "closed_at",
        ),
        record=_referral_record,
        redactable_columns=("details", "outcome"),
        sample_columns=("referred_at", "kind", "status", "details"),
    )
)


# --- Notices to commenters (moderation.CommenterNotice) --------------------------------


def notices_queryset(request) -> QuerySet:
    from moderation.models import CommenterNotice

    queryset = CommenterNotice.objects.all()
    site_ids, commenters = _scope(request)
    if site_ids:
        queryset = queryset.filter(removal__site_id__in=site_ids)
    if commenters:
        queryset = queryset.filter(_removal_by_commenters(commenters, prefix="removal__"))
    start, end = city_day_bounds(request)
    if start or end:
        queryset = queryset.filter(_between("recorded_at", start, end))
    terms = request.terms()
    if terms:
        queryset = queryset.filter(_any_term(("message", "not_possible_reason"), terms))
    return queryset


NOTICE_COLUMNS = (
    "id",
    "removal_id",
    "status",
    "channel",
    "sent_at",
    "message",
    "not_possible_reason",
    "recorded_at",
)


def _notice_record(row: tuple) -> ExportRecord:
    pk, removal_id, status, channel, sent_at, message, not_possible_reason, recorded_at = row
    values = {
        "id": str(pk),
        "removal_id": str(removal_id),
        "status": status,
        "channel": channel,
        "sent_at": iso(sent_at),
        "message": message,
        "not_possible_reason": not_possible_reason,
        "recorded_at": iso(recorded_at),
    }
    return ExportRecord(id=pk, values=values, native=_json(values))


NOTICES = register(
    RecordKindSpec(
        key="notices",
        label="Notices to commenters",
        queryset=notices_queryset,
        columns=NOTICE_COLUMNS,
        value_fields=(
            "pk",
            "removal_id",
            "status",
            "channel",
            "sent_at",
            "message",
            "not_possible_reason",
            "recorded_at",
        ),
        record=_notice_record,
        redactable_columns=("message", "not_possible_reason"),
        sample_columns=("recorded_at", "removal_id", "status", "message"),
    )
)


# --- Policy documents (sites_registry.PolicyDocument) ----------------------------------


def policy_documents_queryset(request) -> QuerySet:
    """Every published version, or those in force on some day of the request's date range."""
    from sites_registry.models import PolicyDocument

    queryset = PolicyDocument.objects.all()
    if request.date_to:
        queryset = queryset.filter(effective_date__lte=request.date_to)
    if request.date_from:
        # The version of each kind in force when the range starts (as ``in_effect``), and
        # every version that took effect after that.
        in_force_at_start = (
            PolicyDocument.objects.filter(kind=OuterRef("kind"), effective_date__lte=request.date_from)
            .order_by("-effective_date", "-version")
            .values("pk")[:1]
        )
        queryset = queryset.filter(
            Q(effective_date__gte=request.date_from) | Q(pk=Subquery(in_force_at_start))
        )
    terms = request.terms()
    if terms:
        queryset = queryset.filter(_any_term(("text", "change_summary"), terms))
    return queryset


POLICY_COLUMNS = ("id", "kind", "version", "effective_date", "change_summary", "text")


def _policy_record(row: tuple) -> ExportRecord:
    pk, kind, version, effective_date, change_summary, text = row
    values = {
        "id": str(pk),
        "kind": kind,
        "version": str(version),
        "effective_date": iso(effective_date),
        "change_summary": change_summary,
        "text": text,
    }
    return ExportRecord(id=pk, values=values, native=_json(values))


POLICY_DOCUMENTS = register(
    RecordKindSpec(
        key="policy_documents",
        label="Policy documents",
        queryset=policy_documents_queryset,
        columns=POLICY_COLUMNS,
        value_fields=("pk", "kind", "version", "effective_date", "change_summary", "text"),
        record=_policy_record,
        redactable_columns=(),
        sample_columns=("kind", "version", "effective_date", "change_summary"),
    )
)
