import json
from datetime import timedelta

from django.utils import timezone

from config.audit import stamp
from moderation.models import Comment, Commenter
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
)


def seed(*, users, stdout) -> None:
    actor = users["tst"]
    now = timezone.now()
    created = 0
    for site in Site.objects.filter(state=Site.State.APPROVED).select_related("platform"):
        post_id = f"demo-post-{site.pk}"
        post = Comment.objects.filter(site=site, platform_item_id=post_id).first()
        if post is None:
            payload = json.dumps({"id": post_id, "message": f"News from {site.account_name}"})
            post = Comment(
                site=site,
                platform_item_id=post_id,
                kind=Comment.Kind.CITY_POST,
                text=f"News from {site.account_name}: this week in Kankakee.",
                posted_at=now - timedelta(days=10),
                raw_payload=payload,
                payload_sha256=Comment.sha256_of(payload),
                permalink=site.url,
            )
            stamp(post, actor=actor, reason="Demo data").save()
            created += 1
        for index, text in enumerate(RESIDENT_COMMENTS):
            item_id = f"demo-{site.pk}-{index}"
            if Comment.objects.filter(site=site, platform_item_id=item_id).exists():
                continue
            commenter, _ = Commenter.objects.get_or_create(
                platform=site.platform,
                platform_user_id=f"resident-{index}",
                defaults={"display_name": f"Resident {index + 1}"},
            )
            payload = json.dumps({"id": item_id, "message": text, "from": {"id": commenter.platform_user_id}})
            comment = Comment(
                site=site,
                platform_item_id=item_id,
                kind=Comment.Kind.COMMENT,
                parent=post,
                author=commenter,
                text=text,
                posted_at=now - timedelta(days=9 - index, hours=index),
                raw_payload=payload,
                payload_sha256=Comment.sha256_of(payload),
            )
            stamp(comment, actor=actor, reason="Demo data").save()
            created += 1
    stdout.write(f"  moderation: {created} captured items added ({Comment.objects.count()} in all)")
