"""Screening hints for the TST monitoring queue. They point things out; they never act.

Private information comes from the one shared detector (config.portal.private_info); links and
words from the configurable list (``CAPTURE_SCREENING_WORDS``) are found here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from config.portal.private_info import KINDS as PRIVATE_KINDS
from config.portal.private_info import find_private_information

_LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class Hint:
    kind: str  # "private", "link", "word"
    label: str
    text: str


@lru_cache(maxsize=8)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    words = tuple(word for word in words if word.strip())
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(word.strip()) for word in words) + r")\b", re.IGNORECASE)


def screening_hints(text: str, *, private: list[dict] | None = None) -> list[Hint]:
    """The hints for one item's text. ``private`` is what the capture found and kept
    (``Comment.private_hints``); only items captured before that are searched here."""
    if not text:
        return []
    if private is None:
        private = [{"kind": finding.kind, "text": finding.text} for finding in find_private_information(text)]
    hints = [
        Hint("private", f"Possible {PRIVATE_KINDS.get(found['kind'], found['kind']).lower()}", found["text"])
        for found in private
    ]
    hints += [Hint("link", "Link", match.group(0)) for match in _LINK.finditer(text)]
    pattern = _word_pattern(tuple(settings.CAPTURE_SCREENING_WORDS))
    if pattern is not None:
        seen = set()
        for match in pattern.finditer(text):
            word = match.group(0).lower()
            if word not in seen:
                seen.add(word)
                hints.append(Hint("word", "Listed word", match.group(0)))
    return hints
