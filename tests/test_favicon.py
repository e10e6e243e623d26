"""Browsers ask every site for /favicon.ico (the admin's and the API's pages name none): it is
served from the static files, never a 404, and the tracker's own pages name the same icon."""

import struct

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head"])
def test_favicon_is_a_small_icon(client, method):
    response = getattr(client, method)("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert "max-age" in response["Cache-Control"]
    if method == "get":
        icon = response.content
        reserved, kind, count = struct.unpack("<HHH", icon[:6])
        assert (reserved, kind) == (0, 1) and count >= 1  # an ICO directory
        assert len(icon) < 4096


@pytest.mark.django_db
def test_pages_name_the_icon(client):
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/recommendations/favicon.ico"' in html
    assert 'href="data:,"' not in html
