"""The removal models and the ordinance's tables, defined in moderation/models/removals.py
where the migrations expect them."""

from moderation.models.removals import (
    DEFAULT_NOTICE_BODY,
    NOTICE_PLACEHOLDERS,
    POLICY_TEXT,
    VIEWPOINT_SENSITIVE,
    AccountRestriction,
    CommenterNotice,
    IllinoisStatute,
    NoticeTemplate,
    ProhibitedCategory,
    Referral,
    Removal,
    RemovalCategory,
    RetainedContentChanged,
    ViolationReport,
)

__all__ = [
    "DEFAULT_NOTICE_BODY",
    "NOTICE_PLACEHOLDERS",
    "POLICY_TEXT",
    "VIEWPOINT_SENSITIVE",
    "AccountRestriction",
    "CommenterNotice",
    "IllinoisStatute",
    "NoticeTemplate",
    "ProhibitedCategory",
    "Referral",
    "Removal",
    "RemovalCategory",
    "RetainedContentChanged",
    "ViolationReport",
]
