"""Cells of CSV files that people open in spreadsheets: residents' text must stay text.

One rule for every CSV the portal writes (FOIA bundles, the transparency report): a cell
beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading apostrophe so
no spreadsheet evaluates it as a formula (OWASP "CSV injection"), and control characters
other than tab and line breaks become U+FFFD.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def without_control_characters(value: str) -> str:
    """Control characters (other than tab and line breaks) become U+FFFD in CSV and HTML."""
    return CONTROL_CHARACTERS.sub("\ufffd", value)


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text."""
    text = without_control_characters(str(value))
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
