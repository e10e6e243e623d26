import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from recommendations.catalog import services as catalog_services
from recommendations.models import Recommendation, Source
from recommendations.users import services as users_services
from recommendations.users.tokens import token_issue

ROLES = ("analyst", "ngo_staff", "admin")
SOURCE_SLUG = "load-dol-2015"


class Command(BaseCommand):
    help = (
        "For the load and client scripts (scripts/serverctl.py): a user per role (load_<role>, with "
        "the password given) and a token each, and a report with RECOMMENDATIONS recommendations; "
        'what exists is kept. Prints one line: FIXTURE={"tokens": {role: token}, "recommendations": [ids]}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--recommendations", type=int, default=20, help="How many recommendations the report has.")
        parser.add_argument("--password", required=True, help="The password of the users it creates.")

    def handle(self, *args, recommendations: int, password: str, **options):
        if recommendations < 1:
            raise CommandError("--recommendations must be at least 1.")
        tokens = {}
        for role in ROLES:
            user = get_user_model().objects.filter(username=f"load_{role}").first() or users_services.user_create(
                username=f"load_{role}", role=role, password=password
            )
            tokens[role] = token_issue(user=user)  # type: ignore[arg-type]  # the project's user model
        source = Source.objects.filter(slug=SOURCE_SLUG).first() or catalog_services.source_create(
            slug=SOURCE_SLUG,
            kind="dol",
            publisher="US Department of Labor",
            title="Uşaq əməyinin ən pis formaları üzrə tapıntılar",
            report_year=2015,
            country="AZ",
        )
        for position in range(1, recommendations + 1):
            if not Recommendation.objects.filter(source=source, position=position).exists():
                catalog_services.recommendation_create(
                    source=source,
                    position=position,
                    area="enforcement",
                    year_start=2011,
                    year_end=2015,
                    action=f"Əmək müfəttişlərinin sayını artırın və treninqini təmin edin ({position}).",
                )
        ids = list(Recommendation.objects.filter(source=source).values_list("id", flat=True))
        self.stdout.write("FIXTURE=" + json.dumps({"tokens": tokens, "recommendations": ids}))
