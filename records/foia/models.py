"""The FOIA models, where this feature's modules find them (defined in ``records.models``)."""

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

__all__ = [
    "FoiaDownload",
    "FoiaExemption",
    "FoiaExport",
    "FoiaLetter",
    "FoiaLetterTemplate",
    "FoiaRequest",
    "FoiaRequester",
    "Redaction",
]
