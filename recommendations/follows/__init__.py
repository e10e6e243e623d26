"""Following: a signed-in user follows a recommendation or a whole source, and hears of each
status change of what they follow (notifications/), and gets reminders of what is overdue,
due soon or stale (`manage.py send_reminders`)."""
