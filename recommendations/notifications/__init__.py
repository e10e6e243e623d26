"""Mail to followers: one message per status change of what they follow, and a reminder
digest (`manage.py send_reminders`) of what is overdue, due soon or without progress.
Notes and evidence go only to followers allowed to read them."""
