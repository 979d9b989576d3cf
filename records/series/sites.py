"""The site registry series: site decisions, compliance checklists, policy documents, sites.

The accounts themselves, the Communications Office's decisions on them (Sec. IV, Procedure),
the disclosures each site confirmed, and every published version of the Comment Policy,
Privacy Policy and Disclaimer. Their schedules are data like every other: seeded as kept
permanently, since they say which accounts spoke for the City and under which rules.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, Subquery

from records.series.base import (
    Blocker,
    Dependent,
    RecordSeries,
    ScopePaths,
    plain_record,
    register,
    text_content,
)

DECISION_COLUMNS = (
    ("id", "Decision"),
    ("site", "Site"),
    ("platform", "Platform"),
    ("action", "Decision"),
    ("from_state", "From"),
    ("to_state", "To"),
    ("decided_by", "Decided by"),
    ("decided_at", "Decided at"),
    ("reason", "Reason"),
)
SITE_DECISIONS = register(
    RecordSeries(
        key="site-decisions",
        label="Site decisions (approvals, suspensions, retirements)",
        model_label="sites_registry.SiteDecision",
        record_date_field="decided_at",
        **text_content("action", "from_state", "to_state", "reason"),
        export_columns=DECISION_COLUMNS,
        value_fields=(
            "pk",
            "site__account_name",
            "site__platform__name",
            "action",
            "from_state",
            "to_state",
            "decided_by__username",
            "decided_at",
            "reason",
        ),  # fmt: skip
        record=plain_record(DECISION_COLUMNS),
        sample_columns=("decided_at", "site", "action", "reason"),
        scope=ScopePaths(site="site", text_fields=("reason",)),
    )
)

CHECKLIST_COLUMNS = (
    ("id", "Checklist item"),
    ("site", "Site"),
    ("platform", "Platform"),
    ("kind", "Disclosure (Sec. IV)"),
    ("status", "Status"),
    ("where_shown", "Where the site shows it"),
    ("not_possible_reason", "Why it cannot be shown"),
    ("checked_by", "Confirmed by"),
    ("checked_at", "Confirmed at"),
)
COMPLIANCE_CHECKLISTS = register(
    RecordSeries(
        key="compliance-checklists",
        label="Compliance checklist confirmations",
        model_label="sites_registry.ComplianceItem",
        record_date_field="checked_at",
        **text_content("kind", "status", "where_shown", "not_possible_reason"),
        export_columns=CHECKLIST_COLUMNS,
        value_fields=(
            "pk",
            "site__account_name",
            "site__platform__name",
            "kind",
            "status",
            "where_shown",
            "not_possible_reason",
            "checked_by__username",
            "checked_at",
        ),  # fmt: skip
        record=plain_record(CHECKLIST_COLUMNS),
        sample_columns=("site", "kind", "status", "checked_at"),
        scope=ScopePaths(site="site", text_fields=("where_shown", "not_possible_reason")),
    )
)


def _in_force(date_from: dt.date | None, date_to: dt.date | None) -> Q:
    """Policy versions in force on some day of the range: the version of each kind in force
    when the range starts (as ``PolicyDocument.objects.in_effect``), and every later one."""
    from sites_registry.models import PolicyDocument

    condition = Q()
    if date_to:
        condition &= Q(effective_date__lte=date_to)
    if date_from:
        in_force_at_start = (
            PolicyDocument.objects.filter(kind=OuterRef("kind"), effective_date__lte=date_from)
            .order_by("-effective_date", "-version")
            .values("pk")[:1]
        )
        condition &= Q(effective_date__gte=date_from) | Q(pk=Subquery(in_force_at_start))
    return condition


POLICY_COLUMNS = (
    ("id", "Document"),
    ("kind", "Policy"),
    ("version", "Version"),
    ("effective_date", "In effect from"),
    ("change_summary", "What changed"),
    ("text", "Text"),
)
POLICY_DOCUMENTS = register(
    RecordSeries(
        key="policy-documents",
        label="Policy documents",
        model_label="sites_registry.PolicyDocument",
        record_date_field="effective_date",
        **text_content("kind", "version", "text", "change_summary"),
        export_columns=POLICY_COLUMNS,
        value_fields=("pk", "kind", "version", "effective_date", "change_summary", "text"),
        record=plain_record(POLICY_COLUMNS),
        sample_columns=("kind", "version", "effective_date", "change_summary"),
        scope=ScopePaths(text_fields=("text", "change_summary"), date_filter=_in_force),
    )
)

SITE_COLUMNS = (
    ("id", "Site"),
    ("platform", "Platform"),
    ("account_name", "Account"),
    ("handle", "Handle"),
    ("url", "Address"),
    ("department", "Department"),
    ("state", "State"),
    ("created_at", "Requested at"),
)
SITES = register(
    RecordSeries(
        key="sites",
        label="Site registry records",
        model_label="sites_registry.Site",
        record_date_field="created_at",
        **text_content("account_name", "handle", "url", "department", "state"),
        export_columns=SITE_COLUMNS,
        value_fields=(
            "pk",
            "platform__name",
            "account_name",
            "handle",
            "url",
            "department",
            "state",
            "created_at",
        ),  # fmt: skip
        record=plain_record(SITE_COLUMNS),
        sample_columns=("platform", "account_name", "url", "state"),
        # A list of accounts, not of events: the date range and search terms do not reach it.
        scope=ScopePaths(site="pk", dates=False),
        # Everything recorded on a site points at it; a site waits until they are all gone.
        blockers=(
            Blocker("sites_registry.SiteDecision", "site"),
            Blocker("sites_registry.ComplianceItem", "site"),
            Blocker("moderation.Comment", "site"),
            Blocker("moderation.Removal", "site"),
            Blocker("moderation.ViolationReport", "site"),
            Blocker("moderation.AccountRestriction", "site"),
            Blocker("moderation.IntegrationToken_sites", "site"),
            Blocker("records.FoiaRequest_sites", "site"),
            Blocker("moderation.PlatformBlock", "site"),
            # A site still connected for automatic capture is disconnected (and its connection
            # removed) before it can go.
            Blocker("moderation.SiteConnection", "site"),
        ),
        # The log of its automatic captures: operational, destroyed with the site.
        dependents=(Dependent("moderation.CaptureRun", "site"),),
    )
)
