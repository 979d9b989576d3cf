"""The audit ledger: an append-only hash chain over every history row, disposal tombstone,
sign-in event and built export bundle.

Every *ledgered table* (each django-simple-history table, ``records.DisposalTombstone``,
``portal.SignInEvent``) carries a statement trigger that lists the rows each INSERT wrote, whichever
path wrote them: a service's ``save()``, ``bulk_create_with_history``, the capture writer's
``INSERT ... SELECT``, the purge's set-based statements, a data migration, the admin, ``psql``.
When the writing transaction commits, one deferred trigger (on ``portal_ledgerflush``, one row per
transaction) turns that list into entries (``portal_ledger_flush_tx``), so

- the entries are written in the same transaction as the rows (both commit or neither does);
- the ledger's advisory lock is taken at commit, after every other lock the transaction holds,
  and held only for the commit: a long import does not hold up other writers for its whole
  length, and no lock cycle can form through the ledger;
- a row written and removed again inside one transaction (the capture writer's undo of an item
  repeated in a file) never existed for anyone else and gets no entry;
- the work is set-based: a statement of 5,000 rows costs one insert into the work table, and
  the entries of a transaction are written by one INSERT.

Under the lock the flush reads the last entry and chains the new ones after it: one order, no
gaps (a PostgreSQL sequence would leave gaps on rollback). An entry holds no record content: its
sequence number, time, what it is about (ledgered table, row, record, kind of event, actor), the
SHA-256 of the row's canonical content (``content_sql``: the row's columns, of the shape its table
had, as PostgreSQL writes a record, with fixed date and number formats), the record whose disposal
tombstone may lawfully remove the row, the previous entry's SHA-256 and its own (``entry_sha256``,
the same in SQL and Python; the verifier recomputes it with built-in functions only).

``install()`` (run after every ``migrate`` and by the ledger's migration) (re)creates the
functions and the trigger of every ledgered table, so a new tracked model is covered by the next
``migrate``; ``tests/config/portal/test_ledger.py`` fails if a ledgered table lacks its trigger.

PostgreSQL only. On SQLite (the embedded ``make run``) sign-in events are kept but no entries are
written, and ``verify_audit_ledger`` says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from simple_history.models import HistoricalChanges

from config.portal import locks
from config.portal.ledger_spec import LedgerSpec

GENESIS = "0" * 64
TRIGGER = "portal_ledger"
ENTRY_TABLE = "portal_ledgerentry"
SHAPE_TABLE = "portal_ledgershape"
PENDING_TABLE = "portal_ledgerpending"
FLUSH_TABLE = "portal_ledgerflush"
FLUSH_TRIGGER = "portal_ledger_flush"
FLUSH_CHUNK = 10_000


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _history_spec(model) -> LedgerSpec:
    """A history table: create/change/delete by ``history_type``; the record whose tombstone covers it."""
    from records.series import REGISTRY

    tracked = model.instance_type
    cover_series, cover_record = "NULL", "NULL"
    entry = REGISTRY.for_model(tracked)
    if entry is not None:
        cover_series, cover_record = _literal(entry.key), "r.id"
    else:
        for series in REGISTRY.values():
            dependent = next(
                (d for d in series.dependents if d.model.lower() == tracked._meta.label_lower), None
            )
            if dependent is not None:
                column = tracked._meta.get_field(dependent.fk).column
                cover_series, cover_record = _literal(series.key), f"r.{connection.ops.quote_name(column)}"
                break
    return LedgerSpec(
        kind="CASE r.history_type WHEN '+' THEN 'create' WHEN '~' THEN 'change' WHEN '-' THEN 'delete' "
        "ELSE 'history' END",
        record="r.id",
        actor="r.history_user_id",
        cover_series=cover_series,
        cover_record=cover_record,
    )


def ledgered_models() -> list:
    """Every ledgered model: the history models, and models declaring ``ledger_spec``."""
    found = []
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges) or getattr(model, "ledger_spec", None) is not None:
            found.append(model)
    return sorted(found, key=lambda model: model._meta.label_lower)


def spec_for(model) -> LedgerSpec:
    if issubclass(model, HistoricalChanges):
        return _history_spec(model)
    return model.ledger_spec


def subject_of(model) -> str:
    return model._meta.label_lower


def columns_of(model) -> list[str]:
    """The table's columns as the database has them, in order (a shape)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum",
            [model._meta.db_table],
        )
        return [row[0] for row in cursor.fetchall()]


