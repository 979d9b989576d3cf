from moderation.models.capture import Comment, Commenter

__all__ = ["Comment", "Commenter"]
