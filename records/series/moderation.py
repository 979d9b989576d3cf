"""The moderation series: notices, referrals, reports, account restrictions, removals, captured items.

Declared in destruction order: a notice, referral or report goes before the removal it points
at (protected links), so they are destroyed earlier in the same run.

A removal's native payload is its retained copy as the canonical JSON document that
``Removal.retained_sha256`` is computed over, so a requester can check the copy: the SHA-256 of
``json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` is its
``payload_sha256``. A redaction of the retained copy leaves that hash out of the bundle.
"""

from __future__ import annotations

import json

from records.series.base import (
    Blocker,
    Dependent,
    Detach,
    ExportRecord,
    RecordSeries,
    ScopePaths,
    iso,
    joined,
    plain_record,
    register,
    text_content,
)

# --- Notices to commenters --------------------------------------------------------------------

NOTICE_COLUMNS = (
    ("id", "Notice"),
    ("removal_id", "Removal"),
    ("status", "Status"),
    ("channel", "Channel"),
    ("sent_at", "Sent at"),
    ("message", "Message"),
    ("not_possible_reason", "Why no notice could be sent"),
    ("recorded_at", "Recorded at"),
)
COMMENTER_NOTICES = register(
    RecordSeries(
        key="commenter-notices",
        label="Notices to commenters",
        model_label="moderation.CommenterNotice",
        record_date_field="recorded_at",
        **text_content("status", "channel", "message", "not_possible_reason"),
        export_columns=NOTICE_COLUMNS,
        value_fields=(
            "pk",
            "removal_id",
            "status",
            "channel",
            "sent_at",
            "message",
            "not_possible_reason",
            "recorded_at",
        ),  # fmt: skip
        record=plain_record(NOTICE_COLUMNS),
        redactable_columns=("message", "not_possible_reason"),
        sample_columns=("recorded_at", "removal_id", "status", "message"),
        scope=ScopePaths(
            site="removal__site",
            commenter="removal__comment__author",
            retained_poster=("removal__",),
            text_fields=("message", "not_possible_reason"),
            explicit="removal__comment",
        ),
    )
)


# --- Referrals --------------------------------------------------------------------------------

REFERRAL_COLUMNS = (
    ("id", "Referral"),
    ("kind", "Kind"),
    ("removal_id", "Removal"),
    ("report_id", "Report"),
    ("agency", "Agency"),
    ("statute", "Statute"),
    ("statute_other", "Other statute"),
    ("case_number", "Case number"),
    ("platform", "Platform"),
    ("terms_url", "Platform terms"),
    ("platform_report_id", "Platform report id"),
    ("details", "Details"),
    ("status", "Status"),
    ("outcome", "Outcome"),
    ("referred_at", "Referred at"),
    ("closed_at", "Closed at"),
)
REFERRALS = register(
    RecordSeries(
        key="referrals",
        label="Referrals",
        model_label="moderation.Referral",
        record_date_field="referred_at",
        **text_content(
            "kind",
            "agency",
            "statute",
            "statute_other",
            "case_number",
            "terms_url",
            "platform_report_id",
            "details",
            "status",
            "outcome",
        ),  # fmt: skip
        export_columns=REFERRAL_COLUMNS,
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
        ),  # fmt: skip
        record=plain_record(REFERRAL_COLUMNS),
        redactable_columns=("details", "outcome"),
        sample_columns=("referred_at", "kind", "status", "details"),
        # Through its removal or the report it was made from.
        scope=ScopePaths(
            site=("removal__site", "report__site"),
            commenter=(
                "removal__comment__author",
                "report__comment__author",
                "report__removal__comment__author",
            ),
            retained_poster=("removal__", "report__removal__"),
            text_fields=("details", "outcome"),
            explicit=("removal__comment", "report__comment"),
        ),
    )
)


def _category_labels() -> dict[str, str]:
    """Sec. V categories by the names the ordinance gives them."""
    from moderation.models import ProhibitedCategory

    return dict(ProhibitedCategory.choices)


# --- Reports of potential violations ----------------------------------------------------------

REPORT_COLUMNS = (
    ("id", "Report"),
    ("site", "Site"),
    ("removal_id", "Removal"),
    ("suspected_categories", "Suspected categories"),
    ("concern", "Concern"),
    ("notified_at", "Communications Office notified at"),
    ("due_date", "Answer due"),
    ("state", "State"),
    ("outcome", "Outcome"),
    ("response", "Response"),
    ("resolved_at", "Resolved at"),
)
VIOLATION_REPORTS = register(
    RecordSeries(
        key="violation-reports",
        label="Reports of potential violations",
        model_label="moderation.ViolationReport",
        record_date_field="notified_at",
        **text_content("concern", "state", "outcome", "response"),
        export_columns=REPORT_COLUMNS,
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
        ),  # fmt: skip
        record=plain_record(REPORT_COLUMNS, {"suspected_categories": joined}),
        readable_choices={"suspected_categories": _category_labels},
        redactable_columns=("concern", "response"),
        sample_columns=("notified_at", "site", "state", "concern"),
        blockers=(Blocker("moderation.Referral", "report"),),
        scope=ScopePaths(
            site="site",
            commenter=("comment__author", "removal__comment__author"),
            retained_poster=("removal__",),
            text_fields=("concern", "response"),
            explicit="comment",
        ),
    )
)


