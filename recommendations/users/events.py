"""Security events as structured log lines: one JSON object per line on the `tracker.security`
logger (docs/security.md, "Security events").

Each line has `time` (UTC, ISO 8601), `event` (a dotted name: `login.succeeded`,
`login.failed`, `login.locked_out`, `token.created`, `token.revoked`, `password.changed`,
`role.changed`, `permission.denied`), `user` and `user_id` when known, the
client `address` as trusted (users/addresses.py: forwarding headers only from our proxies), the
request's `method` and `path`, and the event's own fields. Never a password, a token's key or
its digest, a session key or a cookie: callers pass ids and names only, and `security_event`
drops any field whose name says it is a secret, whatever a future caller passes.
"""

import datetime
import json
import logging
from typing import Any

from .addresses import client_address

logger = logging.getLogger("tracker.security")

SECRET_WORDS = ("password", "key", "secret", "digest", "cookie", "session", "authorization")
SAFE_FIELDS = {"password_changed_by", "token_id", "token_name"}


def _secret(name: str) -> bool:
    return name not in SAFE_FIELDS and any(word in name.lower() for word in SECRET_WORDS)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def security_event(event: str, *, request=None, user=None, username: str | None = None, **fields: Any) -> None:
    record: dict[str, Any] = {
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
        "event": event,
    }
    if user is not None and getattr(user, "pk", None) is not None:
        record["user"] = user.get_username()
        record["user_id"] = user.pk
    elif username is not None:
        record["user"] = username
    if request is not None:
        record["address"] = client_address(request)
        record["method"] = request.method
        record["path"] = request.path
    for name, value in fields.items():
        if not _secret(name):
            record[name] = _plain(value)
    logger.info(json.dumps(record, ensure_ascii=False, sort_keys=False))
