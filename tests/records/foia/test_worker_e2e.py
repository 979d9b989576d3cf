"""A real prefork worker killed (SIGKILL) in the middle of an export build: the retry
publishes exactly one complete bundle."""

import os
import signal
from datetime import date

import pytest
from django.core.files.storage import storages

from config.portal.audit import stamp
from moderation.models import Comment
from records.foia import services
from records.foia.export import verify_bundle
from records.models import FoiaExport
from tests.e2e.worker import celery_worker, wait_for
from tests.factories import CommenterFactory, FoiaRequesterFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _children(pid: int) -> list[int]:
    children = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            children += [int(child) for child in handle.read().split()]
    return children


def test_worker_killed_mid_build_leads_to_one_complete_bundle(postgresql, real_broker, tmp_path):
    from config.portal import roles

    clerk = UserFactory(role=roles.CITY_CLERK, username="clerk-e2e")
    site = SiteFactory()
    author = CommenterFactory(platform=site.platform)
    comments = []
    for index in range(400):
        payload = f'{{"id": "k{index}", "message": "pothole number {index}"}}'
        comments.append(
            Comment(
                site=site,
                platform_item_id=f"k{index}",
                author=author,
                text=f"pothole number {index}",
                posted_at="2026-11-01T12:00:00Z",
                raw_payload=payload,
                payload_sha256=Comment.sha256_of(payload),
            )
        )
    Comment.objects.bulk_create(comments)
    request = services.foia_request_create(
        actor=clerk,
        requester=FoiaRequesterFactory(),
        received_on=date(2026, 11, 16),
        channel="email",
        description="All pothole comments",
        sites=[site],
        record_kinds=["captured-items"],
    )
    export = FoiaExport(request=request, requested_by=clerk)
    stamp(export, actor=clerk, reason="e2e").save()

    exports_root = tmp_path / "exports"
    log = tmp_path / "worker.log"
    extra_env = {
        "EXPORT_ROOT": str(exports_root),
        "FOIA_EXPORT_ROW_DELAY": "0.01",
        "FOIA_EXPORT_PROGRESS_EVERY": "20",
    }
    from records.tasks import foia_export_build

    with celery_worker(real_broker, pool="prefork", extra_env=extra_env, log_path=log) as (queue, process):
        foia_export_build.apply_async(args=[export.pk], queue=queue)
        wait_for(
            lambda: FoiaExport.objects.filter(
                pk=export.pk, state="running", processed_records__gte=40
            ).exists(),
            timeout=90,
            what="the export to be half-way",
        )
        children = wait_for(lambda: _children(process.pid), timeout=10, what="the pool's child process")
        for child in children:
            os.kill(child, signal.SIGKILL)
        done = wait_for(
            lambda: FoiaExport.objects.filter(pk=export.pk, state="complete").first(),
            timeout=120,
            what="the retried export to complete",
        )
        assert process.poll() is None, log.read_text()
    assert done.attempts >= 2, log.read_text()
    assert done.processed_records == 400
    bundles = [os.path.join(d, f) for d, _dirs, names in os.walk(exports_root) for f in names]
    assert bundles == [str(exports_root / done.file_name)], bundles
    assert storages["exports"].path(done.file_name) == str(exports_root / done.file_name)
    assert verify_bundle(bundles[0]) == []
    assert "WorkerLostError" in log.read_text() or "SIGKILL" in log.read_text()
