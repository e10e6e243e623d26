"""Every link the dashboard offers answers: after choosing the chart interval ("by quarter",
"by month") the CSV, XLSX and JSON links used to carry `interval=…`, which those endpoints do
not take, so the download answered 400 and the browser showed nothing (issue 24 §3). Links
carry only what their target takes."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest


def links(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'<a [^>]*href="([^"#][^"]*)"', page)]


@pytest.mark.parametrize("interval", ["year", "quarter", "month"])
def test_every_link_of_the_dashboard_answers_after_choosing_an_interval(reports, client, interval):
    page = client.get(f"/?country=AZ&area=protection&interval={interval}&page=1")
    assert page.status_code == 200
    found = links(page.content.decode())
    exports = [href for href in found if href.startswith("/api/v1/")]
    assert {urlsplit(href).path for href in exports} >= {
        "/api/v1/recommendations/export.csv",
        "/api/v1/recommendations/export.xlsx",
        "/api/v1/stats/",
    }
    for href in exports:
        query = parse_qs(urlsplit(href).query)
        assert query == {"country": ["AZ"], "area": ["protection"]}, href  # the filters, nothing of the page's
    for href in found:
        if href.startswith(("/", "?")) and not href.startswith("/admin/"):
            target = href if href.startswith("/") else f"/{href}"
            response = client.get(target)
            assert response.status_code in (200, 302), (href, response.status_code)
