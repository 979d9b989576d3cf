"""Private information and screening hints on long crafted text: right answers, and patterns
that cannot go quadratic (timings are in bench/capture_benchmark.py --hostile-only; an
unbounded pattern here would take minutes on these inputs, not milliseconds)."""

from __future__ import annotations

import phonenumbers
import pytest

from config.portal.private_info import find_private_information
from moderation.capture.importers.base import MAX_TEXT_LENGTH

HALF = MAX_TEXT_LENGTH // 2
KNOWN = "call 815-555-0142 or mail jane.doe@gmail.com, 1234 N. Main Street Apt 4"
KNOWN_FINDINGS = [
    ("phone", "815-555-0142"),
    ("email", "jane.doe@gmail.com"),
    ("address", "1234 N. Main Street Apt 4"),
]


def found(text: str) -> list[tuple[str, str]]:
    return [(finding.kind, finding.text) for finding in find_private_information(text)]


@pytest.mark.parametrize(
    "crafted",
    [
        "a." * HALF,  # every start of a would-be e-mail's local part runs to the end
        "a-" * HALF,
        "x@" + "a." * HALF,  # a domain of single-letter labels
        "a@" * HALF,
        ("a." * 31 + "@") * (MAX_TEXT_LENGTH // 63),
        "1-" * HALF,
        "1 a " * (HALF // 2),
        "1 '" * (MAX_TEXT_LENGTH // 3),
        "1" + " " * MAX_TEXT_LENGTH + "a",
        "1 " + "a" * MAX_TEXT_LENGTH,
        "www." * (MAX_TEXT_LENGTH // 4),
    ],
)
def test_crafted_long_text_gives_exactly_what_is_in_it(crafted):
    assert found(crafted) == []
    text = crafted + " " + KNOWN
    findings = find_private_information(text)
    assert [(f.kind, f.text) for f in findings] == KNOWN_FINDINGS
    assert all(text[f.start : f.end] == f.text for f in findings)


def test_long_runs_of_digit_groups_are_all_suggested_as_account_numbers():
    findings = find_private_information("1 " * HALF)
    assert {f.kind for f in findings} == {"account"} and len(findings) == HALF // 19
    assert all(f.text == " ".join("1" * 19) for f in findings)


def test_e_mail_parts_within_their_limits_are_found_whole():
    local = "a" * 64
    domain = "b" * 60 + "." + "c" * 63
    assert found(f"to {local}@{domain} now") == [("email", f"{local}@{domain}")]
    # Longer than an address may be: no part of it is suggested as one.
    assert found("to " + "a" * 65 + "@example.com now") == []


def test_phone_numbers_in_any_digits_are_still_found():
    assert found("Call ８１５-５５５-０１４２ now") == [("phone", "８１５-５５５-０１４２")]
    assert found("Call ٨١٥-٥٥٥-٠١٤٢ now") == [("phone", "٨١٥-٥٥٥-٠١٤٢")]


def test_text_without_digits_never_reaches_the_phone_matcher(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the phone matcher ran on text without a digit")

    monkeypatch.setattr(phonenumbers, "PhoneNumberMatcher", refuse)
    assert (
        found("no numbers here, write to jane@example.org " * 2000) == [("email", "jane@example.org")] * 2000
    )


def test_screening_hints_on_crafted_text(settings):
    from moderation.capture.selectors import screening_hints

    settings.CAPTURE_SCREENING_WORDS = ["idiot", "scam"]
    run = "www." * (MAX_TEXT_LENGTH // 4)
    hints = screening_hints(run)
    assert [(hint.kind, hint.text) for hint in hints] == [("link", run)]
    hints = screening_hints("idiots " * (HALF // 4) + "IDIOT scam https://x.example/a " + "a." * HALF)
    assert [(hint.kind, hint.text) for hint in hints] == [
        ("link", "https://x.example/a"),
        ("word", "IDIOT"),
        ("word", "scam"),
    ]
