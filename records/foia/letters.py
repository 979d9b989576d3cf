"""Letters to FOIA requesters, generated from the editable ``FoiaLetterTemplate`` rows.

Templates use ``$placeholder`` (Python ``string.Template``): plain text, nothing is
evaluated, so an edited template cannot run code or reach other data.
"""

from __future__ import annotations

from string import Template

from django.conf import settings

from records.foia.clock import compute_due_date
from records.models import FoiaLetterTemplate, FoiaRequest

PLACEHOLDERS = {
    "reference": "The request's reference, e.g. FOIA-2026-0012",
    "requester_name": "The requester's name",
    "received_on": "The date the request was received",
    "description": "The request as the requester wrote it",
    "due_on": "The date the City must answer",
    "original_due_on": "The due date before any extension",
    "extension_reason": "The §3(e) reason of the extension",
    "extension_days": "Business days of the extension",
    "exemptions": "Each exemption cited, with its factual basis",
    "clerk_name": "The name of the person responsible (the signing Clerk)",
    "city_name": "The City's name",
    "record_count": "Number of records in the latest complete export bundle",
    "recurrent_reason": "Why the requester is a recurrent requester under §2(g)",
}

DEFAULTS = {
    FoiaLetterTemplate.Kind.ACKNOWLEDGEMENT: (
        "Your FOIA request $reference",
        "Dear $requester_name,\n\nThe $city_name received your request under the Illinois Freedom of "
        "Information Act (5 ILCS 140) on $received_on:\n\n$description\n\nWe will respond by $due_on.\n\n"
        "Sincerely,\n$clerk_name\nFOIA Officer, $city_name",
    ),
    FoiaLetterTemplate.Kind.EXTENSION: (
        "Extension of the time to respond to FOIA request $reference",
        "Dear $requester_name,\n\nUnder 5 ILCS 140/3(e), the time to respond to your request received on "
        "$received_on is extended by $extension_days business days, because $extension_reason.\n\n"
        "We will respond by $due_on.\n\nSincerely,\n$clerk_name\nFOIA Officer, $city_name",
    ),
    FoiaLetterTemplate.Kind.FULFILMENT: (
        "Response to FOIA request $reference",
        "Dear $requester_name,\n\nYour request received on $received_on is granted. The $record_count "
        "responsive records are enclosed.\n\nSincerely,\n$clerk_name\nFOIA Officer, $city_name",
    ),
    FoiaLetterTemplate.Kind.PARTIAL: (
        "Response to FOIA request $reference (granted in part)",
        "Dear $requester_name,\n\nYour request received on $received_on is granted in part. Records are "
        "enclosed; parts are withheld or redacted under the following exemptions:\n\n$exemptions\n\n"
        "The person responsible for this decision is $clerk_name, FOIA Officer.\n\n"
        "You have a right to have this denial reviewed by the Public Access Counselor, Office of the "
        "Illinois Attorney General, 500 S. Second Street, Springfield, Illinois 62701, (877) 299-3642, "
        "public.access@ilag.gov (5 ILCS 140/9.5(a)). You also have the right to judicial review under "
        "5 ILCS 140/11.\n\nSincerely,\n$clerk_name\nFOIA Officer, $city_name",
    ),
    FoiaLetterTemplate.Kind.DENIAL: (
        "Denial of FOIA request $reference",
        "Dear $requester_name,\n\nYour request received on $received_on is denied under the following "
        "exemptions of the Illinois Freedom of Information Act:\n\n$exemptions\n\n"
        "The person responsible for this decision is $clerk_name, FOIA Officer.\n\n"
        "You have a right to have this denial reviewed by the Public Access Counselor, Office of the "
        "Illinois Attorney General, 500 S. Second Street, Springfield, Illinois 62701, (877) 299-3642, "
        "public.access@ilag.gov (5 ILCS 140/9.5(a)). You also have the right to judicial review under "
        "5 ILCS 140/11.\n\nSincerely,\n$clerk_name\nFOIA Officer, $city_name",
    ),
    FoiaLetterTemplate.Kind.RECURRENT: (
        "Your FOIA request $reference is treated as a recurrent request",
        "Dear $requester_name,\n\nUnder 5 ILCS 140/3.2(b), the $city_name notifies you that it is treating "
        "your request received on $received_on as a request from a recurrent requester under "
        "5 ILCS 140/2(g). The reason: the City's record of your requests shows $recurrent_reason\n\n"
        "The $city_name will send an initial response "
        "within 21 business days after receipt, by $due_on (5 ILCS 140/3.2(a)). That response will do one "
        "or more of the following: (i) give an estimate of the time required to provide the records "
        "and of the fees to be charged, which may have to be paid in full before copying; (ii) deny "
        "the request under one or more exemptions of the Act; (iii) tell you that the request is unduly "
        "burdensome and offer you the opportunity to reduce it to manageable proportions; or (iv) "
        "provide the records requested.\n\nSincerely,\n$clerk_name\nFOIA Officer, $city_name",
    ),
    FoiaLetterTemplate.Kind.WITHDRAWAL: (
        "Withdrawal of FOIA request $reference",
        "Dear $requester_name,\n\nThis confirms that you withdrew your request received on $received_on. "
        "No further action will be taken.\n\nSincerely,\n$clerk_name\nFOIA Officer, $city_name",
    ),
}


def template_for(kind: str) -> FoiaLetterTemplate:
    template = FoiaLetterTemplate.objects.filter(kind=kind).first()
    if template is None:
        subject, body = DEFAULTS[kind]
        template = FoiaLetterTemplate(kind=kind, subject=subject, body=body)
    return template


def _date(value) -> str:
    return f"{value:%B %-d, %Y}" if value else ""


def context_for(request: FoiaRequest, *, clerk=None, exemptions=None, **extra) -> dict[str, str]:
    due = compute_due_date(request)
    if exemptions is None:
        exemptions = [(e.citation, e.factual_basis) for e in request.exemptions.all()] if request.pk else []
    reason = request.get_extension_reason_display() if request.extension_reason else ""
    # "§3(e)(ii) the request requires ..." -> "the request requires ..."
    reason = reason.split(") ", 1)[-1]
    context = {
        "reference": request.reference,
        "requester_name": request.requester.name,
        "received_on": _date(request.received_on),
        "description": request.description,
        "due_on": _date(due.due_on),
        "original_due_on": _date(due.original_due_on),
        "extension_reason": reason,
        "extension_days": str(request.extension_days or ""),
        "exemptions": "\n".join(f"- {citation}: {basis}" for citation, basis in exemptions),
        "clerk_name": (clerk.get_full_name() or clerk.get_username()) if clerk else "",
        "city_name": settings.CITY_NAME,
        "record_count": _record_count(request),
        "recurrent_reason": request.recurrent_detected,
    }
    context.update({key: str(value) for key, value in extra.items()})
    return context


def _record_count(request: FoiaRequest) -> str:
    """Records in the latest complete export bundle of the request, if any."""
    if not request.pk:
        return ""
    latest = request.exports.filter(state="complete").order_by("-finished_at").first()
    return str(latest.processed_records) if latest else ""


def render_letter(kind: str, request: FoiaRequest, *, clerk=None, keep=(), **extra) -> tuple[str, str]:
    """Subject and body of a letter; placeholders named in ``keep`` stay for a later fill-in."""
    template = template_for(kind)
    context = context_for(request, clerk=clerk, **extra)
    for name in keep:
        context[name] = f"${name}"
    return Template(template.subject).safe_substitute(context), Template(template.body).safe_substitute(
        context
    )
