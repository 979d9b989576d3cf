"""Placeholder until the capture e-mails land (helper C's branch): the engine calls this
when a platform first refuses a connection's token."""

from __future__ import annotations


def reauthorization_needed(connection_id: int) -> None:
    pass