def entry_sha256(
    *,
    seq: int,
    recorded_at: dt.datetime,
    subject: str,
    row_id,
    record_id,
    kind: str,
    actor_id,
    shape_id,
    content_sha256: str,
    cover_series,
    cover_record_id,
    prev_sha256: str,
) -> str:
    """An entry's own SHA-256, exactly as ``portal_ledger_entry_sha256`` computes it in SQL."""
    instant = recorded_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    parts = (
        seq,
        instant,
        subject,
        row_id,
        record_id,
        kind,
        actor_id,
        shape_id,
        content_sha256,
        cover_series,
        cover_record_id,
        prev_sha256,
    )
    text = "|".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_sha256_sql(
    *,
    seq: str,
    at_text: str,
    subject: str,
    row_id: str,
    record_id: str,
    kind: str,
    actor_id: str,
    shape_id: str,
    content: str,
    cover_series: str,
    cover_record_id: str,
    prev: str,
) -> str:
    """SQL (built-in functions only) for an entry's SHA-256 from SQL expressions of its fields."""
    fields = (
        seq,
        at_text,
        subject,
        row_id,
        record_id,
        kind,
        actor_id,
        shape_id,
        content,
        cover_series,
        cover_record_id,
        prev,
    )
    parts = ", ".join(f"coalesce(({field})::text, '')" for field in fields)
    return f"encode(sha256(convert_to(concat_ws('|', {parts}), 'UTF8')), 'hex')"


