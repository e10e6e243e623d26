"""What the site's admin pages share: append-only rows shown read-only, forms that write
through a service."""

from django.utils.translation import gettext_lazy as _  # noqa: F401

from .admin_input import _AdminBase


class ReadOnlyAdminMixin:
    """For append-only rows: visible, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceFormAdminMixin(_AdminBase):
    """For admins whose form writes through a service while it is validated (admin_forms.py):
    the form is given the request, and saving only picks up what the service wrote."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        obj.pk = form.written.pk
        obj.refresh_from_db()
