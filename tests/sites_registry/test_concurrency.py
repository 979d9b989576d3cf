"""Two officers deciding the same request at once: the row lock lets exactly one win."""

import threading

import pytest
from django.db import connections

from sites_registry import services
from sites_registry.models import Site, SiteDecision
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_approve_and_reject_decide_once(postgresql, comms_user):
    site = SiteFactory(state=Site.State.REQUESTED, checklist="confirmed", last_certified_at=None)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(action):
        try:
            barrier.wait(timeout=10)
            services.SITE_DECISIONS[action](actor=comms_user, site=site, reason=action)
            outcomes.append(("ok", action))
        except services.InvalidTransition:
            outcomes.append(("refused", action))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(action,)) for action in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(kind for kind, _action in outcomes) == ["ok", "refused"]
    winner = next(action for kind, action in outcomes if kind == "ok")
    site.refresh_from_db()
    assert site.state == {"approve": Site.State.APPROVED, "reject": Site.State.REJECTED}[winner]
    assert SiteDecision.objects.filter(site=site).count() == 1