AT_TEXT = """to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""

_LOOP_HASH = entry_sha256_sql(
    seq="last_seq",
    at_text="at_text",
    subject="item.subject",
    row_id="item.row_id",
    record_id="item.record_id",
    kind="item.kind",
    actor_id="item.actor_id",
    shape_id="item.shape_id",
    content="item.content_sha256",
    cover_series="item.cover_series",
    cover_record_id="item.cover_record_id",
    prev="last_sha",
)
_APPEND_HASH = entry_sha256_sql(
    seq="last_seq",
    at_text="at_text",
    subject="p_subject",
    row_id="p_row_id",
    record_id="p_record_id",
    kind="p_kind",
    actor_id="p_actor_id",
    shape_id="p_shape_id",
    content="p_content_sha256",
    cover_series="p_cover_series",
    cover_record_id="p_cover_record_id",
    prev="last_sha",
)

# The settings a row's text depends on, fixed wherever content is hashed (the flush function's SET
# clause, the verifier's SET LOCAL), whatever the session says.
CONTENT_SETTINGS = (
    ("timezone", "UTC"),
    ("datestyle", "ISO, YMD"),
    ("intervalstyle", "postgres"),
    ("extra_float_digits", "1"),
    ("bytea_output", "hex"),
)


_SET_CLAUSES = " ".join(f"SET {name} TO '{value}'" for name, value in CONTENT_SETTINGS)

FUNCTIONS_SQL = f"""
DO $$ BEGIN
    CREATE TYPE portal_ledger_item AS (
        pending_id bigint, subject text, row_id bigint, record_id bigint, kind text, actor_id bigint,
        shape_id integer, content_sha256 text, cover_series text, cover_record_id bigint
    );
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE OR REPLACE FUNCTION portal_ledger_write(
    at timestamptz, seqs bigint[], subjects text[], row_ids bigint[], record_ids bigint[], kinds text[],
    actor_ids bigint[], shape_ids integer[], contents text[], cover_series text[], cover_ids bigint[],
    prevs text[], shas text[]
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO {ENTRY_TABLE} (seq, recorded_at, subject, row_id, record_id, kind, actor_id, shape_id,
        content_sha256, cover_series, cover_record_id, prev_sha256, entry_sha256)
    SELECT s, at, sj, r, rc, k, a, sh, c, cs, ci, p, h
    FROM unnest(seqs, subjects, row_ids, record_ids, kinds, actor_ids, shape_ids, contents, cover_series,
        cover_ids, prevs, shas) AS u(s, sj, r, rc, k, a, sh, c, cs, ci, p, h);
$$;

CREATE OR REPLACE FUNCTION portal_ledger_collect(p_table text, tx bigint)
RETURNS SETOF portal_ledger_item LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format('SELECT * FROM %I($1)', 'portal_ledger_c_' || p_table) USING tx;
END
$$;

-- The entries of transaction ``tx``'s ledgered rows, chained after the last entry. Runs once per
-- transaction, when it commits (the deferred trigger on {FLUSH_TABLE}).
CREATE OR REPLACE FUNCTION portal_ledger_flush_tx(tx bigint) RETURNS integer LANGUAGE plpgsql
{_SET_CLAUSES} AS $$
DECLARE
    item portal_ledger_item;
    last_seq bigint;
    last_sha text;
    at timestamptz := date_trunc('microseconds', clock_timestamp());
    at_text text := {AT_TEXT.format("at")};
    seqs bigint[] := '{{}}'; subjects text[] := '{{}}'; row_ids bigint[] := '{{}}';
    record_ids bigint[] := '{{}}'; kinds text[] := '{{}}'; actor_ids bigint[] := '{{}}';
    shape_ids integer[] := '{{}}'; contents text[] := '{{}}'; cover_series text[] := '{{}}';
    cover_ids bigint[] := '{{}}'; prevs text[] := '{{}}'; shas text[] := '{{}}';
    written integer := 0;
BEGIN
    IF NOT EXISTS (SELECT FROM {PENDING_TABLE} WHERE txid = tx) THEN
        RETURN 0;
    END IF;
    -- One writer at a time, until this transaction ends: one order, no gaps, no fork.
    PERFORM pg_advisory_xact_lock({locks.LEDGER});
    SELECT seq, entry_sha256 INTO last_seq, last_sha FROM {ENTRY_TABLE} ORDER BY seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    last_sha := coalesce(last_sha, '{GENESIS}');
    -- The rows as they stand at commit: one written and removed in the same transaction never
    -- existed for anyone else and has no entry (the join finds no row).
    FOR item IN
        SELECT c.* FROM (SELECT DISTINCT tbl FROM {PENDING_TABLE} WHERE txid = tx) AS t
        CROSS JOIN LATERAL portal_ledger_collect(t.tbl, tx) AS c ORDER BY c.pending_id
    LOOP
        last_seq := last_seq + 1;
        seqs := seqs || last_seq; subjects := subjects || item.subject; row_ids := row_ids || item.row_id;
        record_ids := record_ids || item.record_id; kinds := kinds || item.kind;
        actor_ids := actor_ids || item.actor_id; shape_ids := shape_ids || item.shape_id;
        contents := contents || item.content_sha256; cover_series := cover_series || item.cover_series;
        cover_ids := cover_ids || item.cover_record_id; prevs := prevs || last_sha;
        last_sha := {_LOOP_HASH};
        shas := shas || last_sha;
        IF array_length(seqs, 1) >= {FLUSH_CHUNK} THEN
            -- Bounded memory for a transaction of millions of rows (one file imported whole).
            PERFORM portal_ledger_write(at, seqs, subjects, row_ids, record_ids, kinds, actor_ids,
                shape_ids, contents, cover_series, cover_ids, prevs, shas);
            written := written + array_length(seqs, 1);
            seqs := '{{}}'; subjects := '{{}}'; row_ids := '{{}}'; record_ids := '{{}}'; kinds := '{{}}';
            actor_ids := '{{}}'; shape_ids := '{{}}'; contents := '{{}}'; cover_series := '{{}}';
            cover_ids := '{{}}'; prevs := '{{}}'; shas := '{{}}';
        END IF;
    END LOOP;
    PERFORM portal_ledger_write(at, seqs, subjects, row_ids, record_ids, kinds, actor_ids, shape_ids,
        contents, cover_series, cover_ids, prevs, shas);
    DELETE FROM {PENDING_TABLE} WHERE txid = tx;
    RETURN written + coalesce(array_length(seqs, 1), 0);
END
$$;

CREATE OR REPLACE FUNCTION portal_ledger_flush() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {FLUSH_TABLE} WHERE txid = NEW.txid;
    PERFORM portal_ledger_flush_tx(NEW.txid);
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS {FLUSH_TRIGGER} ON {FLUSH_TABLE};
CREATE CONSTRAINT TRIGGER {FLUSH_TRIGGER} AFTER INSERT ON {FLUSH_TABLE}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION portal_ledger_flush();

-- An entry that stands for itself (a built bundle's SHA-256), at once, in the caller's transaction.
CREATE OR REPLACE FUNCTION portal_ledger_append(
    p_subject text, p_row_id bigint, p_record_id bigint, p_kind text, p_actor_id bigint,
    p_shape_id integer, p_content_sha256 text, p_cover_series text, p_cover_record_id bigint
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_sha text;
    at timestamptz := date_trunc('microseconds', clock_timestamp());
    at_text text := {AT_TEXT.format("at")};
BEGIN
    PERFORM pg_advisory_xact_lock({locks.LEDGER});
    SELECT seq, entry_sha256 INTO last_seq, last_sha FROM {ENTRY_TABLE} ORDER BY seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0) + 1;
    last_sha := coalesce(last_sha, '{GENESIS}');
    INSERT INTO {ENTRY_TABLE} (seq, recorded_at, subject, row_id, record_id, kind, actor_id, shape_id,
        content_sha256, cover_series, cover_record_id, prev_sha256, entry_sha256)
    VALUES (last_seq, at, p_subject, p_row_id, p_record_id, p_kind, p_actor_id, p_shape_id,
        p_content_sha256, p_cover_series, p_cover_record_id, last_sha, {_APPEND_HASH});
    RETURN last_seq;
END
$$;

CREATE OR REPLACE FUNCTION portal_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER IF EXISTS portal_ledger_append_only ON {ENTRY_TABLE};
CREATE TRIGGER portal_ledger_append_only BEFORE UPDATE OR DELETE ON {ENTRY_TABLE}
    FOR EACH ROW EXECUTE FUNCTION portal_ledger_refuse_change();
DROP TRIGGER IF EXISTS portal_ledger_append_only ON {SHAPE_TABLE};
CREATE TRIGGER portal_ledger_append_only BEFORE UPDATE OR DELETE ON {SHAPE_TABLE}
    FOR EACH ROW EXECUTE FUNCTION portal_ledger_refuse_change();
"""


def content_sql(alias: str, columns: list[str]) -> str:
    """The SHA-256 of row ``alias``'s canonical content over ``columns`` (a shape): the text of the
    row of those columns, in that order, as PostgreSQL writes a record (``CONTENT_SETTINGS``)."""
    quote = connection.ops.quote_name
    values = ", ".join(f"{alias}.{quote(column)}" for column in columns)
    return f"encode(sha256(convert_to(ROW({values})::text, 'UTF8')), 'hex')"


def function_name(model, prefix: str = "s") -> str:
    """``portal_ledger_s_<table>`` stages a statement's rows; ``portal_ledger_c_<table>`` collects them."""
    return f"portal_ledger_{prefix}_{model._meta.db_table}"[:63]


def _item_sql(model, shape_id: int, columns: list[str], alias: str = "r") -> str:
    """The ``portal_ledger_item`` fields (after the pending id) of row ``alias``."""
    spec = spec_for(model)
    pk = connection.ops.quote_name(model._meta.pk.column)
    return (
        f"{_literal(subject_of(model))}, {alias}.{pk}, ({spec.record})::bigint, ({spec.kind})::text, "
        f"({spec.actor})::bigint, {shape_id}, {content_sql(alias, columns)}, ({spec.cover_series})::text, "
        f"({spec.cover_record})::bigint"
    )


def _trigger_functions_sql(model, shape_id: int, columns: list[str]) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    name = _literal(model._meta.db_table)
    return f"""
CREATE OR REPLACE FUNCTION {function_name(model, "s")}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {PENDING_TABLE} (txid, tbl, row_id) SELECT txid_current(), {name}, {pk} FROM new_rows;
    IF FOUND THEN  -- a statement that inserted nothing leaves nothing to do at commit
        INSERT INTO {FLUSH_TABLE} (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION {function_name(model, "c")}(tx bigint) RETURNS SETOF portal_ledger_item
LANGUAGE sql STABLE AS $$
    SELECT p.id, {_item_sql(model, shape_id, columns)}
    FROM {PENDING_TABLE} AS p JOIN {table} AS r ON r.{pk} = p.row_id
    WHERE p.txid = tx AND p.tbl = {name}
$$;
"""


def _shape_for(model) -> tuple[int, list[str]]:
    """The table's current shape (id, columns), recorded if its columns changed."""
    from config.portal.models import LedgerShape

    columns = columns_of(model)
    subject = subject_of(model)
    latest = LedgerShape.objects.filter(subject=subject).order_by("-id").first()
    if latest is None or latest.columns != columns:
        latest = LedgerShape.objects.create(subject=subject, columns=columns)
    return latest.pk, columns


def install(*, verbosity: int = 0) -> list[str]:
    """(Re)create the ledger's functions and the trigger of every ledgered table; returns the tables."""
    if connection.vendor != "postgresql":
        return []
    existing = connection.introspection.table_names()
    if not {ENTRY_TABLE, SHAPE_TABLE, PENDING_TABLE, FLUSH_TABLE} <= set(existing):
        return []
    installed = []
    with connection.cursor() as cursor:
        cursor.execute(FUNCTIONS_SQL)
        # Work tables emptied by every commit: no need to write them to the WAL.
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname IN (%s, %s) AND relpersistence = 'p'",
            [PENDING_TABLE, FLUSH_TABLE],
        )
        for (logged,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {logged} SET UNLOGGED")
        for model in ledgered_models():
            if model._meta.db_table not in existing:
                continue
            cursor.execute(_trigger_functions_sql(model, *_shape_for(model)))
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function_name(model, 's')}()"
            )
            installed.append(model._meta.db_table)
    return installed


