"""What the staff header's search finds in the records app: FOIA requests and legal holds by
reference, number or name. Both are the City Clerk's alone (config.portal.roles): for any other
role this finds nothing, as their pages answer 403."""

from __future__ import annotations

import re

from django.db.models import Q

from config.portal import roles
from config.portal.portal_apps import SearchResult, SearchSection
from records.models import FoiaRequest, LegalHold

SHOWN = 8
# FOIA-2026-0012, foia 12, #12, 12: the request's number is its id.
_REQUEST_NUMBER = re.compile(r"^(?:foia[\s-]*(?:\d{4}[\s-]+)?|#)?0*(\d{1,9})$", re.IGNORECASE)


def sections(user, query: str) -> list[SearchSection]:
    if not roles.has_role(user, roles.CITY_CLERK):
        return []
    query = query.strip()[:200]
    number = _REQUEST_NUMBER.match(query)
    matching = Q(requester__name__icontains=query) | Q(requester__organisation__icontains=query)
    if number:
        matching |= Q(pk=int(number.group(1)))
    requests = list(
        FoiaRequest.objects.filter(matching)
        .select_related("requester")
        .order_by("-received_on", "-pk")[: SHOWN + 1]
    )
    holds = list(
        LegalHold.objects.filter(
            Q(reference__icontains=query) | Q(name__icontains=query) | Q(matter__icontains=query)
        ).order_by("-placed_at", "-pk")[: SHOWN + 1]
    )
    return [
        SearchSection(
            "FOIA requests",
            [
                SearchResult(str(request), request.get_absolute_url(), request.get_state_display())
                for request in requests[:SHOWN]
            ],
            has_more=len(requests) > SHOWN,
        ),
        SearchSection(
            "Legal holds",
            [
                SearchResult(
                    f"{hold.name}{f' ({hold.reference})' if hold.reference else ''}",
                    hold.get_absolute_url(),
                    "Released" if hold.released_at else "In force",
                )
                for hold in holds[:SHOWN]
            ],
            has_more=len(holds) > SHOWN,
        ),
    ]
