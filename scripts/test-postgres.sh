#!/usr/bin/env bash
# Run the test suite on a throwaway PostgreSQL cluster, made and removed here.
# Without PostgreSQL's server binaries the run is skipped — except on CI (CI=true), where
# a missing server is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

find_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
}

BINDIR=$(find_bindir || true)
if [ -z "${BINDIR}" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ОШИБКА: PostgreSQL не найден, а на CI прогон на PostgreSQL обязателен." >&2
    exit 1
  fi
  echo "PostgreSQL не найден — прогон на PostgreSQL пропущен (apt-get install postgresql)."
  exit 0
fi

WORK=$(mktemp -d -t opora-pg-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# PostgreSQL refuses to run as root: the cluster then belongs to the postgres system user.
AS=()
if [ "$(id -u)" = "0" ]; then
  chown postgres "$WORK"
  AS=(runuser -u postgres --)
fi

cleanup() {
  "${AS[@]}" "$BINDIR/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"${AS[@]}" "$BINDIR/initdb" -D "$WORK/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$BINDIR/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
  start >/dev/null

echo "Прогон тестов на PostgreSQL ($("$BINDIR/postgres" --version), порт $PORT)"
set +e
DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/opora" .venv/bin/pytest "$@"
status=$?
set -e
exit $status
