#!/usr/bin/env bash
# Run the test suite on a throwaway PostgreSQL cluster, made and removed here.
#
# The server binaries are found with `pg_config --bindir`, else the newest
# /usr/lib/postgresql/*/bin (Debian's postgresql package), else `initdb` on PATH. Without
# them the run is skipped — except on CI (CI=true), where a missing server is an error.
# The cluster listens on a free port on 127.0.0.1 only, trusts local connections, and lives
# in a temporary folder that is deleted on exit. PostgreSQL refuses to run as root: as root,
# the cluster belongs to the `postgres` system user (created by Debian's package).
#
# Arguments are passed to pytest; the exit code is pytest's (5 means no tests were collected).
set -euo pipefail
cd "$(dirname "$0")/.."

find_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  done
  if command -v initdb >/dev/null 2>&1; then
    dir=$(dirname "$(readlink -f "$(command -v initdb)")")
    if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  fi
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ОШИБКА: PostgreSQL не найден (нет initdb и pg_ctl), а на CI прогон на PostgreSQL" \
      "обязателен. Установите: apt-get install postgresql" >&2
    exit 1
  fi
  echo "PostgreSQL не найден — прогон на PostgreSQL пропущен (apt-get install postgresql)."
  exit 0
fi

if [ ! -x .venv/bin/pytest ]; then
  echo "ОШИБКА: нет .venv/bin/pytest — сначала make install (или make test)." >&2
  exit 1
fi

AS=()
if [ "$(id -u)" = "0" ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "ОШИБКА: тесты запущены от root, а системного пользователя postgres нет;" \
      "PostgreSQL не работает от root. Установите пакет postgresql или запустите не от root." >&2
    exit 1
  fi
  AS=(runuser -u postgres --)
  # /tmp, not $TMPDIR: the postgres user must be able to reach the folder.
  WORK=$(mktemp -d /tmp/opora-pg-XXXXXX)
  chown postgres: "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/opora-pg-XXXXXX")
fi

# Server commands run from inside the cluster folder: the postgres user may not be allowed
# into the project folder.
pg() { (cd "$WORK" && "${AS[@]}" "$@"); }

cleanup() {
  if [ -f "$WORK/data/postmaster.pid" ]; then
    pg "$BINDIR/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

if ! pg "$BINDIR/initdb" -D "$WORK/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
  >"$WORK/initdb.log" 2>&1; then
  # Systems without the C.UTF-8 locale: plain C (sorting by code point, the same here).
  rm -rf "$WORK/data"
  if ! pg "$BINDIR/initdb" -D "$WORK/data" -A trust -U postgres -E UTF8 --locale=C \
    >"$WORK/initdb.log" 2>&1; then
    cat "$WORK/initdb.log" >&2
    echo "ОШИБКА: initdb не смог создать временный кластер PostgreSQL." >&2
    exit 1
  fi
fi

# Durability is pointless for a cluster deleted afterwards: fsync off makes the run faster.
if ! pg "$BINDIR/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 60 \
  -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null; then
  cat "$WORK/server.log" >&2 || true
  echo "ОШИБКА: временный сервер PostgreSQL не запустился." >&2
  exit 1
fi

echo "Временный кластер: $("$BINDIR/postgres" --version), 127.0.0.1:$PORT, $WORK"
set +e
DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/opora" DJANGO_SETTINGS_MODULE=config.settings_test \
  .venv/bin/pytest "$@"
status=$?
set -e
exit "$status"
