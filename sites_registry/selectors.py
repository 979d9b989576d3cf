"""Reads of the sites registry: the staff lists and queues, the public directory, the
checklist's open disclosures and the versions of each policy."""

from __future__ import annotations

from django.db.models import Count, Q

from sites_registry.models import ComplianceItem, PolicyDocument, Site


def site_list(*, state: str):
    sites = Site.objects.select_related("platform").order_by("platform__name", "account_name")
    if state in Site.State.values:
        sites = sites.filter(state=state)
    return sites


def sites_requested():
    """Requests awaiting the Communications Office, oldest first, with their count of
    mandatory disclosures still open."""
    open_mandatory = Count(
        "compliance_items",
        filter=~Q(compliance_items__status=ComplianceItem.Status.CONFIRMED)
        & ~Q(compliance_items__kind__in=list(ComplianceItem.WHERE_POSSIBLE)),
    )
    return (
        Site.objects.filter(state=Site.State.REQUESTED)
        .select_related("platform", "requested_by")
        .annotate(open_mandatory=open_mandatory)
        .order_by("created_at")
    )


def sites_due_for_recertification():
    return Site.objects.recertification_due().select_related("platform").order_by("last_certified_at")


def open_mandatory_items(site: Site, *, since=None) -> list[ComplianceItem]:
    """Mandatory disclosures not confirmed (or, with ``since``, not re-confirmed since then).

    A mandatory kind with no row at all (a site added in the Django admin) is not confirmed
    either: it is listed as an unsaved, open item.
    """
    items = list(site.compliance_items.all())
    present = {item.kind for item in items}
    missing = [
        ComplianceItem(site=site, kind=kind)
        for kind in ComplianceItem.Kind.values
        if kind not in present and ComplianceItem(kind=kind).is_mandatory
    ]
    for item in items:
        if not item.is_mandatory:
            continue
        if item.status != ComplianceItem.Status.CONFIRMED:
            missing.append(item)
        elif since is not None and (item.checked_at is None or item.checked_at < since):
            missing.append(item)
    return missing


def public_directory() -> tuple[list[Site], list[Site]]:
    """The official accounts and the retired ones, for the public directory."""
    sites = list(
        Site.objects.filter(state__in=[Site.State.APPROVED, Site.State.RETIRED])
        .select_related("platform")
        .order_by("platform__name", "account_name")
    )
    official = [site for site in sites if site.state == Site.State.APPROVED]
    retired = [site for site in sites if site.state == Site.State.RETIRED]
    return official, retired


def policy_versions_by_kind() -> list[dict]:
    """Every version of every policy, newest first within each kind."""
    documents = PolicyDocument.objects.select_related("published_by").order_by("kind", "-version")
    by_kind = {kind: [] for kind in PolicyDocument.Kind.values}
    for document in documents:
        by_kind[document.kind].append(document)
    return [
        {"kind": kind, "label": label, "versions": by_kind[kind]}
        for kind, label in PolicyDocument.Kind.choices
    ]


def policies_in_effect(on) -> list[dict]:
    """Each public policy with its version in effect on ``on``, in one query (the texts are not read)."""
    documents = (
        PolicyDocument.objects.filter(effective_date__lte=on)
        .only("kind", "version", "effective_date")
        .order_by("kind", "-effective_date", "-version")
    )
    in_effect: dict[str, PolicyDocument] = {}
    for document in documents:
        in_effect.setdefault(document.kind, document)
    return [
        {"kind": kind, "label": label, "document": in_effect.get(kind)}
        for kind, label in PolicyDocument.Kind.choices
    ]


def policy_page(kind: str, version: int | None, on) -> dict:
    """What a public policy page shows, in two queries: every version of ``kind`` (without their
    texts) and the text of the version shown (``version``, or the one in effect on ``on``)."""
    versions = list(
        PolicyDocument.objects.filter(kind=kind)
        .order_by("-version")
        .only("kind", "version", "effective_date")
    )
    in_effect = [document for document in versions if document.effective_date <= on]
    current = max(in_effect, key=lambda document: (document.effective_date, document.version), default=None)
    if version is None:
        shown = current
    else:
        shown = next((document for document in versions if document.version == version), None)
        if shown is None:
            return {"found": False}
    document = PolicyDocument.objects.get(pk=shown.pk) if shown is not None else None
    return {
        "found": True,
        "kind": kind,
        "label": PolicyDocument.Kind(kind).label,
        "document": document,
        "current": current,
        "is_current": document is not None and current is not None and current.pk == document.pk,
        "versions": versions,
    }
