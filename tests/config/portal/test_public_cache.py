"""Public pages that hold a crowd (config/portal/public_cache.py): change tokens written by the
database, ETag / Last-Modified / 304, Cache-Control for a shared cache, the rendered page kept for
anonymous visitors only, the transparency figures computed once per change, the CSV streamed."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from config.portal import public_cache
from moderation.removals import services as removal_services
from moderation.removals.models import Removal, ViolationReport
from sites_registry import services as site_services
from sites_registry.models import PolicyDocument, Site
from tests.factories import CommentFactory, RemovalFactory, SiteFactory

pytestmark = pytest.mark.django_db

REPORT = reverse("moderation:transparency-report")
CSV = reverse("moderation:transparency-csv")
PUBLIC_PAGES = [
    reverse("public-home"),
    reverse("sites_registry:directory"),
    reverse("sites_registry:directory-json"),
    reverse("sites_registry:policy-list"),
    reverse("sites_registry:policy-current", args=["comment-policy"]),
    reverse("sites_registry:disclaimer"),
    REPORT,
]
REPORT_TABLES = ("moderation_removal", "moderation_removalcategory")


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def month_row(page: str) -> tuple[int, int, int]:
    """This month's row of the report: removals, later reinstated, awaiting second review."""
    label = timezone.localdate().strftime("%B %Y")
    start = page.index(f'<th scope="row">{label}</th>')
    cells = page[start:].split("</tr>")[0].split("<td>")[1:]
    removals, reinstated, awaiting = (int(cell.split("</td>")[0]) for cell in cells)
    return removals, reinstated, awaiting


def csv_rows(client) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(client.get(CSV)))))


def report_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if any(table in q["sql"] for table in REPORT_TABLES)]


@pytest.fixture
def site():
    return SiteFactory(account_name="Kankakee Police")


def test_report_is_right_immediately_after_a_removal_and_after_a_reinstatement(
    client, site, tst_user, comms_user
):
    RemovalFactory(comment__site=site, removed_at=timezone.now(), categories=["privacy"])
    before = client.get(REPORT)
    assert month_row(body(before)) == (1, 0, 0)
    assert sum(int(row["removals"]) for row in csv_rows(client)) == 1

    removal = removal_services.removal_create(
        actor=tst_user,
        comment=CommentFactory(site=site),
        categories=["off_topic"],
        action=Removal.Action.HIDDEN,
        reason="Unrelated to the post.",
    )
    after_removal = client.get(REPORT)
    assert after_removal["ETag"] != before["ETag"]
    assert month_row(body(after_removal)) == (2, 0, 1)  # off-topic: awaiting second review
    rows = csv_rows(client)
    assert [row["awaiting_second_review"] for row in rows if row["category"] == "off_topic"] == ["1"]

    removal_services.violation_report_resolve(
        actor=comms_user,
        report=ViolationReport.objects.get(removal=removal),
        outcome=ViolationReport.Outcome.REINSTATED,
        response="On topic after all.",
    )
    after_reinstatement = client.get(REPORT)
    assert after_reinstatement["ETag"] not in (before["ETag"], after_removal["ETag"])
    assert month_row(body(after_reinstatement)) == (2, 1, 0)
    off_topic = [row for row in csv_rows(client) if row["category"] == "off_topic"]
    assert off_topic[0]["later_reinstated"] == "1" and off_topic[0]["awaiting_second_review"] == "0"


