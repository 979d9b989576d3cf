"""The capture models, defined in moderation/models/capture.py where the migrations expect them."""

from moderation.models.capture import Comment, Commenter, IntegrationToken

__all__ = ["Comment", "Commenter", "IntegrationToken"]
