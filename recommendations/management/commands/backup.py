from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommendations.backups.errors import BackupError
from recommendations.backups.services import backup_create, default_directory


class Command(BaseCommand):
    help = (
        "Write one archive of the database and the evidence files (MEDIA_ROOT) as they were at one "
        "moment, with a manifest (rows per table, file checksums, applied migrations). Safe while the "
        "server runs; meant for cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help=f"A folder (the archive gets a dated name) or a new file; default {default_directory()}.",
        )

    def handle(self, *args, output, **options):
        try:
            summary = backup_create(destination=output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = summary.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.path}: {manifest['database']['vendor']} database, {len(manifest['tables'])} tables, "
                f"{sum(manifest['tables'].values())} rows, {len(manifest['files'])} files, "
                f"{len(manifest['schema']['migrations'])} migrations applied."
            )
        )
