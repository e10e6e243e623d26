"""Test data built through the services, so fixtures get the same history rows as real data."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from recommendations.catalog import services as catalog_services
from recommendations.choices import SourceKind
from recommendations.models import Recommendation, ResponsibleBody, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:
            # get_or_create: a transactional test's flush removes the groups the migration made.
            user.groups.add(Group.objects.get_or_create(name=extracted)[0])
            if extracted == "admin":
                user.is_staff = user.is_superuser = True
        user.save()


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"dol-{2000 + n}-az")
    kind = SourceKind.DOL
    publisher = "US Department of Labor"
    title = factory.Sequence(lambda n: f"Findings on the Worst Forms of Child Labor {2000 + n}")
    report_year = 2015
    country = "AZ"
    language = "az"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return catalog_services.source_create(**kwargs)


class ResponsibleBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsibleBody

    name = factory.Sequence(lambda n: f"Nazirlik {n}")


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    source = factory.SubFactory(SourceFactory)
    area = "enforcement"
    action = factory.Sequence(lambda n: f"Əmək müfəttişlərinin treninqini təmin edin {n}.")
    year_start = 2014
    year_end = 2015
    position = factory.Sequence(lambda n: n + 1)
    priority = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return catalog_services.recommendation_create(**kwargs)
