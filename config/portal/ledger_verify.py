"""Verification of the audit ledger: walks the chain and names the first entry that does not hold.

For every entry, in sequence order, in keyset batches (constant memory whatever the length):

- its sequence number follows the one before (a deleted entry leaves a gap);
- its ``prev_sha256`` is the previous entry's hash, and its own hash, recomputed here in Python
  from its fields (``config.portal.ledger.entry_sha256``), is the one stored (an edited or
  reordered entry changes one or the other);
- the row it is about, if it survives, still has the content SHA-256 the entry recorded,
  recomputed by the database from the row over the columns of the entry's shape (an edited
  history row, tombstone or sign-in event);
- a row that no longer exists is absent by law only when the entry names a record whose
  disposal tombstone belongs to an approved (or executed) Disposal Certificate;
- at the anchored head (``--head SEQ:HASH``, kept outside the database: a certificate, a bundle
  manifest, the nightly e-mail), the recomputed hash is the anchored one, so a chain rewritten
  consistently after the head was written down is caught too.

A full run (from entry 1) also counts every ledgered table's rows against the entries found for
them: a row written with the trigger disabled, or whose entry was removed from the end, has none.

The walk runs in one REPEATABLE READ, read-only transaction, so it sees one consistent state.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from config.portal import ledger
from records.models import DisposalCertificate, DisposalTombstone

HEAD_PATTERN = re.compile(r"^(\d+):([0-9a-f]{64})$")
# The entry's fields, and (last) its hash recomputed by the database from them with built-in
# functions only (``sha256``, ``concat_ws``, ``to_char``), never with a function the portal
# created: a replaced function cannot vouch for the entries it would hide.
ENTRY_COLUMNS = (
    "seq, recorded_at, subject, row_id, record_id, kind, actor_id, shape_id, content_sha256, "
    "cover_series, cover_record_id, prev_sha256, entry_sha256, "
    + ledger.entry_sha256_sql(
        seq="seq",
        at_text=ledger.AT_TEXT.format("recorded_at"),
        subject="subject",
        row_id="row_id",
        record_id="record_id",
        kind="kind",
        actor_id="actor_id",
        shape_id="shape_id",
        content="content_sha256",
        cover_series="cover_series",
        cover_record_id="cover_record_id",
        prev="prev_sha256",
    )
)


class LedgerUnavailable(Exception):
    """The database cannot be verified (not PostgreSQL, or the ledger is not installed)."""


def parse_head(value: str) -> tuple[int, str]:
    match = HEAD_PATTERN.match(value.strip().lower())
    if not match:
        raise ValueError(f"--head must be SEQ:HASH (a number, a colon, 64 hexadecimal digits), not {value!r}")
    return int(match.group(1)), match.group(2)


@dataclass
class Problem:
    seq: int | None
    message: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.message}" if self.seq is not None else self.message


@dataclass
class Report:
    since: int
    checked: int = 0
    rows_checked: int = 0
    rows_disposed: int = 0
    standalone: int = 0
    last_seq: int = 0
    last_sha256: str = ""
    head_checked: bool = False
    seconds: float = 0.0
    problem: Problem | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def head(self) -> str:
        return f"{self.last_seq}:{self.last_sha256}" if self.last_seq else ""


@dataclass
class _Entry:
    seq: int
    subject: str
    row_id: int | None
    record_id: int | None
    kind: str
    shape_id: int | None
    content_sha256: str
    cover_series: str | None
    cover_record_id: int | None


def _describe(entry: _Entry) -> str:
    about = f"{entry.kind} {entry.subject}"
    if entry.row_id is not None:
        about += f" row {entry.row_id}"
    if entry.record_id is not None:
        about += f" (record {entry.record_id})"
    return about


class _ContentChecker:
    """Recomputes the content SHA-256 of the rows a batch's entries are about, a query per table."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, subject, columns FROM {ledger.SHAPE_TABLE}")
            # Raw cursors hand jsonb back as text.
            self.shapes = {
                row[0]: (row[1], json.loads(row[2]) if isinstance(row[2], str) else row[2])
                for row in cursor.fetchall()
            }
        self.models = {ledger.subject_of(model): model for model in ledger.ledgered_models()}
        self.columns = {}
        self.matched_rows: dict[str, int] = defaultdict(int)

    def _table_columns(self, model) -> set[str]:
        if model not in self.columns:
            self.columns[model] = set(ledger.columns_of(model))
        return self.columns[model]

    def check(self, entries: list[_Entry], report: Report) -> Problem | None:
        problems: list[Problem] = []
        by_shape: dict[tuple[str, int | None], list[_Entry]] = defaultdict(list)
        for entry in entries:
            if entry.row_id is None:
                report.standalone += 1  # an entry that stands for itself (a built bundle)
                continue
            by_shape[(entry.subject, entry.shape_id)].append(entry)
        missing: list[_Entry] = []
        for (subject, shape_id), group in by_shape.items():
            model = self.models.get(subject)
            shape = self.shapes.get(shape_id)
            if model is None:
                problems.append(
                    Problem(group[0].seq, f"{_describe(group[0])}: no ledgered table {subject!r}.")
                )
                continue
            if shape is None or shape[0] != subject:
                problems.append(
                    Problem(
                        group[0].seq, f"{_describe(group[0])}: its shape {shape_id} is missing or altered."
                    )
                )
                continue
            gone = [column for column in shape[1] if column not in self._table_columns(model)]
            if gone:
                problems.append(
                    Problem(
                        group[0].seq,
                        f"{_describe(group[0])}: columns {', '.join(gone)} of its table no longer exist, "
                        "so its history content cannot be checked.",
                    )
                )
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT r.{pk}, {ledger.content_sql('r', shape[1])} FROM {table} AS r "
                    f"WHERE r.{pk} = ANY(%s)",
                    [[entry.row_id for entry in group]],
                )
                found = dict(cursor.fetchall())
            for entry in group:
                digest = found.get(entry.row_id)
                if digest is None:
                    missing.append(entry)
                elif digest != entry.content_sha256:
                    problems.append(
                        Problem(
                            entry.seq,
                            f"{_describe(entry)}: the row's content no longer matches the SHA-256 the "
                            "ledger recorded: the row was altered.",
                        )
                    )
                else:
                    report.rows_checked += 1
                    self.matched_rows[subject] += 1
        if missing:
            covered = self._covered_by_tombstones(missing)
            for entry in missing:
                if (entry.cover_series, entry.cover_record_id) in covered:
                    report.rows_disposed += 1
                else:
                    problems.append(
                        Problem(
                            entry.seq,
                            f"{_describe(entry)}: the row is gone and no disposal tombstone of an approved "
                            "certificate covers it: it was deleted outside the law.",
                        )
                    )
        return min(problems, key=lambda problem: problem.seq) if problems else None

    def _covered_by_tombstones(self, entries: list[_Entry]) -> set[tuple[str, int]]:
        wanted = {(e.cover_series, e.cover_record_id) for e in entries if e.cover_series is not None}
        if not wanted:
            return set()
        series, ids = zip(*wanted, strict=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.series, t.original_id FROM {DisposalTombstone._meta.db_table} AS t "
                f"JOIN {DisposalCertificate._meta.db_table} AS c ON c.id = t.certificate_id "
                "JOIN unnest(%s::text[], %s::bigint[]) AS w(series, original_id) "
                "ON w.series = t.series AND w.original_id = t.original_id "
                "WHERE c.state IN (%s, %s) AND c.approved_on IS NOT NULL",
                [
                    list(series),
                    list(ids),
                    DisposalCertificate.State.APPROVED,
                    DisposalCertificate.State.EXECUTED,
                ],
            )
            return {(row[0], row[1]) for row in cursor.fetchall()}

    def rows_without_entries(self) -> Problem | None:
        """After a full walk: a ledgered table holding more rows than entries found for them."""
        for subject, model in sorted(self.models.items()):
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {table}")
                count = cursor.fetchone()[0]
            if count > self.matched_rows.get(subject, 0):
                pk = connection.ops.quote_name(model._meta.pk.column)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT min(r.{pk}) FROM {table} AS r WHERE NOT EXISTS (SELECT 1 FROM "
                        f"{ledger.ENTRY_TABLE} AS e WHERE e.subject = %s AND e.row_id = r.{pk})",
                        [subject],
                    )
                    first = cursor.fetchone()[0]
                return Problem(
                    None,
                    f"{subject}: {count - self.matched_rows.get(subject, 0)} row(s) have no ledger entry "
                    f"(the first: row {first}): written around the ledger, or their entries were removed.",
                )
        return None


