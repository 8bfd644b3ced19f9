#!/usr/bin/env bash
# The production start (make serve): the deployment checks, the migrations, the static
# files, then gunicorn, all with the production settings. Environment: see the README's
# configuration table (SECRET_KEY, DATABASE_URL, CRYONEURO_AUDIT_KEYS, ALLOWED_HOSTS...).
#   MIGRATE=1   apply pending migrations (after a backup) instead of refusing to start
#   PY=...      the Python to use (default .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE=cryoneuro.site.settings.prod
manage() { "$PY" -m cryoneuro.manage "$@"; }

manage check --deploy
if [ "${MIGRATE:-0}" = "1" ]; then
  manage migrate --noinput
elif ! manage migrate --check >/dev/null; then
  echo "serve: the database has unapplied migrations; back it up (manage backup), then run" \
       "'make serve MIGRATE=1'." >&2
  exit 1
fi
manage collectstatic --noinput -v 0
exec "$PY" -m gunicorn -c python:cryoneuro.site.gunicorn_conf
