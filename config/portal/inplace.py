"""In-place actions: what a view answers to htmx instead of a redirect.

An action the clerk repeats (mark reviewed, accept a redaction, confirm a checklist row, pick up
a report) is a plain form post that redirects back with a message; posted by htmx
(``request.htmx``, django-htmx) the same view answers the changed fragment, and the message goes
into the page's status region (``#portal-messages``, an out-of-band swap) with an undo button
where the action can be undone. The fragment marks the element to focus with ``autofocus``,
which htmx focuses after the swap, so the keyboard stays where the clerk was.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Undo:
    """A button in the message that posts ``fields`` to ``url`` (in place, or as a plain form)."""

    url: str
    label: str
    target: str = ""  # the element the undo's answer replaces (CSS selector), if any
    fields: tuple[tuple[str, str], ...] = ()


def message_html(request, message: str, *, level: str = "success", undo: Undo | None = None) -> str:
    return render_to_string(
        "portal/_message_oob.html", {"message": message, "level": level, "undo": undo}, request=request
    )


def in_place_response(
    request,
    template: str,
    context: dict,
    *,
    message: str = "",
    level: str = "success",
    undo: Undo | None = None,
) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    if message:
        html += message_html(request, message, level=level, undo=undo)
    return HttpResponse(html)
