"""Numbers from query strings and form fields, which anyone can type or tamper with."""

from __future__ import annotations


def is_plain_number(value) -> bool:
    """ASCII digits that fit a 64-bit id. ``"²".isdigit()`` is True but ``int("²")`` raises,
    and a twenty-digit id overflows the database's integer column."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18


def record_id(value) -> int:
    """A record id, or 0 (no record) if ``value`` is not a plain number."""
    value = (value or "").strip()
    return int(value) if is_plain_number(value) else 0
