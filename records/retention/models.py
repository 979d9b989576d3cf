"""The retention models, where this feature's modules find them (defined in ``records.models``):
schedules, legal holds and their scopes, Disposal Certificates and what destruction leaves."""

from records.models.holds import *  # noqa: F403
from records.models.retention import *  # noqa: F403
