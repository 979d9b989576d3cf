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
from records.models.holds import LegalHold
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
    "LegalHold",
    "Redaction",
    "RetentionSchedule",
    "StoredFileDisposal",
]
