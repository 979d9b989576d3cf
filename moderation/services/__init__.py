"""Writes of the moderation app, one module per area; each records the acting user in history."""

from moderation.services.capture import (
    ImportResult,
    captures_import,
    captures_import_file,
    comment_mark_answered,
    comment_mark_reviewed,
    comments_mark_reviewed,
    integration_token_create,
    integration_token_revoke,
)

__all__ = [
    "ImportResult",
    "captures_import",
    "captures_import_file",
    "comment_mark_answered",
    "comment_mark_reviewed",
    "comments_mark_reviewed",
    "integration_token_create",
    "integration_token_revoke",
]
