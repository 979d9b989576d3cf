"""Hostile and oversized input: refused early, cleanly, naming where, importing nothing.

No test here measures time (bench/capture_benchmark.py --hostile-only does); the ones that
read long input in small pieces would take minutes, not milliseconds, if reading were
quadratic again.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import ijson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation.capture.importers import CaptureError
from moderation.capture.importers.base import MAX_JSON_DEPTH, MAX_JSON_STRING_LENGTH, MAX_TEXT_LENGTH
from moderation.capture.importers.raw import (
    ANY,
    MAX_ITEM_LENGTH,
    MAX_TOKEN_LENGTH,
    RawSpans,
    TeeReader,
    check_json_text,
    raw_objects,
)
from moderation.capture.importers.stream import checked, json_array_items, text_lines
from moderation.capture.services import captures_import_file
from moderation.models import Comment, Commenter
from tests.factories import site_on

FIXTURES = Path(__file__).parent / "fixtures"
DEPTH = 100_000
WHEN = "2026-01-01T00:00:00Z"


def run(site, format_name, content: bytes):
    from config.portal.audit import system_user

    return captures_import_file(
        actor=system_user(), site=site, format_name=format_name, stream=io.BytesIO(content), source_name="f"
    )


def items(data: bytes, prefix: str = "data"):
    return list(json_array_items(io.BytesIO(data), prefix, what="a test file"))


def nested_objects(levels: int) -> bytes:
    return b'{"a":' * levels + b"1" + b"}" * levels


# -- nesting ------------------------------------------------------------------------------


NESTED_FILES = [
    ("facebook", "facebook", b'{"data": [{"id": "1", "x": ' + nested_objects(DEPTH) + b"}]}"),
    ("facebook", "facebook", b'{"data": [' + b"[" * DEPTH + b"]" * DEPTH + b"]}"),
    ("instagram", "instagram", b'{"data": [{"id": "1", "replies": ' + nested_objects(DEPTH) + b"}]}"),
    ("youtube", "youtube", b'{"items": [{"id": "1", "snippet": ' + nested_objects(DEPTH) + b"}]}"),
    ("x", "x-archive", b"window.YTD.tweets.part0 = [" + b"[" * DEPTH + b"]" * DEPTH + b"]"),
    ("x", "x-archive", b'window.YTD.tweets.part0 = [{"tweet": ' + nested_objects(DEPTH) + b"}]"),
    (
        "x",
        "jsonl",
        b'{"id": "1", "text": "t", "posted_at": "' + WHEN.encode() + b'"}\n' + b"[" * DEPTH + b"\n",
    ),
    ("x", "jsonl", b'{"id": "1", "text": "t", "x": ' + nested_objects(DEPTH) + b"}\n"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("platform", "format_name", "content"), NESTED_FILES)
def test_nesting_a_hundred_thousand_deep_is_refused_and_imports_nothing(platform, format_name, content):
    with pytest.raises(CaptureError, match=f"nesting deeper than {MAX_JSON_DEPTH} levels") as caught:
        run(site_on(platform), format_name, content)
    assert caught.value.source == "f" and caught.value.location
    assert Comment.objects.count() == 0 and Commenter.objects.count() == 0


def test_nesting_is_refused_within_the_first_chunk_read():
    """Refused before ijson builds the levels: reading stops at the first chunk."""
    stream = io.BytesIO(b'{"data": [{"a": ' + nested_objects(DEPTH) + b"}]}")
    with pytest.raises(CaptureError) as caught:
        items(stream.getvalue())
    with pytest.raises(CaptureError):
        list(json_array_items(stream, "data", what="a test file"))
    assert stream.tell() <= 64 * 1024
    assert caught.value.location == "data[0].a.a.a.a.a.a…"
    assert str(caught.value).endswith("nesting deeper than 64 levels: not a platform's file")


@pytest.mark.parametrize("backend", ["yajl2_c", "python"])
def test_the_refusal_comes_out_of_the_parser_as_a_capture_error(backend):
    parser = ijson.get_backend(backend)
    spans = RawSpans(("data", ANY))
    stream = TeeReader(io.BytesIO(b'{"data": [' + b"[" * 1000), spans)
    with pytest.raises(CaptureError) as caught:
        list(parser.items(stream, "data.item"))
    assert type(caught.value) is CaptureError and caught.value.location == "data[0][0][0][0][0][0][0]…"


def test_sixty_four_levels_are_read_and_sixty_five_refused():
    inner = MAX_JSON_DEPTH - 2  # the top-level object and the data array are two levels
    ((_, obj, raw),) = items(b'{"data": [' + nested_objects(inner) + b"]}")
    assert raw == nested_objects(inner).decode() and json.loads(raw) == obj
    with pytest.raises(CaptureError, match="nesting deeper than 64"):
        items(b'{"data": [' + nested_objects(inner + 1) + b"]}")


def test_a_missing_array_is_told_without_a_second_parse():
    with pytest.raises(CaptureError, match="expected a top-level object with a “data” array"):
        items(b'{"comments": [], "deep": ' + nested_objects(60) + b"}")
    assert items(b'{"paging": {}, "data": []}') == []
    assert items(b"[]", prefix="") == []
    with pytest.raises(CaptureError, match="expected a top-level array"):
        items(b'{"data": []}', prefix="")
    assert list(json_array_items(io.BytesIO(b"{}"), "includes.users", what="x", required=False)) == []


def test_checked_stream_guards_a_parser_used_directly():
    stream = checked(io.BytesIO(b'{"includes": {"users": ' + b"[" * DEPTH + b"}}"))
    with pytest.raises(CaptureError, match="nesting deeper"):
        list(ijson.items(stream, "includes.users.item"))
    assert list(
        ijson.items(checked(io.BytesIO(b'{"includes": {"users": [{"id": "1"}]}}')), "includes.users.item")
    ) == [{"id": "1"}]


# -- long strings, numbers and items -------------------------------------------------------


def test_a_string_longer_than_the_bound_is_refused_while_it_is_read_naming_item_and_field():
    long = b"x" * (MAX_JSON_STRING_LENGTH + 1)
    stream = io.BytesIO(b'{"data": [{"id": "1"}, {"id": "2", "message": "' + long + b'" + "rest"}]}')
    with pytest.raises(CaptureError) as caught:
        list(json_array_items(stream, "data", what="a test file"))
    assert str(caught.value) == (
        'data[1]: field "message": text longer than 1,000,000 characters, more than any platform sends'
    )
    # Refused after reading about as much as the bound, not the whole string.
    assert stream.tell() < MAX_JSON_STRING_LENGTH + 2 * 64 * 1024


def test_a_string_exactly_at_the_bound_is_read_and_cut_out_exactly():
    value = 'é\\"' + "x" * (MAX_JSON_STRING_LENGTH - 5) + "\\n"
    assert len(value) == MAX_JSON_STRING_LENGTH
    text = '{"data": [{"id": "1", "other": "' + value + '"}]}'
    ((_, obj, raw),) = items(text.encode())
    assert raw == text[10:-2] and obj["other"] == json.loads(f'"{value}"')


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b'{"data": [{"' + b"k" * (MAX_JSON_STRING_LENGTH + 1) + b'": 1}]}',
            r"^data\[0\]: a key longer than",
        ),
        (
            b'{"data": [{"tags": ["a", "' + b"t" * (MAX_JSON_STRING_LENGTH + 1) + b'"]}]}',
            r"^data\[0\].tags\[1\]: text",
        ),
        (
            b'{"data": [{"id": ' + b"9" * (MAX_TOKEN_LENGTH + 1) + b"}]}",
            r'^data\[0\]: field "id": a number or word',
        ),
        (b'{"data": [{"id": 1' + b"0" * 20_000 + b"}]}", r"a number or word longer than 1,000 characters"),
        (b'{"data": [' + b"t" * 5000, r"^data\[0\]: a number or word longer"),
        (b'{"paging": "' + b"p" * (MAX_JSON_STRING_LENGTH + 1), r'^field "paging": text longer'),
    ],
)
def test_long_keys_strings_numbers_anywhere_are_refused(content, expected):
    with pytest.raises(CaptureError, match=expected):
        items(content)


def test_an_item_longer_than_the_bound_is_refused_naming_it():
    strings = ",".join(
        ['"' + "y" * (MAX_JSON_STRING_LENGTH - 1) + '"'] * (MAX_ITEM_LENGTH // MAX_JSON_STRING_LENGTH + 1)
    )
    stream = io.BytesIO(('{"data": [{"id": "1"}, {"id": "2", "parts": [' + strings + "]}]}").encode())
    with pytest.raises(CaptureError) as caught:
        list(json_array_items(stream, "data", what="a test file"))
    assert str(caught.value) == "data[1]: is longer than 16 MiB, more than any platform sends in one item"
    assert stream.tell() <= MAX_ITEM_LENGTH + 128 * 1024


def test_an_array_element_that_is_not_an_object_is_bounded_too():
    spans = RawSpans(("data", ANY), max_item_length=100)
    with pytest.raises(CaptureError, match=r"^data\[1\]: is longer than"):
        for piece in ('{"data": [{}, [', ", ".join(["1"] * 60), "]]}"):
            spans.feed(piece)


@pytest.mark.django_db
def test_item_text_longer_than_any_platform_allows_is_refused_in_the_portal_format():
    site = site_on("x")
    line = {"id": "1", "text": "x" * MAX_TEXT_LENGTH, "posted_at": WHEN}
    run(site, "jsonl", (json.dumps(line) + "\n").encode())
    assert len(Comment.objects.get().text) == MAX_TEXT_LENGTH
    line = {"id": "2", "text": "x" * (MAX_TEXT_LENGTH + 1), "posted_at": WHEN}
    with pytest.raises(
        CaptureError, match=r'^f: line 1: field "text": is 100,001 characters long, more than'
    ):
        run(site, "jsonl", (json.dumps(line) + "\n").encode())
    row = f"id,text,posted_at\n3,{'y' * (MAX_TEXT_LENGTH + 1)},{WHEN}\n"
    with pytest.raises(CaptureError, match=r'^f: line 2: field "text": is 100,001 characters long'):
        run(site, "csv", row.encode())


# -- JSON Lines and CSV -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            b"[" * DEPTH,
            r"^f: line 2, \[0\]\[0\]\[0\]\[0\]\[0\]\[0\]\[0\]\[0\]…: nesting deeper than 64 levels",
        ),
        (
            b'{"id": "2", "x": ' + nested_objects(DEPTH) + b"}",
            r"^f: line 2, x.a.a.a.a.a.a.a…: nesting deeper",
        ),
        (
            b'{"id": "2", "text": "' + b"a" * (MAX_JSON_STRING_LENGTH + 1) + b'"}',
            r'^f: line 2: field "text": text longer than 1,000,000 characters',
        ),
        (b'{"id": "2", "n": ' + b"7" * 5000 + b"}", r"^f: line 2: not valid JSON: Exceeds the limit"),
        (b'{"id": "2", "n": ' + b"7" * 5000 + b", " + b"[" * 70, r'^f: line 2: field "n": a number or word'),
    ],
)
def test_json_lines_hostile_line_is_refused_cleanly(line, expected):
    site = site_on("x")
    first = json.dumps({"id": "1", "text": "fine", "posted_at": WHEN}).encode()
    with pytest.raises(CaptureError, match=expected):
        run(site, "jsonl", first + b"\n" + line + b"\n")
    assert Comment.objects.count() == 0


def test_a_json_line_longer_than_an_item_is_refused_without_reading_it_whole():
    stream = io.BytesIO(b"{}\n\n" + b'{"text": "' + b"z" * (MAX_ITEM_LENGTH + 10))
    lines = text_lines(stream)
    assert next(lines) == (1, "{}")
    with pytest.raises(CaptureError, match=r"^line 3: the line is longer than 16 MiB"):
        next(lines)
    assert stream.tell() == 4 + MAX_ITEM_LENGTH + 1
    # A line of exactly the bound, with its line end, is read.
    exact = b"a" * MAX_ITEM_LENGTH
    assert [len(text) for _, text in text_lines(io.BytesIO(exact + b"\n" + exact))] == [MAX_ITEM_LENGTH] * 2


@pytest.mark.django_db
def test_csv_cell_beyond_the_csv_limit_is_refused_naming_the_line():
    site = site_on("x")
    content = f'id,text,posted_at\n1,fine,{WHEN}\n2,"{"q" * 200_000}",{WHEN}\n'.encode()
    with pytest.raises(
        CaptureError, match=r"^f: line 3: not valid CSV: a cell is longer than 131,072 characters"
    ):
        run(site, "csv", content)
    content = f"id,text,posted_at\n1,{'q' * (MAX_ITEM_LENGTH + 1)}".encode()
    with pytest.raises(CaptureError, match=r"^f: line 2: the line is longer than 16 MiB"):
        run(site, "csv", content)
    assert Comment.objects.count() == 0


# -- reading in pieces --------------------------------------------------------------------


def test_a_long_string_read_in_small_pieces_is_read_once_and_cut_out_exactly():
    body = ('ab\\"c\\\\' * (MAX_JSON_STRING_LENGTH // 7))[: MAX_JSON_STRING_LENGTH - 1] + "d"
    text = '{"data": [{"id": "1", "message": "' + body + '"}, {"id": "2"}]}'
    spans = RawSpans(("data", ANY))
    data = text.encode()
    for start in range(0, len(data), 100):  # ten thousand pieces
        spans.feed_bytes(data[start : start + 100])
    assert list(spans.found) == ['{"id": "1", "message": "' + body + '"}', '{"id": "2"}']


DOCUMENT = (
    '{"pa\\u0067ing": {"data": [{"x": 1}]}, "d\\u0061ta": [{"id": "1", "m": "a \\"q\\" \\\\ é 🎉", '
    '"n": -1.5e3, "z": [true, null, {"w": "}"}]}, 7, "s", [{"in": "array"}], {"da\\"ta": {"y": "\\\\"}}], '
    '"data2": [{"no": 1}]}'
)


def test_every_split_of_a_document_into_three_pieces_finds_the_same_objects():
    whole = raw_objects(DOCUMENT, ("data", ANY))
    assert [json.loads(raw) for raw in whole] == [
        item for item in json.loads(DOCUMENT)["data"] if isinstance(item, dict)
    ]
    assert whole[0].startswith('{"id": "1", "m": "a \\"q\\"')
    data = DOCUMENT.encode()
    for first in range(len(data) + 1):
        for second in range(first, len(data) + 1, 3):
            spans = RawSpans(("data", ANY))
            for piece in (data[:first], data[first:second], data[second:]):
                spans.feed_bytes(piece)
            assert list(spans.found) == whole, (first, second)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items_=st.lists(json_values, max_size=5),
    extra=st.dictionaries(st.text(max_size=6), json_values, max_size=3),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 0, 2]),
    cuts=st.lists(st.integers(min_value=0), max_size=12),
)
def test_any_document_cut_anywhere_gives_the_objects_exactly(items_, extra, ascii_only, indent, cuts):
    document = {**extra, "data": items_}
    text = json.dumps(document, ensure_ascii=ascii_only, indent=indent)
    data = text.encode()
    whole = raw_objects(text, ("data", ANY))
    assert [json.loads(raw) for raw in whole] == [
        item for item in json.loads(text)["data"] if isinstance(item, dict)
    ]
    assert all(raw in text for raw in whole)
    spans = RawSpans(("data", ANY))
    points = sorted({cut % (len(data) + 1) for cut in cuts})
    for start, end in zip([0, *points], [*points, len(data)], strict=True):
        spans.feed_bytes(data[start:end])
    spans.feed_bytes(b"", final=True)
    assert list(spans.found) == whole


def test_keys_are_tracked_when_split_and_escaped():
    spans = RawSpans(('da"ta', ANY))
    for piece in ('{"da', "\\", '"ta": [{"k', '": "v"}', "]}"):
        spans.feed(piece)
    assert list(spans.found) == ['{"k": "v"}']


def test_check_json_text_accepts_ordinary_text_and_names_what_is_wrong():
    check_json_text(json.dumps({"id": "1", "a": [[[[{"b": "c" * 1000}]]]]}))
    with pytest.raises(CaptureError) as caught:
        check_json_text('{"id": "1", "author": {"name": "' + "n" * (MAX_JSON_STRING_LENGTH + 1) + '"}}')
    assert (caught.value.location, caught.value.field) == ("author", "name")


@pytest.mark.parametrize("extra", [0, 1])
def test_the_number_bound_holds_wherever_the_number_is_cut(extra):
    data = ('{"data": [{"id": 1' + "0" * (MAX_TOKEN_LENGTH - 1 + extra) + "}]}").encode()
    for cut in range(len(data) + 1):
        spans = RawSpans(("data", ANY))
        if extra:
            with pytest.raises(CaptureError, match=r'^data\[0\]: field "id": a number or word longer'):
                spans.feed_bytes(data[:cut])
                spans.feed_bytes(data[cut:])
        else:
            spans.feed_bytes(data[:cut])
            spans.feed_bytes(data[cut:])
            assert list(spans.found) == [data.decode()[10:-2]]


@pytest.mark.parametrize("extra", [0, 1])
def test_the_string_bound_holds_wherever_the_string_is_cut(extra):
    body = ("\\\\" + "s" * 98) * (MAX_JSON_STRING_LENGTH // 100)
    data = ('{"data": [{"m": "' + body + "x" * extra + '"}]}').encode()
    for cut in [0, 17, 18, 19, 20, 500_000, 500_001, len(data) - 6, len(data) - 5, len(data) - 4, len(data)]:
        spans = RawSpans(("data", ANY))
        if extra:
            with pytest.raises(CaptureError, match=r'^data\[0\]: field "m": text longer than 1,000,000'):
                spans.feed_bytes(data[:cut])
                spans.feed_bytes(data[cut:])
        else:
            spans.feed_bytes(data[:cut])
            spans.feed_bytes(data[cut:])
            assert list(spans.found) == [data.decode()[10:-2]]
