"""One-time form tokens: the page forms' counterpart of the API's Idempotency-Key."""

import hashlib
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import IdempotentRequest
from .requests import KEEP, MAX_KEY_LENGTH

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret


def form_token_new() -> str:
    return uuid.uuid4().hex


def form_token_claim(*, user, token: str, path: str) -> bool:
    """True the first time this user sends this token, False for a repeat (a double-click,
    a reload that posts again). Call it inside the transaction of the work, so a form
    refused for bad input can be corrected and sent again with the same token; a repeat
    sent meanwhile waits for that transaction and is then refused."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                IdempotentRequest.objects.create(
                    user=user,
                    key=f"form:{token}"[:MAX_KEY_LENGTH],
                    fingerprint=hashlib.sha256(path.encode()).hexdigest(),
                    status_code=302,
                    body=b"",
                    expires_at=timezone.now() + KEEP,
                )
        except IntegrityError:
            return False
    return True
