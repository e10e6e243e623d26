"""Implementation progress: the one door every status change goes through.

The API's progress POST, a staff PATCH of the status, an admin's edit or creation in the
admin site and any later review step all call `services.progress_record`, which decides by
role, locks the recommendation, checks the version the client saw, and writes the progress
row and the history row together.
"""
