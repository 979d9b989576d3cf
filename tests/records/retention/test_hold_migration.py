"""Holds placed under the old rule (criteria joined by OR) keep covering what they covered."""

import datetime as dt
import importlib
import itertools

import pytest

from records.series import REGISTRY, Scope
from tests.factories import CommenterFactory, CommentFactory, SiteFactory
from tests.records.conftest import chicago

pytestmark = pytest.mark.django_db

migration = importlib.import_module("records.migrations.0010_holdscope_and_series_keys")


def _old_rule(comment, *, site_ids, commenter_ids, terms, date_from, date_to, record_ids) -> bool:
    """The hold's scope as the old ``scope_filter`` read it, stated independently."""
    if comment.pk in record_ids:
        return True
    day = comment.posted_at.astimezone(chicago(2020, 1, 1).tzinfo).date()
    in_range = (date_from is None or day >= date_from) and (date_to is None or day <= date_to)
    named = []
    if site_ids:
        named.append(comment.site_id in site_ids)
    if commenter_ids:
        named.append(comment.author_id in commenter_ids)
    if terms:
        named.append(any(term.lower() in comment.text.lower() for term in terms))
    if named:
        return any(named) and in_range
    return (date_from is not None or date_to is not None) and in_range


def test_each_old_criterion_becomes_a_scope_and_nothing_is_narrowed():
    site, other = SiteFactory(), SiteFactory()
    jane = CommenterFactory(platform=site.platform)
    comments = [
        CommentFactory(site=where, author=who, text=text, posted_at=chicago(year, 6, 1))
        for where, who, text, year in itertools.product(
            (site, other), (jane, None), ("pothole on Elm", "a parade"), (2022, 2024)
        )
    ]
    chosen = comments[-1].pk
    options = {
        "site_ids": ((), (site.pk,)),
        "commenter_ids": ((), (jane.pk,)),
        "terms": ((), ("POTHOLE",)),
        "dates": ((None, None), (dt.date(2023, 1, 1), None)),
        "record_ids": ((), (chosen,)),
    }
    checked = 0
    for site_ids, commenter_ids, terms, (date_from, date_to), record_ids in itertools.product(
        *options.values()
    ):
        scopes = migration.legacy_scopes(
            site_ids=site_ids,
            commenter_ids=commenter_ids,
            search_terms="\n".join(terms),
            date_from=date_from,
            date_to=date_to,
            record_ids=record_ids,
        )
        if not scopes:
            continue  # an empty scope was refused under the old rule too
        entry = REGISTRY["captured-items"]
        covered = set()
        for fields in scopes:
            q = Scope(
                site_ids=tuple(fields.get("site_ids", ())),
                commenter_ids=tuple(fields.get("commenter_ids", ())),
                terms=tuple(t for t in fields.get("search_terms", "").splitlines() if t),
                date_from=fields.get("date_from"),
                date_to=fields.get("date_to"),
                record_ids=tuple(fields.get("record_ids", ())),
            ).filter(entry)
            covered |= set(entry.model.objects.filter(q).values_list("pk", flat=True))
        expected = {
            c.pk
            for c in comments
            if _old_rule(
                c,
                site_ids=site_ids,
                commenter_ids=commenter_ids,
                terms=terms,
                date_from=date_from,
                date_to=date_to,
                record_ids=record_ids,
            )
        }
        assert covered == expected, (site_ids, commenter_ids, terms, date_from, record_ids)
        checked += 1
    assert checked == 31
