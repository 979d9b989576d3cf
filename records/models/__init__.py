"""The records models; each module names what it exports in ``__all__``."""

from records.models.foia import *  # noqa: F403
from records.models.holds import *  # noqa: F403
from records.models.retention import *  # noqa: F403
