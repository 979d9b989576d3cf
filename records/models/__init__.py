from records.models.foia import (
    FoiaDownload,
    FoiaExemption,
    FoiaExport,
    FoiaLetter,
    FoiaLetterTemplate,
    FoiaRequest,
    FoiaRequester,
    Redaction,
)
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
    "FoiaDownload",
    "FoiaExemption",
    "FoiaExport",
    "FoiaLetter",
    "FoiaLetterTemplate",
    "FoiaRequest",
    "FoiaRequester",
    "HoldScope",
    "LegalHold",
    "Redaction",
    "RetentionSchedule",
    "StoredFileDisposal",
]
