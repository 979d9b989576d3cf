from moderation.models.capture import Comment, Commenter, IntegrationToken

__all__ = ["Comment", "Commenter", "IntegrationToken"]
