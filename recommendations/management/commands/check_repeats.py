from django.core.management.base import BaseCommand, CommandError

from recommendations.catalog.repeats import bad_repeat_links


class Command(BaseCommand):
    help = (
        "List every stored `repeats` link the rule refuses (a recommendation repeats one of the same "
        "country, kind of report and area, made in an earlier report), with the reason; exit with "
        "status 1 if there is any. Such links were made before the rule was enforced: fix them in "
        "the admin (empty the field or choose the right one)."
    )

    def handle(self, *args, **options):
        found = 0
        for recommendation, refusal in bad_repeat_links():
            found += 1
            self.stdout.write(f"#{recommendation.pk} repeats #{recommendation.repeats_id}: {refusal}")
        if found:
            raise CommandError(f"{found} repeats link(s) break the rule.")
        self.stdout.write(self.style.SUCCESS("Every repeats link keeps the rule."))
