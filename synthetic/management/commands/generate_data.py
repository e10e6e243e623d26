from django.core.management.base import BaseCommand, CommandError

from synthetic.generator import generate


class Command(BaseCommand):
    help = (
        "Generate realistic synthetic sources, recommendations (Azerbaijani and English text) and "
        "progress updates for benchmarks; COPY on PostgreSQL. History is one 'generated' row per "
        "source, not one per recommendation. Run it on an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--recommendations", type=int, default=10_000, help="How many recommendations.")
        parser.add_argument("--countries", type=int, default=20, help="Across how many countries.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data.")

    def handle(self, *args, recommendations: int, countries: int, seed: int, **options):
        if recommendations < 1 or countries < 1:
            raise CommandError("--recommendations and --countries must be at least 1.")
        try:
            counts = generate(
                recommendations=recommendations, countries=countries, seed=seed, progress_stream=self.stderr
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {counts.sources:,} sources, {counts.recommendations:,} recommendations and "
                f"{counts.progress_updates:,} progress updates in {counts.seconds:.1f} s."
            )
        )
