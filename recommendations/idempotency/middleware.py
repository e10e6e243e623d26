"""`Idempotency-Key` on API POSTs and PATCHes (Stripe's contract; IETF httpapi draft "The
Idempotency-Key HTTP Header Field"): a client that lost the answer to a write retries it
with the same key and gets the first answer back instead of the work done twice.

- The same key, user and request (method, path, body) within KEEP: the first answer
  (status, body, Content-Type, ETag, Location, Content-Language) with `Idempotent-Replayed:
  true`, and nothing done again.
- The same key with another request: 422 naming the header. An empty or over-long key: 400.
- Two requests with one key at the same moment: the claim on the key is taken in the same
  transaction as the work, so the second waits on the first's row and then gets its answer
  (never a second run, never a 409 to retry).
- Stored are the answers that are final: a success, or a 4xx a retry would get again. A 5xx,
  a 408/425/429 (retry later) or an exception rolls back the claim with the work, so the
  retry does it afresh.
- The sign-in (a write open to anonymous callers) and anonymous requests are not keyed: there
  is no one to scope the key to, and a token in a stored answer is a secret kept in a table.
"""

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request

from recommendations.api.exceptions import is_api

from .models import IdempotentRequest
from .requests import HEADER, KEEP, KEYED_METHODS, SPOOL, BadKey, request_fingerprint, request_key, takes_key

REPLAYED_HEADERS = ("Content-Type", "ETag", "Location", "Content-Language", "Allow")
NOT_FINAL = frozenset({408, 425, 429})


def _error(status: int, message: str, code: str) -> JsonResponse:
    """The API's error shape, naming the header as a validation error names its field."""
    return JsonResponse({"detail": message, "code": code, HEADER: [message]}, status=status)


def _user_of(request, view_class):
    """The user the view will see, from the view's own authenticators; None when there is
    none or the credentials fail (the view then answers that itself)."""
    drf_request = Request(request, authenticators=[auth() for auth in view_class.authentication_classes])
    try:
        user = drf_request.user
    except exceptions.APIException:
        return None
    return user if user.is_authenticated else None


def _replay(stored: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(bytes(stored.body), status=stored.status_code)
    for name, value in stored.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _is_final(status_code: int) -> bool:
    return status_code < 500 and status_code not in NOT_FINAL


def idempotent_requests_sweep() -> int:
    """Delete keys past KEEP. Run before a claim, outside its transaction: an index range
    scan that finds nothing most of the time, and no row lock held while the work runs."""
    deleted, _by_model = IdempotentRequest.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


class IdempotencyKeyMiddleware:
    """Last in MIDDLEWARE: every other check (CSRF, body limits) has run before the claim."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            spool = request.__dict__.pop(SPOOL, None)
            if spool is not None:
                spool.close()

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in KEYED_METHODS or not is_api(request) or HEADER.lower() not in request.headers:
            return None
        try:
            key = request_key(request)
        except BadKey as error:
            return _error(400, str(error), "invalid")
        view_class = getattr(view_func, "cls", None)
        if key is None or view_class is None or not takes_key(view_class):
            return None
        fingerprint = request_fingerprint(request)
        user = _user_of(request, view_class)
        if user is None:
            return None
        idempotent_requests_sweep()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = IdempotentRequest.objects.create(
                        user=user,
                        key=key,
                        fingerprint=fingerprint,
                        status_code=0,
                        body=b"",
                        expires_at=timezone.now() + KEEP,
                    )
            except IntegrityError:
                # Another request holds or held the key; the insert waited for it to finish.
                stored = IdempotentRequest.objects.filter(user=user, key=key).first()
                if stored is None:  # it failed and rolled back: nothing was done, do it now
                    return None
                if stored.fingerprint != fingerprint:
                    return _error(
                        422,
                        _(
                            "This Idempotency-Key was used for another request (another path or body); "
                            "use a new key for a new request."
                        ),
                        "idempotency_key_reused",
                    )
                return _replay(stored)
            response = view_func(request, *view_args, **view_kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
            if not _is_final(response.status_code):
                transaction.set_rollback(True)  # the claim and whatever was half done
                return response
            if response.streaming:  # done, but no body to keep: a retry does it again
                claim.delete()
                return response
            claim.status_code = response.status_code
            claim.body = response.content
            claim.headers = {name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)}
            claim.save(update_fields=["status_code", "body", "headers"])
        return response
