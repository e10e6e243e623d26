import tomllib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from recommendations.importing.services import report_import

DOCUMENT_KEYS = {"file", "slug", "kind", "publisher", "title", "report_year", "country", "language", "url", "areas"}
REQUIRED_KEYS = {"file", "kind", "report_year", "country"}


class Command(BaseCommand):
    help = "Import every report listed in seeds/manifest.toml. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--manifest", default=str(Path(settings.BASE_DIR) / "seeds" / "manifest.toml"))

    def handle(self, *args, manifest, **options):
        manifest_path = Path(manifest)
        if not manifest_path.exists():
            self.stdout.write(f"No seeds manifest at {manifest_path}; nothing to load.")
            return
        try:
            documents = tomllib.loads(manifest_path.read_text(encoding="utf-8")).get("document", [])
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"{manifest_path}: {exc}") from exc

        # All seeds or none: a broken entry must not leave half the seeds loaded.
        with transaction.atomic():
            for number, entry in enumerate(documents, start=1):
                where = f"{manifest_path} document {number}"
                unknown = set(entry) - DOCUMENT_KEYS
                missing = REQUIRED_KEYS - set(entry)
                if unknown or missing:
                    raise CommandError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}.")
                path = manifest_path.parent / entry["file"]
                try:
                    report = report_import(
                        data=path.read_bytes(),
                        kind=entry["kind"],
                        country=entry["country"],
                        report_year=entry["report_year"],
                        language=entry.get("language", "az"),
                        title=entry.get("title", ""),
                        publisher=entry.get("publisher", ""),
                        slug=entry.get("slug", ""),
                        url=entry.get("url", ""),
                        areas=entry.get("areas"),
                    )
                except OSError as exc:
                    raise CommandError(f"{where}: {path}: {exc.strerror}") from exc
                except ValidationError as exc:
                    raise CommandError(f"{where} ({entry['file']}): " + "; ".join(exc.messages)) from exc
                for problem in report.problems:
                    self.stderr.write(f"{entry['file']}: {problem}")
                if report.changes_anything and report.translates:
                    self.stdout.write(
                        f"{report.source_slug}: added the {report.language} text to {report.updated} recommendations "
                        f"({report.translates} original)."
                    )
                elif report.changes_anything:
                    self.stdout.write(
                        f"{report.source_slug}: {report.source_operation}d source; created {report.created}, "
                        f"updated {report.updated}, linked {report.linked}."
                    )
                else:
                    self.stdout.write(f"{report.source_slug}: already loaded, {report.unchanged} recommendations.")