# --- Blocked and restricted accounts ----------------------------------------------------------
# Block lists are public records (Illinois Public Access Counselor, 2020 PAC 63566). A
# restriction is dated by when it ends, so one still in force is never eligible.

RESTRICTION_COLUMNS = (
    ("id", "Restriction"),
    ("site", "Site"),
    ("platform", "Platform"),
    ("commenter_platform_user_id", "Account id on the platform"),
    ("commenter_name", "Account name"),
    ("scope", "Restriction"),
    ("scope_detail", "What exactly is restricted"),
    ("reason", "Reason"),
    ("state", "State"),
    ("requested_at", "Requested at"),
    ("starts_at", "Starts"),
    ("expires_at", "Expires"),
    ("approved_at", "Decided at"),
    ("decision_note", "Decision"),
    ("lifted_at", "Lifted at"),
    ("lift_reason", "Why it was lifted"),
)
ACCOUNT_RESTRICTIONS = register(
    RecordSeries(
        key="account-restrictions",
        label="Blocked and restricted accounts, with their decisions",
        model_label="moderation.AccountRestriction",
        record_date_field="expires_at",
        **text_content("scope", "scope_detail", "reason", "state", "decision_note", "lift_reason"),
        export_columns=RESTRICTION_COLUMNS,
        value_fields=(
            "pk",
            "site__account_name",
            "commenter__platform__name",
            "commenter__platform_user_id",
            "commenter__display_name",
            "scope",
            "scope_detail",
            "reason",
            "state",
            "requested_at",
            "starts_at",
            "expires_at",
            "approved_at",
            "decision_note",
            "lifted_at",
            "lift_reason",
        ),  # fmt: skip
        record=plain_record(RESTRICTION_COLUMNS),
        redactable_columns=("commenter_name", "reason", "decision_note", "lift_reason"),
        sample_columns=("requested_at", "site", "commenter_name", "scope"),
        dependents=(Dependent("moderation.AccountRestriction_removals", "accountrestriction"),),
        scope=ScopePaths(
            site="site",
            commenter="commenter",
            text_fields=("reason", "scope_detail", "decision_note", "lift_reason"),
            date_fields=("requested_at", "starts_at"),
            explicit="removals__comment",
        ),
    )
)


# --- Block lists captured from the platforms ------------------------------------------------------

PLATFORM_BLOCK_COLUMNS = (
    ("id", "Entry"),
    ("site", "Site"),
    ("platform", "Platform"),
    ("commenter_platform_user_id", "Account id on the platform"),
    ("commenter_name", "Account name"),
    ("first_seen_at", "First seen on the block list"),
    ("last_seen_at", "Last seen on the block list"),
    ("gone_at", "No longer listed from"),
)
PLATFORM_BLOCK_LISTS = register(
    RecordSeries(
        key="platform-block-lists",
        label="Block lists captured from the platforms",
        model_label="moderation.PlatformBlock",
        # An account still blocked is seen again on every capture: never eligible while listed.
        record_date_field="last_seen_at",
        **text_content("raw_payload"),
        export_columns=PLATFORM_BLOCK_COLUMNS,
        value_fields=(
            "pk",
            "site__account_name",
            "site__platform__name",
            "commenter__platform_user_id",
            "commenter__display_name",
            "first_seen_at",
            "last_seen_at",
            "gone_at",
        ),  # fmt: skip
        record=plain_record(PLATFORM_BLOCK_COLUMNS),
        redactable_columns=("commenter_name",),
        sample_columns=("last_seen_at", "site", "commenter_name"),
        scope=ScopePaths(site="site", commenter="commenter", date_fields=("first_seen_at",)),
    )
)


# --- Removals ---------------------------------------------------------------------------------

