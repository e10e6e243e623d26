"""Test data built through the services, so fixtures get the same history rows as real data.

Tests call each factory like a function that returns the model (`RecommendationFactory(...)`
is a Recommendation, to mypy too: factory_boy's metaclass hides what calling a factory class
returns, so the classes are published through `typed`).
"""

from collections.abc import Iterable
from functools import cache
from typing import Any, Protocol, TypeVar, cast

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User

from recommendations.catalog import services as catalog_services
from recommendations.choices import SourceKind
from recommendations.measures import services as measure_services
from recommendations.measures.models import Measure, MeasureKind
from recommendations.models import Recommendation, ResponsibleBody, Source

PASSWORD = "correct horse battery staple"

ModelT = TypeVar("ModelT")
ModelT_co = TypeVar("ModelT_co", covariant=True)


class Maker(Protocol[ModelT_co]):
    def __call__(self, **fields: Any) -> ModelT_co: ...


def typed(factory_class: type[factory.django.DjangoModelFactory[ModelT]]) -> Maker[ModelT]:
    return cast(Maker[ModelT], factory_class)


@cache
def password_hash() -> str:
    """Hashed once: every test user has the same password, so hashing it for each costs for nothing."""
    return make_password(PASSWORD)


class _UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyFunction(password_hash)

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, role: str | None = None, **kwargs: Any) -> User:
        if role == "admin":
            kwargs.update(is_staff=True, is_superuser=True)
        user = super()._create(model_class, *args, **kwargs)
        if role:
            # get_or_create: a transactional test's flush removes the groups the migration made.
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user


class _SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source

    # Far from the report years tests name explicitly ("dol-2015-az"), which a sequence would reach.
    slug = factory.Sequence(lambda n: f"dol-{9000 + n}-az")
    kind = SourceKind.DOL
    publisher = "US Department of Labor"
    title = factory.Sequence(lambda n: f"Findings on the Worst Forms of Child Labor {2000 + n}")
    report_year = 2015
    country = "AZ"
    language = "az"

    @classmethod
    def _create(cls, model_class: type[Source], *args: Any, **kwargs: Any) -> Source:
        return catalog_services.source_create(**kwargs)


class _ResponsibleBodyFactory(factory.django.DjangoModelFactory[ResponsibleBody]):
    class Meta:
        model = ResponsibleBody

    name = factory.Sequence(lambda n: f"Nazirlik {n}")


class _RecommendationFactory(factory.django.DjangoModelFactory[Recommendation]):
    class Meta:
        model = Recommendation

    source = factory.SubFactory(_SourceFactory)
    area = "enforcement"
    action = factory.Sequence(lambda n: f"Əmək müfəttişlərinin treninqini təmin edin {n}.")
    year_start = 2014
    year_end = 2015
    position = factory.Sequence(lambda n: n + 1)
    priority = False

    @classmethod
    def _create(cls, model_class: type[Recommendation], *args: Any, **kwargs: Any) -> Recommendation:
        return catalog_services.recommendation_create(**kwargs)


class _MeasureFactory(factory.django.DjangoModelFactory[Measure]):
    class Meta:
        model = Measure

    country = "AZ"
    kind = MeasureKind.ACTION_PLAN
    title_az = factory.Sequence(lambda n: f"İnsan alverinə qarşı Milli Fəaliyyət Planı {n}")
    title_en = factory.Sequence(lambda n: f"National Action Plan against trafficking {n}")

    @classmethod
    def _create(cls, model_class: type[Measure], *args: Any, recommendations=(), user=None, **kwargs: Any) -> Measure:
        """`recommendations`: the ones it answers; `user`: who enters it (the system by default)."""
        return measure_services.measure_create(
            **kwargs, recommendation_ids=[recommendation.pk for recommendation in recommendations], user=user
        )


UserFactory = typed(_UserFactory)
SourceFactory = typed(_SourceFactory)
ResponsibleBodyFactory = typed(_ResponsibleBodyFactory)
RecommendationFactory = typed(_RecommendationFactory)
MeasureFactory = typed(_MeasureFactory)


def recommendation_batch(*, source: Source, rows: Iterable[dict[str, Any]]) -> list[Recommendation]:
    """Many recommendations of one source in a handful of queries instead of ~20 each: the
    import service writes each one's history row as recommendation_create does (it leaves the
    checks to the database, and takes no responsible bodies). Each row needs a `position`."""
    defaults = {"area": "enforcement", "year_start": 2014, "year_end": 2015, "priority": False}
    return catalog_services.recommendations_create_many(
        source=source,
        rows=[{**defaults, "action": f"Əmək müfəttişlərinin sayını artırın {row['position']}.", **row} for row in rows],
    )
