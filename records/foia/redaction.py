"""Redaction on the data (5 ILCS 140 §7(1)(b), §7(1)(c)), before any file is written.

Every accepted redaction of a request removes its text from every value written to the
bundle, wherever it occurs: in every column of every record, inside the native payload
(parsed as JSON, so escaped forms such as ``\\u00e9`` cannot hide it), and in the
manifest and the log. Matching ignores case, so "Jane@Example.org" goes with
"jane@example.org".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from config.portal.audit import stamp
from config.portal.private_info import find_private_information
from config.portal.spreadsheet import (  # noqa: F401 - re-exported for the export writer
    CONTROL_CHARACTERS,
    FORMULA_PREFIXES,
    csv_cell,
    without_control_characters,
)
from records.foia import selectors
from records.models import Redaction

MARKER = "[REDACTED {exemption}]"


class Redactor:
    def __init__(self, redactions: Iterable[tuple[str, str]]):
        """``redactions``: (text, exemption) pairs, e.g. ("815-555-0142", "7(1)(b)")."""
        by_text: dict[str, str] = {}
        for text, exemption in redactions:
            if text and text.strip():
                by_text.setdefault(text.casefold(), exemption)
                by_text.setdefault(text.lower(), exemption)
        self._exemptions = by_text
        texts = sorted({t for t in by_text}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(t) for t in texts), re.IGNORECASE) if texts else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def search(self, value: str) -> bool:
        """Whether any redaction may apply to ``value`` (cheaper than ``text`` when none does)."""
        return self._pattern is not None and self._pattern.search(value) is not None

    def _marker(self, match: re.Match) -> str:
        found = match.group(0)
        exemption = self._exemptions.get(found.lower()) or self._exemptions.get(found.casefold(), "")
        return MARKER.format(exemption=f"§{exemption}" if exemption else "").replace(" ]", "]")

    def text(self, value: str) -> str:
        if self._pattern is None or not value:
            return value
        # Repeat until stable: removing one piece may join two halves of another.
        for _ in range(5):
            redacted = self._pattern.sub(self._marker, value)
            if redacted == value:
                break
            value = redacted
        return value

    def payload(self, raw: str | None):
        """The native payload with every redaction applied: (value for JSON, changed?).

        A JSON payload is parsed and redacted string by string (keys too); anything else
        is redacted as text.
        """
        if raw is None or raw == "":
            return raw, False
        try:
            data = json.loads(raw)
        except ValueError:
            redacted = self.text(raw)
            return redacted, redacted != raw
        if self._pattern is None:
            return data, False
        if "\\" not in raw and not self._pattern.search(raw):
            # Without escapes every decoded string is a slice of the raw text: no match there
            # means no match anywhere in the payload.
            return data, False
        redacted = self._walk(data)
        return redacted, redacted != data

    def _walk(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self._walk(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self._walk(item) for key, item in value.items()}
        return value


def suggest_redactions(request, *, actor) -> int:
    """Suggest a redaction for each piece of private information (§2(c-5)) found in the
    redactable columns of the request's responsive records; the ones already suggested are not
    suggested again. The caller holds the request's row lock and has checked it may scan."""
    scope = selectors.request_scope(request)
    existing = set(
        Redaction.objects.filter(request=request).values_list("record_kind", "record_id", "field", "text")
    )
    new = []
    for spec in selectors.requested_series(request):
        if not spec.redactable_columns:
            continue
        for record in spec.rows(scope):
            for column in spec.redactable_columns:
                for finding in find_private_information(record.values[column]):
                    key = (spec.key, record.id, column, finding.text)
                    if key in existing:
                        continue
                    existing.add(key)
                    new.append(
                        Redaction(
                            request=request,
                            record_kind=spec.key,
                            record_id=record.id,
                            field=column,
                            text=finding.text,
                            finding=finding.kind,
                            exemption=Redaction.Exemption.PRIVATE_INFORMATION,
                            note=f"Suggested: {finding.label}",
                        )
                    )
    if new:
        bulk_create_with_history(
            new, Redaction, batch_size=500, default_user=actor, default_change_reason="Redaction suggested"
        )
    request.redaction_scan_finished_at = timezone.now()
    request.redaction_scan_found = len(new)
    stamp(request, actor=actor, reason=f"Private-information scan: {len(new)} new suggestions")
    request.save()
    return len(new)
