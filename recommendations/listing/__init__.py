"""The recommendation list, declared once and read everywhere.

- `columns.py`: every column of the list and of the exports — its SQL, its ORM path, how
  it is presented. The list statement, the list's JSON, the list serializer's fields, the
  export columns and the admin's list read this declaration.
- `filters.py`: the filter set: every list filter, with its form validation and, beside
  it, the SQL condition the list statement uses; `conditions.py` those SQL conditions,
  `fields.py` the strict form fields, `shims.py` the django-filter classes and copies.
- `parameters.py`: query parameters as an HTTP concern — which take several values, and
  the refusal of unknown, repeated and unreadable ones.
- `query.py`: the list endpoint's SQL statement (the API's busiest read).
- `selectors.py`: filtered and ordered querysets for stats, exports and pages.
"""