def install_on_migrate(sender, using="default", verbosity=1, **kwargs) -> None:
    """post_migrate: every ledgered table has its trigger, whichever app migrated last."""
    if using != "default" or connection.vendor != "postgresql":
        return
    install(verbosity=verbosity)


def backfill() -> int:
    """Entries for rows written before the ledger existed (its migration), oldest first per table."""
    if connection.vendor != "postgresql":
        return 0
    existing = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for model in ledgered_models():
            if model._meta.db_table in existing:
                pk = connection.ops.quote_name(model._meta.pk.column)
                cursor.execute(
                    f"INSERT INTO {PENDING_TABLE} (txid, tbl, row_id) SELECT txid_current(), %s, {pk} "
                    f"FROM {connection.ops.quote_name(model._meta.db_table)} ORDER BY {pk}",
                    [model._meta.db_table],
                )
        cursor.execute("SELECT portal_ledger_flush_tx(txid_current())")
        return cursor.fetchone()[0]


def missing_triggers() -> list[str]:
    """Ledgered tables without the ledger's trigger (empty when every one has it)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND t.tgenabled <> 'D'",
            [TRIGGER],
        )
        have = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND c.relname = %s AND t.tgenabled <> 'D'",
            [FLUSH_TRIGGER, FLUSH_TABLE],
        )
        flush = [] if cursor.fetchone()[0] else [FLUSH_TABLE]
    return flush + [model._meta.db_table for model in ledgered_models() if model._meta.db_table not in have]


def flush_pending() -> None:
    """Fire the ledger triggers still waiting for the commit (tests, which never commit)."""
    if connection.vendor == "postgresql":
        connection.check_constraints()


def append(*, subject: str, kind: str, content_sha256: str, record_id=None, actor_id=None) -> int | None:
    """An entry that stands for itself (a built bundle's SHA-256), in the caller's transaction."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT portal_ledger_append(%s, NULL, %s, %s, %s, NULL, %s, NULL, NULL)",
            [subject, record_id, kind, actor_id, content_sha256],
        )
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class Head:
    seq: int
    sha256: str
    recorded_at: dt.datetime | None

    def __str__(self) -> str:
        return f"{self.seq}:{self.sha256}"


def head() -> Head | None:
    """The chain's last committed entry (None before the first, or off PostgreSQL)."""
    from config.portal.models import LedgerEntry

    if connection.vendor != "postgresql":
        return None
    last = LedgerEntry.objects.order_by("-seq").values_list("seq", "entry_sha256", "recorded_at").first()
    return Head(*last) if last else None
