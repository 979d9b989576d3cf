from moderation.models.capture import Comment, Commenter
from moderation.models.removals import (
    AccountRestriction,
    CommenterNotice,
    IllinoisStatute,
    NoticeTemplate,
    ProhibitedCategory,
    Referral,
    Removal,
    RemovalCategory,
    ViolationReport,
)

__all__ = [
    "Comment",
    "Commenter",
    "AccountRestriction",
    "CommenterNotice",
    "IllinoisStatute",
    "NoticeTemplate",
    "ProhibitedCategory",
    "Referral",
    "Removal",
    "RemovalCategory",
    "ViolationReport",
]
