"""Azerbaijani capitalises i as İ, not I. Django capitalises a label's first letter with
Python's `str.upper` ("istifadəçi" → "Istifadəçi"), so labels that begin with i are
translated capitalised; this checks the pages people meet first."""

import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("path", "role", "expected"),
    [
        ("/login/", None, "İstifadəçi adı"),
        ("/admin/login/", None, "İstifadəçi adı"),
        ("/admin/recommendations/", "admin", "İrəliləyiş qeydləri"),
    ],
)
def test_a_label_beginning_with_i_begins_with_dotted_capital_i(db, users, path, role, expected):
    client = Client()
    if role:
        client.force_login(users[role])
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="az").content.decode()
    assert expected in html
    assert "Istifadəçi" not in html and "Irəliləyiş" not in html
