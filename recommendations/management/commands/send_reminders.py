from django.core.management.base import BaseCommand

from recommendations.notifications.reminders import digest_message, digests_due, reminders_send


class Command(BaseCommand):
    help = (
        "Mail each follower one digest of what they follow that is overdue, due within 30 days or "
        "without progress for REMINDER_STALE_DAYS days. Meant for cron; a second run sends nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send and record nothing.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            digests = digests_due()
            for digest in digests:
                message = digest_message(digest)
                self.stdout.write(f"To: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}\n")
        else:
            digests = reminders_send()
        reminders = sum(len(digest.reminders) for digest in digests)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(digests)} digests ({reminders} reminders)."))
