from records.models.holds import LegalHold
from records.models.retention import (
    DisposalCertificate,
    DisposalCertificateItem,
    DisposalCertificateLine,
    DisposalTombstone,
    RetentionSchedule,
)

__all__ = [
    "DisposalCertificate",
    "DisposalCertificateItem",
    "DisposalCertificateLine",
    "DisposalTombstone",
    "LegalHold",
    "RetentionSchedule",
]
