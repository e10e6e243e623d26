"""Synthetic data at the scale a regional network reaches: for benchmarks and load tests.

Rows are written in bulk (COPY on PostgreSQL, batched bulk_create elsewhere) instead of one
service call per row: a million `recommendation_create` calls would take an hour. What the
services guarantee still holds: the data pass the model's validation and the database's
constraints, `action_search` is `searchable(action)`, every status other than `not_assessed` has
the progress update that set it, and every generated source has a history row. History is
summarised: one "generated" row per source, not one per recommendation.
"""

import datetime
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from recommendations.choices import AREAS, SourceKind, Status
from recommendations.models import ChangeRecord, ProgressUpdate, Recommendation, Source
from recommendations.search import WORD_START_TABLE, searchable

GENERATOR_USERNAME = "generator"
SLUG_PREFIX = "gen-"
FIRST_YEAR, LAST_YEAR = 2001, 2024
# Azerbaijan first, then countries the same reports cover; more come from ISO codes in order.
COUNTRIES = (
    "AZ", "GE", "AM", "KZ", "KG", "UZ", "TJ", "TM", "TR", "UA", "MD", "BY", "RU", "MN", "IR",
    "IQ", "AF", "PK", "IN", "BD", "NP", "LK", "MM", "TH", "KH", "VN", "LA", "PH", "ID", "MY",
    "EG", "MA", "TN", "JO", "LB", "SY", "YE", "ET", "KE", "UG", "TZ", "GH", "NG", "CI", "SN",
    "ML", "BF", "NE", "TD", "CM", "BR", "PE", "BO", "CO", "EC", "PY", "HN", "GT", "SV", "MX",
)  # fmt: skip

AREAS_BY_KIND = {kind: [area.code for area in AREAS if area.kind == kind] for kind in (SourceKind.DOL, SourceKind.TIP)}
# Other reports use the DOL and TIP areas (the generated data predates the UPR areas: kept as it was).
AREAS_BY_KIND[SourceKind.OTHER] = [area.code for area in AREAS if area.kind in (SourceKind.DOL, SourceKind.TIP)]

ACTION_PARTS = {
    "az": (
        (
            "Təmin edin ki,",
            "Artırın:",
            "Gücləndirin:",
            "Həyata keçirin:",
            "Qəbul edin:",
            "Dərc edin:",
            "Genişləndirin:",
            "Maliyyələşdirin:",
            "Təkmilləşdirin:",
        ),
        (
            "əmək müfəttişlərinin sayı və təlimi",
            "uşaq əməyinə dair cinayət işlərinin araşdırılması",
            "insan alveri qurbanlarının müəyyən edilməsi prosedurları",
            "sosial proqramların əhatə dairəsi",
            "məcburi əməyə qarşı qanunvericilik",
            "Dövlət Əmək Müfəttişliyi Xidmətinin büdcəsi",
            "qurbanlar üçün sığınacaqların maliyyələşdirilməsi",
            "pambıq yığımında uşaq əməyinin monitorinqi",
            "işə götürmə agentliklərinin lisenziyalaşdırılması",
            "hakimlər və prokurorlar üçün təlim proqramları",
            "küçə uşaqları üçün reabilitasiya mərkəzləri",
            "əmək müqavilələrinin yoxlanılması",
            "məhkumluq hökmlərinin və cəzaların məlumatları",
            "Milli Fəaliyyət Planının icrası",
            "miqrant işçilərin hüquqlarının müdafiəsi",
        ),
        (
            "beynəlxalq standartlara uyğun olaraq.",
            "bütün rayonlarda.",
            "kənd təsərrüfatı sektorunda.",
            "vətəndaş cəmiyyəti ilə əməkdaşlıqda.",
            "ictimaiyyət üçün açıq şəkildə.",
            "İnsan Alverinə Qarşı Mübarizə İdarəsi vasitəsilə.",
            "Şəki və Gəncə bölgələrində.",
            "ildə ən azı bir dəfə.",
            "qurbanların şəxsi məlumatlarını qoruyaraq.",
            "müstəqil monitorinqlə.",
        ),
    ),
    "en": (
        (
            "Ensure",
            "Increase",
            "Strengthen",
            "Implement",
            "Adopt",
            "Publish",
            "Expand",
            "Fund",
            "Improve",
        ),
        (
            "the number and training of labor inspectors",
            "criminal investigations of child labor cases",
            "procedures to identify trafficking victims",
            "the coverage of social programs",
            "legislation against forced labor",
            "the budget of the State Labor Inspection Service",
            "funding for shelters for victims",
            "monitoring of child labor in the cotton harvest",
            "licensing of recruitment agencies",
            "training programs for judges and prosecutors",
            "rehabilitation centers for street children",
            "inspections of employment contracts",
            "data on convictions and sentences",
            "implementation of the National Action Plan",
            "protection of migrant workers' rights",
        ),
        (
            "in line with international standards.",
            "in all regions.",
            "in the agricultural sector.",
            "in cooperation with civil society.",
            "and make the results public.",
            "through the anti-trafficking unit.",
            "in rural districts.",
            "at least once a year.",
            "while protecting victims' personal data.",
            "with independent monitoring.",
        ),
    ),
}
PROGRESS_NOTES = {
    "az": "Nazirliyin hesabatına əsasən qiymətləndirildi.",
    "en": "Assessed from the ministry's annual report.",
}
# Older recommendations have had more time to be acted on.
STATUS_WEIGHTS_OLD = {
    Status.NOT_ASSESSED: 15,
    Status.NOT_STARTED: 15,
    Status.IN_PROGRESS: 20,
    Status.PARTIALLY_IMPLEMENTED: 25,
    Status.IMPLEMENTED: 25,
}
STATUS_WEIGHTS_NEW = {
    Status.NOT_ASSESSED: 50,
    Status.NOT_STARTED: 20,
    Status.IN_PROGRESS: 20,
    Status.PARTIALLY_IMPLEMENTED: 7,
    Status.IMPLEMENTED: 3,
}


