"""The removal pages: who may reach each, what they show, and that forms refuse bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from config.portal import roles
from moderation.models import AccountRestriction, CommenterNotice, Referral, Removal, ViolationReport
from moderation.removals import services
from tests.factories import (
    AccountRestrictionFactory,
    CommenterFactory,
    CommentFactory,
    NoticeTemplateFactory,
    PlatformFactory,
    ReferralFactory,
    RemovalFactory,
    ViolationReportFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

TST = roles.TECHNICAL_SERVICES
COMMS = roles.COMMUNICATIONS_OFFICE
CLERK = roles.CITY_CLERK
ALL_STAFF = (TST, COMMS, CLERK)
HOSTILE = '<img src=x onerror="alert(1)">'


def _pages():
    """(name, url builder, roles that may open it with GET)."""
    return [
        ("comment-remove", lambda o: reverse("moderation:comment-remove", args=[o["comment"].pk]), (TST,)),
        ("comment-report", lambda o: reverse("moderation:comment-report", args=[o["comment"].pk]), (TST,)),
        (
            "removal-bulk",
            lambda o: reverse("moderation:removal-bulk") + f"?comment={o['comment'].pk}",
            (TST,),
        ),
        ("removal-list", lambda o: reverse("moderation:removal-list"), ALL_STAFF),
        ("removal-detail", lambda o: o["removal"].get_absolute_url(), ALL_STAFF),
        ("removal-notice", lambda o: reverse("moderation:removal-notice", args=[o["removal"].pk]), (TST,)),
        ("review-queue", lambda o: reverse("moderation:review-queue"), (COMMS,)),
        ("report-list", lambda o: reverse("moderation:report-list"), ALL_STAFF),
        ("report-detail", lambda o: o["report"].get_absolute_url(), ALL_STAFF),
        ("referral-list", lambda o: reverse("moderation:referral-list"), ALL_STAFF),
        (
            "referral-create",
            lambda o: reverse("moderation:referral-create") + f"?removal={o['removal'].pk}",
            (TST,),
        ),
        ("referral-detail", lambda o: o["referral"].get_absolute_url(), ALL_STAFF),
        ("restriction-list", lambda o: reverse("moderation:restriction-list"), ALL_STAFF),
        (
            "restriction-create",
            lambda o: reverse("moderation:restriction-create") + f"?commenter={o['comment'].author.pk}",
            (TST,),
        ),
        ("notice-template-list", lambda o: reverse("moderation:notice-template-list"), (COMMS, TST)),
        ("notice-template-create", lambda o: reverse("moderation:notice-template-create"), (COMMS,)),
    ]


@pytest.fixture
def objects():
    comment = CommentFactory()
    removal = RemovalFactory()
    report = ViolationReportFactory(removal=removal, comment=removal.comment, site=removal.site)
    return {
        "comment": comment,
        "removal": removal,
        "report": report,
        "referral": ReferralFactory(removal=removal),
    }


@pytest.mark.parametrize("name,url,allowed", _pages(), ids=[page[0] for page in _pages()])
@pytest.mark.parametrize("role", ALL_STAFF + (None,))
def test_permission_matrix(client_as, objects, name, url, allowed, role):
    user = make_user(role)
    response = client_as(user).get(url(objects))
    expected = 200 if role in allowed else 403
    assert response.status_code == expected, f"{name} as {role}: {response.status_code}"


@pytest.mark.parametrize(
    "name,data",
    [
        ("moderation:removal-review", {"decision": "upheld", "note": "x"}),
        ("moderation:report-pick-up", {"version": 1}),
        ("moderation:report-resolve", {"version": 1, "outcome": "no_action", "response": "x"}),
    ],
)
def test_technicians_and_clerks_cannot_act_for_the_communications_office(client_as, name, data):
    removal = RemovalFactory(categories=["off_topic"], review_status="pending")
    report = ViolationReportFactory(removal=removal, comment=removal.comment, site=removal.site)
    pk = removal.pk if name == "moderation:removal-review" else report.pk
    for role in (TST, CLERK):
        assert client_as(make_user(role)).post(reverse(name, args=[pk]), data).status_code == 403
    report.refresh_from_db()
    removal.refresh_from_db()
    assert report.state == "open" and report.version == 1
    assert removal.review_status == "pending"


def test_removal_form_shows_the_categories_with_their_policy_text_and_escapes_the_item(client_as, tst_user):
    comment = CommentFactory(text=HOSTILE)
    body = client_as(tst_user).get(reverse("moderation:comment-remove", args=[comment.pk])).content.decode()
    assert body.count('name="categories"') == 14
    assert "720 ILCS 5/12-7.5" in body
    assert "topical scope of the City site" in body
    assert HOSTILE not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body


def test_removal_without_category_or_reason_is_refused_with_messages_next_to_fields(client_as, tst_user):
    comment = CommentFactory()
    response = client_as(tst_user).post(
        reverse("moderation:comment-remove", args=[comment.pk]), {"action": "hidden", "reason": ""}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose at least one prohibited category of Sec. V." in body
    assert "Give a content-neutral reason tied to the policy." in body
    # The error's id is the one Django's aria-describedby on the textarea points at.
    assert 'id="id_reason_error"' in body
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in body
    assert not Removal.objects.exists()


def test_tst_removes_an_item_and_the_office_is_emailed(
    client_as, tst_user, django_capture_on_commit_callbacks
):
    comment = CommentFactory(text=HOSTILE)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(tst_user).post(
            reverse("moderation:comment-remove", args=[comment.pk]),
            {
                "categories": ["threats_harassment", "profane_obscene"],
                "action": "deleted",
                "reason": "Threat.",
            },
        )
    removal = Removal.objects.get()
    assert response.status_code == 302 and response["Location"] == removal.get_absolute_url()
    assert sorted(removal.category_values()) == ["profane_obscene", "threats_harassment"]
    assert removal.history.first().history_user == tst_user
    assert ViolationReport.objects.get().removal == removal
    assert len(mail.outbox) == 1
    page = client_as(tst_user).get(removal.get_absolute_url()).content.decode()
    assert "SHA-256 verified" in page and HOSTILE not in page


def test_removing_twice_through_the_page_is_refused(client_as, tst_user):
    removal = RemovalFactory()
    url = reverse("moderation:comment-remove", args=[removal.comment.pk])
    page = client_as(tst_user).get(url).content.decode()
    assert "It cannot be removed twice" in page
    response = client_as(tst_user).post(
        url, {"categories": ["privacy"], "action": "hidden", "reason": "Again."}
    )
    assert "cannot be removed twice" in response.content.decode()
    assert Removal.objects.count() == 1


def test_bulk_removal_page_makes_one_removal_per_item(client_as, tst_user):
    comments = CommentFactory.create_batch(3)
    url = reverse("moderation:removal-bulk")
    page = client_as(tst_user).get(url, {"comment": [c.pk for c in comments]}).content.decode()
    assert all(c.platform_item_id in page for c in comments)
    response = client_as(tst_user).post(
        url,
        {
            "comment": [c.pk for c in comments],
            "categories": ["commercial"],
            "action": "hidden",
            "reason": "Ad.",
        },
    )
    assert response.status_code == 302
    assert Removal.objects.count() == 3 and ViolationReport.objects.count() == 3


def test_standalone_report_page(client_as, tst_user):
    comment = CommentFactory()
    url = reverse("moderation:comment-report", args=[comment.pk])
    assert (
        "Say what may violate the policy" in client_as(tst_user).post(url, {"concern": ""}).content.decode()
    )
    response = client_as(tst_user).post(url, {"concern": "Names an officer's home street."})
    report = ViolationReport.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert report.removal is None


def test_office_picks_up_and_resolves_a_report_through_the_pages(client_as, comms_user):
    report = ViolationReportFactory()
    client = client_as(comms_user)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'name="version" value="1"' in page
    client.post(reverse("moderation:report-pick-up", args=[report.pk]), {"version": 1})
    report.refresh_from_db()
    assert report.state == "investigating" and report.assignee == comms_user
    response = client.post(
        reverse("moderation:report-resolve", args=[report.pk]),
        {"version": report.version, "outcome": "no_action", "response": "Opinion, not a violation."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "resolved" and report.response == "Opinion, not a violation."


def test_a_stale_resolution_form_is_told_the_record_changed(client_as, comms_user):
    report = ViolationReportFactory()
    services.violation_report_resolve(actor=comms_user, report=report, outcome="upheld", response="First.")
    response = client_as(make_user(COMMS)).post(
        reverse("moderation:report-resolve", args=[report.pk]),
        {"version": 1, "outcome": "no_action", "response": "Second."},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed by someone else" in body or "already resolved" in body
    report.refresh_from_db()
    assert report.response == "First."


def test_resolution_without_response_shows_the_error(client_as, comms_user):
    report = ViolationReportFactory()
    response = client_as(comms_user).post(
        reverse("moderation:report-resolve", args=[report.pk]),
        {"version": 1, "outcome": "upheld", "response": ""},
    )
    assert response.status_code == 400
    assert "every report gets one" in response.content.decode()


def test_report_queue_flags_overdue_reports_and_filters(client_as, comms_user):
    today = timezone.localdate()
    late = ViolationReportFactory(due_date=today - timedelta(days=7))
    fresh = ViolationReportFactory(due_date=today + timedelta(days=7))
    client = client_as(comms_user)
    body = client.get(reverse("moderation:report-list")).content.decode()
    assert f"#{late.pk}</a>" in body and f"#{fresh.pk}</a>" in body
    assert "overdue by" in body and "portal-overdue" in body
    overdue_only = client.get(reverse("moderation:report-list"), {"state": "overdue"}).content.decode()
    assert f"#{late.pk}</a>" in overdue_only and f"#{fresh.pk}</a>" not in overdue_only


def test_report_queue_query_count_does_not_grow_with_rows(
    client_as, comms_user, django_assert_max_num_queries
):
    ViolationReportFactory.create_batch(12)
    client = client_as(comms_user)
    client.get(reverse("moderation:report-list"))  # warm the session and role caches
    with django_assert_max_num_queries(12):
        client.get(reverse("moderation:report-list"))


def test_second_review_queue_upholds(client_as, tst_user, comms_user):
    removal = services.removal_create(
        actor=tst_user,
        comment=CommentFactory(),
        categories=["off_topic"],
        action="hidden",
        reason="About another town.",
    )
    client = client_as(comms_user)
    assert f"Removal #{removal.pk}" in client.get(reverse("moderation:review-queue")).content.decode()
    client.post(
        reverse("moderation:removal-review", args=[removal.pk]),
        {"decision": "upheld", "note": "On topic? No."},
    )
    removal.refresh_from_db()
    assert removal.review_status == "upheld"
    assert f"Removal #{removal.pk}" not in client.get(reverse("moderation:review-queue")).content.decode()


def test_notice_page_generates_the_message_and_records_it(client_as, tst_user):
    removal = RemovalFactory(reason="Home address posted.")
    template = NoticeTemplateFactory(body="Removed from {site}: {reason}")
    url = reverse("moderation:removal-notice", args=[removal.pk])
    page = client_as(tst_user).get(url, {"template": template.pk}).content.decode()
    assert f"Removed from {removal.site.account_name}: Home address posted." in page
    response = client_as(tst_user).post(
        url, {"status": "sent", "channel": "platform_message", "message": "Removed.", "template": template.pk}
    )
    assert response.status_code == 302
    notice = CommenterNotice.objects.get()
    assert notice.template == template and notice.sent_at


def test_notice_not_possible_without_reason_shows_the_error(client_as, tst_user):
    removal = RemovalFactory()
    response = client_as(tst_user).post(
        reverse("moderation:removal-notice", args=[removal.pk]), {"status": "not_possible"}
    )
    assert "Say why the commenter could not be notified." in response.content.decode()
    assert not CommenterNotice.objects.exists()


def test_office_edits_a_notice_template(client_as, comms_user):
    response = client_as(comms_user).post(
        reverse("moderation:notice-template-create"),
        {"name": "Brief", "body": "Removed: {nope}", "is_active": "on"},
    )
    assert "Unknown placeholder" in response.content.decode()
    response = client_as(comms_user).post(
        reverse("moderation:notice-template-create"),
        {"name": "Brief", "body": "Removed: {reason}", "is_active": "on"},
    )
    assert response.status_code == 302


def test_platform_referral_page_uses_the_registry_terms_url(client_as, tst_user):
    platform = PlatformFactory(terms_url="https://platform.example/terms")
    removal = RemovalFactory(comment__site__platform=platform)
    response = client_as(tst_user).post(
        reverse("moderation:referral-create"),
        {"removal": removal.pk, "kind": "platform", "platform_report_id": "P-1"},
    )
    referral = Referral.objects.get()
    assert response["Location"] == referral.get_absolute_url()
    assert referral.terms_url == "https://platform.example/terms" and referral.platform == platform
    page = client_as(tst_user).get(referral.get_absolute_url()).content.decode()
    assert "https://platform.example/terms" in page


def test_law_enforcement_referral_page_refuses_missing_agency(client_as, tst_user):
    removal = RemovalFactory()
    response = client_as(tst_user).post(
        reverse("moderation:referral-create"), {"removal": removal.pk, "kind": "law_enforcement"}
    )
    body = response.content.decode()
    assert "Name the law enforcement agency." in body and "Name the law the content violates." in body
    assert not Referral.objects.exists()


def test_restriction_pages_request_approve_and_lift(client_as, tst_user, comms_user):
    commenter = CommenterFactory()
    start = timezone.localtime()
    response = client_as(tst_user).post(
        reverse("moderation:restriction-create"),
        {
            "commenter": commenter.pk,
            "scope": "blocked",
            "reason": "Repeated threats.",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "expires_at": (start + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    restriction = AccountRestriction.objects.get()
    client_as(comms_user).post(
        reverse("moderation:restriction-decide", args=[restriction.pk]), {"approve": "yes"}
    )
    restriction.refresh_from_db()
    assert restriction.state == "approved" and restriction.approved_by == comms_user
    body = client_as(make_user(CLERK)).get(reverse("moderation:restriction-list")).content.decode()
    assert "In force" in body and str(commenter) in body
    client_as(tst_user).post(
        reverse("moderation:restriction-lift", args=[restriction.pk]), {"lift_reason": "Done."}
    )
    restriction.refresh_from_db()
    assert restriction.state == "lifted"


def test_restriction_without_expiry_is_refused(client_as, tst_user):
    commenter = CommenterFactory()
    response = client_as(tst_user).post(
        reverse("moderation:restriction-create"),
        {"commenter": commenter.pk, "scope": "blocked", "reason": "x", "starts_at": "2026-11-01T10:00"},
    )
    assert "Every restriction has an expiry." in response.content.decode()
    assert not AccountRestriction.objects.exists()


def test_restriction_list_escapes_commenter_names(client_as, comms_user):
    AccountRestrictionFactory(commenter__display_name=HOSTILE)
    body = client_as(comms_user).get(reverse("moderation:restriction-list")).content.decode()
    assert HOSTILE not in body


def test_history_page_of_a_removal(client_as, tst_user):
    removal = services.removal_create(
        actor=tst_user, comment=CommentFactory(), categories=["privacy"], action="hidden", reason="Address."
    )
    url = reverse("portal:history", args=["moderation", "removal", removal.pk])
    body = client_as(make_user(CLERK)).get(url).content.decode()
    assert "Item removed under Sec. V" in body


@pytest.mark.parametrize("role,heading", [(COMMS, "Reports awaiting your response"), (TST, "Removals")])
def test_home_panels(client_as, role, heading):
    ViolationReportFactory(due_date=timezone.localdate() - timedelta(days=3))
    body = client_as(make_user(role)).get(reverse("portal:home")).content.decode()
    assert heading in body


def test_comment_actions_link_to_remove_and_report_for_tst_only(tst_user, comms_user):
    comment = CommentFactory()
    request = RequestFactory().get("/")
    for user, expected in ((tst_user, True), (comms_user, False)):
        request.user = user
        html = render_to_string("moderation/_comment_actions.html", {"comment": comment}, request=request)
        assert (reverse("moderation:comment-remove", args=[comment.pk]) in html) is expected
        assert (reverse("moderation:comment-report", args=[comment.pk]) in html) is expected


def test_staff_navigation_and_public_footer_links(client_as, comms_user, client):
    body = client_as(comms_user).get(reverse("portal:home")).content.decode()
    assert reverse("moderation:report-list") in body and reverse("moderation:review-queue") in body
    client.logout()
    assert reverse("moderation:transparency-report") in client.get(reverse("public-home")).content.decode()


@pytest.mark.parametrize(
    "name", ["moderation:removal-list", "moderation:review-queue", "moderation:referral-list"]
)
def test_list_pages_query_count_does_not_grow_with_rows(
    client_as, comms_user, name, django_assert_max_num_queries
):
    for _ in range(6):
        removal = RemovalFactory(categories=["off_topic", "privacy"], review_status="pending")
        ReferralFactory(removal=removal)
    client = client_as(comms_user)
    client.get(reverse(name))
    with django_assert_max_num_queries(12):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_second_review_does_not_redirect_off_site(client_as, comms_user):
    removal = RemovalFactory(categories=["off_topic"], review_status="pending")
    url = reverse("moderation:removal-review", args=[removal.pk])
    response = client_as(comms_user).post(
        url, {"decision": "upheld", "note": "ok", "next": "https://evil.example/"}
    )
    assert response["Location"] == removal.get_absolute_url()
    removal2 = RemovalFactory(categories=["off_topic"], review_status="pending")
    response = client_as(comms_user).post(
        reverse("moderation:removal-review", args=[removal2.pk]),
        {"decision": "upheld", "note": "ok", "next": reverse("moderation:review-queue")},
    )
    assert response["Location"] == reverse("moderation:review-queue")


def test_referral_page_needs_a_removal_or_report(client_as, tst_user):
    assert client_as(tst_user).get(reverse("moderation:referral-create")).status_code == 404


@pytest.mark.parametrize("bad", ["\u00b2", "abc", "1.5"])
def test_hostile_numbers_in_parameters_are_never_a_server_error(client_as, bad):
    """Ids and filters typed into the address bar: "²" passes str.isdigit() but not int()."""
    from django.contrib.auth.models import Group

    removal = RemovalFactory()
    user = make_user(TST)
    user.groups.add(Group.objects.get(name=COMMS))
    client = client_as(user)
    gets = [
        (reverse("moderation:queue"), {"site": bad}),
        (reverse("moderation:queue"), {"after": bad}),
        (reverse("moderation:removal-list"), {"site": bad}),
        (reverse("moderation:report-list"), {"site": bad}),
        (reverse("moderation:removal-bulk"), {"comment": bad}),
        (reverse("moderation:removal-notice", args=[removal.pk]), {"template": bad}),
        (reverse("moderation:referral-create"), {"removal": bad}),
        (reverse("moderation:referral-create"), {"report": bad}),
        (reverse("moderation:restriction-create"), {"commenter": bad, "removal": bad}),
    ]
    for url, params in gets:
        status = client.get(url, params).status_code
        assert status in (200, 404), (url, params, status)
    response = client.post(reverse("moderation:queue-review-all"), {"comment": [bad]})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("moderation:referral-create", {"removal": "2<script>", "kind": "platform"}),
        ("moderation:referral-create", {"report": "abc"}),
        ("moderation:restriction-create", {"commenter": "x'--", "removal": "1"}),
        ("moderation:restriction-create", {"commenter": "99999999999999999999999"}),
    ],
)
def test_referral_and_restriction_pages_answer_404_to_ids_that_are_not_numbers(
    client_as, tst_user, name, params
):
    """A tampered hidden field or query string is a missing record, not a server error."""
    client = client_as(tst_user)
    assert client.get(reverse(name), params).status_code == 404
    assert client.post(reverse(name), params).status_code == 404


def test_notice_page_ignores_a_template_id_that_is_not_a_number(client_as, tst_user):
    removal = RemovalFactory()
    url = reverse("moderation:removal-notice", args=[removal.pk])
    assert client_as(tst_user).get(url, {"template": "nope"}).status_code == 200


@pytest.mark.parametrize("approve", [None, "", "maybe"])
def test_a_restriction_decision_without_approve_or_decline_decides_nothing(client_as, comms_user, approve):
    """A note typed without choosing Approve or Decline is not a decline."""
    restriction = AccountRestrictionFactory(state="requested")
    data = {"note": "Checking with Legal first."}
    if approve is not None:
        data["approve"] = approve
    response = client_as(comms_user).post(
        reverse("moderation:restriction-decide", args=[restriction.pk]), data, follow=True
    )
    restriction.refresh_from_db()
    assert restriction.state == "requested" and restriction.approved_by is None
    assert "Choose Approve or Decline." in response.content.decode()


# "²".isdigit() is True but int("²") raises; a 20-digit id overflows the database's integer.
ODD_IDS = ["²", "99999999999999999999999"]


@pytest.mark.parametrize("odd", ODD_IDS)
@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("moderation:removal-list", "site"),
        ("moderation:report-list", "site"),
        ("moderation:queue", "site"),
        ("moderation:queue", "after"),
        ("moderation:removal-bulk", "comment"),
    ],
)
def test_staff_lists_ignore_ids_that_are_not_plain_numbers(client_as, tst_user, name, key, odd):
    assert client_as(tst_user).get(reverse(name), {key: odd}).status_code in (200, 302)


@pytest.mark.parametrize("odd", ODD_IDS)
@pytest.mark.parametrize("name", ["moderation:removal-bulk", "moderation:queue-review-all"])
def test_bulk_posts_ignore_ids_that_are_not_plain_numbers(client_as, tst_user, name, odd):
    assert client_as(tst_user).post(reverse(name), {"comment": odd}).status_code in (200, 302)


@pytest.mark.parametrize("odd", ODD_IDS)
def test_transparency_report_ignores_a_year_that_is_not_a_plain_number(client, odd):
    assert client.get(reverse("moderation:transparency-report"), {"year": odd}).status_code == 200


def test_assign_to_offers_oneself_once_as_me(client_as, comms_user):
    comms_user.first_name, comms_user.last_name = "Casey", "Communications"
    comms_user.save()
    report = ViolationReportFactory()
    body = client_as(comms_user).get(reverse("moderation:report-detail", args=[report.pk])).content.decode()
    select = body.split('name="assignee"', 1)[1].split("</select>", 1)[0]
    assert select.count("Casey Communications") == 1
    assert f'value="{comms_user.pk}" selected>Me (Casey Communications)</option>' in select
    assert ">Me</option>" not in select


@pytest.mark.parametrize("in_place", [True, False])
def test_pick_up_in_place_or_as_a_plain_post(client_as, comms_user, in_place):
    report = ViolationReportFactory()
    url = reverse("moderation:report-pick-up", args=[report.pk])
    headers = {"HX-Request": "true"} if in_place else {}
    response = client_as(comms_user).post(
        url, {"version": report.version, "assignee": comms_user.pk}, headers=headers
    )
    report.refresh_from_db()
    assert report.assignee == comms_user and report.state == "investigating"
    if in_place:
        body = response.content.decode()
        assert response.status_code == 200 and "<html" not in body
        assert 'id="report-assignment"' in body and "autofocus" in body
        assert f'name="version" value="{report.version}"' in body and 'hx-swap-oob="true"' in body
        assert "is being investigated by" in body
    else:
        assert response.status_code == 302
