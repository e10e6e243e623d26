"""Small things people met in the admin (issue 32 §4, issue 24 §3), checked as an admin sees
them: signed in, through the served pages, in Azerbaijani and English."""

import re

import pytest
from django.test import Client

from .factories import SourceFactory


@pytest.fixture
def admin_site(users) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def filter_choices(html: str, title: str) -> list[str]:
    """The choices listed under one filter of a change list's side bar."""
    section = html.split(f'<details data-filter-title="{title}"', 1)[1].split("</details>", 1)[0]
    return [re.sub(r"\s+", " ", choice).strip() for choice in re.findall(r'<a href="[^"]*">(.*?)</a>', section, re.S)]


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        ("az", "ölkə", ["Hamısı", "Azərbaycan", "Gürcüstan"]),
        ("en", "country", ["All", "Azerbaijan", "Georgia"]),
    ],
)
def test_source_country_filter_lists_only_countries_with_reports_in_the_interface_language(
    admin_site, language, title, expected
):
    SourceFactory(country="AZ")
    SourceFactory(country="GE")
    html = admin_site.get("/admin/recommendations/source/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert filter_choices(html, title) == expected
