import json
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from recommendations.importing.batch import batch_import, batch_plan, documents_collect
from recommendations.importing.collection import data_file_import
from recommendations.importing.formats import FORMATS
from recommendations.importing.services import report_import
from recommendations.languages import supported_languages

from ._batch_output import Progress, refused_names, summary_lines

# Below this many lines a document imports in a blink and progress would only be noise.
PROGRESS_FROM_LINES = 5_000
# The service's errors name the Source's fields; this command's user typed options.
OPTION_OF_FIELD = {
    "kind": "--kind",
    "country": "--country",
    "report_year": "--year",
    "language": "--language",
    "title": "--title",
    "publisher": "--publisher",
    "slug": "--slug",
    "url": "--url",
}


class Command(BaseCommand):
    help = (
        "Import the recommendations of a report from its PDF or its text (a DOL suggested-actions table or a TIP "
        "chapter's prioritized recommendations). Problems are reported on stderr with their page or line; a "
        "document that cannot be read with certainty is refused. The same report in another language is added "
        "beside the one already imported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="path",
            help="The report's PDF, or its UTF-8 text as extracted from the PDF; several, or a folder of them "
            "(with an optional manifest.toml, as in seeds/), import each in its own transaction after one summary.",
        )
        parser.add_argument(
            "--kind",
            default="",
            choices=[str(kind) for kind in FORMATS],
            help="Of several documents: for those that do not say it (as --country, --year, --language).",
        )
        parser.add_argument(
            "--country",
            default="",
            help="ISO 3166-1 alpha-2 code, e.g. AZ. For a data file of every country (dol-xml), the countries to "
            "import, comma-separated (default: all).",
        )
        parser.add_argument("--year", type=int, default=None, help="The report's year (a data file states its own).")
        parser.add_argument(
            "--language",
            default=None,
            choices=supported_languages(),
            help="The document's language (default: the format's).",
        )
        parser.add_argument("--title", default="", help="Defaults to the report series' title for the year.")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--slug", default="", help="Defaults to KIND-YEAR-COUNTRY, e.g. dol-2015-az.")
        parser.add_argument("--url", default="")
        parser.add_argument("--dry-run", action="store_true", help="Write nothing; show what would be done.")
        parser.add_argument(
            "--replace-corrections",
            action="store_true",
            help="Write the document's text over values corrected by hand since the last import (kept otherwise).",
        )
        parser.add_argument("--json", action="store_true", help="Print the parsed records as a JSON list on stdout.")
        parser.add_argument(
            "--indicators-json",
            action="store_true",
            help="Print the indicator values read, and the figures left unread with their sentence, as JSON on stdout.",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            help=f"Largest document accepted (default {settings.IMPORT_MAX_BYTES}).",
        )

    def handle(self, *args, paths, kind, country, year, language, title, publisher, slug, url, **options):
        max_bytes = options["max_bytes"] or settings.IMPORT_MAX_BYTES
        one_report = (
            len(paths) == 1
            and not Path(paths[0]).is_dir()
            and kind
            and (FORMATS[kind].data_file is not None or (country and year is not None))
        )
        if not one_report:
            self._import_batch(paths, kind=kind, country=country, year=year, language=language, **options)
            return
        path = paths[0]
        report_format = FORMATS[kind]
        language = language or report_format.default_language
        document = Path(path)
        try:
            size = document.stat().st_size
            if size > max_bytes:
                # Refused before reading: a wrong path to a huge file must not fill the memory.
                raise CommandError(f"{path}: the document is {size:,} bytes; the limit is {max_bytes:,} bytes.")
            data = document.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc

        if report_format.data_file is not None:
            self._import_data_file(path, data, report_format, country=country, year=year, **options)
            return

        long_document = data.count(b"\n") >= PROGRESS_FROM_LINES

        def progress(done: int, total: int) -> None:
            if long_document:
                self.stderr.write(f"… {done:,}/{total:,}")

        try:
            report = report_import(
                data=data,
                kind=kind,
                country=country,
                report_year=year,
                language=language,
                title=title,
                publisher=publisher,
                slug=slug,
                url=url,
                dry_run=options["dry_run"],
                replace_corrections=options["replace_corrections"],
                max_bytes=max_bytes,
                progress=progress,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):  # name the option, not the model field
                messages = [
                    f"{OPTION_OF_FIELD[field]}: {message}" if field in OPTION_OF_FIELD else message
                    for field, field_messages in exc.message_dict.items()
                    for message in field_messages
                ]
            else:
                messages = exc.messages
            raise CommandError(f"{path}: " + "; ".join(messages)) from exc

        for problem in report.problems:
            self.stderr.write(f"{path}: {problem}")
        summary = self.stderr if options["json"] or options["indicators_json"] else self.stdout
        for line in report.summary_lines():
            summary.write(line)
        if options["json"]:
            records = [item.record.as_json() for item in report.items]
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
        if options["indicators_json"]:
            self.stdout.write(json.dumps(report.indicators.as_json(), ensure_ascii=False, indent=2))

    def _import_data_file(self, path, data, report_format, *, country, year, **options):
        """Every country of a data file (or those of --country), each in its own transaction."""
        wanted = {code.strip().upper() for code in country.split(",") if code.strip()} or None

        def progress(done: int, total: int, code: str) -> None:
            if done % 25 == 0 or done == total:
                self.stderr.write(f"… {done}/{total} countries ({code})")

        started = time.monotonic()
        try:
            report = data_file_import(
                report_format=report_format,
                data=data,
                report_year=year,
                countries=wanted,
                dry_run=options["dry_run"],
                replace_corrections=options["replace_corrections"],
                max_bytes=options["max_bytes"] or settings.IMPORT_MAX_BYTES,
                progress=progress,
            )
        except ValidationError as exc:
            raise CommandError(f"{path}: " + "; ".join(exc.messages)) from exc
        for outcome in report.outcomes:
            for problem in outcome.report.problems if outcome.report else ():
                self.stderr.write(f"{path}: {outcome.country}: {problem}")
            for figure in outcome.report.indicators.reading.unread if outcome.report else ():
                where = figure.location.get("element", "")
                self.stderr.write(
                    f"{path}: {outcome.country}: unread figure “{figure.printed}” ({where}): {figure.reason}"
                )
        summary = self.stderr if options["json"] or options["indicators_json"] else self.stdout
        for line in report.summary_lines():
            summary.write(line)
        self.stderr.write(
            f"{path}: read and {'planned' if options['dry_run'] else 'imported'} in {time.monotonic() - started:.1f} s"
        )
        if options["json"]:
            records = {
                outcome.country: [item.record.as_json() for item in outcome.report.items]
                for outcome in report.outcomes
                if outcome.report is not None
            }
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
        if options["indicators_json"]:
            indicators = {
                outcome.country: outcome.report.indicators.as_json()
                for outcome in report.outcomes
                if outcome.report is not None
            }
            self.stdout.write(json.dumps(indicators, ensure_ascii=False, indent=2))
        if report.refused:
            raise CommandError(
                f"{path}: {len(report.refused)} of {len(report.outcomes)} countries refused: "
                + ", ".join(outcome.country for outcome in report.refused)
            )

    def _import_batch(self, paths, *, kind, country, year, language, **options):
        """Several documents (or a folder, or one that says what it is): one summary, then each
        document in its own transaction; refusals named, and the exit status non-zero."""
        max_bytes = options["max_bytes"] or settings.IMPORT_MAX_BYTES
        started = time.monotonic()
        try:
            documents = documents_collect(
                paths, kind=kind, country=country, year=year, language=language or "", max_bytes=max_bytes
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        flags = {"replace_corrections": options["replace_corrections"], "max_bytes": max_bytes}
        batch_plan(documents, progress=Progress(self.stderr, "planning"), **flags)
        for line in summary_lines(documents, planned=True):
            self.stdout.write(line)
        if not options["dry_run"] and any(document.report is not None for document in documents):
            batch_import(documents, progress=Progress(self.stderr, "importing"), **flags)
            self.stdout.write("Imported:")
            for line in summary_lines(documents, planned=False):
                self.stdout.write(line)
        self.stderr.write(
            f"{len(documents)} documents read and {'planned' if options['dry_run'] else 'imported'} in "
            f"{time.monotonic() - started:.1f} s"
        )
        refused = refused_names(documents)
        if refused:
            raise CommandError(f"{len(refused)} of {len(documents)} documents refused: " + ", ".join(refused))
