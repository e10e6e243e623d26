"""Importing a published report: everything from the uploaded document to stored rows.

- `formats.py`: the report-format registry (parser, default title and publisher, areas,
  language) that the command's `--kind` and the admin form's choices are derived from;
- `parsers/`: one pure parser per format (text → records and problems);
- `plan.py`: what an import would create, update and link — the dry run shows exactly this;
- `services.py`: `report_import`, which checks, parses, plans and (unless a dry run) writes;
- `admin.py`: the admin's upload → preview → confirm page; `staging.py`: the previews waiting
  for confirmation, swept after a day;
- `confine.py`: a PDF read in a child process under time and memory limits.
"""
