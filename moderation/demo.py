"""Demo captures: City posts, residents' comments and replies on each approved site,
imported through the same service as real captures (so they have history), with one
edited comment, one hidden, questions for the City, and some already reviewed."""

import hashlib
import json
from datetime import timedelta

from django.utils import timezone

from config.portal.audit import stamp
from moderation.capture.importers.portal_format import item_from_object
from moderation.capture.models import Comment, Commenter
from moderation.capture.services import captures_import, comment_mark_answered, comments_mark_reviewed
from moderation.removals import services as removal_services
from moderation.removals.models import (
    DEFAULT_NOTICE_BODY,
    AccountRestriction,
    NoticeTemplate,
    Removal,
    ViolationReport,
)
from sites_registry.models import Site

RESIDENT_COMMENTS = (
    "When will the leaf pickup start on the east side?",
    "Thank you to the crews who cleared Court Street so fast!",
    "Call me at 815-555-0142 about the pothole on my block.",
    "Is the council meeting on Monday open to the public?",
    "<script>alert('not executed')</script> testing the website",
    '=HYPERLINK("http://example.com") looks like a formula',
    "My neighbour's SSN is 123-45-6789, please check the record",
    "Great photos from the river festival 🎉",
    "See www.example.com/petition and tell the mayor we will sue",
    "مرحبا \u200fright-to-left text and an e-mail: resident@example.org",
)


def _items(site, now):
    post_id = f"demo-post-{site.pk}"
    yield {
        "id": post_id,
        "kind": "city_post",
        "text": f"News from {site.account_name}: this week in Kankakee.",
        "posted_at": (now - timedelta(days=10)).isoformat(),
        "permalink": site.url,
        "from_city": True,
    }
    for index, text in enumerate(RESIDENT_COMMENTS):
        yield {
            "id": f"demo-{site.pk}-{index}",
            "kind": "comment",
            "parent_id": post_id,
            "author": {"id": f"resident-{index}", "name": f"Resident {index + 1}"},
            "text": text,
            "posted_at": (now - timedelta(days=9 - index, hours=index)).isoformat(),
            "state": "hidden" if index == 4 else "visible",
        }
    yield {
        "id": f"demo-{site.pk}-reply",
        "kind": "reply",
        "parent_id": f"demo-{site.pk}-0",
        "text": "Leaf pickup on the east side starts Monday, November 2.",
        "posted_at": (now - timedelta(days=8)).isoformat(),
        "from_city": True,
    }


def _capture(site, actor, objects, reason):
    items = [
        item_from_object(obj, location=f"demo[{n}]", raw=json.dumps(obj, ensure_ascii=False))
        for n, obj in enumerate(objects)
    ]
    return captures_import(actor=actor, site=site, items=items, reason=reason)


def _seed_capture(*, users, stdout) -> None:
    actor = users["tst"]
    now = timezone.now()
    created = 0
    for site in Site.objects.filter(state=Site.State.APPROVED).select_related("platform"):
        if Comment.objects.filter(site=site, platform_item_id=f"demo-post-{site.pk}").exists():
            continue
        objects = list(_items(site, now))
        created += _capture(site, actor, objects, "Demo data").created
        # A later capture finds comment 1 edited on the platform: history keeps both texts.
        edited = dict(objects[2], text=objects[2]["text"] + " (edited: and Station Street too)")
        _capture(site, actor, [edited], "Demo data, captured again")
        # TST reviewed the first few, and answered the question about leaf pickup.
        reviewed = Comment.objects.filter(
            site=site, platform_item_id__in=[f"demo-{site.pk}-{n}" for n in (0, 3)]
        )
        comments_mark_reviewed(actor=actor, comment_ids=list(reviewed.values_list("pk", flat=True)))
        question = Comment.objects.get(site=site, platform_item_id=f"demo-{site.pk}-0")
        if question.asks_for_response and question.response_answered_at is None:
            comment_mark_answered(actor=actor, comment=question, note="The City replied in the thread")
    stdout.write(
        f"  moderation: {created} captured items added ({Comment.objects.count()} in all, "
        f"{Commenter.objects.count()} commenters)"
    )


def seed(*, users, stdout) -> None:
    _seed_capture(users=users, stdout=stdout)
    _seed_removals(users=users, stdout=stdout)


# --- Removals, reports, referrals, notices, restrictions ----------------------------------

REMOVAL_DEMO_ITEMS = (
    # (suffix, text, categories, action, reason)
    (
        "phone",
        "Everyone call the inspector at home, 815-555-0199, and tell him what you think!",
        ["privacy", "threats_harassment"],
        "hidden",
        "Publishes a private home telephone number and urges others to call it.",
    ),
    (
        "ad",
        "Cheap sunglasses!!! 80% off at sunglasses-outlet.example, today only",
        ["commercial", "cyber_attack"],
        "deleted",
        "Advertises a private business and links to a known spam site.",
    ),
    (
        "campaign",
        "Vote Smith for county board on Tuesday! <b>Smith 2026</b>",
        ["political_campaign"],
        "hidden",
        "Advocates for a candidate in an election; the page is for City news.",
    ),
    (
        "offtopic",
        "Anyone know a good plumber in Bourbonnais?",
        ["off_topic"],
        "hidden",
        "Asks for a private service unrelated to the post about the leaf pickup.",
    ),
)


