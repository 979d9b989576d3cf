"""Demo captures: City posts, residents' comments and replies on each approved site,
imported through the same service as real captures (so they have history), with one
edited comment, one hidden, questions for the City, and some already reviewed."""

import json
from datetime import timedelta

from django.utils import timezone

from moderation.importers.portal_format import item_from_object
from moderation.models import Comment, Commenter
from moderation.services import captures_import, comment_mark_answered, comments_mark_reviewed
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


def seed(*, users, stdout) -> None:
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
