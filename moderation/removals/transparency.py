"""The public transparency report: removals per category, per month and per site.

Counts only, never content or names. A removal is counted in the month (Central Time) it
was made, once under each category it names; a removal later reinstated still counts in
its month, and the number reinstated is shown beside it. Removals in the viewpoint-sensitive
categories count as upheld only after the Communications Office's second review: the number
still awaiting it is shown beside them too.
"""

from __future__ import annotations

import csv
from datetime import date

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from config.portal.calendar import CITY_TZ
from config.portal.spreadsheet import csv_cell
from moderation.models import ProhibitedCategory, Removal, RemovalCategory
from moderation.params import is_plain_number


def _month(value) -> date:
    if hasattr(value, "date"):
        value = value.astimezone(CITY_TZ).date() if value.tzinfo else value.date()
    return value.replace(day=1)


def available_years() -> list[int]:
    dates = Removal.objects.datetimes("removed_at", "year", tzinfo=CITY_TZ)
    return sorted({d.year for d in dates}, reverse=True)


def report_data(year: int) -> dict:
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
        by_category[(row["category"], _month(row["month"]))] = row["n"]
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
        totals[_month(row["month"])] = {
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
        by_site[(row["site_id"], _month(row["month"]))] = row["n"]
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


def _chart(rows, key: str, label_key: str, peak: int, *, bar_x: int) -> dict:
    """Geometry of a server-rendered SVG bar chart (readable without JavaScript)."""
    bars = []
    for index, row in enumerate(rows):
        value = row[key]
        width = round(400 * value / peak) if peak else 0
        y = 10 + index * 26
        bars.append(
            {
                "label": row[label_key] if label_key != "month" else f"{row['month']:%b}",
                "value": value,
                "y": y,
                "text_y": y + 16,
                "width": width,
                "value_x": bar_x + width + 6,
            }
        )
    return {"bars": bars, "height": 20 + len(rows) * 26, "width": bar_x + 460, "bar_x": bar_x}


def _year(request) -> int:
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    if is_plain_number(raw) and 2000 <= int(raw) <= this_year + 1:
        return int(raw)
    return this_year


@login_not_required
@require_GET
def transparency_report(request):
    year = _year(request)
    data = report_data(year)
    years = sorted(set(available_years()) | {timezone.localdate().year, year}, reverse=True)
    return render(
        request,
        "moderation/removals/transparency.html",
        {
            **data,
            "years": years,
            "month_chart": _chart(data["month_rows"], "removals", "month", data["peak"], bar_x=60),
            "category_chart": _chart(data["category_rows"], "total", "label", data["peak"], bar_x=300),
        },
    )


@login_not_required
@require_GET
def transparency_csv(request):
    """Every month, site and category with at least one removal: counts only."""
    rows = (
        RemovalCategory.objects.annotate(month=TruncMonth("removal__removed_at", tzinfo=CITY_TZ))
        .values("month", "removal__site__account_name", "removal__site__platform__name", "category")
        .annotate(
            removals=Count("id"),
            reinstated=Count("id", filter=Q(removal__reinstated_at__isnull=False)),
            awaiting_review=Count("id", filter=Q(removal__review_status=Removal.ReviewStatus.PENDING)),
        )
        .order_by("month", "removal__site__platform__name", "removal__site__account_name", "category")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kankakee-social-media-removals.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "month",
            "platform",
            "site",
            "category",
            "category_label",
            "removals",
            "later_reinstated",
            "awaiting_second_review",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                csv_cell(f"{_month(row['month']):%Y-%m}"),
                csv_cell(row["removal__site__platform__name"]),
                csv_cell(row["removal__site__account_name"]),
                row["category"],
                csv_cell(ProhibitedCategory(row["category"]).label),
                row["removals"],
                row["reinstated"],
                row["awaiting_review"],
            ]
        )
    return response
