import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from recommendations.choices import Role
from recommendations.users.services import user_create


class Command(BaseCommand):
    help = "Create an admin user named 'admin' when no administrator exists; print its password once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        users = get_user_model().objects
        if users.filter(is_superuser=True).exists() or users.filter(groups__name=Role.ADMIN).exists():
            self.stdout.write("An administrator exists already.")
            return
        password = secrets.token_urlsafe(18)
        user_create(username=username, role=Role.ADMIN, password=password)
        self.stdout.write(self.style.SUCCESS(f"Created administrator {username!r}."))
        self.stdout.write(f"Password (shown once, keep it): {password}")
