"""Reads of the removal pages: the lists and queues behind them, the Communications Office's
members, and the counts of the public transparency report.

The transparency report holds counts only, never content or names. A removal is counted in
the month (Central Time) it was made, once under each category it names; a removal later
reinstated still counts in its month, and the number reinstated is shown beside it. Removals
in the viewpoint-sensitive categories count as upheld only after the Communications Office's
second review: the number still awaiting it is shown beside them too.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth

from config.portal import roles
from config.portal.calendar import CITY_TZ
from moderation.removals.models import (
    AccountRestriction,
    ProhibitedCategory,
    Referral,
    Removal,
    RemovalCategory,
    ViolationReport,
)


# --- lists and queues -----------------------------------------------------------------
def removals_with_categories():
    """Removals with what their pages show: site, remover, item and categories."""
    return Removal.objects.select_related("site__platform", "removed_by", "comment").prefetch_related(
        Prefetch("categories", queryset=RemovalCategory.objects.order_by("category"))
    )


def removal_list(*, site_id: int | None, category: str, review: str):
    removals = removals_with_categories()
    if site_id is not None:
        removals = removals.filter(site_id=site_id)
    if category:
        removals = removals.filter(categories__category=category)
    if review in Removal.ReviewStatus.values:
        removals = removals.filter(review_status=review)
    return removals


def report_list(*, state: str, assignee: str, user, site_id: int | None, today: date):
    """The Communications Office's queue: ``state`` is "unresolved", "overdue" or a report
    state; ``assignee`` is "me", "none" or empty for anyone."""
    reports = ViolationReport.objects.select_related("site__platform", "assignee", "reported_by", "removal")
    if state == "unresolved":
        reports = reports.unresolved()
    elif state == "overdue":
        reports = reports.overdue(today)
    elif state in ViolationReport.State.values:
        reports = reports.filter(state=state)
    if assignee == "me":
        reports = reports.filter(assignee=user)
    elif assignee == "none":
        reports = reports.filter(assignee__isnull=True)
    if site_id is not None:
        reports = reports.filter(site_id=site_id)
    if state == ViolationReport.State.RESOLVED:
        reports = reports.order_by("-resolved_at")
    return reports


def communications_office_members():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.COMMUNICATIONS_OFFICE)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


def referral_list(*, kind: str, status: str):
    referrals = Referral.objects.select_related("platform", "removal__site", "report__site", "referred_by")
    if kind in Referral.Kind.values:
        referrals = referrals.filter(kind=kind)
    if status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    return referrals


def restriction_list():
    return AccountRestriction.objects.select_related(
        "commenter__platform", "site", "requested_by", "approved_by", "lifted_by"
    )


# --- the public transparency report ----------------------------------------------------
def month_of(value) -> date:
    """The first day of the month (Central Time) a removal time or TruncMonth value falls in."""
    if hasattr(value, "date"):
        value = value.astimezone(CITY_TZ).date() if value.tzinfo else value.date()
    return value.replace(day=1)


def transparency_years() -> list[int]:
    dates = Removal.objects.datetimes("removed_at", "year", tzinfo=CITY_TZ)
    return sorted({d.year for d in dates}, reverse=True)


def transparency_counts(year: int) -> dict:
    """The counts of the report for one year, by category, month and site."""
    months = [date(year, m, 1) for m in range(1, 13)]
    in_year = Q(removed_at__year=year)
    # Three grouped queries whatever the number of removals.
    by_category: dict[tuple[str, date], int] = {}
    for row in (
        RemovalCategory.objects.filter(**{"removal__removed_at__year": year})
        .annotate(month=TruncMonth("removal__removed_at", tzinfo=CITY_TZ))
        .values("category", "month")
        .annotate(n=Count("id"))
    ):
        by_category[(row["category"], month_of(row["month"]))] = row["n"]
    totals: dict[date, dict] = {}
    for row in (
        Removal.objects.filter(in_year)
        .annotate(month=TruncMonth("removed_at", tzinfo=CITY_TZ))
        .values("month")
        .annotate(
            n=Count("id"),
            reinstated=Count("id", filter=Q(reinstated_at__isnull=False)),
            awaiting_review=Count("id", filter=Q(review_status=Removal.ReviewStatus.PENDING)),
        )
    ):
        totals[month_of(row["month"])] = {
            "n": row["n"],
            "reinstated": row["reinstated"],
            "awaiting_review": row["awaiting_review"],
        }
    by_site: dict[tuple[int, date], int] = {}
    site_names: dict[int, str] = {}
    for row in (
        Removal.objects.filter(in_year)
        .annotate(month=TruncMonth("removed_at", tzinfo=CITY_TZ))
        .values("site_id", "site__account_name", "site__platform__name", "month")
        .annotate(n=Count("id"))
    ):
        by_site[(row["site_id"], month_of(row["month"]))] = row["n"]
        site_names[row["site_id"]] = f"{row['site__account_name']} ({row['site__platform__name']})"

    category_rows = []
    for value, label in ProhibitedCategory.choices:
        counts = [by_category.get((value, month), 0) for month in months]
        category_rows.append({"value": value, "label": label, "counts": counts, "total": sum(counts)})
    site_rows = []
    for site_id, name in sorted(site_names.items(), key=lambda item: item[1]):
        counts = [by_site.get((site_id, month), 0) for month in months]
        site_rows.append({"label": name, "counts": counts, "total": sum(counts)})
    month_rows = [
        {
            "month": month,
            "removals": totals.get(month, {}).get("n", 0),
            "reinstated": totals.get(month, {}).get("reinstated", 0),
            "awaiting_review": totals.get(month, {}).get("awaiting_review", 0),
        }
        for month in months
    ]
    peak = max([row["removals"] for row in month_rows] + [row["total"] for row in category_rows] + [1])
    return {
        "year": year,
        "months": months,
        "category_rows": category_rows,
        "site_rows": site_rows,
        "month_rows": month_rows,
        "total": sum(row["removals"] for row in month_rows),
        "peak": peak,
    }


def transparency_csv_rows():
    """Every month, site and category with at least one removal: counts only."""
    return (
        RemovalCategory.objects.annotate(month=TruncMonth("removal__removed_at", tzinfo=CITY_TZ))
        .values("month", "removal__site__account_name", "removal__site__platform__name", "category")
        .annotate(
            removals=Count("id"),
            reinstated=Count("id", filter=Q(removal__reinstated_at__isnull=False)),
            awaiting_review=Count("id", filter=Q(removal__review_status=Removal.ReviewStatus.PENDING)),
        )
        .order_by("month", "removal__site__platform__name", "removal__site__account_name", "category")
    )
