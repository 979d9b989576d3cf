"""Demo data for the retention pages: old comments, a hold, an executed and a draft certificate."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

from django.utils import timezone

from config.audit import stamp
from moderation.models import Comment, Commenter
from records.models import DisposalCertificate, LegalHold
from records.retention.services import certificate_draft, certificate_execute
from records.services import certificate_approve, certificate_file, legal_hold_place
from sites_registry.models import Site

CHICAGO = ZoneInfo("America/Chicago")
OLD_TEXTS = (
    "Is the Riverfront Park splash pad open this weekend?",
    "The pothole on West Court Street is back again.",
    "Thanks for posting the snow route map.",
    "When is the next brush pickup?",
)


def _old_comments(site, year, actor) -> None:
    commenter, _ = Commenter.objects.get_or_create(
        platform=site.platform,
        platform_user_id="resident-archive",
        defaults={"display_name": "Archived Resident"},
    )
    for index, text in enumerate(OLD_TEXTS):
        item_id = f"demo-{year}-{site.pk}-{index}"
        if Comment.objects.filter(site=site, platform_item_id=item_id).exists():
            continue
        payload = json.dumps({"id": item_id, "message": text, "from": {"id": commenter.platform_user_id}})
        comment = Comment(
            site=site,
            platform_item_id=item_id,
            author=commenter,
            text=text,
            posted_at=dt.datetime(year, 3 + 3 * index, 15, 12, tzinfo=CHICAGO),
            raw_payload=payload,
            payload_sha256=Comment.sha256_of(payload),
        )
        stamp(comment, actor=actor, reason="Demo data").save()


def seed(*, users, stdout) -> None:
    clerk = users["clerk"]
    if DisposalCertificate.objects.exists():
        return
    today = timezone.localdate()
    sites = list(Site.objects.filter(state=Site.State.APPROVED)[:2])
    if not sites:
        return
    if not LegalHold.objects.filter(name="Demo: Smith v. City of Kankakee").exists():
        legal_hold_place(
            actor=clerk,
            name="Demo: Smith v. City of Kankakee",
            matter="Smith v. City of Kankakee, 21st Judicial Circuit",
            reason="Claim about road conditions; keep every record that mentions potholes.",
            search_terms="pothole",
        )
    # An executed certificate (records of five years ago) and a draft (records of four years ago).
    for site in sites:
        _old_comments(site, today.year - 5, users["tst"])
    executed = certificate_draft(actor=clerk, as_of=dt.date(today.year - 1, 1, 2))
    if executed is not None:
        filed = dt.date(today.year - 1, 1, 5)
        certificate_file(
            actor=clerk,
            certificate=executed,
            filed_on=filed,
            requested_disposal_date=filed + dt.timedelta(days=45),
        )
        certificate_approve(
            actor=clerk,
            certificate=executed,
            approval_number=f"LRC-{today.year - 1}-0142",
            approved_on=filed + dt.timedelta(days=20),
            approver_name="Local Records Commission Secretary",
        )
        certificate_execute(certificate=executed, as_of=filed + dt.timedelta(days=45))
    for site in sites:
        _old_comments(site, today.year - 4, users["tst"])
    draft = certificate_draft(actor=clerk, as_of=today)
    if executed is not None:
        executed.refresh_from_db()
    stdout.write(
        f"  records: a legal hold; certificate {executed.number if executed else '—'} "
        f"({executed.get_state_display().lower() if executed else 'none'}); "
        f"{draft.number if draft else 'no'} draft to file"
    )
