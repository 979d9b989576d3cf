from moderation.models.capture import Comment, Commenter, IntegrationToken
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
    "IntegrationToken",
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
