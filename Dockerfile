# Production-like image: granian serving the tracker (scripts/serve), static files through WhiteNoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=tracker.settings.production \
    TRACKER_VAR_DIR=/var/lib/tracker \
    HOST=0.0.0.0 PORT=8000 GRANIAN_LOG_ACCESS_ENABLED=true

# pg_dump/pg_restore for `manage.py backup` and `restore`, of the compose file's server version
# (16): Debian's own postgresql-client is older, and pg_dump refuses a newer server. From
# PostgreSQL's Debian repository, set up by Debian's postgresql-common script.
ARG POSTGRES_CLIENT_VERSION=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-common ca-certificates \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-${POSTGRES_CLIENT_VERSION} \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system --home /var/lib/tracker tracker \
    && mkdir -p /var/lib/tracker/media /var/lib/tracker/backups \
    && SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0123456789 \
       python manage.py collectstatic --no-input \
    && chown -R tracker /var/lib/tracker
USER tracker
EXPOSE 8000
# WEB_WORKERS (default: the cores the container sees) and WEB_THREADS (2) size the server.
CMD ["sh", "-c", "python manage.py migrate --no-input && python manage.py load_seeds && exec scripts/serve"]
