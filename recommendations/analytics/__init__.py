"""What analysts read: counts by status, area, year and source (`stats.py`), streamed CSV and
XLSX exports (`exports.py`) and server-drawn SVG charts (`charts.py`). All take the list's
filters through `listing.selectors`, so a filter selects the same rows everywhere."""
