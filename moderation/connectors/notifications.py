"""Placeholder so that the X connector's tests run on this branch: helper C's branch holds
the real module (the e-mails to TST); at merge, C's file replaces this one."""

from __future__ import annotations


def reauthorization_needed(connection_id: int) -> None:
    """Tell TST that a connection needs reauthorization (C's branch sends the e-mail)."""
