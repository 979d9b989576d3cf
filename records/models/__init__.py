from records.models.holds import LegalHold

__all__ = ["LegalHold"]
from records.models.foia import (  # noqa: E402
    FoiaDownload,
    FoiaExemption,
    FoiaExport,
    FoiaLetter,
    FoiaLetterTemplate,
    FoiaRequest,
    FoiaRequester,
    Redaction,
)

__all__ += [
    "FoiaDownload",
    "FoiaExemption",
    "FoiaExport",
    "FoiaLetter",
    "FoiaLetterTemplate",
    "FoiaRequest",
    "FoiaRequester",
    "Redaction",
]
