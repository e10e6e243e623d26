"""Local development (manage.py, `make run` on loopback): debug on by default; without
SECRET_KEY, this installation's own key from var/secret_key (made on first use)."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool, installation_secret_key

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or installation_secret_key()
