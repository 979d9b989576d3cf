"""Property-based tests of the purge over random records, dates, holds and certificates.

Whatever the records, holds and certificates: nothing is destroyed before its eligibility
date, nothing held, nothing outside an approved, due certificate; no history row is left
without its record or created by the destruction; one tombstone per destroyed record; and
everything that may be destroyed is.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.portal import roles
from moderation.models import Comment
from records.models import DisposalCertificate, DisposalTombstone
from records.retention.eligibility import eligibility_date
from records.retention.services import (
    certificate_approve,
    certificate_draft,
    certificate_file,
    legal_hold_place,
    retention_enforce,
)
from records.series import Scope
from tests.factories import (
    CommenterFactory,
    CommentFactory,
    SiteFactory,
    backdate_draft,
    make_user,
    schedule_for,
)

CHICAGO = ZoneInfo("America/Chicago")
TODAY = dt.date.today()
WORDS = ["pothole", "parade", "snow", "budget"]

# Record dates cluster around New Year (31 December / 1 January) and leap days.
record_moments = st.builds(
    lambda year, day, minute: (
        dt.datetime(year, 1, 1, tzinfo=CHICAGO) + dt.timedelta(days=day, minutes=minute)
    ),
    year=st.integers(TODAY.year - 7, TODAY.year - 3),
    day=st.sampled_from([-1, 0, 58, 59, 180, 364, 365]),
    minute=st.sampled_from([0, 1, 23 * 60 + 59, 12 * 60]),
)
records = st.lists(
    st.tuples(record_moments, st.integers(0, 1), st.integers(0, 1), st.sampled_from(WORDS), st.booleans()),
    min_size=1,
    max_size=12,
)
holds = st.lists(
    st.fixed_dictionaries(
        {
            "site": st.booleans(),
            "commenter": st.booleans(),
            "term": st.one_of(st.none(), st.sampled_from(WORDS)),
            "year": st.one_of(st.none(), st.integers(TODAY.year - 7, TODAY.year - 3)),
            "explicit": st.lists(st.integers(0, 11), max_size=3),
            "released": st.booleans(),
        }
    ),
    max_size=3,
)
days_back = st.integers(0, 3 * 365)


def covered(hold_spec, comment, index, sites, commenters) -> bool:
    """An independent statement of a hold's two scopes: its explicitly chosen records, and the
    records that match every criterion it names (sites AND commenters AND terms AND dates)."""
    if index in hold_spec["explicit"]:
        return True
    named = []
    if hold_spec["site"]:
        named.append(comment.site_id == sites[0].pk)
    if hold_spec["commenter"]:
        named.append(comment.author_id == commenters[0].pk)
    if hold_spec["term"]:
        named.append(hold_spec["term"] in comment.text.lower())
    if hold_spec["year"] is not None:
        named.append(comment.posted_at.astimezone(CHICAGO).year == hold_spec["year"])
    return bool(named) and all(named)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=records,
    hold_specs=holds,
    draft_days_back=days_back,
    run_days_back=st.integers(0, 60),
    disposal_days_back=st.integers(-20, 60),
    approve=st.booleans(),
    lengthen=st.booleans(),
    batch_size=st.integers(1, 5),
)
def test_purge_invariants(
    records, hold_specs, draft_days_back, run_days_back, disposal_days_back, approve, lengthen, batch_size
):
    with transaction.atomic():
        check_one_world(
            records,
            hold_specs,
            draft_days_back,
            run_days_back,
            disposal_days_back,
            approve,
            lengthen,
            batch_size,
        )
        transaction.set_rollback(True)


def check_one_world(
    records, hold_specs, draft_days_back, run_days_back, disposal_days_back, approve, lengthen, batch
):
    clerk = make_user(roles.CITY_CLERK, username="property-clerk")
    sites = [SiteFactory(), SiteFactory()]
    commenters = [CommenterFactory(platform=site.platform) for site in sites]
    comments = []
    for moment, site_index, author_index, word, is_reply in records:
        parent = (
            comments[-1] if is_reply and comments and comments[-1].site_id == sites[site_index].pk else None
        )
        comments.append(
            CommentFactory(
                site=sites[site_index],
                author=CommenterFactory(platform=sites[site_index].platform)
                if author_index
                else commenters[site_index]
                if site_index == 0
                else None,
                posted_at=moment,
                text=f"About the {word}",
                parent=parent,
                kind=Comment.Kind.REPLY if parent else Comment.Kind.COMMENT,
            )
        )
    as_of = TODAY - dt.timedelta(days=run_days_back)
    draft_as_of = min(as_of, TODAY - dt.timedelta(days=draft_days_back))
    certificate = certificate_draft(actor=clerk, as_of=draft_as_of)
    disposal = as_of - dt.timedelta(days=disposal_days_back)
    if certificate and approve:
        filed = min(disposal - dt.timedelta(days=30), TODAY)
        backdate_draft(certificate, filed)
        certificate_file(
            actor=clerk, certificate=certificate, filed_on=filed, requested_disposal_date=disposal
        )
        certificate_approve(
            actor=clerk, certificate=certificate, approval_number="LRC", approved_on=filed, approver_name="S"
        )
    placed = []
    for spec in hold_specs:
        criteria = Scope(
            site_ids=(sites[0].pk,) if spec["site"] else (),
            commenter_ids=(commenters[0].pk,) if spec["commenter"] else (),
            terms=(spec["term"],) if spec["term"] else (),
            date_from=dt.date(spec["year"], 1, 1) if spec["year"] else None,
            date_to=dt.date(spec["year"], 12, 31) if spec["year"] else None,
        )
        chosen = Scope(record_ids=tuple(comments[i].pk for i in spec["explicit"] if i < len(comments)))
        scopes = [scope for scope in (criteria, chosen) if scope.has_criteria]
        if not scopes:
            continue
        hold = legal_hold_place(actor=clerk, name="H", reason="r", scopes=scopes)
        placed.append((spec, hold))
    from records.retention.services import legal_hold_release

    active_specs = []
    for spec, hold in placed:
        if spec["released"]:
            legal_hold_release(actor=clerk, hold=hold, reason="done")
        else:
            active_specs.append(spec)
    schedule = schedule_for("captured-items")
    if lengthen:
        schedule.period_years = 4
        schedule.save()
    listed = set(certificate.items.values_list("record_id", flat=True)) if certificate else set()
    history_before = {c.pk: Comment.history.filter(id=c.pk).count() for c in comments}
    snapshot = {c.pk: c for c in comments}

    retention_enforce(as_of=as_of, batch_size=batch)

    surviving = set(Comment.objects.filter(pk__in=snapshot).values_list("pk", flat=True))
    destroyed = set(snapshot) - surviving
    tombstones = list(DisposalTombstone.objects.filter(original_id__in=snapshot))
    assert sorted(t.original_id for t in tombstones) == sorted(destroyed)  # exactly one each
    due = bool(certificate and approve and disposal <= as_of)
    for index, (pk, comment) in enumerate(snapshot.items()):
        held = any(covered(spec, comment, index, sites, commenters) for spec in active_specs)
        eligible = eligibility_date(schedule, comment.posted_at) <= as_of
        may_destroy = due and pk in listed and eligible and not held
        assert (pk in destroyed) == may_destroy, (comment.posted_at, held, eligible, pk in listed, due)
    assert not Comment.history.filter(id__in=destroyed).exists()  # no orphan history
    for pk in surviving:
        assert Comment.history.filter(id=pk).count() == history_before[pk]  # none created
        assert Comment.objects.get(pk=pk).parent_id not in destroyed
    if certificate and due:
        certificate.refresh_from_db()
        assert (certificate.state == DisposalCertificate.State.EXECUTED) == (not certificate.items.exists())
