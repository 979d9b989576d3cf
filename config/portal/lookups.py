"""``field__any_of=[...]``: membership in a long list of values, as one parameter.

Django's ``__in`` writes one placeholder per value; with the thousands of ids of an import
batch, the database driver spends longer splitting the statement than PostgreSQL spends
running it. On PostgreSQL ``any_of`` sends the list as one array (``field = ANY(%s)``);
elsewhere it is ``IN`` as usual."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, Lookup


@CharField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
