"""`field__any_of=[…]`: membership in a long list of values as one parameter.

A page of a list or a chunk of an export looks up the responsible bodies and tags of up to
2,000 recommendations at once. `__in` writes a placeholder per value; on PostgreSQL psycopg then
splits and re-joins the statement around each one, half a second per 100,000-row export. Here
PostgreSQL gets `= ANY(%s)` with the values as one array; SQLite, which has no arrays, the same
`IN (…)` as `__in`.
"""

from django.db import models
from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False  # a list of values, not one value of the field

    def as_sql(self, compiler, connection):
        column, column_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            return "1 = 0", list(column_params)  # as `__in=[]`: no row, though asked without an error
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s)", [*column_params, values]
        return f"{column} IN ({', '.join(['%s'] * len(values))})", [*column_params, *values]


models.Field.register_lookup(AnyOf)
models.ForeignObject.register_lookup(AnyOf)  # a foreign key's own lookups are looked up apart
