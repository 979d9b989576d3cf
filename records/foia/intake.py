"""Reading a FOIA request received by e-mail, as the Clerk pasted it (headers and text).

Parsed with the standard library's e-mail parser (``policy.default``): nothing in the message is
run or fetched, and HTML parts are reduced to their text. The result only fills in the "Log a
request" form; the Clerk checks it and the original stays with the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email import policy
from email.parser import Parser
from email.utils import parseaddr, parsedate_to_datetime

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

from config.portal import calendar

DESCRIPTION_MAX = 20_000


@dataclass
class ReceivedEmail:
    name: str
    email: str
    received_on: date | None
    subject: str
    text: str

    @property
    def description(self) -> str:
        parts = [f"Subject: {self.subject}" if self.subject else "", self.text.strip()]
        return "\n\n".join(part for part in parts if part)[:DESCRIPTION_MAX]


def _one_line(value: str) -> str:
    return " ".join(value.split())


def read_pasted_email(raw: str) -> ReceivedEmail:
    message = Parser(policy=policy.default).parsestr(raw.replace("\r\n", "\n"))
    try:
        from_header = str(message.get("From") or "")
    except (ValueError, TypeError):  # a header the parser cannot read
        from_header = ""
    name, address = parseaddr(from_header)
    if not address or "@" not in address:
        raise ValidationError(
            {
                "message": "No sender address found: the pasted text needs its From: header. Paste the whole "
                "message as your mail program shows the original, headers first."
            }
        )
    received_on = None
    try:
        sent = parsedate_to_datetime(str(message.get("Date") or ""))
    except (TypeError, ValueError, IndexError):
        sent = None
    if sent is not None and sent.tzinfo is not None:
        received_on = min(calendar.local_date(sent), calendar.today())
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        try:
            text = body.get_content()
        except (LookupError, ValueError):  # an unknown charset or a broken transfer encoding
            text = body.get_payload(decode=True).decode("utf-8", "replace") if body.get_payload() else ""
        if body.get_content_type() == "text/html":
            text = strip_tags(text)
    return ReceivedEmail(
        name=_one_line(name)[:200] or address.split("@")[0],
        email=address.strip()[:254],
        received_on=received_on,
        subject=_one_line(str(message.get("Subject") or ""))[:300],
        text=text,
    )
