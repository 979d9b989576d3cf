"""A record series, declared once: everything the portal does with a kind of record derives from it.

A ``RecordSeries`` says, for one kind of record the portal keeps:

- where it lives (``model_label``) and which field is its record date;
- how a scope reaches it (``ScopePaths``): through its site, its commenter, the poster a
  retained copy names, its text, its dates, explicitly chosen captured items;
- what goes with it when it is destroyed (``Dependent``), what outlives it and only loses
  its link (``Detach``), and what must be destroyed first (``Blocker``);
- how the tombstone fingerprints its content;
- its export: the columns of its CSV file (with a label a person reads), how a row becomes
  an ``ExportRecord``, which columns hold residents' words (scanned for private
  information, redactable).

Retention eligibility, hold coverage, FOIA selection, the disposal engine and the export
bundle all read these declarations; the ``RetentionSchedule`` row with the same key (data,
edited by administrators) says how long the series is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q

from config.portal.calendar import CITY_TZ, start_of_local_day


class Scope(Protocol):
    """What selection needs of a scope (``records.series.scope.Scope``, which imports this module)."""

    def filter(self, entry: RecordSeries) -> Q | None: ...


@dataclass(frozen=True)
class Dependent:
    """Rows destroyed with the record: ``model``'s rows whose ``fk`` is the record.

    If ``model`` is tracked, its history rows go too. Auto-created many-to-many tables are
    named like ``"moderation.AccountRestriction_removals"``.
    """

    model: str
    fk: str


@dataclass(frozen=True)
class Detach:
    """Rows that outlive the record and point at it: ``fk`` is set to NULL, without a history row.

    Their history rows keep the old id, which is the ``original_id`` of the record's tombstone.
    """

    model: str
    fk: str


@dataclass(frozen=True)
class Blocker:
    """A surviving ``model`` row pointing at the record by ``fk`` (a protected link): the record
    waits, listed on its certificate, until that row is destroyed. Series are destroyed in
    registry order, so the referring series is declared first."""

    model: str
    fk: str


def paths(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """One ORM path or several, as a tuple (empty: the criterion cannot reach the series)."""
    return (value,) if isinstance(value, str) and value else tuple(value or ())


@dataclass(frozen=True)
class ScopePaths:
    """How each criterion of a ``Scope`` reaches the series, as ORM lookup paths from the record.

    ``site``, ``commenter``, ``explicit`` may name several paths (a record is reached by any).
    ``explicit`` paths lead to the captured item (``"pk"``: the record is one), so a record chosen
    explicitly also holds what was made of it (its removal, the report about it).
    ``retained_poster`` names paths to removals (``""``: the record is one) whose retained copy
    names a commenter (poster id on the site's platform), so a removal is still reached after
    its captured item was disposed of. ``date_fields`` are further dates that put a record in a
    date range besides its record date; ``date_filter`` replaces the date rule altogether
    (policy documents: in force on some day of the range), and ``dates=False`` says the date
    range does not reach the series (the site registry is a list of accounts, not of events).
    ``own_hold`` is the path to the hold of the FOIA request the record belongs to: a pending
    request's hold keeps its own file (letters, bundles).
    """

    site: str | tuple[str, ...] = ""
    commenter: str | tuple[str, ...] = ""
    retained_poster: tuple[str, ...] = ()
    text_fields: tuple[str, ...] = ()
    date_fields: tuple[str, ...] = ()
    date_filter: Callable[[dt.date | None, dt.date | None], Q] | None = None
    dates: bool = True
    explicit: str | tuple[str, ...] = ()
    own_hold: str = ""


@dataclass(frozen=True)
class ExportRecord:
    id: int
    values: dict[str, str]  # column -> text, in the order of the series' columns
    native: str | None = None  # the payload exactly as captured, for records.jsonl
    native_sha256: str = ""
    # The native payload is the record's own columns as JSON, written once they are all filled in.
    native_from_values: bool = False


@dataclass(frozen=True)
class RecordSeries:
    key: str
    label: str  # what a person calls these records ("Captured items (posts, comments, replies)")
    model_label: str
    record_date_field: str
    # SQL expression (PostgreSQL) over the record table's columns giving the text whose SHA-256
    # the tombstone keeps; ``content_python`` gives the same text from an instance.
    content_sql: str
    content_python: Callable[[models.Model], str]
    # Export: (column, label) pairs; ``value_fields`` for .values_list(), read by ``record``.
    export_columns: tuple[tuple[str, str], ...]
    value_fields: tuple[str, ...]
    record: Callable[[tuple], ExportRecord]
    scope: ScopePaths = field(default_factory=ScopePaths)
    redactable_columns: tuple[str, ...] = ()
    sample_columns: tuple[str, ...] = ()
    # Columns read from another table (a removal's categories), fetched once per chunk of rows
    # so memory stays constant: (primary keys) -> {pk: {column: text}}.
    chunk_values: Callable[[list[int]], dict[int, dict[str, str]]] | None = None
    # Columns repeating ``native_sha256``: emptied whenever a redaction changes the payload.
    payload_hash_columns: tuple[str, ...] = ()
    dependents: tuple[Dependent, ...] = ()
    detach: tuple[Detach, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    created_field: str = "created_at"
    # When the record keeps a SHA-256 of its own content (a removal's retained copy), the
    # tombstone keeps that digest: SQL expression and Python.
    sha256_sql: str = ""
    sha256_python: Callable[[models.Model], str] | None = None
    # A field naming a file in ``storage()`` that goes with the record, deleted from the
    # storage once the record's destruction is committed (records.StoredFileDisposal).
    stored_file_field: str = ""
    storage: Callable[[], Storage] | None = None
    # How the readable document and the pages show a column whose text is codes: column ->
    # {code: label}. Columns named like a model field with choices are found on their own;
    # this names the others (a removal's categories, joined with "; "), as a function read once
    # the apps are loaded.
    readable_choices: dict[str, Callable[[], dict[str, str]]] = field(default_factory=dict)

    # Kept under its former attribute name for the retention code.
    @property
    def series(self) -> str:
        return self.key

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def dated_by_day(self) -> bool:
        """The record date is a calendar date (a letter's day sent), not an instant."""
        return not isinstance(self.model._meta.get_field(self.record_date_field), models.DateTimeField)

    def record_date_sql(self, column: str) -> str:
        """SQL (PostgreSQL) for the record date as an instant, as certificates and tombstones keep
        it: a calendar date is the start of that day in Kankakee, so it reads back as that day."""
        return f"({column}::timestamp AT TIME ZONE '{CITY_TZ.key}')" if self.dated_by_day else column

    def record_instant(self, value):
        """The record date as an instant (Python), the same as ``record_date_sql``."""
        if value is None or isinstance(value, dt.datetime):
            return value
        return start_of_local_day(value)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name, _label in self.export_columns)

    @property
    def column_labels(self) -> dict[str, str]:
        return dict(self.export_columns)

    @property
    def readable_converters(self) -> dict[int, Callable[[str], str]]:
        """Column position -> how its text reads for a person: ISO instants in City time
        without microseconds, ISO dates spelled out, codes by their labels. The CSV and JSON
        Lines files keep the ISO text and the codes; the readable document and the pages use this."""
        cached = _READABLE_CACHE.get(self.key)
        if cached is None:
            cached = _READABLE_CACHE[self.key] = {
                position: converter
                for position, column in enumerate(self.columns)
                if (converter := self._readable_converter(column)) is not None
            }
        return cached

    def _readable_converter(self, column: str) -> Callable[[str], str] | None:
        choices = self.readable_choices[column]() if column in self.readable_choices else None
        model_field = None
        for name in (column, column.removesuffix("_id")):
            try:
                model_field = self.model._meta.get_field(name)
                break
            except FieldDoesNotExist:
                continue
        if model_field is not None and not model_field.concrete:
            model_field = None  # a reverse relation named like the column
        if choices is None and model_field is not None and model_field.choices:
            choices = {str(code): str(label) for code, label in model_field.flatchoices}
        if choices:
            return lambda text, labels=choices: "; ".join(labels.get(part, part) for part in text.split("; "))
        if isinstance(model_field, models.DateTimeField) or column.endswith("_at"):
            return readable_instant
        if isinstance(model_field, models.DateField) or column.endswith(("_on", "_date")):
            return readable_date
        return None

    def readable_row(self, values: list[str]) -> list[str]:
        """``values`` (this series' columns, in order) as a person reads them."""
        converters = self.readable_converters
        if not converters:
            return values
        values = list(values)
        for position, converter in converters.items():
            if values[position]:
                values[position] = converter(values[position])
        return values

    def content_sha256(self, instance: models.Model) -> str:
        if self.sha256_python is not None:
            return self.sha256_python(instance)
        return hashlib.sha256(self.content_python(instance).encode("utf-8")).hexdigest()

    def content_sha256_sql(self) -> str:
        return self.sha256_sql or f"encode(sha256(convert_to({self.content_sql}, 'UTF8')), 'hex')"

    # --- Selection and export -------------------------------------------------------------

    def selected(self, scope: Scope) -> models.QuerySet:
        """The records of this series that ``scope`` selects, each once."""
        q = scope.filter(self)
        if q is None:
            return self.model.objects.none()
        if not _reaches_many(self.model, q):
            return self.model.objects.filter(q)
        # A path through a many-valued relation (a request's sites) would repeat a record.
        return self.model.objects.filter(pk__in=self.model.objects.filter(q).values("pk"))

    def count(self, scope: Scope) -> int:
        return self.selected(scope).count()

    def rows(self, scope: Scope, *, chunk_size: int = 2000) -> Iterator[ExportRecord]:
        """Every selected record, read in chunks on a server-side cursor (PostgreSQL)."""
        values = self.selected(scope).order_by("pk").values_list(*self.value_fields)
        chunk: list[tuple] = []
        for row in values.iterator(chunk_size=chunk_size):
            chunk.append(row)
            if len(chunk) == chunk_size:
                yield from self.build(chunk)
                chunk = []
        yield from self.build(chunk)

    def build(self, rows: list[tuple]) -> list[ExportRecord]:
        """Records from rows of ``value_fields``, with the per-chunk columns filled in."""
        records = [self.record(row) for row in rows]
        if self.chunk_values is not None and records:
            extra = self.chunk_values([record.id for record in records])
            for record in records:
                record.values.update(extra.get(record.id, {}))
        return [
            replace(record, native=as_json(record.values)) if record.native_from_values else record
            for record in records
        ]


def _lookups(q: Q):
    for child in q.children:
        if isinstance(child, Q):
            yield from _lookups(child)
        else:
            yield child[0]


def _reaches_many(model: type[models.Model], q: Q) -> bool:
    """Whether a lookup of ``q`` goes through a to-many relation (so rows could repeat)."""
    for lookup in _lookups(q):
        current = model
        for part in lookup.split("__"):
            try:
                found = current._meta.get_field(part)
            except FieldDoesNotExist:  # a lookup name (in, icontains) or a transform: the path ended
                break
            if found.many_to_many or found.one_to_many:
                return True
            if not found.is_relation:
                break
            current = found.related_model
    return False


def text_content(*fields: str) -> dict:
    """``content_sql`` and ``content_python`` for a record fingerprinted by these columns, joined by
    newlines in this order (NULLs left out, as PostgreSQL's ``concat_ws`` does): the two give the
    same text, so a tombstone's SHA-256 is the same whichever database destroyed the record."""
    return {
        "content_sql": f"concat_ws(E'\\n', {', '.join(fields)})",
        "content_python": lambda record: "\n".join(
            str(value) for value in (getattr(record, name) for name in fields) if value is not None
        ),
    }


class Registry:
    """The series, in destruction order (a series that refers to another comes first)."""

    def __init__(self) -> None:
        self._series: dict[str, RecordSeries] = {}

    def register(self, entry: RecordSeries) -> RecordSeries:
        if entry.key in self._series:
            raise ValueError(f"Record series {entry.key!r} is declared twice.")
        self._series[entry.key] = entry
        return entry

    def get(self, key: str, default: RecordSeries | None = None) -> RecordSeries | None:
        return self._series.get(key, default)

    def __getitem__(self, key: str) -> RecordSeries:
        return self._series[key]

    def __setitem__(self, key: str, entry: RecordSeries) -> None:
        self._series[key] = entry  # tests replace an entry; declarations use register()

    def __delitem__(self, key: str) -> None:
        del self._series[key]

    def __contains__(self, key: object) -> bool:
        return key in self._series

    def __iter__(self):
        return iter(self._series)

    def __len__(self) -> int:
        return len(self._series)

    def keys(self):
        return self._series.keys()

    def values(self):
        return self._series.values()

    def items(self):
        return self._series.items()

    def choices(self) -> list[tuple[str, str]]:
        """(key, label) for forms, alphabetical by label so a clerk finds a series by its name."""
        return sorted(((entry.key, entry.label) for entry in self._series.values()), key=lambda pair: pair[1])

    def for_model(self, model: type[models.Model]) -> RecordSeries | None:
        label = model._meta.label
        return next((entry for entry in self._series.values() if entry.model_label == label), None)


REGISTRY = Registry()
register = REGISTRY.register


_READABLE_CACHE: dict[str, dict[int, Callable[[str], str]]] = {}


def readable_instant(text: str) -> str:
    """An ISO 8601 instant as the City reads it: ``Nov. 30, 2026, 3:04:05 p.m. CST``; text that
    is not one is left as it is."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if value.tzinfo is None:
        return text
    from django.utils.formats import date_format

    return date_format(value.astimezone(CITY_TZ), "N j, Y, g:i:s a T")


def readable_date(text: str) -> str:
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        return readable_instant(text)
    from django.utils.formats import date_format

    return date_format(value, "N j, Y")


def iso(value) -> str:
    return value.isoformat() if value is not None else ""


def as_json(values: dict[str, str]) -> str:
    return json.dumps(values, ensure_ascii=False)


def plain_record(columns: tuple[tuple[str, str], ...], formatters: dict | None = None):
    """A row reader for series whose columns are their value fields, in order, as text."""
    names = [name for name, _label in columns]
    formatters = formatters or {}

    def record(row: tuple) -> ExportRecord:
        values = {}
        for name, value in zip(names, row, strict=True):
            format_value = formatters.get(name)
            if format_value is not None:
                values[name] = format_value(value)
            elif hasattr(value, "isoformat"):
                values[name] = iso(value)
            else:
                values[name] = "" if value is None else str(value)
        return ExportRecord(id=row[0], values=values, native_from_values=True)

    return record


def joined(value) -> str:
    return "; ".join(str(item) for item in value or ())
