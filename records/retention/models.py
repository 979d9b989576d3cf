"""The retention models, where this feature's modules find them (defined in ``records.models``):
schedules, legal holds and their scopes, Disposal Certificates and what destruction leaves."""

from records.models.holds import HoldScope, LegalHold
from records.models.retention import (
    DisposalCertificate,
    DisposalCertificateItem,
    DisposalCertificateLine,
    DisposalTombstone,
    RetentionSchedule,
    StoredFileDisposal,
)

__all__ = [
    "DisposalCertificate",
    "DisposalCertificateItem",
    "DisposalCertificateLine",
    "DisposalTombstone",
    "HoldScope",
    "LegalHold",
    "RetentionSchedule",
    "StoredFileDisposal",
]
