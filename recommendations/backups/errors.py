class BackupError(Exception):
    """A backup or restore refused or failed; the message says what and why, for an operator."""
