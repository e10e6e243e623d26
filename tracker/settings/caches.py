"""The caches: the throttle and sign-in counters' (`default`) and the cached public reads'
(`public_reads`, recommendations/caching/)."""

import os
from typing import Any


def caches_from_environment() -> dict[str, dict[str, Any]]:
    # Throttle and sign-in counters live in `default`. Without REDIS_URL each process (each
    # server worker) counts on its own, so a client gets up to workers × the limit; with it, all
    # workers and machines share one count.
    caches: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tracker"},
        # Answers of public reads, keyed by the data version: per process, or shared by every
        # worker in Redis. Apart from the counters, so answers never push them out. An answer
        # outlives its version only as garbage: it goes after ten minutes.
        "public_reads": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tracker-public-reads",
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": 500},
        },
    }
    if os.environ.get("REDIS_URL"):
        # Several deployments (or test runs) may share one Redis.
        prefix = os.environ.get("CACHE_KEY_PREFIX", "tracker")
        redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        caches["default"] = {**redis, "KEY_PREFIX": prefix}
        caches["public_reads"] = {**redis, "KEY_PREFIX": f"{prefix}:reads", "TIMEOUT": 600}
    return caches
