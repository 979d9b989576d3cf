"""Portal pages of the moderation app, one module per area."""


def as_id(value) -> int | None:
    """A record id from a query or form parameter, or None. ASCII digits only: "²" and "١"
    pass ``str.isdigit()``, and int() refuses the first; a 500 is no answer to a bad address."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None
