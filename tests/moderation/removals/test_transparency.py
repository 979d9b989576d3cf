"""The public transparency report: counts per category, month and site; never content or names."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation.removals.selectors import transparency_counts
from tests.factories import RemovalFactory, SiteFactory

pytestmark = pytest.mark.django_db

SECRET_TEXT = "my neighbour Jane Q. Secret lives at 12 Elm"


@pytest.fixture
def removals():
    city = SiteFactory(account_name="City of Kankakee")
    police = SiteFactory(account_name='=HYPERLINK("http://evil")')
    # 03:00 UTC on February 1 is still January 31 in Kankakee: it counts in January.
    RemovalFactory(
        comment__site=city,
        comment__text=SECRET_TEXT,
        comment__author__display_name="Jane Q. Secret",
        removed_at=datetime(2026, 2, 1, 3, 0, tzinfo=UTC),
        categories=["privacy", "threats_harassment"],
    )
    RemovalFactory(
        comment__site=city, removed_at=datetime(2026, 3, 10, 15, 0, tzinfo=UTC), categories=["privacy"]
    )
    RemovalFactory(
        comment__site=police,
        removed_at=datetime(2026, 3, 11, 15, 0, tzinfo=UTC),
        categories=["commercial"],
        reinstated_at=datetime(2026, 3, 12, 15, 0, tzinfo=UTC),
        reinstatement_reason="City event after all.",
    )
    RemovalFactory(
        comment__site=city, removed_at=datetime(2025, 12, 31, 12, 0, tzinfo=UTC), categories=["cyber_attack"]
    )
    return {"city": city, "police": police}


def test_counts_per_category_month_and_site_in_central_time(removals):
    data = transparency_counts(2026)
    by_category = {row["value"]: row["counts"] for row in data["category_rows"]}
    assert by_category["privacy"][:3] == [1, 0, 1]
    assert by_category["threats_harassment"][:3] == [1, 0, 0]
    assert by_category["commercial"][2] == 1
    assert sum(by_category["cyber_attack"]) == 0  # that one was in 2025
    months = {row["month"].month: row for row in data["month_rows"]}
    assert months[1]["removals"] == 1 and months[2]["removals"] == 0
    assert months[3]["removals"] == 2 and months[3]["reinstated"] == 1
    assert data["total"] == 3
    sites = {row["label"]: row["total"] for row in data["site_rows"]}
    assert sites[f"City of Kankakee ({removals['city'].platform.name})"] == 2


def test_public_page_shows_chart_and_tables_without_content_or_names(client, removals):
    response = client.get(reverse("moderation:transparency-report"), {"year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and '<title id="chart-month-title">' in body
    assert "Privacy-invasive content or personal identifying information" in body
    assert "January 2026" in body
    assert SECRET_TEXT not in body and "Jane Q. Secret" not in body
    assert '=HYPERLINK("http://evil")' not in body  # site names are escaped like everything else
    assert "3 removals in 2026" in body


def test_year_without_removals_and_bad_year_input(client, removals):
    assert (
        "0 removals in 2024"
        in client.get(reverse("moderation:transparency-report"), {"year": 2024}).content.decode()
    )
    assert client.get(reverse("moderation:transparency-report"), {"year": "<script>"}).status_code == 200


@pytest.mark.parametrize("year", ["\u00b2\u00b2", "\u0662\u0660\u0662\u0665", "\uff12\uff10\uff12\uff15"])
def test_non_ascii_digits_as_year_are_not_an_error(client, year):
    """Superscript, Arabic-Indic and full-width digits pass str.isdigit(); int() refuses some."""
    response = client.get(reverse("moderation:transparency-report"), {"year": year})
    assert response.status_code == 200
    this_year = timezone.localdate().year
    # The page may come from the cache (no template context): the year shown is this year.
    assert f" in {this_year}. A removal is counted" in response.content.decode()


def test_csv_has_counts_only_and_neutralises_formulas(client, removals):
    response = client.get(reverse("moderation:transparency-csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    assert SECRET_TEXT not in text and "Jane Q. Secret" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["month"] for row in rows} == {"2025-12", "2026-01", "2026-03"}
    police = [row for row in rows if "HYPERLINK" in row["site"]]
    assert police and all(row["site"].startswith("'=") for row in police)
    assert police[0]["removals"] == "1" and police[0]["later_reinstated"] == "1"
    january = [row for row in rows if row["month"] == "2026-01"]
    assert sorted(row["category"] for row in january) == ["privacy", "threats_harassment"]


def test_report_query_count_is_fixed(client, removals, django_assert_num_queries):
    with django_assert_num_queries(3):
        transparency_counts(2026)
    RemovalFactory.create_batch(5)
    with django_assert_num_queries(3):
        transparency_counts(2026)


def test_removals_awaiting_second_review_are_shown_as_not_yet_upheld(client, removals):
    """Viewpoint-sensitive removals count as upheld only after the Communications Office's
    second review (Sec. V; DESIGN.md): the public report says how many still wait for it."""
    RemovalFactory(
        comment__site=removals["city"],
        removed_at=datetime(2026, 3, 20, 15, 0, tzinfo=UTC),
        categories=["off_topic"],
        review_status="pending",
    )
    months = {row["month"].month: row for row in transparency_counts(2026)["month_rows"]}
    assert months[3]["removals"] == 3 and months[3]["awaiting_review"] == 1
    assert months[1]["awaiting_review"] == 0
    body = client.get(reverse("moderation:transparency-report"), {"year": 2026}).content.decode()
    assert "Awaiting second review" in body
    csv_response = client.get(reverse("moderation:transparency-csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(csv_response.streaming_content).decode())))
    off_topic = [row for row in rows if row["category"] == "off_topic"]
    assert off_topic and off_topic[0]["awaiting_second_review"] == "1"
    assert all(row["awaiting_second_review"] == "0" for row in rows if row["category"] != "off_topic")