def _entry_hash(row: tuple) -> str:
    """The entry's hash as the database recomputed it from the entry's fields (last column)."""
    return row[13]


def verify(
    *,
    since: int = 1,
    head: tuple[int, str] | None = None,
    batch_size: int = 20_000,
    progress: Callable[[Report], None] | None = None,
) -> Report:
    """Walk the chain from entry ``since``; the report names the first problem, if any."""
    if connection.vendor != "postgresql":
        raise LedgerUnavailable(
            "The audit ledger is kept on PostgreSQL only; this database is "
            f"{connection.vendor} (the embedded development run), which keeps no ledger."
        )
    if since < 1:
        raise ValueError("--since must be 1 or more.")
    if connection.in_atomic_block:
        # Inside a transaction that has not committed (tests): its rows' entries are still pending.
        ledger.flush_pending()
        with transaction.atomic():
            return _walk(since, head, batch_size, progress)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _walk(since, head, batch_size, progress)


def _walk(since, head, batch_size, progress) -> Report:
    started = time.perf_counter()
    report = Report(since=since)
    if ledger.ENTRY_TABLE not in connection.introspection.table_names():
        raise LedgerUnavailable("The audit ledger's table does not exist: run migrate.")
    with connection.cursor() as cursor:
        for name, value in ledger.CONTENT_SETTINGS:
            cursor.execute(f"SET LOCAL {name} TO '{value}'")
    checker = _ContentChecker()
    expected_prev = ledger.GENESIS
    if since > 1:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {ENTRY_COLUMNS} FROM {ledger.ENTRY_TABLE} WHERE seq = %s", [since - 1])
            before = cursor.fetchone()
        if before is None:
            report.problem = Problem(since - 1, "missing: --since starts after an entry that does not exist.")
            return _finish(report, started)
        expected_prev = _entry_hash(before)
        report.last_seq, report.last_sha256 = before[0], expected_prev
    next_seq = since
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {ENTRY_COLUMNS} FROM {ledger.ENTRY_TABLE} WHERE seq >= %s ORDER BY seq LIMIT %s",
                [next_seq, batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            break
        chain_problem: Problem | None = None
        checked: list[_Entry] = []
        for row in rows:
            seq = row[0]
            if seq != next_seq:
                chain_problem = Problem(
                    next_seq,
                    f"missing: the chain jumps from entry {next_seq - 1} to entry {seq} "
                    "(entries were deleted).",
                )
                break
            computed = _entry_hash(row)
            if row[11] != expected_prev:
                chain_problem = Problem(
                    seq,
                    f"does not follow entry {seq - 1}: it names {row[11][:16]}… as the previous "
                    f"entry's hash, which is {expected_prev[:16]}… "
                    "(entries were removed, inserted or reordered).",
                )
                break
            if computed != row[12]:
                chain_problem = Problem(
                    seq,
                    f"{row[5]} {row[2]} row {row[3]}: its fields no longer give its stored hash "
                    "(the entry was altered or moved).",
                )
                break
            if head is not None and seq == head[0]:
                report.head_checked = True
                if computed != head[1]:
                    chain_problem = Problem(
                        seq,
                        f"is not the anchored head: its hash is {computed}, the head kept outside the "
                        f"database says {head[1]} (the chain was rewritten after the head was anchored).",
                    )
                    break
            checked.append(_Entry(seq, row[2], row[3], row[4], row[5], row[7], row[8], row[9], row[10]))
            expected_prev = computed
            next_seq = seq + 1
        content_problem = checker.check(checked, report)
        report.checked += len(checked)
        if checked:
            report.last_seq, report.last_sha256 = checked[-1].seq, expected_prev
        problems = [p for p in (chain_problem, content_problem) if p is not None]
        if problems:
            report.problem = min(problems, key=lambda problem: problem.seq)
            return _finish(report, started)
        if progress is not None:
            progress(report)
    if head is not None and not report.head_checked:
        if head[0] > report.last_seq:
            report.problem = Problem(
                head[0],
                f"missing: the chain ends at entry {report.last_seq}, before the anchored head {head[0]} "
                "(entries were removed from its end).",
            )
        else:
            report.notes.append(f"The anchored head {head[0]} is before --since {since}: not checked.")
        if report.problem is not None:
            return _finish(report, started)
    if since == 1:
        report.problem = checker.rows_without_entries()
    return _finish(report, started)


def _finish(report: Report, started: float) -> Report:
    report.seconds = time.perf_counter() - started
    return report
