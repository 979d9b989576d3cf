"""What the staff header's search finds in the sites registry: sites by account name or handle
(every staff role sees the site list)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from config.portal import roles
from config.portal.portal_apps import SearchResult, SearchSection
from sites_registry.models import Site

SHOWN = 8


def sections(user, query: str) -> list[SearchSection]:
    if not roles.has_role(user):
        return []
    query = query.strip()[:200].lstrip("@")
    sites = list(
        Site.objects.filter(Q(account_name__icontains=query) | Q(handle__icontains=query))
        .select_related("platform")
        .order_by("platform__name", "account_name")[: SHOWN + 1]
    )
    return [
        SearchSection(
            "Sites",
            [
                SearchResult(
                    str(site), reverse("sites_registry:site-detail", args=[site.pk]), site.get_state_display()
                )
                for site in sites[:SHOWN]
            ],
            has_more=len(sites) > SHOWN,
        )
    ]
