"""The FOIA models, where this feature's modules find them (defined in ``records.models``)."""

from records.models.foia import *  # noqa: F403
