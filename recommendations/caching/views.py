"""The cached read, around a DRF view's GET handler.

It sits inside the view, after `initial()`: authentication, permissions and throttles (and so
the RateLimit headers) run for every request, a cached answer too. Only anonymous and API-token
reads are cached; a signed-in browser's session reads are computed each time, as before.
"""

from functools import partial

from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from recommendations.api.authentication import TokenAuthentication
from tracker.db_router import reads_on

from .lane import LANE_READ, VERSION_MARK
from .reads import CachedAnswer, answer_get, answer_key, answer_set, data_version, read_database


def _cacheable_reader(request) -> bool:
    """Anonymous or by API token, for a machine: the browsable API's HTML page (`format=api`)
    carries a CSRF token and the reader's name, never to be handed to anyone else."""
    authenticator = request.successful_authenticator
    by_machine = getattr(request.accepted_renderer, "format", None) != "api"
    return by_machine and (authenticator is None or isinstance(authenticator, TokenAuthentication))


class CachedReadMixin:
    """Answers a GET from the cache while the data version, the whole query, the language, the
    negotiated format and the reader's class are unchanged. `cached_actions`: for a viewset,
    the actions so answered (a plain view: its GET)."""

    cached_actions: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._read_key = None
        action = getattr(self, "action", None)
        if request.method == "GET" and (action is None or action in self.cached_actions):
            cacheable = _cacheable_reader(request)
            self._read_public = cacheable and request.successful_authenticator is None
            if cacheable:
                setattr(self, "get", partial(self._cached_answer, self.get))  # type: ignore[attr-defined]  # noqa: B010

    def _cached_answer(self, handler, request, *args, **kwargs):
        # An anonymous read the lane (lane.py) looked up and missed: its version, read before
        # this answer from the same database, serves here too.
        looked_up = request._request.META.get(LANE_READ)
        alias = looked_up.alias if looked_up else read_database()
        with reads_on(alias):
            key_version = looked_up.version if looked_up else data_version(alias)
            key = answer_key(
                view=f"{type(self).__qualname__}.{getattr(self, 'action', None) or 'get'}",
                url=request.build_absolute_uri(),
                media_type=request.accepted_media_type,
                user=request.user,
                version=key_version,
            )
            if self._read_public:
                # The final answer may be handed back before Django next time (lane.py).
                request._request.META[VERSION_MARK] = key_version
            cached = answer_get(key)
            if cached is not None:
                response = HttpResponse(cached.content, status=cached.status)
                for name, value in cached.headers:
                    response[name] = value
                return response
            self._read_key = key
            return handler(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        key = getattr(self, "_read_key", None)
        if key is not None and response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            answer_set(key, CachedAnswer(response.status_code, response.content, tuple(response.items())))
        if getattr(self, "_read_public", False) and response.status_code == 200:
            # A shared cache may keep the anonymous answer but must ask again each time (its
            # ETag makes that a 304): never-stale holds behind a proxy too, where a max-age
            # would let it serve an answer older than a write. Never to a signed-in reader.
            patch_cache_control(response, public=True, no_cache=True)
            patch_vary_headers(response, ("Accept-Language", "Cookie", "Authorization"))
        return response
