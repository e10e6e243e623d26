from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommendations.backups.errors import BackupError
from recommendations.backups.services import backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into the configured database and MEDIA_ROOT, both empty, "
        "then check every table's rows and every file's checksum against its manifest. Refuses an archive "
        "from a newer schema, a changed archive and a target that is not empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check that the archive is whole and this code can restore it; write nothing.",
        )

    def handle(self, *args, archive, check, **options):
        try:
            summary = backup_check(archive=archive) if check else backup_restore(archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = summary.manifest
        done = "is whole and can be restored here" if check else "restored and checked against its manifest"
        self.stdout.write(
            self.style.SUCCESS(
                f"{archive} (taken {manifest['created_at']}) {done}: {len(manifest['tables'])} tables, "
                f"{sum(manifest['tables'].values())} rows, {len(manifest['files'])} files."
            )
        )
        if summary.pending_migrations:
            self.stdout.write(
                f"The archive predates {len(summary.pending_migrations)} migrations of this code: "
                "run `manage.py migrate` next."
            )
