"""Implementation progress: the one door every status change goes through.

The API's progress POST, a staff PATCH of the status, an admin's edit or creation in the
admin site, a measure's progress with the statuses of the recommendations it answers, the
staff's bulk entry and any later review step all call `services.progress_record`, which
decides by role, locks the recommendation (or measure), checks the version the client saw,
and writes the progress row and the history row together. A recommendation and a measure
keep their entries in the one log (`ProgressUpdate`, one of the two set), under one rule.
"""
