"""The removal models and the ordinance's tables, defined in moderation/models/removals.py
where the migrations expect them."""

from moderation.models.removals import *  # noqa: F403
