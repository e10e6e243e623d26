"""The recommendation list, declared once and read everywhere.

- `columns.py`: every column of the list and of the exports — its SQL, its ORM path, how
  it is presented. The list statement, the list's JSON, the list serializer's fields, the
  export columns and the admin's list read this declaration.
- `filters.py`: every list filter, with its form validation and, beside it, the SQL
  condition the list statement uses.
- `query.py`: the list endpoint's SQL statement (the API's busiest read).
- `selectors.py`: filtered and ordered querysets for stats, exports and pages.
"""
