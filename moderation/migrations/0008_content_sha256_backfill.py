"""Fill content_sha256 for items captured before it existed, so that their next
re-capture is compared on content (moderation.capture.importers.content) and records no new
version unless the item really changed. The same computation as the importer's, written
here so the migration does not change if that module does."""

import hashlib
import json

from django.db import migrations


def _newlines(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, dict):
        return {_newlines(key): _newlines(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_newlines(item) for item in value]
    return value


def content_sha256(raw_payload):
    try:
        content = json.loads(raw_payload)
    except (ValueError, RecursionError):
        text = raw_payload.replace("\r\n", "\n").replace("\r", "\n")
        return hashlib.sha256(b"text:" + text.encode("utf-8", "surrogatepass")).hexdigest()
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if "\\r" in canonical:
        canonical = json.dumps(_newlines(content), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def backfill(apps, schema_editor):
    Comment = apps.get_model("moderation", "Comment")
    last = 0
    while True:
        batch = list(
            Comment.objects.filter(pk__gt=last, content_sha256="").order_by("pk").only("pk", "raw_payload")[:2000]
        )
        if not batch:
            return
        for comment in batch:
            comment.content_sha256 = content_sha256(comment.raw_payload)
        # A derived column, not a change to the record: no history row (the historical
        # model of a migration has no history manager).
        Comment.objects.bulk_update(batch, ["content_sha256"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("moderation", "0007_capture_fidelity")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