@dataclass(frozen=True)
class GeneratedCounts:
    sources: int
    recommendations: int
    progress_updates: int
    seconds: float


class ProgressBar:
    """One line on stderr, redrawn at most a few times a second."""

    def __init__(self, total: int, label: str, stream=None) -> None:
        self.total, self.label, self.stream = total, label, stream or sys.stderr
        self.started = self.last_drawn = time.monotonic()
        self.done = 0

    def advance(self, count: int) -> None:
        if not count:
            return
        self.done += count
        now = time.monotonic()
        if now - self.last_drawn >= 0.25 or self.done >= self.total:
            self.last_drawn = now
            share = self.done / self.total if self.total else 1
            bar = "#" * int(share * 30)
            self.stream.write(
                f"\r{self.label} [{bar:<30}] {self.done:,}/{self.total:,} {share:5.1%} {now - self.started:5.1f}s"
            )
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


@cache
def _folded(text: str) -> str:
    return searchable(text)


def _country_codes(count: int) -> list[str]:
    from django_countries import countries

    codes = list(COUNTRIES)
    codes += [code for code, _name in countries if code not in COUNTRIES]
    return codes[:count]


def _plan_sources(rng: random.Random, countries: list[str], total: int) -> list[tuple[Source, int]]:
    """Sources with how many recommendations each gets: a DOL and a TIP report per country
    and year, plus NGO/other reports, about 200 recommendations each on average."""
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    slots = [(country, year) for country in countries for year in years]
    per_slot = max(1, total // len(slots)) if slots else 0
    sources_per_slot = max(2, round(per_slot / 200))
    planned: list[tuple[Source, int]] = []
    remaining = total
    for index, (country, year) in enumerate(slots):
        slot_total = remaining // (len(slots) - index)
        remaining -= slot_total
        kinds = [SourceKind.DOL, SourceKind.TIP] + [SourceKind.OTHER] * (sources_per_slot - 2)
        shares = [rng.uniform(0.5, 1.5) for _kind in kinds]
        counts = [int(slot_total * share / sum(shares)) for share in shares]
        counts[0] += slot_total - sum(counts)
        for number, (kind, count) in enumerate(zip(kinds, counts, strict=True)):
            language = "az" if country == "AZ" or rng.random() < 0.3 else "en"
            planned.append(
                (
                    Source(
                        slug=f"{SLUG_PREFIX}{kind}-{year}-{country.lower()}-{number}",
                        kind=kind,
                        publisher={
                            SourceKind.DOL: "US Department of Labor",
                            SourceKind.TIP: "US Department of State",
                            SourceKind.OTHER: "Regional NGO network",
                        }[kind],
                        title={
                            SourceKind.DOL: f"Findings on the Worst Forms of Child Labor: {country}",
                            SourceKind.TIP: f"Trafficking in Persons Report: {country}",
                            SourceKind.OTHER: f"Shadow report {number - 1}: {country}",
                        }[kind],
                        report_year=year,
                        country=country,
                        language=language,
                        tip_tier=rng.choice(["Tier 2", "Tier 2 Watch List", "Tier 3"])
                        if kind == SourceKind.TIP
                        else "",
                    ),
                    count,
                )
            )
    return planned


def _recommendation_rows(
    rng: random.Random, sources: list[tuple[Source, int]], first_id: int, now: datetime.datetime
) -> Iterator[tuple[tuple, tuple | None]]:
    """(recommendation row, progress row or None), in the column order of RECOMMENDATION_COLUMNS."""
    statuses = list(Status.values)
    next_id = first_id
    for source, count in sources:
        verbs, objects, qualifiers = ACTION_PARTS[source.language]
        areas = AREAS_BY_KIND[source.kind]
        age = (LAST_YEAR - source.report_year) / (LAST_YEAR - FIRST_YEAR)
        weights = [STATUS_WEIGHTS_OLD[status] * age + STATUS_WEIGHTS_NEW[status] * (1 - age) for status in statuses]
        published = datetime.datetime(source.report_year, 6, 30, tzinfo=datetime.UTC)
        for position in range(1, count + 1):
            action = f"{rng.choice(verbs)} {rng.choice(objects)} {rng.choice(qualifiers)}"
            if source.kind == SourceKind.DOL:
                year_start = source.report_year - rng.choice((0, 0, 1, 2, 4))
            else:
                year_start = source.report_year
            area = None if rng.random() < 0.03 else rng.choice(areas)
            status = rng.choices(statuses, weights)[0]
            changed_at = published
            progress = None
            if status != Status.NOT_ASSESSED:
                changed_at = published + datetime.timedelta(days=rng.randint(30, 700))
                changed_at = min(changed_at, now)
                progress = (
                    next_id,
                    Status.NOT_ASSESSED,
                    status,
                    PROGRESS_NOTES[source.language],
                    changed_at.date(),
                    GENERATOR_USERNAME,
                    changed_at,
                )
            yield (
                (
                    next_id,
                    source.pk,
                    source.country.code,
                    area,
                    action,
                    _folded(action),
                    year_start,
                    source.report_year,
                    source.kind == SourceKind.TIP and rng.random() < 0.3,
                    position,
                    status,
                    changed_at,
                    1,
                    published,
                    changed_at,
                ),
                progress,
            )
            next_id += 1


RECOMMENDATION_COLUMNS = (
    "id",
    "source_id",
    "country",
    "area",
    "action",
    "action_search",
    "year_start",
    "year_end",
    "priority",
    "position",
    "status",
    "status_changed_at",
    "version",
    "created_at",
    "updated_at",
)
PROGRESS_COLUMNS = (
    "recommendation_id",
    "status_before",
    "status_after",
    "note",
    "occurred_on",
    "author_username",
    "created_at",
)


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the plain indexes on a table: dropped during a bulk load
    and rebuilt once afterwards, which is many times faster than updating them row by row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        return cursor.fetchall()


def _write_postgres(rows: Iterator[tuple[tuple, tuple | None]], advance: Callable[[int], None]) -> int:
    progress_buffer: list[tuple] = []
    progress_total = 0
    recommendation_table = Recommendation._meta.db_table
    progress_table = ProgressUpdate._meta.db_table
    # The word starts' table (migration 0026) is filled by a trigger from the same COPY.
    indexes = _secondary_indexes(recommendation_table) + _secondary_indexes(WORD_START_TABLE)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        copy_sql = f"COPY {recommendation_table} ({', '.join(RECOMMENDATION_COLUMNS)}) FROM STDIN"
        with raw.copy(copy_sql) as copy:
            batch = 0
            for recommendation, progress in rows:
                copy.write_row(recommendation)
                if progress is not None:
                    progress_buffer.append(progress)
                batch += 1
                if batch == 10_000:
                    advance(batch)
                    batch = 0
            advance(batch)
        with raw.copy(f"COPY {progress_table} ({', '.join(PROGRESS_COLUMNS)}) FROM STDIN") as copy:
            for progress in progress_buffer:
                copy.write_row(progress)
        progress_total = len(progress_buffer)
        # Django's foreign keys are deferred; check them now, as CREATE INDEX needs no pending checks.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)
        sequence_sql = "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {}))"
        cursor.execute(sequence_sql.format(recommendation_table), [recommendation_table])
    return progress_total


def _write_batched(rows: Iterator[tuple[tuple, tuple | None]], advance: Callable[[int], None]) -> int:
    batch: list[Recommendation] = []
    progress_batch: list[ProgressUpdate] = []
    progress_total = 0

    def flush() -> None:
        Recommendation.objects.bulk_create(batch)
        ProgressUpdate.objects.bulk_create(progress_batch)
        advance(len(batch))
        batch.clear()
        progress_batch.clear()

    for recommendation, progress in rows:
        batch.append(Recommendation(**dict(zip(RECOMMENDATION_COLUMNS, recommendation, strict=True))))
        if progress is not None:
            progress_batch.append(ProgressUpdate(**dict(zip(PROGRESS_COLUMNS, progress, strict=True))))
            progress_total += 1
        if len(batch) == 5_000:
            flush()
    flush()
    return progress_total


def generate(*, recommendations: int, countries: int, seed: int, progress_stream=None) -> GeneratedCounts:
    """Add `recommendations` generated recommendations spread over `countries` countries.

    The same seed gives the same data. Refuses to run twice on one database: generated
    rows cannot be deleted (progress updates are append-only), so start from an empty one.
    """
    if Source.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise ValueError("This database already holds generated data; generate into an empty database.")
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    now = timezone.now()
    planned = _plan_sources(rng, _country_codes(countries), recommendations)
    bar = ProgressBar(recommendations, "recommendations", progress_stream)
    with transaction.atomic():
        created = Source.objects.bulk_create([source for source, _count in planned])
        if connection.vendor != "postgresql" or created[0].pk is None:
            by_slug = dict(Source.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", "pk"))
            for source in created:
                source.pk = by_slug[source.slug]
        source_type = ContentType.objects.get_for_model(Source)
        ChangeRecord.objects.bulk_create(
            ChangeRecord(
                object_type=source_type,
                object_id=source.pk,
                object_repr=str(source)[:200],
                action=ChangeRecord.Action.CREATE,
                username=GENERATOR_USERNAME,
                after={"slug": source.slug, "generated_recommendations": count},
                message=f"Generated with {count} recommendations (seed {seed}); "
                "one history row stands for the whole source.",
            )
            for source, count in planned
        )
        if connection.vendor == "postgresql":
            # Ids are assigned here (progress rows need them), so no one else may insert meanwhile.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Recommendation._meta.db_table} IN EXCLUSIVE MODE")
        first_id = (Recommendation.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        rows = _recommendation_rows(rng, planned, first_id, now)
        if connection.vendor == "postgresql":
            progress_total = _write_postgres(rows, bar.advance)
        else:
            progress_total = _write_batched(rows, bar.advance)
    bar.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh statistics for the planner, and a visibility map for index-only scans
            # (VACUUM cannot run inside a transaction, e.g. a test's).
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            # The sources too: a plan that thinks them few joins them first (a country's
            # search page took 100 ms instead of 1).
            tables = (Source, Recommendation, ProgressUpdate)
            for table in [model._meta.db_table for model in tables] + [WORD_START_TABLE]:
                cursor.execute(f"{command} {table}")
    return GeneratedCounts(
        sources=len(planned),
        recommendations=recommendations,
        progress_updates=progress_total,
        seconds=time.monotonic() - started,
    )