def test_conditional_get_is_answered_304_without_the_reports_queries(client, site):
    RemovalFactory(comment__site=site, removed_at=timezone.now(), categories=["privacy"])
    first = client.get(REPORT)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    public_cache.forget_tokens()  # as in another process: the change token is read again
    with CaptureQueriesContext(connection) as queries:
        again = client.get(REPORT, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert len(queries) == 1 and report_queries(queries) == []  # the change token only
    since = client.get(REPORT, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304
    for path in (CSV, *PUBLIC_PAGES):
        page = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, headers={"if-none-match": page["ETag"]}).status_code == 304
        assert report_queries(queries) == [], path


def test_a_full_page_for_a_new_visitor_is_served_from_the_cache(client, site, django_assert_max_num_queries):
    RemovalFactory(comment__site=site, removed_at=timezone.now(), categories=["privacy"])
    first = client.get(REPORT)
    public_cache._local.entries.clear()  # as in another process: the shared cache (Redis) answers
    public_cache.forget_tokens()
    with django_assert_max_num_queries(1):
        again = client.get(REPORT)
    assert again.status_code == 200 and again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_etag_changes_with_any_write_to_what_the_report_shows_even_raw_sql(client, site):
    removal = RemovalFactory(comment__site=site, removed_at=timezone.now(), categories=["privacy"])
    etags = [client.get(REPORT)["ETag"]]
    # A site renamed (the report names sites), by an UPDATE that sends no signal: the trigger sees it.
    Site.objects.filter(pk=site.pk).update(account_name="Kankakee Police Department")
    public_cache.forget_tokens()  # as in another process
    page = client.get(REPORT)
    assert "Kankakee Police Department" in body(page)
    etags.append(page["ETag"])
    # The purge deletes removals without the ORM's signals: the trigger still sees it.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM moderation_removalcategory WHERE removal_id = %s", [removal.pk])
        cursor.execute("DELETE FROM moderation_violationreport WHERE removal_id = %s", [removal.pk])
        cursor.execute("DELETE FROM moderation_removal WHERE id = %s", [removal.pk])
    public_cache.forget_tokens()
    page = client.get(REPORT)
    assert month_row(body(page)) == (0, 0, 0)
    etags.append(page["ETag"])
    assert len(set(etags)) == 3


def test_public_pages_say_how_a_shared_cache_may_keep_them(client):
    for path in (CSV, *PUBLIC_PAGES):
        response = client.get(path)
        assert response.status_code == 200, path
        cache_control = response["Cache-Control"]
        assert "public" in cache_control and "max-age=30" in cache_control, path
        assert "stale-while-revalidate=29" in cache_control, path
        assert "Cookie" in response["Vary"], path
        assert not response.cookies, path
        assert client.head(path).status_code == 200, path


def test_a_staff_members_page_never_reaches_an_anonymous_visitor(client, comms_user, site):
    """The header names the person signed in: such a page is private, never kept in a shared
    cache (neither the portal's nor a proxy's), and an anonymous visitor never gets it."""
    RemovalFactory(comment__site=site, removed_at=timezone.now(), categories=["privacy"])
    staff = Client()
    staff.force_login(comms_user)
    for path in PUBLIC_PAGES:
        staff_page = staff.get(path)
        assert staff_page.status_code == 200, path
        cache_control = staff_page["Cache-Control"]
        assert "private" in cache_control and "public" not in cache_control, path
        assert "ETag" not in staff_page, path
        if path != reverse("sites_registry:directory-json"):
            assert "Sign out" in body(staff_page) and "comms" in body(staff_page), path
        for _attempt in range(2):  # rendered, then from the cache
            anonymous = client.get(path)
            assert anonymous.status_code == 200
            assert "comms" not in body(anonymous) and "Sign out" not in body(anonymous), path
            assert "public" in anonymous["Cache-Control"], path
    # And the other way round: what anonymous visitors got first is not what staff get.
    public_cache._local.entries.clear()
    staff_report = body(staff.get(REPORT))
    assert "Sign out" in staff_report and "comms" in staff_report


def test_a_visitor_with_pending_messages_gets_a_private_page(client):
    client.cookies["messages"] = "anything"
    response = client.get(REPORT)
    assert "private" in response["Cache-Control"] and "ETag" not in response


def test_csv_is_streamed_counts_only_and_kept_until_the_next_change(client, site):
    site.account_name = '=HYPERLINK("http://evil")'
    site.save()
    RemovalFactory(comment__site=site, removed_at=timezone.now(), categories=["privacy", "commercial"])
    first = client.get(CSV)
    assert first.streaming and "Content-Length" not in first  # read from the database as it is sent
    text = body(first)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["category"] for row in rows) == ["commercial", "privacy"]
    assert all(row["site"].startswith("'=HYPERLINK") for row in rows)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(CSV)
        assert body(second) == text
    assert second["Content-Length"] == str(len(text.encode())) and report_queries(queries) == []
    RemovalFactory(comment__site=site, removed_at=timezone.now(), categories=["privacy"])
    third = client.get(CSV)
    assert third["ETag"] != first["ETag"]
    privacy = [row for row in csv.DictReader(io.StringIO(body(third))) if row["category"] == "privacy"]
    assert privacy[0]["removals"] == "2"


