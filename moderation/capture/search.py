"""Full-text search of captured items: the expressions that match and rank the text, used by
``search_comments`` in moderation.capture.selectors, and the words to highlight.

PostgreSQL: the stored, GIN-indexed ``search_vector`` column (migration 0002) matched with
``websearch_to_tsquery('english', …)`` — quoted phrases, ``or`` and ``-word`` work as in a
web search engine, and words match their stems ("potholes" finds "pothole"). SQLite (the
embedded development run): every word must appear in the text, case-insensitively,
``-word`` excludes; correct but slower, and without stemming.
"""

from __future__ import annotations

import re
import shlex

from django.db.models import BooleanField, Expression, FloatField, Q

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


def text_terms_q(query: str) -> Q:
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
