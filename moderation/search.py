"""Finding captured items: full-text search and filters (reads only).

PostgreSQL: the stored, GIN-indexed ``search_vector`` column (migration 0002) matched with
``websearch_to_tsquery('english', …)`` — quoted phrases, ``or`` and ``-word`` work as in a
web search engine, and words match their stems ("potholes" finds "pothole"). SQLite (the
embedded development run): every word must appear in the text, case-insensitively,
``-word`` excludes; correct but slower, and without stemming.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import BooleanField, Expression, FloatField, Q, QuerySet
from django.utils import timezone

from moderation.models import Comment, Commenter

SEARCH_CONFIG = "english"  # must match the generated column in migration 0002


class _StoredVectorSQL(Expression):
    template = ""

    def __init__(self, query: str, output_field):
        super().__init__(output_field=output_field)
        self.query = query

    def _column(self, compiler) -> str:
        alias = compiler.query.get_initial_alias()
        return (
            f"{compiler.quote_name_unless_alias(alias)}.{compiler.connection.ops.quote_name('search_vector')}"
        )


class MatchesSearch(_StoredVectorSQL):
    """``search_vector @@ websearch_to_tsquery('english', query)``, usable in ``filter()``."""

    def __init__(self, query: str):
        super().__init__(query, BooleanField())

    def as_sql(self, compiler, connection):
        return f"{self._column(compiler)} @@ websearch_to_tsquery(%s::regconfig, %s)", [
            SEARCH_CONFIG,
            self.query,
        ]


class SearchRank(_StoredVectorSQL):
    """``ts_rank_cd`` of the stored vector against the query, for "best match" ordering."""

    def __init__(self, query: str):
        super().__init__(query, FloatField())

    def as_sql(self, compiler, connection):
        column = self._column(compiler)
        return f"ts_rank_cd({column}, websearch_to_tsquery(%s::regconfig, %s))", [SEARCH_CONFIG, self.query]


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
            comments = comments.filter(_text_terms_q(query))
    if filters.order == "oldest":
        return comments.order_by("posted_at", "id")
    return comments.order_by("-posted_at", "-id")


def _text_terms_q(query: str) -> Q:
    """The SQLite path: every word or "quoted phrase" present, ``-word`` absent."""
    try:
        terms = shlex.split(query)
    except ValueError:
        terms = query.split()
    condition = Q()
    for term in terms:
        if term.lower() == "or":
            continue
        if term.startswith("-") and len(term) > 1:
            condition &= ~Q(text__icontains=term[1:])
        else:
            condition &= Q(text__icontains=term)
    return condition


_WORD = re.compile(r"\w+", re.UNICODE)


def highlight_terms(query: str) -> list[str]:
    """Words of the query (not excluded ones), for showing matches to the reader."""
    return [w for w in _WORD.findall(re.sub(r"(^|\s)-\S+", " ", query)) if w.lower() != "or"]
