"""API tokens: several per user, each named, expiring, and bound to the password it was issued under.

Why our own small model rather than django-rest-knox (5.1.0) or DRF's `Token`: DRF's model holds
one key per user with no name or expiry; knox has several per user with expiry, but no name, no
"last used", no binding to the password, and its own authentication class and views beside our
strict one (users/tokens.py checks a key's form before any query, the password binding and the
account's state in one place). The model is five columns; the code that uses it is users/tokens.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recommendations.fields import NFCCharField


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = NFCCharField(_("name"), max_length=100)
    # sha256 of the key (its first 40 hex digits, 160 bits): the key itself is never stored.
    digest = models.CharField(_("digest"), max_length=40, unique=True)
    # sha256 of the password hash the token was issued under: another password, another hash,
    # and the token is refused, whatever changed the password (users/tokens.py).
    password_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        app_label = "recommendations"
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="token_expires_after_created"
            )
        ]

    def __str__(self) -> str:
        return self.name
