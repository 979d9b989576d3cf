"""Reads of the capture pages and the Capture API: search, the monitoring queue, the thread
around an item, the sites that may hold captures, and the screening hints shown beside an item.

Screening hints point things out; they never act. Private information comes from the one
shared detector (config.portal.private_info); links and words from the configurable list
(``CAPTURE_SCREENING_WORDS``) are found here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from config.portal.private_info import KINDS as PRIVATE_KINDS
from config.portal.private_info import find_private_information
from moderation.capture.models import Comment, Commenter, IntegrationToken
from moderation.capture.search import MatchesSearch, SearchRank, text_terms_q
from sites_registry.models import Site


# -- search ---------------------------------------------------------------------------------
@dataclass
class CommentFilters:
    q: str = ""
    site: object = None
    platform: object = None
    commenter: str = ""
    date_from: date | None = None
    date_to: date | None = None
    state: str = ""
    kind: str = ""
    order: str = "newest"  # newest | oldest | relevance


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def search_comments(filters: CommentFilters) -> QuerySet:
    """Captured items matching ``filters``, ordered; dates are City (Central) dates."""
    comments = Comment.objects.select_related("site__platform", "author")
    if filters.site:
        comments = comments.filter(site=filters.site)
    if filters.platform:
        comments = comments.filter(site__platform=filters.platform)
    if filters.commenter.strip():
        who = filters.commenter.strip()
        comments = comments.filter(
            author__in=Commenter.objects.filter(Q(display_name__icontains=who) | Q(platform_user_id=who))
        )
    if filters.date_from:
        comments = comments.filter(posted_at__gte=_local_midnight(filters.date_from))
    if filters.date_to:
        comments = comments.filter(posted_at__lt=_local_midnight(filters.date_to + timedelta(days=1)))
    if filters.state:
        comments = comments.filter(platform_state=filters.state)
    if filters.kind:
        comments = comments.filter(kind=filters.kind)
    query = filters.q.strip()
    if query:
        if connection.vendor == "postgresql":
            comments = comments.filter(MatchesSearch(query))
            if filters.order == "relevance":
                return comments.annotate(rank=SearchRank(query)).order_by("-rank", "-posted_at", "-id")
        else:
            comments = comments.filter(text_terms_q(query))
    if filters.order == "oldest":
        return comments.order_by("posted_at", "id")
    return comments.order_by("-posted_at", "-id")


# -- the monitoring queue and the thread around an item ---------------------------------------
def review_queue_items(*, show: str, site: Site | None, after: int | None, limit: int) -> list[Comment]:
    """The queue in id order: ``show`` "questions" lists items awaiting the City's response,
    anything else the items new or changed since last reviewed; at most ``limit``."""
    comments = Comment.objects.select_related("site__platform", "author", "parent")
    if show == "questions":
        comments = comments.awaiting_response()
    else:
        comments = comments.needs_review()
    if site is not None:
        comments = comments.filter(site=site)
    if after is not None:
        comments = comments.filter(pk__gt=after)
    return list(comments.order_by("pk")[:limit])


def city_replied_to(comment_ids: list[int]) -> set[int]:
    """Which of these items the City has replied to: one query by parent id (an EXISTS per
    row is planned as a scan of every City reply)."""
    return set(
        Comment.objects.filter(parent_id__in=comment_ids, from_city=True).values_list("parent_id", flat=True)
    )


def queue_neighbours(pk: int) -> tuple[int | None, int | None]:
    """The ids of the items before and after ``pk`` in the monitoring queue."""
    queue = Comment.objects.needs_review()
    previous_id = queue.filter(pk__lt=pk).order_by("-pk").values_list("pk", flat=True).first()
    next_id = queue.filter(pk__gt=pk).order_by("pk").values_list("pk", flat=True).first()
    return previous_id, next_id


def next_in_queue(pk: int) -> Comment | None:
    return Comment.objects.needs_review().filter(pk__gt=pk).order_by("pk").first()


def comment_ancestors(comment: Comment, *, limit: int) -> list[Comment]:
    """The items above ``comment`` in its thread, the top first; at most ``limit``."""
    chain, current, seen = [], comment, {comment.pk}
    while current.parent_id and len(chain) < limit:
        current = Comment.objects.select_related("author", "site").get(pk=current.parent_id)
        if current.pk in seen:
            break
        seen.add(current.pk)
        chain.append(current)
    chain.reverse()
    return chain


def comment_replies(comment: Comment, *, limit: int) -> list[Comment]:
    return list(comment.replies.select_related("author").order_by("posted_at", "id")[:limit])


# -- sites and integration tokens --------------------------------------------------------------
# Sites that may hold captures: the City's official accounts, past and present.
CAPTURE_SITE_STATES = (Site.State.APPROVED, Site.State.SUSPENDED, Site.State.RETIRED)


def integration_token_check(raw_token: str) -> IntegrationToken | None:
    """The active token matching ``raw_token``, or None (read-only; no history row)."""
    if not raw_token:
        return None
    return (
        IntegrationToken.objects.active()
        .filter(token_sha256=IntegrationToken.hash_of(raw_token))
        .prefetch_related("sites")
        .first()
    )


def capture_site_choices():
    return Site.objects.filter(state__in=CAPTURE_SITE_STATES).select_related("platform")


# -- screening hints --------------------------------------------------------------------------
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


# -- commenters, as the pickers and the header's search show them ------------------------------
COMMENTER_MATCHES_MAX = 20


def commenter_label(commenter: Commenter) -> str:
    """One line that tells two commenters of the same name apart: platform, name, handle or
    platform id, and when first seen with how many items (when the queryset annotated them)."""
    name = commenter.display_name or "(no name given)"
    handle = _profile_handle(commenter.profile_url)
    ident = f"@{handle}" if handle else f"id {commenter.platform_user_id}"
    parts = [f"{commenter.platform.name}: {name} ({ident})"]
    first_seen = getattr(commenter, "first_seen", None)
    if first_seen is not None:
        from django.utils.formats import date_format

        parts.append(f"first seen {date_format(timezone.localtime(first_seen), 'N j, Y')}")
    count = getattr(commenter, "item_count", None)
    if count is not None:
        parts.append(f"{count} item{'' if count == 1 else 's'}")
    return " · ".join(parts)


def _profile_handle(profile_url: str) -> str:
    """The account name at the end of a profile URL (``https://x.com/jdoe`` -> ``jdoe``), if any."""
    path = profile_url.split("?", 1)[0].rstrip("/")
    if not path or "/" not in path.split("://", 1)[-1]:
        return ""
    last = path.rsplit("/", 1)[-1].lstrip("@")
    return last if re.fullmatch(r"[\w.\-]{1,100}", last) and not last.isdigit() else ""


def commenters_with_details():
    return Commenter.objects.select_related("platform").annotate(
        first_seen=Min("comments__posted_at"), item_count=Count("comments")
    )


def commenters_matching(query: str, *, limit: int = COMMENTER_MATCHES_MAX) -> list[Commenter]:
    """At most ``limit`` commenters whose name or profile URL contains ``query``, or whose
    platform id is ``query``; most items first, so the regulars come before the one-offs."""
    query = query.strip()[:200]
    if not query:
        return []
    matches = commenters_with_details().filter(
        Q(display_name__icontains=query) | Q(platform_user_id=query) | Q(profile_url__icontains=query)
    )
    return list(matches.order_by("-item_count", "display_name", "pk")[:limit])


def commenters_by_ids(ids) -> list[Commenter]:
    return list(commenters_with_details().filter(pk__in=list(ids)).order_by("display_name", "pk"))
