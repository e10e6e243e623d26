"""Driving the admin as an admin does: a browser-like client that checks CSRF, opens a change
form, changes some fields and submits everything else as the page showed it."""

from typing import Any

from django import forms
from django.test import Client


def admin_client(user, language: str = "en") -> Client:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def csrf_token(client: Client, url: str) -> str:
    """The token the page at `url` carries in its forms (and sets as a cookie)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.context["csrf_token"]


def shown_values(response) -> dict[str, Any]:
    """What submitting the admin page `response` unchanged would send: the main form's fields
    as shown, and each inline's management form."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {"csrfmiddlewaretoken": str(response.context["csrf_token"])}
    for field in form:
        value = field.value()
        if value is None or value is False or field.field.disabled:
            continue
        widget = field.field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value) or []
            for index, (sub, part) in enumerate(zip(widget.widgets, parts, strict=True)):
                if part is not None:
                    data[f"{field.html_name}_{index}"] = sub.format_value(part)
            continue
        if isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        elif value is True:
            data[field.html_name] = "on"
        else:
            data[field.html_name] = field.field.widget.format_value(value) if hasattr(value, "isoformat") else value
    for inline in response.context.get("inline_admin_formsets", []):
        for field in inline.formset.management_form:
            data[field.html_name] = field.value()
    return data


def open_form(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return shown_values(response)


def submit(client: Client, url: str, data: dict[str, Any]):
    return client.post(url, {**data, "_save": "Save"})
