"""What the staff header's search finds in the moderation app: captured items and commenters
(every staff role sees both, as on the search page)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from config.portal import roles
from config.portal.portal_apps import SearchResult, SearchSection
from moderation.capture import selectors

SHOWN = 8


def sections(user, query: str) -> list[SearchSection]:
    if not roles.has_role(user):
        return []
    # Newest first: ranking every match by relevance costs seconds when a word is in most items;
    # "More captured items" opens the search page, which ranks.
    items = list(selectors.search_comments(selectors.CommentFilters(q=query))[: SHOWN + 1])
    item_results = [
        SearchResult(
            f"{comment.get_kind_display()} by {comment.author or 'an author not given'} on {comment.site}",
            comment.get_absolute_url(),
            comment.text[:200],
        )
        for comment in items[:SHOWN]
    ]
    commenters = selectors.commenters_matching(query, limit=SHOWN + 1)
    search_url = reverse("moderation:comment-search")
    commenter_results = [
        SearchResult(
            selectors.commenter_label(commenter),
            f"{search_url}?{urlencode({'commenter': commenter.platform_user_id})}",
            "Their captured items",
        )
        for commenter in commenters[:SHOWN]
    ]
    return [
        SearchSection(
            "Captured items",
            item_results,
            more_url=f"{search_url}?{urlencode({'q': query, 'order': 'relevance'})}",
            has_more=len(items) > SHOWN,
        ),
        SearchSection("Commenters", commenter_results, has_more=len(commenters) > SHOWN),
    ]
