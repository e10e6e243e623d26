"""Django's database sessions, reading back only keys of the form Django writes."""

import string

from django.contrib.sessions.backends import db

SESSION_KEY_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)


class SessionStore(db.SessionStore):
    """A session cookie holding anything else (NUL, which PostgreSQL refuses even to compare,
    kilobytes of text) is no session: the request goes on as anonymous, without a query."""

    def _validate_session_key(self, key):
        return bool(key) and 8 <= len(key) <= 40 and set(key) <= SESSION_KEY_CHARACTERS
