"""The submission document: what the tracker holds about a report's recommendations, written
out for the bodies that invite it (the State Department's TIP office, the Department of
Labor's ILAB, UN mechanisms' shadow reports).

`parameters.py` reads and checks what is asked (one report, or a country and a period across
reports; the day; the language), `content.py` gathers what the requester may see as plain
data, and `docx_document.py` and the print page (`views.py` with its template) write that
same content out. A UPR report is also given back as OHCHR's own thematic list with its
assessment column filled (`matrix_content.py`, `matrix_document.py`), from the same
parameters and the same notes and evidence rules; `word.py` holds what both Word documents are
made of. Nothing here writes to the database.
"""
