"""The moderation models; each module names what it exports in ``__all__``."""

from moderation.models.capture import *  # noqa: F403
from moderation.models.connectors import *  # noqa: F403
from moderation.models.removals import *  # noqa: F403