REMOVAL_COLUMNS = (
    ("id", "Removal"),
    ("site", "Site"),
    ("platform", "Platform"),
    ("retained_platform_item_id", "Item id on the platform"),
    ("action", "Action"),
    ("categories", "Prohibited categories (Sec. V)"),
    ("reason", "Reason"),
    ("removed_at", "Removed at"),
    ("retained_poster_id", "Poster id on the platform"),
    ("retained_poster_name", "Poster"),
    ("retained_poster_profile_url", "Poster's profile"),
    ("retained_text", "Removed text"),
    ("retained_posted_at", "Posted at"),
    ("retained_permalink", "Link"),
    ("retained_sha256", "SHA-256 of the retained copy"),
    ("review_status", "Second review"),
    ("reinstated_at", "Reinstated at"),
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
    retained = (item_id, text, posted_at, poster_id, poster_name, poster_url, permalink)
    document = Removal(**dict(zip(Removal.RETAINED_COPY, retained, strict=True))).retained_document()
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
    RecordSeries(
        key="removals",
        label="Removals",
        model_label="moderation.Removal",
        record_date_field="removed_at",
        content_sql="retained_text",
        content_python=lambda r: r.retained_text,
        # The tombstone keeps the digest of the retained copy (Sec. VI), computed at removal.
        sha256_sql="retained_sha256",
        sha256_python=lambda r: r.retained_sha256,
        export_columns=REMOVAL_COLUMNS,
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
        ),  # fmt: skip
        record=_removal_record,
        redactable_columns=("retained_text", "retained_poster_name", "reason"),
        sample_columns=("removed_at", "site", "categories", "retained_text"),
        chunk_values=_removal_categories,
        readable_choices={"categories": _category_labels},
        payload_hash_columns=("retained_sha256",),
        dependents=(
            Dependent("moderation.RemovalCategory", "removal"),
            Dependent("moderation.AccountRestriction_removals", "removal"),
        ),
        blockers=(
            Blocker("moderation.CommenterNotice", "removal"),
            Blocker("moderation.Referral", "removal"),
            Blocker("moderation.ViolationReport", "removal"),
        ),
        # Reached by the poster its retained copy names (its captured item may be gone) and by
        # the day the item was posted as well as the day it was removed.
        scope=ScopePaths(
            site="site",
            commenter="comment__author",
            retained_poster=("",),
            text_fields=("retained_text", "reason"),
            date_fields=("retained_posted_at",),
            explicit="comment",
        ),
    )
)


# --- Captured items ---------------------------------------------------------------------------
# The content is the native payload exactly as captured, so the tombstone's SHA-256 equals the
# item's ``payload_sha256`` and can be matched against any earlier export; items typed in
# without a payload are fingerprinted by their text.

CAPTURED_COLUMNS = (
    ("id", "Record"),
    ("site", "Site"),
    ("platform", "Platform"),
    ("platform_item_id", "Item id on the platform"),
    ("kind", "Kind"),
    ("parent_platform_item_id", "Reply to (item id on the platform)"),
    ("author_platform_user_id", "Author id on the platform"),
    ("author_name", "Author"),
    ("author_profile_url", "Author's profile"),
    ("text", "Text"),
    ("posted_at", "Posted at"),
    ("captured_at", "Captured at"),
    ("permalink", "Link"),
    ("platform_state", "State on the platform"),
    ("posted_at_derived", "Time derived from the item's id"),
    ("platform_deleted_at", "Deleted on the platform at"),
    ("found_missing_at", "Found missing from a complete listing at"),
)


def _captured_record(row: tuple) -> ExportRecord:
    (pk, site, platform, item_id, kind, parent_id, author_id, author_name, author_url, text,
     posted_at, captured_at, permalink, platform_state, posted_at_derived, platform_deleted_at,
     found_missing_at, raw_payload, sha256) = row  # fmt: skip
    values = {
        "id": str(pk),
        "site": site,
        "platform": platform,
        "platform_item_id": item_id,
        "kind": kind,
        "parent_platform_item_id": parent_id or "",
        "author_platform_user_id": author_id or "",
        "author_name": author_name or "",
        "author_profile_url": author_url or "",
        "text": text,
        "posted_at": iso(posted_at),
        "captured_at": iso(captured_at),
        "permalink": permalink,
        "platform_state": platform_state,
        # The platform gave no time: posted_at was derived from the item's id.
        "posted_at_derived": "yes" if posted_at_derived else "",
        "platform_deleted_at": iso(platform_deleted_at),
        # Automatic capture: when a complete listing of its parent first lacked the item.
        "found_missing_at": iso(found_missing_at),
    }
    return ExportRecord(id=pk, values=values, native=raw_payload, native_sha256=sha256)


CAPTURED_ITEMS = register(
    RecordSeries(
        key="captured-items",
        label="Captured items",
        model_label="moderation.Comment",
        record_date_field="posted_at",
        content_sql="CASE WHEN raw_payload <> '' THEN raw_payload ELSE text END",
        content_python=lambda comment: comment.raw_payload or comment.text,
        export_columns=CAPTURED_COLUMNS,
        # The parent as the platform gave it: a parent not captured (yet) is still named.
        value_fields=(
            "pk",
            "site__account_name",
            "site__platform__name",
            "platform_item_id",
            "kind",
            "parent_platform_item_id",
            "author__platform_user_id",
            "author__display_name",
            "author__profile_url",
            "text",
            "posted_at",
            "captured_at",
            "permalink",
            "platform_state",
            "posted_at_derived",
            "platform_deleted_at",
            "found_missing_at",
            "raw_payload",
            "payload_sha256",
        ),  # fmt: skip
        record=_captured_record,
        redactable_columns=("text", "author_name"),
        sample_columns=("posted_at", "site", "author_name", "text"),
        # A reply can outlive its parent (posted in a later calendar year, or held): it keeps its
        # own content and loses only the link. A removal and a report keep their own copy of what
        # they need (Sec. VI) and outlive the captured item: only their link to it goes.
        detach=(
            Detach("moderation.Comment", "parent"),
            Detach("moderation.Removal", "comment"),
            Detach("moderation.ViolationReport", "comment"),
        ),
        scope=ScopePaths(site="site", commenter="author", text_fields=("text",), explicit="pk"),
    )
)
