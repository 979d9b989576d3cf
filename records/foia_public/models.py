"""The models of the public request pages, where this feature's modules find them (defined in
``records.models``)."""

from records.models.foia import FoiaRequest, FoiaStatusLink, FoiaSubmission

__all__ = ["FoiaRequest", "FoiaStatusLink", "FoiaSubmission"]
