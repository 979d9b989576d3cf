"""Finds private information in residents' text (5 ILCS 140 §2(c-5)).

One detector for two uses: screening hints in the TST monitoring queue, which never act
on their own, and suggested redactions for FOIA exports, which the Clerk confirms.
It errs towards suggesting: a person decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KINDS[self.kind]


KINDS = {
    "ssn": "Social Security number",
    "drivers_licence": "Driver's licence number",
    "phone": "Personal phone number",
    "email": "Personal e-mail address",
    "address": "Home address",
    "account": "Financial account or card number",
}

_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}(?![\d-])")
# Illinois driver's licence: a letter and 11 digits, often written A123-4567-8901.
_DRIVERS_LICENCE = re.compile(r"\b[A-Za-z]\d{3}-?\d{4}-?\d{4}\b")
# Each part bounded by what an address may hold (RFC 5321: a local part of 64, a domain
# of 255, a label of 63): unbounded, every start in a long run like "a.a.a.a…" scans
# to its end and back, which is quadratic.
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,255}\.[A-Za-z]{2,63}\b")
_STREET_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|drive|dr|lane|ln|court|ct|boulevard|blvd|place|pl|"
    r"way|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl)"
)
_ADDRESS = re.compile(
    r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Za-z0-9'.-]+\s+){1,4}" + _STREET_SUFFIX + r"\b\.?"
    r"(?:\s*(?:apt|apartment|unit|#)\s*\w+)?",
    re.IGNORECASE,
)
# 12 to 19 digits, optionally grouped: bank accounts and card numbers.
_ACCOUNT = re.compile(r"(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-])")
_DIGIT = re.compile(r"\d")
_NOT_DIGITS = re.compile(r"\D")


def find_private_information(text: str, *, region: str = "US") -> list[Finding]:
    """Every likely piece of private information in ``text``, in order, not overlapping."""
    if not text:
        return []
    found: list[Finding] = []
    # Every kind but e-mail needs a digit (and the phone matcher is the costly one), e-mail
    # an "@": text with neither is read once, at C speed, and no more.
    has_digit = _DIGIT.search(text) is not None
    patterns = []
    if has_digit:
        patterns += [("ssn", _SSN), ("drivers_licence", _DRIVERS_LICENCE), ("address", _ADDRESS)]
    if "@" in text:
        patterns.append(("email", _EMAIL))
    for kind, pattern in patterns:
        found.extend(Finding(kind, m.start(), m.end(), m.group(0)) for m in pattern.finditer(text))
    if has_digit:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            found.append(Finding("phone", match.start, match.end, match.raw_string))
        for m in _ACCOUNT.finditer(text):
            digits = _NOT_DIGITS.sub("", m.group(0))
            if 12 <= len(digits) <= 19:
                found.append(Finding("account", m.start(), m.end(), m.group(0)))
    return _without_overlaps(found)


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    # Earlier kinds in KINDS win over later ones for the same span (an SSN is not a phone).
    priority = {kind: index for index, kind in enumerate(KINDS)}
    found.sort(key=lambda f: (f.start, priority[f.kind], -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in found:
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept
