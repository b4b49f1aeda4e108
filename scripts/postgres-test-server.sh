#!/usr/bin/env bash
# A throwaway PostgreSQL for the live tests of scalability-advisor-postgres, on a loopback
# port, with pg_stat_statements loaded and I/O timing on. Installs Debian's postgresql when
# no server is present.
#
#   scripts/postgres-test-server.sh start   # prints export lines for the tests
#   scripts/postgres-test-server.sh stop
#
# Port: $ADVISOR_PG_PORT (default 54329). Data: $ADVISOR_PG_DIR (default /tmp/advisor-pg).
# Databases: advisor_test (with pg_stat_statements) and advisor_plain (without). Roles:
# advisor (superuser, sets up the workload) and monitor (pg_monitor only, what the collector
# needs). A streaming replica of it listens on the next port (data in $ADVISOR_PG_DIR/replica).
set -euo pipefail
port=${ADVISOR_PG_PORT:-54329}
dir=${ADVISOR_PG_DIR:-/tmp/advisor-pg}

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  bin=$(find_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "installing Debian's postgresql" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(find_bin)
  fi
  for d in "$dir/replica" "$dir/data"; do
    if [ -f "$d/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U advisor --auth=trust -E UTF8 >/dev/null
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c track_io_timing=on -c fsync=off -c synchronous_commit=off" \
    start >/dev/null
  # track_wal_io_timing exists from PostgreSQL 14.
  psql=( "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U advisor )
  "${psql[@]}" -d postgres -c "ALTER SYSTEM SET track_wal_io_timing = on" >/dev/null 2>&1 || true
  "${psql[@]}" -d postgres -c "SELECT pg_reload_conf()" >/dev/null
  "${psql[@]}" -d postgres -c "CREATE DATABASE advisor_test" -c "CREATE DATABASE advisor_plain" \
    -c "CREATE ROLE monitor LOGIN IN ROLE pg_monitor"
  "${psql[@]}" -d advisor_test -c "CREATE EXTENSION pg_stat_statements"
  # A streaming replica on the next port, reporting its position every second, so a test can
  # pause its replay and read the lag the primary sees.
  # A fast checkpoint: the default spread one makes the backup wait minutes for it.
  as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U advisor -D "$dir/replica" -R -X stream \
    --checkpoint=fast
  as_owner "$bin/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w \
    -o "-p $((port + 1)) -k $dir -c listen_addresses=127.0.0.1 -c wal_receiver_status_interval=1s" \
    start >/dev/null
  echo "export ADVISOR_PG_ADMIN='host=127.0.0.1 port=$port user=advisor dbname=advisor_test'"
  echo "export ADVISOR_PG_MONITOR='host=127.0.0.1 port=$port user=monitor dbname=advisor_test'"
  echo "export ADVISOR_PG_PLAIN='host=127.0.0.1 port=$port user=monitor dbname=advisor_plain'"
  echo "export ADVISOR_PG_REPLICA='host=127.0.0.1 port=$((port + 1)) user=advisor dbname=advisor_test'"
  echo "export ADVISOR_PGBENCH='$bin/pgbench'"
  ;;
stop)
  bin=$(find_bin)
  as_owner "$bin/pg_ctl" -D "$dir/replica" -m fast stop >/dev/null 2>&1 || true
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
