"""Backups that are known to restore: one archive of the database and the evidence files
(MEDIA_ROOT) taken at one moment, with a manifest of what it holds (rows per table, each
file's sha256, the applied migrations), and a restore that refuses what it cannot do safely
and checks the manifest after putting everything back.

`database.py` copies and restores each kind of database, `archive.py` writes and reads the
archive, `services.py` (`backup_create`, `backup_restore`) is what the `backup` and
`restore` commands call.
"""
