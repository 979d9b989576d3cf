import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection
from moderation.models import Comment
from records.models import DisposalTombstone
from records.services import retention_enforce
from tests.factories import CommentFactory, approve_certificate

CHI = ZoneInfo("America/Chicago")


def test_smoke(db, clerk_user):
    old = CommentFactory(posted_at=dt.datetime(2022, 6, 1, tzinfo=CHI))
    reply = CommentFactory(posted_at=dt.datetime(2023, 6, 1, tzinfo=CHI), parent=old, site=old.site, kind="reply")
    child = CommentFactory(posted_at=dt.datetime(2022, 7, 1, tzinfo=CHI), parent=old, site=old.site, kind="reply")
    new = CommentFactory(posted_at=dt.datetime(2025, 6, 1, tzinfo=CHI))
    report = retention_enforce()
    print(report.lines())
    cert = report.draft_number
    from records.models import DisposalCertificate
    c = DisposalCertificate.objects.get(number=cert)
    approve_certificate(c, actor=clerk_user)
    report = retention_enforce()
    print(report.lines())
    assert DisposalTombstone.objects.count() == 2
    reply.refresh_from_db()
    assert reply.parent_id is None
    assert not Comment.objects.filter(pk=old.pk).exists()
    assert Comment.history.filter(id=old.pk).count() == 0
    print(DisposalTombstone.objects.values())
