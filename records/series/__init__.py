"""Every kind of record the portal keeps, declared once (see ``records.series.base``).

The declarations are imported here in destruction order (a series that points at another
with a protected link comes first), so whoever imports ``records.series`` sees all of them.
A new series is one ``register(RecordSeries(...))`` in the module of its area, a
``RetentionSchedule`` row with the same key (a data migration), and nothing else.

Models that are not a series are listed in ``OUTSIDE`` with the reason; a test fails when a
tracked model is neither a series, a dependent of one, nor listed there.
"""

from records.series import moderation, records, sites  # noqa: F401  (registration, in this order)
from records.series.base import REGISTRY, ExportRecord, RecordSeries
from records.series.scope import Scope

# Tracked models that are not record series of their own, and why.
OUTSIDE = {
    "sites_registry.Platform": "Configuration: the platforms the City may use and their terms URLs.",
    "moderation.Commenter": (
        "The identity that captured items, removals and restrictions name; kept while any of them "
        "is, and reached through them by a scope's commenters."
    ),
    "moderation.RemovalCategory": "Part of its removal: destroyed with it (a dependent of removals).",
    "moderation.NoticeTemplate": "Configuration: the wording of notices; each notice keeps its own text.",
    "moderation.IntegrationToken": "A credential of the Capture API, not a record; never exported.",
    "moderation.SiteConnection": (
        "Configuration of automatic capture: which platform account a site is captured from; its "
        "credentials are kept apart, encrypted, and never exported."
    ),
    "records.FoiaRequester": (
        "The requester's contact details, kept for the recurrent-requester test (5 ILCS 140 §2(g)) "
        "across requests; each request names its requester."
    ),
    "records.FoiaLetterTemplate": "Configuration: the wording of letters; each letter keeps its own text.",
    "records.FoiaExemption": "Part of its request's file: destroyed with it (a dependent of foia-requests).",
    "records.Redaction": "Part of its request's file: destroyed with it (a dependent of foia-requests).",
    "records.FoiaDownload": "Part of its bundle: destroyed with it (a dependent of foia-exports).",
    "records.HoldScope": "Part of its legal hold: destroyed with it (a dependent of legal-holds).",
    "records.RetentionSchedule": "The schedule itself: configuration that says how long each series is kept.",
    "records.DisposalCertificate": (
        "Proof of lawful disposal (50 ILCS 205/7), kept permanently with its tombstones; never disposed of."
    ),
    "records.DisposalCertificateLine": "Part of its certificate, kept permanently with it.",
    "portal.CityClosure": "Configuration: days City Hall is closed, which business-day clocks skip.",
}

__all__ = ["OUTSIDE", "REGISTRY", "ExportRecord", "RecordSeries", "Scope"]
