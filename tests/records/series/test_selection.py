"""The registry of record series as FOIA selects them: scopes and the per-chunk column hook."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from records.series import REGISTRY, ExportRecord, Scope
from tests.factories import CommenterFactory, CommentFactory, FoiaRequestFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_captured_items_scope_combines_sites_commenters_dates_and_terms():
    site, other = SiteFactory(), SiteFactory()
    jane = CommenterFactory(platform=site.platform)
    chicago_late_evening = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)  # March 1, 11:30 p.m. in Kankakee
    wanted = CommentFactory(site=site, author=jane, text="The POTHOLE again", posted_at=chicago_late_evening)
    CommentFactory(site=site, author=jane, text="pothole", posted_at=datetime(2026, 3, 2, 6, 30, tzinfo=UTC))
    CommentFactory(site=site, text="pothole by someone else", posted_at=chicago_late_evening)
    CommentFactory(site=other, author=jane, text="pothole elsewhere", posted_at=chicago_late_evening)
    CommentFactory(site=site, author=jane, text="a bridge", posted_at=chicago_late_evening)
    request = FoiaRequestFactory(date_from=date(2026, 3, 1), date_to=date(2026, 3, 1), search_terms="pothole")
    request.sites.set([site])
    request.commenters.set([jane])
    assert list(REGISTRY["captured-items"].selected(Scope.of_request(request))) == [wanted]


def test_site_registry_records_are_the_named_sites_or_all():
    first, second = SiteFactory(), SiteFactory()
    request = FoiaRequestFactory(record_kinds=["sites"])
    assert set(REGISTRY["sites"].selected(Scope.of_request(request))) == {first, second}
    request.sites.set([second])
    assert list(REGISTRY["sites"].selected(Scope.of_request(request))) == [second]


def test_per_chunk_columns_are_filled_across_chunk_boundaries(django_assert_max_num_queries):
    sites = SiteFactory.create_batch(5)
    for index, site in enumerate(sites):
        CommentFactory.create_batch(index, site=site)
    calls = []

    def comment_counts(ids):
        from moderation.models import Comment

        calls.append(list(ids))
        counted = {pk: 0 for pk in ids}
        for site_id in Comment.objects.filter(site_id__in=ids).values_list("site_id", flat=True):
            counted[site_id] += 1
        return {pk: {"comments": str(count)} for pk, count in counted.items()}

    spec = replace(
        REGISTRY["sites"],
        key="test_sites",
        export_columns=(("id", "Site"), ("comments", "Comments")),
        value_fields=("pk",),
        record=lambda row: ExportRecord(id=row[0], values={"id": str(row[0]), "comments": ""}),
        chunk_values=comment_counts,
    )
    request = FoiaRequestFactory(record_kinds=["test_sites"])
    with django_assert_max_num_queries(8):
        records = list(spec.rows(Scope.of_request(request), chunk_size=2))
    assert [r.values["comments"] for r in records] == ["0", "1", "2", "3", "4"]
    assert [len(ids) for ids in calls] == [2, 2, 1]
    assert "test_sites" not in REGISTRY


def test_captured_item_rows_say_a_time_was_derived_when_it_was_deleted_and_an_uncaptured_parent():
    site = SiteFactory()
    deleted_at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    CommentFactory(
        site=site,
        posted_at_derived=True,
        platform_state="deleted",
        platform_deleted_at=deleted_at,
        parent_platform_item_id="not-captured-1",
    )
    request = FoiaRequestFactory(record_kinds=["captured-items"], search_terms="")
    request.sites.set([site])
    (record,) = REGISTRY["captured-items"].rows(Scope.of_request(request))
    assert record.values["posted_at_derived"] == "yes"
    assert record.values["platform_deleted_at"] == deleted_at.isoformat()
    assert record.values["parent_platform_item_id"] == "not-captured-1"
