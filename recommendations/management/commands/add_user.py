import secrets
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from recommendations.choices import Role
from recommendations.users.services import user_create


class Command(BaseCommand):
    help = "Create a user with a role (analyst, ngo_staff or admin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")

    def handle(self, *args, username, role, email, password_stdin, **options):
        generated = not password_stdin
        password = secrets.token_urlsafe(18) if generated else sys.stdin.readline().rstrip("\n")
        try:
            user_create(username=username, role=role, password=password, email=email)
        except ValidationError as exc:
            if hasattr(exc, "message_dict"):
                raise CommandError(
                    "; ".join(
                        f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages
                    )
                ) from exc
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {role} user {username!r}."))
        if generated:
            self.stdout.write(f"Password (shown once): {password}")
