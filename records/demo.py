"""Demo data of the records app for ``manage.py seed_demo`` (idempotent): retention
(old comments, a hold, an executed and a draft certificate) and FOIA requests."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from config.portal.audit import stamp
from config.portal.calendar import CITY_TZ
from moderation.models import Comment, Commenter
from records.models import DisposalCertificate, LegalHold
from records.retention.services import (
    certificate_approve,
    certificate_draft,
    certificate_execute,
    certificate_file,
    legal_hold_place,
)
from records.series import Scope
from sites_registry.models import Site

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
            posted_at=dt.datetime(year, 3 + 3 * index, 15, 12, tzinfo=CITY_TZ),
            raw_payload=payload,
            payload_sha256=Comment.sha256_of(payload),
        )
        stamp(comment, actor=actor, reason="Demo data").save()


def _seed_retention(*, users, stdout) -> None:
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
            scopes=[Scope(terms=("pothole",))],
        )
    # An executed certificate (records of five years ago) and a draft (records of four years ago).
    for site in sites:
        _old_comments(site, today.year - 5, users["tst"])
    executed = certificate_draft(actor=clerk, as_of=dt.date(today.year - 1, 1, 2))
    if executed is not None:
        filed = dt.date(today.year - 1, 1, 5)
        # The demo's old certificate was drafted on its as-of day, before it was filed.
        DisposalCertificate.objects.filter(pk=executed.pk).update(
            drafted_at=dt.datetime.combine(dt.date(today.year - 1, 1, 2), dt.time(2), tzinfo=CITY_TZ)
        )
        executed.refresh_from_db()
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


def seed(*, users, stdout) -> None:
    _seed_retention(users=users, stdout=stdout)
    _seed_foia(users=users, stdout=stdout)


def _seed_foia(*, users, stdout) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from config.portal.calendar import BusinessCalendar
    from records.foia import notifications, services
    from records.foia.export import build_export
    from records.foia.letters import render_letter
    from records.models import FoiaExport, FoiaRequest, FoiaRequester, Redaction
    from sites_registry.models import Site

    clerk = users["clerk"]
    if FoiaRequester.objects.filter(email="reporter@daily-journal.example").exists():
        stdout.write("  records: FOIA demo requests already present")
        return
    site = Site.objects.filter(state=Site.State.APPROVED).order_by("pk").first()
    if site is None:
        stdout.write("  records: no approved site, no FOIA demo requests")
        return
    calendar = BusinessCalendar()
    today = timezone.localdate()

    def business_days_ago(count: int):
        day = today
        while calendar.business_days_between(day, today) < count:
            day -= timedelta(days=1)
        return day

    reporter = services.requester_find_or_create(
        actor=clerk,
        name="Robin Reporter",
        email="reporter@daily-journal.example",
        organisation="Daily Journal",
        kind=FoiaRequester.Kind.NEWS_MEDIA,
    )
    resident = services.requester_find_or_create(
        actor=clerk,
        name="Sam Resident",
        email="sam.resident@example.org",
        kind=FoiaRequester.Kind.INDIVIDUAL,
        postal_address="100 Example Ave, Kankakee IL",
    )
    company = services.requester_find_or_create(
        actor=clerk,
        name="Data Broker LLC",
        email="records@databroker.example",
        kind=FoiaRequester.Kind.COMMERCIAL,
    )

    # 1. In progress, with suggested and accepted redactions and a finished export bundle.
    pothole = services.foia_request_create(
        actor=clerk,
        requester=reporter,
        received_on=business_days_ago(3),
        channel=FoiaRequest.Channel.EMAIL,
        description="All comments on the City's Facebook page mentioning potholes or the pothole hotline.",
        sites=[site],
        record_kinds=["captured-items", "sites"],
        search_terms="pothole\nSSN",
    )
    subject, body = render_letter("acknowledgement", pothole, clerk=clerk)
    services.foia_request_acknowledge(actor=clerk, request=pothole, subject=subject, body=body)
    services.foia_request_start(actor=clerk, request=pothole)
    services.foia_redactions_suggest(actor=clerk, request=pothole)
    for redaction in Redaction.objects.filter(request=pothole, finding__in=["ssn", "phone"]):
        services.redaction_decide(
            actor=clerk,
            redaction=redaction,
            accept=True,
            exemption="7(1)(b)",
            note="Personal information of a resident",
        )
    export = FoiaExport(request=pothole, requested_by=clerk)
    export.save()
    build_export(export.pk)
    # Released to the reporter: their status page offers the bundle.
    services.foia_export_release(actor=clerk, export=export)

    # 2. Overdue: received 8 business days ago and never answered.
    services.foia_request_create(
        actor=clerk,
        requester=resident,
        received_on=business_days_ago(8),
        channel=FoiaRequest.Channel.MAIL,
        description="Every comment I posted on the Police Department's page, and any removal of them.",
        sites=Site.objects.filter(state=Site.State.APPROVED).order_by("pk")[1:2] or [site],
        record_kinds=["captured-items", "removals"],
    )

    # 3. Commercial (21 business days), received today.
    services.foia_request_create(
        actor=clerk,
        requester=company,
        received_on=today,
        channel=FoiaRequest.Channel.WEB_FORM,
        description="The list of the City's official social media accounts.",
        is_commercial=True,
        record_kinds=["sites"],
        date_from=today.replace(month=1, day=1),
    )

    # 4. Denied and closed, with the exemption cited.
    denied = services.foia_request_create(
        actor=clerk,
        requester=resident,
        received_on=business_days_ago(20),
        channel=FoiaRequest.Channel.EMAIL,
        description="The home addresses of everyone who commented about the river festival.",
        sites=[site],
        search_terms="festival",
        record_kinds=["captured-items"],
    )
    exemptions = [
        ("5 ILCS 140/7(1)(b)", "Home addresses of private individuals are private information (§2(c-5)).")
    ]
    subject, body = render_letter("denial", denied, clerk=clerk, exemptions=exemptions)
    services.foia_request_respond(
        actor=clerk,
        request=denied,
        outcome=FoiaRequest.State.DENIED,
        subject=subject,
        body=body,
        exemptions=exemptions,
    )
    services.foia_request_close(
        actor=clerk,
        request=denied,
        note="Denial letter sent; no appeal received.",
        public_log=True,
        public_summary="Home addresses of people who commented about the river festival.",
    )
    status_path = notifications.status_link_issue(pothole)
    stdout.write("  records: 4 FOIA demo requests (one with an export bundle released to the requester)")
    stdout.write(
        f"  records: the reporter's status page of {pothole.reference}: {notifications.absolute(status_path)}"
    )