def test_directory_and_home_follow_a_site_decision_at_once(client, comms_user):
    site = SiteFactory(account_name="Kankakee Parks", state=Site.State.APPROVED)
    directory = reverse("sites_registry:directory")
    assert "Kankakee Parks" in body(client.get(directory))
    assert "Kankakee Parks" in body(client.get(reverse("public-home")))
    site_services.site_retire(actor=comms_user, site=site, reason="Account closed.")
    page = body(client.get(directory))
    assert "Kankakee Parks" in page.split("Accounts that are no longer official")[1]
    assert "Kankakee Parks" not in body(client.get(reverse("public-home")))


def test_policy_pages_follow_a_published_amendment_at_once(client, comms_user):
    path = reverse("sites_registry:policy-current", args=["comment-policy"])
    before = client.get(path)
    site_services.policy_publish(
        actor=comms_user,
        kind="comment-policy",
        text="Amended comment policy text.",
        change_summary="Amended.",
    )
    after = client.get(path)
    assert after["ETag"] != before["ETag"]
    assert "Amended comment policy text." in body(after)
    version = PolicyDocument.objects.filter(kind="comment-policy").order_by("-version").first().version
    assert f"version {version}" in body(client.get(reverse("sites_registry:policy-list")))


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        (reverse("public-home"), 2),  # the change token; the directory
        (reverse("sites_registry:directory"), 2),
        (reverse("sites_registry:policy-list"), 2),  # the change token; every version, without texts
        (reverse("sites_registry:policy-current", args=["privacy-policy"]), 3),  # + the text shown
    ],
)
def test_directory_policies_and_home_are_cheap_to_compute(client, path, queries, django_assert_num_queries):
    SiteFactory.create_batch(5)
    cache.clear()  # nothing computed yet
    public_cache._local.entries.clear()
    public_cache.forget_tokens()
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_other_query_parameters_neither_change_the_etag_nor_fill_the_cache(client):
    plain = client.get(REPORT)
    assert client.get(REPORT, {"utm_source": "news"})["ETag"] == plain["ETag"]
    year = timezone.localdate().year
    assert client.get(REPORT, {"year": year})["ETag"] == plain["ETag"]
    assert client.get(REPORT, {"year": year - 1})["ETag"] != plain["ETag"]


def test_last_modified_is_when_the_data_last_changed(client, site):
    RemovalFactory(comment__site=site, removed_at=timezone.now(), categories=["privacy"])
    snap = public_cache.snapshot(public_cache.TRANSPARENCY)
    code_time = public_cache.release()[1]
    expected = http_date(max(snap.changed_at, code_time).timestamp())
    assert client.get(REPORT)["Last-Modified"] == expected


def test_pages_and_the_csv_are_gzipped_for_clients_that_accept_it(client, site):
    import gzip

    RemovalFactory(comment__site=site, removed_at=timezone.now(), categories=["privacy"])
    for path in (REPORT, CSV, CSV):  # the CSV: streamed from the database, then from the cache
        plain = client.get(path)
        packed = client.get(path, headers={"accept-encoding": "gzip, deflate"})
        assert "Accept-Encoding" in packed["Vary"]
        assert packed["ETag"] == plain["ETag"] and packed["ETag"].startswith('W/"')
        if packed.get("Content-Encoding") == "gzip":
            assert gzip.decompress(b"".join(packed) if packed.streaming else packed.content).decode() == body(
                plain
            )
        else:  # the CSV's first request streams from the database, uncompressed
            assert path == CSV and body(packed) == body(plain)
    assert client.get(CSV, headers={"accept-encoding": "gzip"})["Content-Encoding"] == "gzip"
