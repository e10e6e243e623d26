"""Django's `changepassword`, saving through `user_password_set`: the user's API tokens are
revoked and their sessions end, as when the password is changed anywhere else."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from recommendations.users.passwords import user_password_set

MAX_TRIES = 3


class Command(changepassword.Command):
    help = "Change a user's password; revokes their API tokens and ends their sessions."

    @staticmethod
    def _ask(prompt: str) -> str:
        password = getpass.getpass(prompt=prompt)
        if not password:
            raise CommandError("aborted")
        return password

    def handle(self, *args, **options):
        user_model = get_user_model()
        username = options["username"] or getpass.getuser()
        try:
            user = user_model._default_manager.using(options["database"]).get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist:
            raise CommandError(f"user '{username}' does not exist") from None
        self.stdout.write(f"Changing password for user '{user}'")
        for _attempt in range(MAX_TRIES):
            first = self._ask("Password: ")
            second = self._ask("Password (again): ")
            if first != second:
                self.stdout.write("Passwords do not match. Please try again.")
                continue
            try:
                validate_password(second, user)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            user_password_set(user=user, password=second)
            return f"Password changed successfully for user '{user}'; API tokens revoked, sessions ended."
        raise CommandError(f"Aborting password change for user '{user}' after {MAX_TRIES} attempts")
