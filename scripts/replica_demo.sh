#!/usr/bin/env bash
# Shows reads going to a streaming replica and writes to the primary, on this machine:
# clones the local PostgreSQL cluster with pg_basebackup into /tmp, starts it as a hot
# standby on port 5433, runs scripts/replica_check.py against primary + replica, and stops
# and removes the replica again (also on failure).
#
#   DEMO_DATABASE=tracker_scale scripts/replica_demo.sh
#
# Needs: the local cluster on 127.0.0.1:5432 with trust auth, root (to act as the postgres
# OS user). If pg_hba.conf has no replication entry for 127.0.0.1, one is added (trust,
# loopback only) and the server reloaded: pg_basebackup needs it.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE="${DEMO_DATABASE:-tracker_scale}"
PRIMARY_PORT=5432
REPLICA_PORT="${REPLICA_PORT:-5433}"
REPLICA_DIR="$(mktemp -d /tmp/tracker-replica.XXXXXX)"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PYTHON="${PYTHON:-.venv/bin/python}"
HBA="$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW hba_file')"

as_postgres() { runuser -u postgres -- "$@"; }

stop_replica() {
    if [ -f "$REPLICA_DIR/postmaster.pid" ]; then
        echo "== stopping the replica (pid $(head -1 "$REPLICA_DIR/postmaster.pid"))"
        as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w -t 30 stop || true
    fi
    rm -rf "$REPLICA_DIR"
}
trap stop_replica EXIT

if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$HBA"; then
    echo "== allowing replication connections from 127.0.0.1 in $HBA"
    echo "host replication all 127.0.0.1/32 trust" >> "$HBA"
    psql -h 127.0.0.1 -U postgres -Atc "SELECT pg_reload_conf()" >/dev/null
fi

chown postgres: "$REPLICA_DIR"
chmod 700 "$REPLICA_DIR"
echo "== pg_basebackup of 127.0.0.1:$PRIMARY_PORT into $REPLICA_DIR"
timeout 600 runuser -u postgres -- "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres \
    -D "$REPLICA_DIR" --write-recovery-conf --wal-method=stream --checkpoint=fast
echo "== starting the replica on 127.0.0.1:$REPLICA_PORT"
# The copied configuration lives in /etc on Debian; a minimal one of its own is enough here.
cat > "$REPLICA_DIR/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $REPLICA_PORT
hot_standby = on
unix_socket_directories = '$REPLICA_DIR'
shared_buffers = 128MB
EOF
cat > "$REPLICA_DIR/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
chown postgres: "$REPLICA_DIR/postgresql.conf" "$REPLICA_DIR/pg_hba.conf"
as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/server.log" -w -t 60 start

echo "== the tracker against both"
DJANGO_SETTINGS_MODULE=tracker.settings.local \
DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/$DATABASE" \
DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:$REPLICA_PORT/$DATABASE" \
    timeout 300 "$PYTHON" scripts/replica_check.py
