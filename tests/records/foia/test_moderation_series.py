"""Removals, reports, referrals, notices and policy documents as responsive records of a FOIA request."""

import csv
import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moderation.models import CommenterNotice, ProhibitedCategory, Referral
from records.foia import services
from records.foia.export import build_export, verify_bundle
from records.models import FoiaExport, FoiaRequest, Redaction
from records.series import REGISTRY, RecordSeries, Scope
from sites_registry.models import PolicyDocument
from tests.factories import (
    CommenterFactory,
    CommenterNoticeFactory,
    CommentFactory,
    FoiaRequesterFactory,
    FoiaRequestFactory,
    PolicyDocumentFactory,
    ReferralFactory,
    RemovalFactory,
    SiteFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
HOSTILE = '=HYPERLINK("http://evil.example")<script>alert(1)</script>\x07bell'
MODERATION_KINDS = ["removals", "violation-reports", "referrals", "commenter-notices"]
ALL_KINDS = [
    "captured-items",
    "removals",
    "violation-reports",
    "referrals",
    "commenter-notices",
    "sites",
    "policy-documents",
]


def _selected(key):
    return lambda request: REGISTRY[key].selected(Scope.of_request(request))


removals_queryset = _selected("removals")
reports_queryset = _selected("violation-reports")
referrals_queryset = _selected("referrals")
notices_queryset = _selected("commenter-notices")
policy_documents_queryset = _selected("policy-documents")


def chicago(month, day, hour=12, year=2026):
    return datetime(year, month, day, hour, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def _run_on_commit(monkeypatch):
    """The test transaction never commits: run on-commit callbacks (task dispatch) at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def people():
    site = SiteFactory(account_name="Public Works")
    same_platform = SiteFactory(account_name="Parks", platform=site.platform)
    jane = CommenterFactory(platform=site.platform, platform_user_id="jane-1", display_name="Jane Roe")
    john = CommenterFactory(platform=site.platform, display_name="John Doe")
    return {"site": site, "other_site": same_platform, "jane": jane, "john": john}


def removal(site, author, *, text="pothole on Court Street", posted=None, removed=None, **kwargs):
    comment = CommentFactory(site=site, author=author, text=text, posted_at=posted or chicago(3, 5))
    return RemovalFactory(comment=comment, removed_at=removed or chicago(3, 6), **kwargs)


def scoped(people, *, sites=(), commenters=(), date_from=None, date_to=None, terms="", record_kinds=None):
    request = FoiaRequestFactory(
        date_from=date_from, date_to=date_to, search_terms=terms, record_kinds=record_kinds or ALL_KINDS
    )
    request.sites.set(sites)
    request.commenters.set(commenters)
    return request


# --- Scope ------------------------------------------------------------------------------


def test_every_kind_is_registered_with_columns_it_can_fill():
    assert set(ALL_KINDS) <= set(REGISTRY)
    for spec in REGISTRY.values():
        assert spec.columns[0] == "id"
        assert set(spec.redactable_columns) <= set(spec.columns)
        assert set(spec.sample_columns) <= set(spec.columns)
        assert set(spec.payload_hash_columns) <= set(spec.columns)


def test_removals_by_site_and_commenter_follow_the_retained_poster(people):
    site, other_site, jane, john = people["site"], people["other_site"], people["jane"], people["john"]
    on_site = removal(site, jane)
    disposed = removal(site, jane)
    disposed.comment.delete()  # the captured item was disposed of; the removal keeps its copy
    disposed.refresh_from_db()
    assert disposed.comment_id is None
    someone_else = removal(site, john)
    elsewhere = removal(other_site, jane)
    namesake_platform = SiteFactory()
    namesake = CommenterFactory(platform=namesake_platform.platform, platform_user_id="jane-1")
    not_jane = removal(namesake_platform, namesake)

    by_site_and_jane = scoped(people, sites=[site], commenters=[jane])
    assert set(removals_queryset(by_site_and_jane)) == {on_site, disposed}
    by_jane = scoped(people, commenters=[jane])
    assert set(removals_queryset(by_jane)) == {on_site, disposed, elsewhere}
    by_site = scoped(people, sites=[site])
    assert set(removals_queryset(by_site)) == {on_site, disposed, someone_else}
    assert not_jane not in set(removals_queryset(scoped(people, commenters=[jane, john])))


def test_removals_by_city_dates_posted_or_removed_and_by_terms_in_text_or_reason(people):
    site, jane = people["site"], people["jane"]
    posted_and_removed = removal(site, jane, posted=chicago(3, 5), removed=chicago(3, 6))
    removed_in_range = removal(site, jane, text="A POTHOLE", posted=chicago(2, 20), removed=chicago(3, 1, 0))
    posted_in_range = removal(site, jane, posted=chicago(3, 31, 23), removed=chicago(4, 2))
    removal(site, jane, posted=chicago(1, 5), removed=chicago(2, 28, 23))
    removal(site, jane, posted=chicago(4, 1, 0), removed=chicago(4, 1, 1))
    by_reason = removal(site, jane, text="a bridge", reason="Photo of the pothole shows a licence plate.")
    no_term = removal(site, jane, text="a bridge")

    march = scoped(people, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    in_march = {posted_and_removed, removed_in_range, posted_in_range, by_reason}
    assert set(removals_queryset(march)) == in_march | {no_term}
    potholes = scoped(
        people, sites=[site], date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), terms="pothole"
    )
    assert set(removals_queryset(potholes)) == in_march


def test_reports_by_site_commenter_notified_date_and_terms(people):
    site, other_site, jane, john = people["site"], people["other_site"], people["jane"], people["john"]
    about_comment = ViolationReportFactory(
        comment=CommentFactory(site=site, author=jane),
        concern="Pothole photo shows a face",
        notified_at=chicago(3, 5),
    )
    about_removal = ViolationReportFactory(
        comment=None,
        site=site,
        removal=removal(site, jane),
        concern="Threat",
        response="Upheld: the pothole post named a child",
        notified_at=chicago(3, 31, 23),
    )
    ViolationReportFactory(
        comment=CommentFactory(site=site, author=john), concern="pothole", notified_at=chicago(3, 5)
    )
    ViolationReportFactory(
        comment=CommentFactory(site=site, author=jane), concern="pothole", notified_at=chicago(4, 1, 0)
    )
    ViolationReportFactory(
        comment=CommentFactory(site=other_site, author=jane), concern="pothole", notified_at=chicago(3, 5)
    )
    ViolationReportFactory(
        comment=CommentFactory(site=site, author=jane), concern="bridge", notified_at=chicago(3, 5)
    )

    request = scoped(
        people,
        sites=[site],
        commenters=[jane],
        date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 31),
        terms="pothole",
    )
    assert set(reports_queryset(request)) == {about_comment, about_removal}
    assert reports_queryset(scoped(people, sites=[other_site])).count() == 1


def test_referrals_by_site_of_removal_or_report_commenter_referred_date_and_terms(people):
    site, other_site, jane, john = people["site"], people["other_site"], people["jane"], people["john"]
    to_police = ReferralFactory(
        removal=removal(site, jane), details="Threat under a pothole post", referred_at=chicago(3, 5)
    )
    report = ViolationReportFactory(comment=CommentFactory(site=site, author=jane), notified_at=chicago(3, 5))
    to_platform = ReferralFactory(
        removal=None,
        report=report,
        kind=Referral.Kind.PLATFORM,
        platform=site.platform,
        agency="",
        statute="",
        outcome="Platform removed the pothole spam account",
        referred_at=chicago(3, 9),
    )
    ReferralFactory(removal=removal(other_site, jane), details="pothole", referred_at=chicago(3, 5))
    ReferralFactory(removal=removal(site, john), details="pothole", referred_at=chicago(3, 5))
    ReferralFactory(removal=removal(site, jane), details="pothole", referred_at=chicago(2, 28, 23))
    ReferralFactory(removal=removal(site, jane), details="bridge", referred_at=chicago(3, 5))

    request = scoped(
        people,
        sites=[site],
        commenters=[jane],
        date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 31),
        terms="pothole",
    )
    assert set(referrals_queryset(request)) == {to_police, to_platform}
    assert referrals_queryset(scoped(people, sites=[site])).count() == 5


def test_notices_by_site_commenter_recorded_date_and_terms(people):
    site, other_site, jane, john = people["site"], people["other_site"], people["jane"], people["john"]
    sent = CommenterNoticeFactory(
        removal=removal(site, jane), message="Your pothole comment was removed", recorded_at=chicago(3, 5)
    )
    not_possible = CommenterNoticeFactory(
        removal=removal(site, jane),
        status=CommenterNotice.Status.NOT_POSSIBLE,
        channel="",
        sent_at=None,
        message="",
        not_possible_reason="The pothole page blocks private messages",
        recorded_at=chicago(3, 7),
    )
    CommenterNoticeFactory(removal=removal(other_site, jane), message="pothole", recorded_at=chicago(3, 5))
    CommenterNoticeFactory(removal=removal(site, john), message="pothole", recorded_at=chicago(3, 5))
    CommenterNoticeFactory(removal=removal(site, jane), message="pothole", recorded_at=chicago(4, 1, 0))
    CommenterNoticeFactory(removal=removal(site, jane), message="bridge", recorded_at=chicago(3, 5))

    request = scoped(
        people,
        sites=[site],
        commenters=[jane],
        date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 31),
        terms="pothole",
    )
    assert set(notices_queryset(request)) == {sent, not_possible}


def test_policy_documents_every_version_or_those_in_force_in_the_range(people):
    PolicyDocument.objects.all().delete()
    comment_policy = PolicyDocument.Kind.COMMENT_POLICY
    first = PolicyDocumentFactory(kind=comment_policy, version=1, effective_date=date(2025, 1, 1))
    second = PolicyDocumentFactory(kind=comment_policy, version=2, effective_date=date(2026, 3, 15))
    third = PolicyDocumentFactory(kind=comment_policy, version=3, effective_date=date(2026, 6, 1))
    privacy = PolicyDocumentFactory(
        kind=PolicyDocument.Kind.PRIVACY_POLICY,
        version=1,
        effective_date=date(2026, 2, 1),
        text="We never publish a telephone number.",
    )
    assert set(policy_documents_queryset(scoped(people, sites=[people["site"]]))) == {
        first,
        second,
        third,
        privacy,
    }
    march = scoped(people, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert set(policy_documents_queryset(march)) == {first, second, privacy}
    from_april = scoped(people, date_from=date(2026, 4, 1))
    assert set(policy_documents_queryset(from_april)) == {second, third, privacy}
    until_2025 = scoped(people, date_to=date(2025, 12, 31))
    assert set(policy_documents_queryset(until_2025)) == {first}
    assert set(policy_documents_queryset(scoped(people, terms="TELEPHONE"))) == {privacy}


def test_removal_categories_are_read_once_per_chunk(people, django_assert_num_queries):
    site, jane = people["site"], people["jane"]
    for _ in range(5):
        removal(site, jane, categories=[ProhibitedCategory.THREATS_HARASSMENT, ProhibitedCategory.PRIVACY])
    request = scoped(people, sites=[site])
    # The scope (sites, commenters), the rows, then one query for the categories of each chunk of two.
    with django_assert_num_queries(2 + 1 + 3):
        records = list(REGISTRY["removals"].rows(Scope.of_request(request), chunk_size=2))
    assert [r.values["categories"] for r in records] == ["privacy; threats_harassment"] * 5


# --- The bundle -------------------------------------------------------------------------


def _export(request, clerk):
    export = services.foia_export_start(actor=clerk, request=request)
    export.refresh_from_db()
    assert export.state == FoiaExport.State.COMPLETE, export.error
    return export


def _files(export) -> dict[str, bytes]:
    with storages["exports"].open(export.file_name) as handle, zipfile.ZipFile(handle) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rows(files, kind) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files[f"{kind}.csv"].decode())))


def _world(site, jane, *, n=1, text="pothole on Court Street", concern="pothole photo", message="Removed."):
    for _ in range(n):
        removed = removal(site, jane, text=text, categories=[ProhibitedCategory.PRIVACY])
        report = ViolationReportFactory(comment=None, site=site, removal=removed, concern=concern)
        ReferralFactory(removal=removed, report=report, details="Sent to KPD")
        CommenterNoticeFactory(removal=removed, message=message)


def _request(clerk, site, record_kinds=ALL_KINDS):
    return services.foia_request_create(
        actor=clerk,
        requester=FoiaRequesterFactory(),
        received_on=date(2026, 11, 16),
        channel=FoiaRequest.Channel.EMAIL,
        description="Everything about Public Works",
        sites=[site],
        record_kinds=record_kinds,
    )


def test_bundle_has_a_csv_per_kind_with_its_columns_and_counts(people, clerk_user):
    site = people["site"]
    _world(site, people["jane"], n=2)
    removal(people["other_site"], people["jane"])  # out of scope
    request = _request(clerk_user, site)
    export = _export(request, clerk_user)
    files = _files(export)
    for kind in ALL_KINDS:
        header = files[f"{kind}.csv"].decode().splitlines()[0]
        assert header == ",".join(REGISTRY[kind].columns), kind
    manifest = json.loads(files["manifest.json"])
    documents = PolicyDocument.objects.count()
    expected = {
        "captured-items": 2,
        "removals": 2,
        "violation-reports": 2,
        "referrals": 2,
        "commenter-notices": 2,
        "sites": 1,
        "policy-documents": documents,
    }
    assert manifest["record_counts"] == expected
    assert export.record_counts == expected and export.processed_records == export.total_records
    assert "record_kinds_not_available" not in manifest["request"]
    assert {entry["name"] for entry in manifest["files"]} == set(files) - {"manifest.json"}
    assert verify_bundle(storages["exports"].path(export.file_name)) == []
    lines = [json.loads(line) for line in files["records.jsonl"].decode().splitlines()]
    assert len(lines) == sum(expected.values())
    for kind in MODERATION_KINDS:
        assert f"<h2>{REGISTRY[kind].label}</h2>" in files["records.html"].decode()
        assert len(_rows(files, kind)) == 2
    removal_row = _rows(files, "removals")[0]
    assert removal_row["categories"] == "privacy" and removal_row["site"] == "Public Works"
    assert removal_row["retained_text"] == "pothole on Court Street"
    # The retained copy is the canonical document its SHA-256 is computed over.
    removal_line = next(line for line in lines if line["record_kind"] == "removals")
    canonical = json.dumps(removal_line["payload"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert hashlib.sha256(canonical.encode()).hexdigest() == removal_line["payload_sha256"]
    assert removal_line["payload_sha256"] == removal_line["retained_sha256"] != ""


def test_redacted_text_of_these_kinds_never_appears_in_any_file(people, clerk_user):
    site, jane = people["site"], people["jane"]
    _world(
        site,
        jane,
        text="Call Jane Roe at 815-555-0142 about the pothole",
        concern="The post gives her home, 44 Elm Street",
        message="We removed your comment; reply to jroe@example.org",
    )
    untouched = removal(site, people["john"], text="Pothole near the library")
    request = _request(clerk_user, site, record_kinds=MODERATION_KINDS)
    services.foia_redactions_suggest(actor=clerk_user, request=request)
    suggested = set(Redaction.objects.filter(request=request).values_list("record_kind", "field", "text"))
    assert ("removals", "retained_text", "815-555-0142") in suggested
    assert ("violation-reports", "concern", "44 Elm Street") in suggested
    assert ("commenter-notices", "message", "jroe@example.org") in suggested
    for redaction in Redaction.objects.filter(request=request):
        services.redaction_decide(
            actor=clerk_user,
            redaction=redaction,
            accept=True,
            exemption=Redaction.Exemption.PRIVATE_INFORMATION,
        )
    redacted_removal = site.removals.exclude(pk=untouched.pk).get()
    services.redaction_add(
        actor=clerk_user,
        request=request,
        record_kind="removals",
        record_id=redacted_removal.pk,
        field="retained_poster_name",
        text="Jane Roe",
        exemption=Redaction.Exemption.PERSONAL_PRIVACY,
        note="Names the resident",
    )
    texts = {"815-555-0142", "44 Elm Street", "jroe@example.org", "Jane Roe"}
    files = _files(_export(request, clerk_user))
    for name, content in files.items():
        for text in texts:
            assert text.upper().encode() not in content.upper(), f"{text!r} in {name}"
    # A hash over the retained copy could give back a short withheld value: it is left out.
    assert redacted_removal.retained_sha256.encode() not in b"".join(files.values())
    rows = {row["id"]: row for row in _rows(files, "removals")}
    assert rows[str(redacted_removal.pk)]["retained_sha256"] == ""
    assert "[REDACTED §7(1)(b)]" in rows[str(redacted_removal.pk)]["retained_text"]
    assert rows[str(redacted_removal.pk)]["retained_poster_name"] == "[REDACTED §7(1)(c)]"
    assert rows[str(untouched.pk)]["retained_sha256"] == untouched.retained_sha256
    lines = [json.loads(line) for line in files["records.jsonl"].decode().splitlines()]
    redacted_line = next(
        line for line in lines if line["record_kind"] == "removals" and line["id"] == str(redacted_removal.pk)
    )
    assert redacted_line["payload_redacted"] and "payload_sha256" not in redacted_line
    log = list(csv.DictReader(io.StringIO(files["redaction_log.csv"].decode())))
    assert {row["record_kind"] for row in log} == {"removals", "violation-reports", "commenter-notices"}


def test_hostile_text_is_inert_in_every_file(people, clerk_user):
    site = people["site"]
    removed = removal(site, people["jane"], text=HOSTILE)
    ViolationReportFactory(comment=None, site=site, removal=removed, concern=HOSTILE, response=HOSTILE)
    ReferralFactory(removal=removed, details=HOSTILE)
    CommenterNoticeFactory(removal=removed, message=HOSTILE)
    files = _files(_export(_request(clerk_user, site, record_kinds=MODERATION_KINDS), clerk_user))
    for kind, column in [
        ("removals", "retained_text"),
        ("violation-reports", "concern"),
        ("violation-reports", "response"),
        ("referrals", "details"),
        ("commenter-notices", "message"),
    ]:
        cell = _rows(files, kind)[0][column]
        assert cell.startswith("'=HYPERLINK") and "\x07" not in cell, (kind, column)
    document = files["records.html"].decode()
    assert "<script>" not in document and "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "\x07" not in document
    for line in files["records.jsonl"].decode().splitlines():
        json.loads(line)
    assert b"\x07" not in files["records.jsonl"]


def _export_queries(request, clerk) -> int:
    export = FoiaExport.objects.create(request=request, requested_by=clerk)
    with CaptureQueriesContext(connection) as context:
        build_export(export.pk)
    export.refresh_from_db()
    assert export.state == FoiaExport.State.COMPLETE, export.error
    return len(context)


def test_export_queries_do_not_grow_with_records_only_with_chunks(people, clerk_user, monkeypatch):
    site, jane = people["site"], people["jane"]
    request = _request(clerk_user, site)
    _world(site, jane, n=2)
    few = _export_queries(request, clerk_user)
    _world(site, jane, n=2)
    assert _export_queries(request, clerk_user) == few  # 4 of each kind, one chunk: no N+1
    # Chunks of two: the removals' categories are read once per chunk, nothing else grows.
    monkeypatch.setattr(RecordSeries.rows, "__kwdefaults__", {"chunk_size": 2})
    assert _export_queries(request, clerk_user) == few + 1
    _world(site, jane, n=2)
    assert _export_queries(request, clerk_user) == few + 2  # 6 removals: 3 chunks


# --- The request page and the hold ------------------------------------------------------


def test_request_page_previews_these_kinds_with_escaped_text(people, clerk_user, client_as):
    site = people["site"]
    _world(site, people["jane"], text="<b>bold</b> pothole")
    request = _request(clerk_user, site)
    page = client_as(clerk_user).get(reverse("records:foia-detail", args=[request.pk])).content.decode()
    for label in ["Removals", "Reports of potential violations", "Referrals", "Notices to commenters"]:
        assert f"{label}: 1 record" in page
    assert "Policy documents:" in page
    assert "&lt;b&gt;bold&lt;/b&gt; pothole" in page and "<b>bold</b>" not in page
    assert "Not yet exportable" not in page


def test_a_request_holds_exactly_the_series_it_asks_for(people, clerk_user):
    from records.retention.holds import held_queryset

    PolicyDocumentFactory()
    removals = _request(clerk_user, people["site"], record_kinds=["removals"])
    assert removals.hold.scopes.get().site_ids == [people["site"].pk]
    assert not held_queryset(REGISTRY["policy-documents"], [removals.hold]).exists()
    policies = _request(clerk_user, people["site"], record_kinds=["policy-documents"])
    # The sites do not narrow policy texts, so the request returns, and holds, every version.
    assert set(held_queryset(REGISTRY["policy-documents"], [policies.hold])) == set(
        PolicyDocument.objects.all()
    )
    assert not held_queryset(REGISTRY["removals"], [policies.hold]).exists()


def test_readable_document_shows_labels_city_time_and_the_files_keep_iso_and_codes(people, clerk_user):
    site = people["site"]
    _world(site, people["jane"])
    files = _files(_export(_request(clerk_user, site), clerk_user))
    document = files["records.html"].decode()
    # Column labels, the ordinance's category name, City time to the second without microseconds.
    assert '<th scope="col">Prohibited categories (Sec. V)</th>' in document
    assert "Privacy-invasive content or personal identifying information" in document
    assert "March 6, 2026, 12:00:00 p.m. CST" in document
    assert "retained_posted_at" not in document and "T18:00:00+00:00" not in document
    removal_row = _rows(files, "removals")[0]
    assert removal_row["categories"] == "privacy"
    assert removal_row["removed_at"] == "2026-03-06T18:00:00+00:00"
    manifest = json.loads(files["manifest.json"])
    assert (
        "ISO 8601" in manifest["formats"]["timestamps"]
        and "America/Chicago" in manifest["formats"]["timestamps"]
    )
    assert manifest["formats"]["columns"]["removals"]["categories"] == "Prohibited categories (Sec. V)"


def test_readable_row_leaves_text_that_is_no_date_or_code():
    spec = REGISTRY["removals"]
    values = ["" for _ in spec.columns]
    at = spec.columns.index
    values[at("removed_at")] = "[REDACTED: 7(1)(c)]"
    values[at("categories")] = "privacy; off_topic; something_new"
    values[at("reinstated_at")] = "2026-07-04T05:00:00.123456+00:00"
    readable = spec.readable_row(values)
    assert readable[at("removed_at")] == "[REDACTED: 7(1)(c)]"
    assert readable[at("categories")] == (
        "Privacy-invasive content or personal identifying information; Off-topic; something_new"
    )
    assert readable[at("reinstated_at")] == "July 4, 2026, 12:00:00 a.m. CDT"
