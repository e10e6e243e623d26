"""The app served on loopback with the seeds loaded and some progress recorded, for looking at
its pages: screenshots (scripts/page_shots.py) and Lighthouse (scripts/lighthouse.py).

The progress is recorded through the one service, as staff would: a few of the seeds'
recommendations each get a status on a day of their report's years, so the charts show every
status rather than a column of "not assessed". The database is a throwaway SQLite file.
"""

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import serverctl

PROGRESS_CODE = """
import datetime, json
from django.contrib.auth import get_user_model
from recommendations.models import Recommendation, Source
from recommendations.progress.services import progress_record
from recommendations.users import services as users_services

staff = get_user_model().objects.filter(username="seed_staff").first() or users_services.user_create(
    username="seed_staff", role="ngo_staff", password="seed-" + "x9" * 12)
cycle = ["in_progress", "not_started", "partially_implemented", "implemented", "in_progress", "not_started"]
for source in Source.objects.order_by("report_year", "slug"):
    rows = list(Recommendation.objects.filter(source=source).order_by("position"))
    for index, recommendation in enumerate(rows):
        if recommendation.progress_updates.exists() or index % 7 == 6:
            continue  # loaded already, or left not assessed
        status = cycle[index % len(cycle)]
        day = datetime.date(source.report_year + 1 + index % 3, 1 + index % 12, 10)
        if day > datetime.date.today():
            day = datetime.date.today()
        progress_record(recommendation_id=recommendation.pk, status=status, occurred_on=day, user=staff,
                        note="Görüş keçirildi; qanun layihəsi hazırlanır.")
first = Recommendation.objects.order_by("source__report_year", "position").first()
source = Source.objects.order_by("-report_year").first()
print("PAGES=" + json.dumps({"recommendation": first.pk, "source": source.slug, "country": source.country.code}))
"""


@contextmanager
def seeded_server(*, port: int | None = None, language: str = "en") -> Iterator[tuple[serverctl.Server, dict]]:
    """A running server with the seeds and demonstration progress; yields it and the paths of
    a recommendation, a source and a country to open."""
    var_dir = tempfile.mkdtemp(prefix="tracker-pages-")
    env = serverctl.server_environment(f"sqlite:///{var_dir}/pages.sqlite3", var_dir)
    env["LANGUAGE_CODE"] = language
    serverctl.manage(env, "migrate", "--no-input")
    serverctl.manage(env, "collectstatic", "--no-input")  # served by WhiteNoise from STATIC_ROOT
    serverctl.manage(env, "load_seeds", timeout=600)
    output = serverctl.manage(env, "shell", "--no-imports", "-c", PROGRESS_CODE)
    found = json.loads(next(line for line in output.splitlines() if line.startswith("PAGES=")).removeprefix("PAGES="))
    paths = {
        "dashboard": "/",
        "recommendation": f"/recommendations/{found['recommendation']}/",
        "source": f"/sources/{found['source']}/",
        "country": f"/countries/{found['country']}/",
    }
    with serverctl.Server(env, workers=1, threads=2, port=port) as server:
        yield server, paths