def _seed_removals(*, users, stdout) -> None:
    tst, comms = users["tst"], users["comms"]
    if not NoticeTemplate.objects.exists():
        template = NoticeTemplate(name="Standard removal notice", body=DEFAULT_NOTICE_BODY)
        stamp(template, actor=comms, reason="Demo data").save()
    site = Site.objects.filter(state=Site.State.APPROVED).select_related("platform").order_by("pk").first()
    if site is None:
        return
    if not site.platform.terms_url:
        # The ordinance names the terms for the platforms the City uses (Sec. VI).
        known = {"facebook": "https://www.facebook.com/terms.php", "x": "https://twitter.com/tos"}
        if site.platform.slug in known:
            site.platform.terms_url = known[site.platform.slug]
            stamp(site.platform, actor=users["admin"], reason="Demo data: terms URL").save()
    now = timezone.now()
    made = 0
    removals = {}
    for index, (suffix, text, categories, action, reason) in enumerate(REMOVAL_DEMO_ITEMS):
        item_id = f"demo-removal-{site.pk}-{suffix}"
        comment = Comment.objects.filter(site=site, platform_item_id=item_id).first()
        if comment is None:
            commenter, _ = Commenter.objects.get_or_create(
                platform=site.platform,
                platform_user_id=f"demo-poster-{suffix}",
                defaults={"display_name": f"Demo poster {index + 1}"},
            )
            payload = json.dumps({"id": item_id, "message": text, "from": {"id": commenter.platform_user_id}})
            comment = Comment(
                site=site,
                platform_item_id=item_id,
                kind=Comment.Kind.COMMENT,
                author=commenter,
                text=text,
                posted_at=now - timedelta(days=6 - index),
                raw_payload=payload,
                payload_sha256=hashlib.sha256(payload.encode("utf-8")).hexdigest(),
            )
            stamp(comment, actor=tst, reason="Demo data").save()
        removal = Removal.objects.filter(comment=comment).first()
        if removal is None:
            removal = removal_services.removal_create(
                actor=tst, comment=comment, categories=categories, action=action, reason=reason
            )
            made += 1
        removals[suffix] = removal
    if made:
        # One report is picked up and answered, one is overdue, one more waits.
        phone = removals["phone"].report
        removal_services.violation_report_pick_up(actor=comms, report=phone)
        removal_services.violation_report_resolve(
            actor=comms,
            report=phone,
            outcome="upheld",
            response="Removal upheld: a private number was published.",
        )
        overdue = removals["ad"].report
        overdue.notified_at = now - timedelta(days=10)
        overdue.due_date = (now - timedelta(days=5)).date()
        stamp(overdue, actor=tst, reason="Demo data: backdated to show an overdue report").save()
        removal_services.commenter_notice_record(
            actor=tst,
            removal=removals["phone"],
            status="sent",
            channel="platform_message",
            message="Your comment was removed because it published a private telephone number (Sec. V).",
        )
        removal_services.commenter_notice_record(
            actor=tst,
            removal=removals["ad"],
            status="not_possible",
            not_possible_reason="The account was deleted by the platform before a message could be sent.",
        )
        removal_services.referral_create(
            actor=tst,
            kind="law_enforcement",
            removal=removals["phone"],
            agency="Kankakee Police Department",
            statute="720 ILCS 5/26-1",
            details="Urges residents to call an employee at home.",
        )
        if site.platform.terms_url:
            removal_services.referral_create(
                actor=tst, kind="platform", removal=removals["ad"], platform_report_id="SPAM-1"
            )
        restriction = removal_services.account_restriction_request(
            actor=tst,
            commenter=removals["ad"].comment.author,
            scope="blocked",
            reason="Repeated spam links (removal of the advertisement).",
            starts_at=now,
            expires_at=now + timedelta(days=90),
            removals=[removals["ad"]],
        )
        removal_services.account_restriction_decide(
            actor=comms, restriction=restriction, approve=True, note="Approved."
        )
        removal_services.account_restriction_request(
            actor=tst,
            commenter=removals["phone"].comment.author,
            scope="restricted",
            scope_detail="Comments held for review",
            reason="Published a private telephone number.",
            starts_at=now,
            expires_at=now + timedelta(days=30),
            removals=[removals["phone"]],
        )
        first = (
            Comment.objects.filter(site=site, kind=Comment.Kind.COMMENT)
            .exclude(removals__isnull=False)
            .first()
        )
        if first is not None:
            removal_services.violation_report_create(
                actor=tst, comment=first, concern="May be a question the City should answer; please check."
            )
    stdout.write(
        f"  moderation: {made} removals added ({Removal.objects.count()} in all, "
        f"{ViolationReport.objects.count()} reports, {AccountRestriction.objects.count()} restrictions)"
    )
