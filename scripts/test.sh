#!/usr/bin/env bash
# The test suite on SQLite, then on PostgreSQL when one answers on 127.0.0.1:5432.
# Prints `postgres: exercised` or `postgres: skipped (not reachable)`; exits non-zero
# when any run fails. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
PG_URL="${KEFU_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/kefu}"

# Tests never touch var/: settings, secret key and SQLite files live in a temp dir.
KEFU_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kefu-test.XXXXXX")"
export KEFU_DATA_DIR
trap 'rm -rf "$KEFU_DATA_DIR"' EXIT
unset DATABASE_URL

status=0
echo "== tests on SQLite"
"$PYTHON" -m pytest -n 2 "$@" || status=1

postgres_answers() {
    "$PYTHON" - "$PG_URL" <<'PY' 2>/dev/null
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg

url = urlsplit(sys.argv[1])
# The server's own database: the test database is created by the suite.
admin_url = urlunsplit(url._replace(scheme="postgresql", path="/postgres"))
psycopg.connect(admin_url, connect_timeout=3).close()
PY
}

if postgres_answers; then
    echo "== tests on PostgreSQL ($PG_URL)"
    if DATABASE_URL="$PG_URL" "$PYTHON" -m pytest -n 2 "$@"; then
        echo "postgres: exercised"
    else
        echo "postgres: exercised (FAILED)"
        status=1
    fi
else
    echo "postgres: skipped (not reachable)"
fi
exit $status
