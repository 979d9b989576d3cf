"""How a ledgered table's row becomes an audit ledger entry (``config.portal.ledger``).

Apart from the ledger so that models can declare their ``ledger_spec`` without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LedgerSpec:
    """How a ledgered table's row becomes an entry: SQL expressions over the row ``r``."""

    kind: str
    record: str
    actor: str = "NULL"
    cover_series: str = "NULL"
    cover_record: str = "NULL"
