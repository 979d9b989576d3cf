"""The capture models, defined in moderation/models/capture.py where the migrations expect them."""

from moderation.models.capture import *  # noqa: F403
